// A Kysely driver for better-sqlite3 built for many small concurrent writes (thousands of jobs at once).
//
// - Group commit: every write runs at once inside an open "group" transaction, and its promise settles only after
//   the COMMIT that follows at the end of the event-loop turn. Concurrent jobs' writes therefore share one WAL
//   commit instead of paying one each, and no caller ever sees a write as done before it is durable.
// - Explicit transactions (`db.transaction()`) become a SAVEPOINT inside the group; while one is open, statements
//   from other callers wait, so they never land inside someone else's transaction (or its rollback).
// - Prepared statements are cached by SQL text (Kysely's own SQLite driver prepares every query anew).
// A statement that fails is undone alone (SQLite's statement-level rollback); if SQLite aborts the whole group
// (I/O error, disk full), every write of that group is rejected with the error.
import type Database from 'better-sqlite3';
import {
  CompiledQuery, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult,
} from 'kysely';

/** A prepared statement and whether it writes (decided once per SQL text). */
interface Prepared { stmt: Database.Statement; write: boolean; returnsRows: boolean }
interface Deferred { promise: Promise<void>; resolve(): void; reject(e: unknown): void }

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {}); // settled by commit(); a caller that does not wait must not crash the process
  return { promise, resolve, reject };
}

const WRITE_SQL = /^\s*(insert|update|delete|replace|create|drop|alter|pragma)\b/i;
const STATEMENT_CACHE_SIZE = 1000;
/** How long a write waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_WAIT_MS = 10_000;

class GroupCommitEngine {
  private readonly cache = new Map<string, Prepared>();
  private group: Deferred | null = null;
  private commitScheduled = false;
  private txOwner: Connection | null = null;
  private txWaiters: (() => void)[] = [];

  constructor(readonly sqlite: Database.Database) {}

  private prepare(sql: string): Prepared {
    let p = this.cache.get(sql);
    if (!p) {
      const stmt = this.sqlite.prepare(sql);
      p = { stmt, write: !stmt.reader || WRITE_SQL.test(sql), returnsRows: stmt.reader };
      if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(sql, p);
    }
    return p;
  }

  /** True when another caller's transaction is open; callers loop on `await this.txEnded()` until false and
   *  then act synchronously, so nothing can slip in between the check and the statement. */
  private blocked(conn: Connection): boolean { return this.txOwner !== null && this.txOwner !== conn; }
  private txEnded(): Promise<void> { return new Promise<void>((r) => this.txWaiters.push(r)); }

  /**
   * Waits, without blocking the event loop, until `conn` may run a write: no other caller's transaction is open
   * and a group holds the write lock. Every check is repeated after each wait, so once this returns the caller
   * acts synchronously on a state that cannot have changed.
   */
  private async readyToWrite(conn: Connection): Promise<Deferred> {
    const deadline = Date.now() + BUSY_WAIT_MS;
    for (;;) {
      if (this.blocked(conn)) { await this.txEnded(); continue; }
      if (this.group) break;
      try {
        // IMMEDIATE takes the write lock now: if another process holds it we learn so before anything is queued
        // in the group, and wait asynchronously (busy_timeout is 0 so SQLite never blocks the loop).
        this.sqlite.prepare('BEGIN IMMEDIATE').run();
        this.group = deferred();
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.commit());
    }
    return this.group;
  }

  /** readyToWrite, re-checked after the await resumes (another caller may have run in between). */
  private async writeTurn(conn: Connection): Promise<Deferred> {
    for (;;) {
      const group = await this.readyToWrite(conn);
      if (!this.blocked(conn) && this.group === group) return group;
    }
  }

  /** Commits the open group unless an explicit transaction is still inside it (its end commits then). */
  commit(): void {
    this.commitScheduled = false;
    const g = this.group;
    if (!g || this.txOwner) return;
    this.group = null;
    try {
      if (this.sqlite.inTransaction) this.sqlite.prepare('COMMIT').run();
      g.resolve();
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') {
        // A reader of another process holds up the WAL: keep the group and try again shortly.
        this.group = g;
        this.commitScheduled = true;
        setTimeout(() => this.commit(), 2);
        return;
      }
      if (this.sqlite.inTransaction) this.sqlite.prepare('ROLLBACK').run();
      g.reject(e);
    }
  }

  /** After a failed statement: if SQLite rolled the whole group back, every write in it is lost. */
  private checkGroupAlive(err: unknown): void {
    if (this.group && !this.sqlite.inTransaction) {
      const g = this.group;
      this.group = null;
      this.txOwner = null;
      g.reject(err);
      this.wakeTxWaiters();
    }
  }

  private wakeTxWaiters() {
    const w = this.txWaiters;
    this.txWaiters = [];
    for (const r of w) r();
  }

  async execute<R>(conn: Connection, q: CompiledQuery): Promise<QueryResult<R>> {
    const { stmt, write, returnsRows } = this.prepare(q.sql);
    const params = q.parameters as unknown[];
    if (!write) {
      while (this.blocked(conn)) await this.txEnded();
      return { rows: stmt.all(params) as R[] };
    }
    const group = await this.writeTurn(conn);
    let result: QueryResult<R>;
    try {
      if (returnsRows) {
        result = { rows: stmt.all(params) as R[] };
      } else {
        const info = stmt.run(params);
        result = { rows: [], numAffectedRows: BigInt(info.changes), insertId: BigInt(info.lastInsertRowid) };
      }
    } catch (e) {
      if (process.env.STRATA_DEBUG_SQL) console.error('SQL failed', q.sql, e);
      this.checkGroupAlive(e);
      throw e;
    }
    // Inside an explicit transaction durability is awaited once, at its commit.
    if (this.txOwner !== conn) await group.promise;
    return result;
  }

  async begin(conn: Connection): Promise<void> {
    await this.writeTurn(conn);
    this.txOwner = conn;
    this.sqlite.prepare('SAVEPOINT strata_tx').run();
  }

  async end(conn: Connection, ok: boolean): Promise<void> {
    if (this.txOwner !== conn) {
      // The group died under the transaction (checkGroupAlive): its work is already rolled back.
      if (!ok) return;
      throw new Error('transaction lost: the database rolled back the whole group');
    }
    const group = this.group;
    try {
      if (this.sqlite.inTransaction) {
        if (!ok) this.sqlite.prepare('ROLLBACK TO strata_tx').run();
        this.sqlite.prepare('RELEASE strata_tx').run();
      }
    } finally {
      this.txOwner = null;
      this.wakeTxWaiters();
      if (!this.commitScheduled) { this.commitScheduled = true; setImmediate(() => this.commit()); }
    }
    if (ok && group) await group.promise;
  }

  close(): void {
    this.commit();
    this.sqlite.close();
  }
}

