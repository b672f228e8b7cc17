// The Kysely dialect for MySQL/MariaDB: Kysely's own MySQL compiler, adapter and introspector, with a driver that
// sends the statements run outside transactions through the statement pipeline (mysql-pipeline.ts: many to a round
// trip, writes group-committed) and gives each transaction a connection of its own, taken from the pool only when
// its first statement goes out, with BEGIN sent in the same round trip as that statement (a transaction that runs
// nothing costs nothing). Statements that must not be batched (DDL, SET, GET_LOCK, locking reads...) bind a
// connection to the Kysely connection that ran them, so what follows on it (db.connection(), the migrator's lock)
// sees the same session.
import {
  MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler,
  type CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult, type TransactionSettings,
} from 'kysely';
import type { Pool, PoolConnection } from 'mysql2';
import { inline, queryOn, statementKind, StatementPipeline, toQueryResult } from './mysql-pipeline';
import type { DirectDialect, DirectExecutor } from './precompiled';
import { forgetPrepared, preparable, preparedTexts } from './mysql-prepared';

const isFatal = (e: unknown) => !!(e as { fatal?: boolean })?.fatal;
const ident = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** A deferred insert of a speculative transaction failed: the transaction is rolled back and run again strictly. */
class SpeculationFailed extends Error {
  constructor(readonly reason: unknown) { super(`a deferred insert failed: ${String((reason as Error)?.message ?? reason)}`); }
}

// A plain INSERT ... VALUES: no result but its row count, which a success always equals.
const PLAIN_INSERT = /^\s*insert\s+into\b/i;
const NOT_PLAIN = /\b(on\s+duplicate\s+key|select|returning|last_insert_id)\b/i;
const rowCounts = new Map<string, number>();
function plainInsertRows(sql: string): number | null {
  let n = rowCounts.get(sql);
  if (n === undefined) {
    const values = sql.search(/\)\s*values\s*\(/i);
    n = PLAIN_INSERT.test(sql) && !NOT_PLAIN.test(sql) && values > 0 ? sql.slice(values).split(/\)\s*,\s*\(/).length : 0;
    if (rowCounts.size > 2000) rowCounts.clear();
    rowCounts.set(sql, n);
  }
  return n > 0 ? n : null;
}

class PipelinedConnection implements DatabaseConnection {
  private conn: PoolConnection | null = null;
  /** BEGIN (and the transaction's settings) waiting to go out with the transaction's first statement. */
  private opening: string | null = null;
  private inTransaction = false;
  private broken = false;
  /**
   * Speculative transaction (precompiled ones only): plain INSERTs are held back and sent with the next statement
   * or the COMMIT, so a transaction of inserts costs one round trip. If a held insert fails, the transaction is
   * rolled back and run again without holding any (SpeculationFailed), so code that handles an insert's error
   * (an address taken, a name taken) sees it where it happens.
   */
  private held: CompiledQuery[] | null = null;
  private failed: SpeculationFailed | null = null;
  /** Set once a held insert failed (kept after the rollback): the transaction must run again strictly. */
  speculationFailed: SpeculationFailed | null = null;

  constructor(private readonly driver: PipelinedMysqlDriver) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.conn && !this.inTransaction) {
      const kind = statementKind(q.sql);
      if (kind !== 'alone') return this.driver.pipeline.submit(kind, q) as Promise<QueryResult<R>>;
    }
    if (this.held && !this.failed) {
      const rows = plainInsertRows(q.sql);
      if (rows !== null) {
        this.held.push(q);
        return { rows: [], numAffectedRows: BigInt(rows) };
      }
    }
    return this.run(q) as Promise<QueryResult<R>>;
  }

  /** A statement's texts on this connection: its EXECUTE (after its PREPARE the first time), or its plain text. */
  private texts(conn: PoolConnection, q: CompiledQuery | string): string[] {
    if (typeof q === 'string') return [q];
    return (preparable(q) && preparedTexts(conn, q)) || [inline(q)];
  }

  /**
   * Runs SQL on this connection's own pool connection (taken now if it has none), after the BEGIN and the inserts
   * waiting to go out, all in one round trip.
   */
  private async run(q: CompiledQuery | string): Promise<QueryResult<unknown>> {
    if (this.failed) throw this.failed;
    const conn = this.conn ??= await this.driver.connect();
    const parts = this.opening === null ? [] : [this.opening];
    this.opening = null;
    const held = this.held?.splice(0) ?? [];
    for (const h of held) parts.push(...this.texts(conn, h));
    parts.push(...this.texts(conn, q));
    try {
      if (parts.length === 1) return toQueryResult(await queryOn(conn, parts[0]));
      const answers = await queryOn(conn, parts.join(';\n')) as unknown[];
      return toQueryResult(answers[answers.length - 1]);
    } catch (e) {
      forgetPrepared(conn);
      if (isFatal(e)) this.broken = true;
      if (held.length > 0 && !this.broken) throw (this.failed = this.speculationFailed = new SpeculationFailed(e));
      throw e;
    }
  }

  begin(settings: TransactionSettings, speculate = false): void {
    const parts: string[] = [];
    if (settings.isolationLevel) parts.push(`isolation level ${settings.isolationLevel}`);
    if (settings.accessMode) parts.push(settings.accessMode);
    this.opening = parts.length > 0 ? `set transaction ${parts.join(', ')};\nbegin` : 'begin';
    this.inTransaction = true;
    this.held = speculate ? [] : null;
    this.failed = null;
  }

  /** COMMIT (with the inserts still held) or ROLLBACK; nothing to send if the transaction never ran a statement. */
  async end(how: 'commit' | 'rollback'): Promise<void> {
    try {
      if (how === 'commit') {
        // A failed speculation never commits, even if the code in the transaction swallowed its error.
        if (this.failed) throw this.failed;
        if (this.opening === null || (this.held?.length ?? 0) > 0) await this.run('commit');
      } else {
        this.held = null;
        this.failed = null;
        if (this.opening === null && this.conn) await this.run('rollback');
      }
    } finally {
      this.opening = null;
      this.held = null;
      this.inTransaction = false;
    }
  }

  savepoint(text: string): Promise<unknown> { return this.run(text); }

  release(): void {
    const c = this.conn;
    this.conn = null;
    if (!c) return;
    if (this.broken || this.inTransaction) c.destroy(); else c.release();
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    this.conn ??= await this.driver.connect();
    for await (const row of this.conn.query(inline(q)).stream({ objectMode: true })) yield { rows: [row as R] };
  }
}

