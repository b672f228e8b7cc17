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
import { createCheckpointer, type Checkpointer } from './wal-checkpointer';

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
/** Cache key prefix of the raw-mode (rows as arrays) copy of a statement. */
const RAW_KEY = '\u0000raw:';
/** How long a write waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_WAIT_MS = 10_000;

/** Why an operation cannot run now: another caller's transaction is open / another process holds the lock. */
const BLOCKED = Symbol('blocked');
const BUSY = Symbol('busy');

/** An operation queued until it may run; `act` runs synchronously at that moment (see turn()). */
interface Waiter {
  conn: Connection;
  write: boolean;
  act: (group: Deferred | null) => unknown;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  deadline: number;
}

const busyError = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

class GroupCommitEngine {
  private readonly cache = new Map<string, Prepared>();
  /** Transaction-control statements (BEGIN, COMMIT, SAVEPOINT...), prepared once. */
  private readonly control = new Map<string, Database.Statement>();
  private group: Deferred | null = null;
  private commitScheduled = false;
  private txOwner: Connection | null = null;
  /** Operations waiting for their turn, first come first served; `head` is the next one (no O(n) shift). */
  private waiting: Waiter[] = [];
  private head = 0;
  private draining = false;
  private retryScheduled = false;

  constructor(readonly sqlite: Database.Database, private readonly checkpointer: Checkpointer | null) {}

  private prepare(key: string, sql = key): Prepared {
    let p = this.cache.get(key);
    if (!p) {
      const stmt = this.sqlite.prepare(sql);
      if (key !== sql && stmt.reader) stmt.raw(true);
      p = { stmt, write: !stmt.reader || WRITE_SQL.test(sql), returnsRows: stmt.reader };
      if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, p);
    }
    return p;
  }

  private exec(sql: string): void {
    let s = this.control.get(sql);
    if (!s) this.control.set(sql, (s = this.sqlite.prepare(sql)));
    s.run();
  }

  /** True when another caller's transaction is open: its statements must not interleave with ours. */
  private blocked(conn: Connection): boolean { return this.txOwner !== null && this.txOwner !== conn; }

  /**
   * Synchronously: may `conn` act now? A read may unless another caller's transaction is open (null); a write
   * gets the open group (opening one, which takes the write lock, if needed).
   */
  private admit(conn: Connection, write: boolean): Deferred | null | typeof BLOCKED | typeof BUSY {
    if (this.blocked(conn)) return BLOCKED;
    if (!write) return null;
    if (!this.group) {
      try {
        // IMMEDIATE takes the write lock now: if another process holds it we learn so before anything is queued
        // in the group, and wait asynchronously (busy_timeout is 0 so SQLite never blocks the loop).
        this.exec('BEGIN IMMEDIATE');
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_BUSY') return BUSY;
        throw e;
      }
      this.group = deferred();
    }
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.commit());
    }
    return this.group;
  }

  /**
   * Runs `act` as soon as `conn` may, without blocking the event loop while it waits. `act` runs synchronously
   * right after the check that allowed it (an await in between would let another caller open a transaction
   * first). Waiting operations are queued and run in order by drain() when what blocked them ends, so a
   * transaction's end costs one pass over the queue, not a wake-up of every waiter.
   */
  private turn<T>(conn: Connection, write: boolean, act: (group: Deferred | null) => T | Promise<T>): Promise<T> {
    const g = this.admit(conn, write);
    if (g !== BLOCKED && g !== BUSY) {
      try {
        return Promise.resolve(act(g));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ conn, write, act, resolve: resolve as (v: unknown) => void, reject, deadline: Date.now() + BUSY_WAIT_MS });
      if (g === BUSY) this.retrySoon();
    });
  }

  /** Runs queued operations in order until one has to wait again. */
  private drain(): void {
    if (this.draining) return; // a statement failing inside act() calls back here; the outer loop goes on
    this.draining = true;
    try {
      while (this.head < this.waiting.length) {
        const w = this.waiting[this.head];
        let g: ReturnType<GroupCommitEngine['admit']>;
        try {
          g = this.admit(w.conn, w.write);
        } catch (e) {
          this.head++;
          w.reject(e);
          continue;
        }
        if (g === BLOCKED) break;
        if (g === BUSY) {
          if (Date.now() <= w.deadline) { this.retrySoon(); break; }
          this.head++;
          w.reject(busyError());
          continue;
        }
        this.head++;
        try {
          w.resolve(w.act(g));
        } catch (e) {
          w.reject(e);
        }
      }
    } finally {
      this.draining = false;
      if (this.head === this.waiting.length) { this.waiting = []; this.head = 0; }
      else if (this.head > 1024) { this.waiting = this.waiting.slice(this.head); this.head = 0; }
    }
  }

  /** Another process holds the write lock: look again shortly. */
  private retrySoon(): void {
    if (this.retryScheduled) return;
    this.retryScheduled = true;
    setTimeout(() => { this.retryScheduled = false; this.drain(); }, 2);
  }

  /** Commits the open group unless an explicit transaction is still inside it (its end commits then). */
  commit(): void {
    this.commitScheduled = false;
    const g = this.group;
    if (!g || this.txOwner) return;
    this.group = null;
    try {
      if (this.sqlite.inTransaction) this.exec('COMMIT');
      g.resolve();
      this.checkpointer?.committed();
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_BUSY') {
        // A reader of another process holds up the WAL: keep the group and try again shortly.
        this.group = g;
        this.commitScheduled = true;
        setTimeout(() => this.commit(), 2);
        return;
      }
      if (this.sqlite.inTransaction) this.exec('ROLLBACK');
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
      this.drain();
    }
  }

  private runStatement<R>(p: Prepared, params: unknown[], sql: string): QueryResult<R> {
    try {
      if (p.returnsRows) return { rows: p.stmt.all(params) as R[] };
      const info = p.stmt.run(params);
      return { rows: [], numAffectedRows: BigInt(info.changes), insertId: BigInt(info.lastInsertRowid) };
    } catch (e) {
      if (process.env.STRATA_DEBUG_SQL) console.error('SQL failed', sql, e);
      this.checkGroupAlive(e);
      throw e;
    }
  }

  execute<R>(conn: Connection, q: CompiledQuery): Promise<QueryResult<R>> {
    let p: Prepared;
    try {
      p = this.prepare(q.sql);
    } catch (e) {
      return Promise.reject(e);
    }
    const params = q.parameters as unknown[];
    if (!p.write) return this.turn(conn, false, () => ({ rows: p.stmt.all(params) as R[] }));
    return this.turn(conn, true, (group) => {
      const result = this.runStatement<R>(p, params, q.sql);
      // Inside an explicit transaction durability is awaited once, at its commit; otherwise at the group's.
      return this.txOwner === conn ? result : group!.promise.then(() => result);
    });
  }

  /**
   * A read whose rows come back as arrays of column values, in the order of the select list. better-sqlite3
   * builds an object per row property by property, which costs more than SQLite's reading of the row for wide
   * pages (500 VMs); callers that map rows themselves take arrays. The statement is a separate prepared copy in
   * raw mode, so the object form of the same SQL is unaffected.
   */
  executeArrays(conn: Connection, q: CompiledQuery): Promise<unknown[][]> {
    let p: Prepared;
    try {
      p = this.prepare(`${RAW_KEY}${q.sql}`, q.sql);
    } catch (e) {
      return Promise.reject(e);
    }
    if (!p.returnsRows || p.write) return Promise.reject(new Error(`not a read: ${q.sql}`));
    return this.turn(conn, false, () => p.stmt.all(q.parameters as unknown[]) as unknown[][]);
  }

  begin(conn: Connection): Promise<void> {
    return this.turn(conn, true, () => {
      this.exec('SAVEPOINT strata_tx');
      this.txOwner = conn;
    });
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
        if (!ok) this.exec('ROLLBACK TO strata_tx');
        this.exec('RELEASE strata_tx');
      }
    } finally {
      this.txOwner = null;
      this.drain();
      if (!this.commitScheduled) { this.commitScheduled = true; setImmediate(() => this.commit()); }
    }
    if (ok && group) await group.promise;
  }

  async close(): Promise<void> {
    this.commit();
    await this.checkpointer?.close();
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
  readonly engine: GroupCommitEngine;
  constructor(sqlite: Database.Database, file: string | undefined) {
    this.engine = new GroupCommitEngine(sqlite, file ? createCheckpointer(sqlite, file) : null);
  }
  async init() {}
  // Each caller gets its own handle; the engine orders transactions between handles.
  async acquireConnection() { return new Connection(this.engine); }
  async beginTransaction(c: DatabaseConnection) { await this.engine.begin(c as Connection); }
  async commitTransaction(c: DatabaseConnection) { await this.engine.end(c as Connection, true); }
  async rollbackTransaction(c: DatabaseConnection) { await this.engine.end(c as Connection, false); }
  async releaseConnection() {}
  async destroy() { await this.engine.close(); }
}

