// Statement pipelining for MySQL/MariaDB: the statements run outside any transaction (most of a deploy's) are sent
// many to a round trip. Each round trip costs both processes far more than the small statements in it (a loaded
// 2-core machine: ~75 us of mariadbd CPU and ~100 us of Node CPU per statement sent alone, ~30 and ~10 us in batches
// of ten; core/bench/cost.ts --db mariadb), so with a thousand jobs in flight, the statements queued while a round
// trip is out go together in the next one, as one multi-statement COM_QUERY.
//
// - Reads (plain SELECTs) go on up to `readers` connections at once, each batch just the SELECTs in a row. A read
//   whose exact text (values included) is already queued and not yet sent is not queued again: both callers get
//   the one execution's rows (each its own copies). It runs after both asked, so it sees everything committed before
//   either did, as two executions in one round trip would; deploys of one template and offering into one zone for
//   one account, a thousand in flight, read their inputs once per round trip instead of once each.
// - Writes (INSERT, UPDATE, DELETE, REPLACE) go on one connection at a time, a batch of several wrapped in one
//   transaction: one InnoDB commit (one log flush where innodb_flush_log_at_trx_commit=1) for all of them, as the
//   SQLite group-commit driver shares one WAL commit. A caller's promise settles only after that COMMIT.
// - Anything else (DDL, SET, locking reads, session functions) is not batched: the caller runs it on a connection
//   of its own (mysql-dialect.ts).
// - A transaction of a deploy's plain INSERTs is not folded into a write batch: tried (s9maria), it put most of
//   mariadbd's write work on one connection and deployed 11% slower on a quiet machine (712 vs 802 VMs/s).
// Each statement keeps its own outcome: if one fails, the batch's transaction is rolled back and every statement of
// it runs again alone (autocommit), so the failing one gets its own error and
// the others their results (a failed statement did nothing, and nothing of a rolled-back batch was committed or
// reported). If the connection breaks
// mid-batch, the statements not yet answered get that error (their outcome is unknown, as for any statement in
// flight when a connection breaks).
import type { CompiledQuery, QueryResult } from 'kysely';
import type { Pool, PoolConnection } from 'mysql2';
import { format } from 'mysql2';
import { forgetPrepared, preparable, preparedTexts } from './mysql-prepared';

/** Which lane a statement takes: batched read, batched write, or its own connection (not batched). */
export type StatementKind = 'read' | 'write' | 'alone';

const READ = /^\s*(select|with)\b/i;
const WRITE = /^\s*(insert|update|delete|replace)\b/i;
// Reads that take locks or touch session state must stay on one connection with whatever follows them.
const SESSION = /\b(for\s+update|for\s+share|lock\s+in\s+share\s+mode|get_lock|release_lock|is_used_lock|last_insert_id|found_rows|row_count|@)/i;

export function statementKind(sql: string): StatementKind {
  if (READ.test(sql)) return SESSION.test(sql) ? 'alone' : 'read';
  if (WRITE.test(sql)) return /\b(last_insert_id|@)/i.test(sql) ? 'alone' : 'write';
  return 'alone';
}

/** The text mysql2 itself would send for the query (its own escaping, its connection defaults). */
export const inline = (q: CompiledQuery): string =>
  q.parameters.length === 0 ? q.sql : format(q.sql, q.parameters as Parameters<typeof format>[1], false, 'local');

/** What mysql2 answers for one statement: rows, or the OK packet of a write. */
type RawResult = unknown;

/** A mysql2 answer as Kysely's QueryResult (as Kysely's own MySQL driver converts it). */
export function toQueryResult(r: RawResult): QueryResult<unknown> {
  if (Array.isArray(r)) return { rows: r };
  if (r && typeof r === 'object' && 'affectedRows' in r) {
    const ok = r as { insertId?: number | bigint | null; affectedRows?: number | null; changedRows?: number | null };
    return {
      insertId: ok.insertId !== undefined && ok.insertId !== null && ok.insertId.toString() !== '0' ? BigInt(ok.insertId) : undefined,
      numAffectedRows: ok.affectedRows !== undefined && ok.affectedRows !== null ? BigInt(ok.affectedRows) : undefined,
      numChangedRows: ok.changedRows !== undefined && ok.changedRows !== null ? BigInt(ok.changedRows) : undefined,
      rows: [],
    };
  }
  return { rows: [] };
}