class Connection implements DatabaseConnection {
  constructor(private readonly engine: GroupCommitEngine) {}
  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> { return this.engine.execute<R>(this, q); }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> { throw new Error('streaming is not supported'); }
}

class GroupCommitDriver implements Driver {
  private readonly engine: GroupCommitEngine;
  constructor(sqlite: Database.Database) { this.engine = new GroupCommitEngine(sqlite); }
  async init() {}
  // Each caller gets its own handle; the engine orders transactions between handles.
  async acquireConnection() { return new Connection(this.engine); }
  async beginTransaction(c: DatabaseConnection) { await this.engine.begin(c as Connection); }
  async commitTransaction(c: DatabaseConnection) { await this.engine.end(c as Connection, true); }
  async rollbackTransaction(c: DatabaseConnection) { await this.engine.end(c as Connection, false); }
  async releaseConnection() {}
  async destroy() { this.engine.close(); }
}

export class GroupCommitSqliteDialect implements Dialect {
  constructor(private readonly sqlite: Database.Database) {}
  createDriver() { return new GroupCommitDriver(this.sqlite); }
  createQueryCompiler() { return new SqliteQueryCompiler(); }
  createAdapter() { return new SqliteAdapter(); }
  createIntrospector(db: Kysely<any>) { return new SqliteIntrospector(db); }
}