export class GroupCommitSqliteDialect implements Dialect {
  /** With `opts.file` (the database file), WAL checkpoints run in a worker thread once the database is busy. */
  constructor(private readonly sqlite: Database.Database, private readonly opts: { file?: string } = {}) {}
  private driver: GroupCommitDriver | null = null;
  /** A handle for statements outside any transaction (such statements never need their own handle). */
  private outside: Connection | null = null;
  createDriver() { return (this.driver = new GroupCommitDriver(this.sqlite, this.opts.file)); }
  /**
   * Runs a compiled query outside any transaction straight on the engine, as Kysely would through a fresh
   * connection, without its per-query connection bookkeeping (see db/precompiled registerDirectExecutor).
   */
  executeOutsideTransaction<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.driver) return Promise.reject(new Error('the database is not open'));
    this.outside ??= new Connection(this.driver.engine);
    return this.driver.engine.execute<R>(this.outside, q);
  }

  /** A read outside any transaction, its rows as arrays of column values (see GroupCommitEngine.executeArrays). */
  arraysOutsideTransaction(q: CompiledQuery): Promise<unknown[][]> {
    if (!this.driver) return Promise.reject(new Error('the database is not open'));
    this.outside ??= new Connection(this.driver.engine);
    return this.driver.engine.executeArrays(this.outside, q);
  }

  /** A transaction on its own handle, with the same begin/commit/rollback steps Kysely's transaction() takes. */
  async transaction<T>(fn: (exec: (q: CompiledQuery) => Promise<QueryResult<unknown>>) => Promise<T>): Promise<T> {
    if (!this.driver) throw new Error('the database is not open');
    const engine = this.driver.engine;
    const conn = new Connection(engine);
    let begun = false;
    try {
      await engine.begin(conn);
      begun = true;
      const result = await fn((q) => engine.execute(conn, q));
      await engine.end(conn, true);
      return result;
    } catch (e) {
      if (begun) await engine.end(conn, false);
      throw e;
    }
  }
  createQueryCompiler() { return new SqliteQueryCompiler(); }
  createAdapter() { return new SqliteAdapter(); }
  createIntrospector(db: Kysely<any>) { return new SqliteIntrospector(db); }
}