/** A queued statement. A write that goes prepared has its plain text (`text`) built only if it must run alone. */
interface Pending { q: CompiledQuery; text: string | null; chars: number; resolve(r: QueryResult<unknown>): void; reject(e: unknown): void }

const textOf = (p: Pending): string => (p.text ??= inline(p.q));

/** At most the characters of a statement's text (values escaped double their length at most). */
function charsAtMost(q: CompiledQuery): number {
  let n = q.sql.length;
  for (const v of q.parameters) n += typeof v === 'string' ? 2 * v.length + 2 : 48;
  return n;
}

/** Callers of one queued read: the first one's promise, and those that asked for the same text before it was sent. */
interface Sharers { resolve: ((r: QueryResult<unknown>) => void)[]; reject: ((e: unknown) => void)[] }

/** Each caller of a shared read gets rows of its own (callers may change the row objects they are given). */
const copyRows = (r: QueryResult<unknown>): QueryResult<unknown> =>
  ({ ...r, rows: r.rows.map((row) => (row && typeof row === 'object' ? { ...row } : row)) });

interface Lane { queue: Pending[]; head: number; inFlight: number; limit: number; scheduled: boolean; transactional: boolean }

export interface PipelineOptions {
  /** Read batches in flight at once (each on its own connection). */
  readers?: number;
  /** Most statements in one round trip. */
  maxStatements?: number;
  /** Most characters of SQL in one round trip: at 4 bytes a character still under max_allowed_packet (MariaDB's
   *  default 16 MiB, MySQL 5.7's 4 MiB); a longer statement goes alone, as it would unbatched. */
  maxChars?: number;
}

/** Runs one SQL text on a connection; resolves with mysql2's answer (an array of answers for several statements). */
export function queryOn(conn: PoolConnection, text: string): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    conn.query(text, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res)));
  });
}

const isFatal = (e: unknown) => !!(e as { fatal?: boolean })?.fatal;

export class StatementPipeline {
  private readonly reads: Lane;
  /** Reads queued and not yet sent, by text: a caller asking for the same text shares the execution. */
  private readonly unsent = new Map<string, Sharers>();
  private readonly writes: Lane;
  private readonly maxStatements: number;
  private readonly maxChars: number;

  constructor(private readonly pool: Pool, o: PipelineOptions = {}) {
    this.reads = { queue: [], head: 0, inFlight: 0, limit: o.readers ?? 3, scheduled: false, transactional: false };
    this.writes = { queue: [], head: 0, inFlight: 0, limit: 1, scheduled: false, transactional: true };
    this.maxStatements = o.maxStatements ?? 400;
    this.maxChars = o.maxChars ?? 1_000_000;
  }

  /** Queues a read or write run outside any transaction; resolves with its result once it is committed. */
  submit(kind: 'read' | 'write', q: CompiledQuery): Promise<QueryResult<unknown>> {
    const lane = kind === 'read' ? this.reads : this.writes;
    if (kind === 'write' && preparable(q)) {
      return new Promise((resolve, reject) => {
        lane.queue.push({ q, text: null, chars: charsAtMost(q), resolve, reject });
        this.schedule(lane);
      });
    }
    let text: string;
    try { text = inline(q); } catch (e) { return Promise.reject(e); }
    if (kind === 'read') {
      const queued = this.unsent.get(text);
      if (queued) return new Promise((resolve, reject) => { queued.resolve.push(resolve); queued.reject.push(reject); });
    }
    return new Promise((resolve, reject) => {
      if (kind !== 'read') lane.queue.push({ q, text, chars: text.length, resolve, reject });
      else {
        const sharers: Sharers = { resolve: [], reject: [] };
        this.unsent.set(text, sharers);
        lane.queue.push({ q, text, chars: text.length,
          resolve: (r) => { resolve(r); for (const f of sharers.resolve) f(copyRows(r)); },
          reject: (e) => { reject(e); for (const f of sharers.reject) f(e); } });
      }
      this.schedule(lane);
    });
  }