export class PipelinedMysqlDriver implements Driver {
  readonly pipeline: StatementPipeline;

  /** pool: the transactions' connections; batchPool: the pipeline's (so open transactions never starve it). */
  constructor(private readonly pool: Pool, private readonly batchPool: Pool, readers: number) {
    this.pipeline = new StatementPipeline(batchPool, { readers });
  }

  async init(): Promise<void> {}

  connect(): Promise<PoolConnection> {
    return new Promise((resolve, reject) => this.pool.getConnection((err, c) => (err ? reject(err) : resolve(c))));
  }

  async acquireConnection(): Promise<DatabaseConnection> { return new PipelinedConnection(this); }
  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> { (c as PipelinedConnection).begin(settings); }
  commitTransaction(c: DatabaseConnection): Promise<void> { return (c as PipelinedConnection).end('commit'); }
  rollbackTransaction(c: DatabaseConnection): Promise<void> { return (c as PipelinedConnection).end('rollback'); }
  async savepoint(c: DatabaseConnection, name: string): Promise<void> { await (c as PipelinedConnection).savepoint(`savepoint ${ident(name)}`); }
  async rollbackToSavepoint(c: DatabaseConnection, name: string): Promise<void> { await (c as PipelinedConnection).savepoint(`rollback to ${ident(name)}`); }
  async releaseSavepoint(c: DatabaseConnection, name: string): Promise<void> { await (c as PipelinedConnection).savepoint(`release savepoint ${ident(name)}`); }
  async releaseConnection(c: DatabaseConnection): Promise<void> { (c as PipelinedConnection).release(); }

  async destroy(): Promise<void> {
    await Promise.all([this.pool, this.batchPool].map((p) => new Promise<void>((resolve, reject) => p.end((e) => (e ? reject(e) : resolve())))));
  }

  private async transaction<T>(fn: (exec: DirectExecutor) => Promise<T>, speculate: boolean): Promise<T> {
    const c = new PipelinedConnection(this);
    c.begin({}, speculate);
    try {
      const out = await fn((q) => c.executeQuery(q));
      await c.end('commit');
      return out;
    } catch (e) {
      await c.end('rollback').catch(() => undefined);
      // Whatever the code in the transaction made of the failed speculation's error, the strict run decides.
      throw c.speculationFailed ?? e;
    } finally {
      c.release();
    }
  }

  /** The precompiled-query fast path (db/precompiled): straight to the pipeline, no Kysely connection bookkeeping. */
  direct(): DirectDialect {
    const execute: DirectExecutor = async (q) => {
      const kind = statementKind(q.sql);
      if (kind !== 'alone') return this.pipeline.submit(kind, q);
      const c = new PipelinedConnection(this);
      try { return await c.executeQuery(q); } finally { c.release(); }
    };
    return {
      execute,
      arrays: async (q) => (await execute(q)).rows.map((r) => Object.values(r as object)),
      transaction: async (fn) => {
        try {
          return await this.transaction(fn, true);
        } catch (e) {
          if (!(e instanceof SpeculationFailed)) throw e;
          return this.transaction(fn, false);
        }
      },
    };
  }
}

export class PipelinedMysqlDialect implements Dialect {
  readonly driver: PipelinedMysqlDriver;
  constructor(pool: Pool, batchPool: Pool, readers: number) { this.driver = new PipelinedMysqlDriver(pool, batchPool, readers); }
  createDriver(): Driver { return this.driver; }
  createQueryCompiler() { return new MysqlQueryCompiler(); }
  createAdapter() { return new MysqlAdapter(); }
  createIntrospector(db: Kysely<unknown>) { return new MysqlIntrospector(db); }
}