  /**
   * A round trip goes out at the end of this turn of the event loop (statements submitted in the same turn share
   * it) when the lane has a connection free; otherwise when one of its round trips comes back.
   */
  private schedule(lane: Lane): void {
    if (lane.scheduled || lane.inFlight >= lane.limit) return;
    lane.scheduled = true;
    setImmediate(() => { lane.scheduled = false; this.send(lane); });
  }

  private take(lane: Lane): Pending[] {
    const batch: Pending[] = [];
    let chars = 0;
    while (lane.head < lane.queue.length && batch.length < this.maxStatements) {
      const p = lane.queue[lane.head];
      if (batch.length > 0 && chars + p.chars > this.maxChars) break;
      batch.push(p);
      chars += p.chars + 1;
      lane.head++;
      if (lane === this.reads) this.unsent.delete(p.text!);
    }
    if (lane.head === lane.queue.length) { lane.queue = []; lane.head = 0; }
    return batch;
  }

  private send(lane: Lane): void {
    while (lane.inFlight < lane.limit && lane.head < lane.queue.length) {
      const batch = this.take(lane);
      lane.inFlight++;
      void this.run(lane, batch).finally(() => {
        lane.inFlight--;
        if (lane.head < lane.queue.length) this.send(lane);
      });
    }
  }

  private connection(): Promise<PoolConnection> {
    return new Promise((resolve, reject) => this.pool.getConnection((err, c) => (err ? reject(err) : resolve(c))));
  }

  private async run(lane: Lane, batch: Pending[]): Promise<void> {
    let conn: PoolConnection;
    try { conn = await this.connection(); } catch (e) { for (const p of batch) p.reject(e); return; }
    try {
      await this.runOn(conn, lane, batch);
      conn.release();
    } catch (e) {
      // Only a broken connection gets here (runOn settles every statement itself).
      conn.destroy();
      for (const p of batch) p.reject(e);
    }
  }

  private async runOn(conn: PoolConnection, lane: Lane, batch: Pending[]): Promise<void> {
    const wrap = lane.transactional && batch.length > 1;
    if (batch.length === 1 && !preparable(batch[0].q)) return this.runAlone(conn, batch[0]);
    // Each statement's answer is at its index in `parts` (a PREPARE before it answers too).
    const parts: string[] = wrap ? ['begin'] : [];
    const at: number[] = [];
    const sent: Pending[] = [];
    for (const p of batch) {
      try {
        parts.push(...(preparable(p.q) && preparedTexts(conn, p.q)) || [textOf(p)]);
      } catch (e) { // a value mysql2 cannot escape: this statement fails alone (and its slot was not prepared)
        forgetPrepared(conn);
        p.reject(e);
        continue;
      }
      sent.push(p);
      at.push(parts.length - 1);
    }
    if (sent.length === 0) return;
    batch = sent;
    if (wrap) parts.push('commit');
    let answers: RawResult;
    try {
      answers = await queryOn(conn, parts.join(';\n'));
    } catch (e) {
      forgetPrepared(conn);
      if (isFatal(e)) throw e;
      // One statement failed (the server ran none after it): undo the rest of the batch, then each alone as text.
      if (wrap) await queryOn(conn, 'rollback');
      for (const p of batch) await this.runAlone(conn, p);
      return;
    }
    const list = parts.length === 1 ? [answers] : answers as RawResult[];
    for (let i = 0; i < batch.length; i++) batch[i].resolve(toQueryResult(list[at[i]]));
  }

  /** One statement alone: an autocommit statement is its own transaction, and its error is its own. */
  private async runAlone(conn: PoolConnection, p: Pending): Promise<void> {
    try { p.resolve(toQueryResult(await queryOn(conn, textOf(p)))); } catch (e) { if (isFatal(e)) throw e; p.reject(e); }
  }
}
