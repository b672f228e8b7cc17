// The persistent async job manager. submit() writes one row and queues the job; jobs run concurrently up to
// config.jobWorkers, each holding all of its lock keys (jobs on one key run in submission order, see lock-queue),
// in this process and then in the database (db-locks), so that jobs of other management servers on the same
// resources wait too.
// Every state change is written before it is announced: `started` before execute() begins, the result before the
// job's locks are released and its waiters resolved. After a crash, start() requeues the jobs that never started
// and hands interrupted ones to their handler's recover() (or fails them with a clear text): none stays pending,
// none runs twice.
import type { Db } from '../db/connect';
import type { AsyncJobTable } from '../db/schema';
import type { Clock, CoreConfig, EventLog, JobManager, Logger, Services } from '../kernel/services';
import type { CommandDecl } from '../contract/command';
import type { AsyncHandler, AsyncPlan, CallContext, JobContext } from '../kernel/handler';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import { ApiError } from '../kernel/errors';
import { withBindings } from '../kernel/logger';
import { Fifo, LockQueue, type Lockable } from './lock-queue';
import { createDbLocks } from './db-locks';
import { adoptJobsOf, parseKeys } from './job-adopt';
import { createWriteBatch } from './write-batch';
import { allColumns, precompiled, precompiledInsert, precompiledInsertMany, precompiledTransaction, type QueryTarget } from '../db/precompiled';
import { failed, failureOutcome, parseStored, storedCaller, successOutcome, type JobOutcome, type StoredPayload } from './job-result';

export interface JobManagerDeps {
  db: Db; clock: Clock; config: CoreConfig; log: Logger; events: EventLog;
  newId: () => string; services: () => Services;
  /** Crash tests only: runs just before a job row is written (inside the transaction of a plan with rows). */
  beforeJobRow?: (command: string) => void;
}

type Bound = { decl: CommandDecl; handler: AsyncHandler<CommandDecl> };

interface Entry extends Lockable {
  id: string;
  command: string;
  accountId: string;
  instanceType: string | null;
  instanceId: string | null;
  ctx: CallContext;
  args: object;
  payload: unknown;
  /** 'recover' for a job a crash interrupted after it had started. */
  mode: 'execute' | 'recover';
  running: boolean;
  /** Dropped by stop() before it ran; its row stays pending for the next start(). */
  abandoned: boolean;
  progress: number;
  /** The job's logger, made on first use. */
  log?: Logger;
  /** Holds its keys' rows in job_locks (db-locks): given back when it ends or is dropped. */
  dbLocked: boolean;
  /** Resolved with the job's final status (1 succeeded, 2 failed; 0 if the outcome could not be recorded). */
  waiters: { resolve: (status: number) => void; reject: (e: Error) => void }[];
}

/** What a finished job's payload column holds. */
export const FINISHED_PAYLOAD = 'null';

// Written once per job: compiled once (db/precompiled). The stored payload (what a restart needs to resume the
// job, kilobytes for a deploy plan) is dropped with the outcome: a finished job is never resumed, and keeping it
// doubled the size of a job row.
const recordOutcome = precompiled((db, p: { id: string; status: number; code: number; result: string; completed: number }) =>
  db.updateTable('async_jobs').set({ status: p.status, result_code: p.code, result_type: 'object', result: p.result,
    completed: p.completed, payload: FINISHED_PAYLOAD }).where('id', '=', p.id));

const JOB_COLUMNS = allColumns<AsyncJobTable>()(['id', 'user_id', 'account_id', 'domain_id', 'command', 'params',
  'payload', 'status', 'proc_status', 'result_code', 'result_type', 'result', 'instance_type', 'instance_id', 'lock_keys',
  'created', 'started', 'completed', 'ms_id']);
const insertJobs = precompiledInsertMany('async_jobs', JOB_COLUMNS);
const insertJob = precompiledInsert('async_jobs');

/** How soon a job whose key another management server's job holds tries again. */
const DB_LOCK_RETRY_MS = 100;

export const INTERRUPTED_TEXT = 'Job interrupted by a management server restart before it finished; its outcome is unknown. ' +
  'Check the state of the resource and run the command again if needed.';

export function createJobManager(deps: JobManagerDeps): JobManager {
  const { db, clock, config, log, events } = deps;
  const workers = Math.max(1, config.jobWorkers || 1);
  let handlers = new Map<string, Bound>();
  const locks = new LockQueue<Entry>();
  // A job that holds its keys in this process then takes them in the database (other management servers' jobs on
  // the same resources): toAcquire -> (database) -> runnable, or blocked and tried again shortly.
  const dbLocks = createDbLocks(db, clock, config.msId);
  const runnable = new Fifo<Entry>();
  let toAcquire: Entry[] = [];
  let blocked: Entry[] = [];
  let acquiring = false;
  let retry: NodeJS.Timeout | undefined;
  const dbReleases = createWriteBatch<string>((ids) => dbLocks.release(ids));
  /** Jobs of this process that are queued or running; the source of truth for waitFor while they live. */
  const live = new Map<string, Entry>();
  const running = new Set<Promise<void>>();
  let active = 0;
  let accepting = false;
  let stopped = false;
  let seq = 0;

  // Group commits (see write-batch): one multi-row INSERT for the jobs submitted in one tick, one UPDATE for the
  // jobs started together, one transaction for the results recorded together.
  const inserts = createWriteBatch<AsyncJobTable>((rows) => insertJobs(db, rows), 200);
  const starts = createWriteBatch<string>(async (ids) => {
    await db.updateTable('async_jobs').set({ started: clock.now() }).where('id', 'in', ids).execute();
  });
  // The outcomes recorded together are independent writes sent at once: both drivers commit writes that arrive
  // together as one (SQLite's group commit, MySQL's write pipeline: one round trip, where a transaction of them
  // cost a round trip each), and a job whose row cannot be written fails alone.
  const outcomes = createWriteBatch<{ id: string; o: JobOutcome }>((items) =>
    Promise.allSettled(items.map((it) => outcomeUpdate(db, it.id, it.o))));

  function outcomeUpdate(q: QueryTarget, id: string, o: JobOutcome) {
    let out = o;
    let text: string;
    try {
      text = JSON.stringify(o.result);
    } catch (err) {
      out = failed(ErrorCode.InternalError, CsErrorCode.InternalError, `The job result could not be serialized: ${String(err)}`);
      text = JSON.stringify(out.result);
    }
    return recordOutcome.run(q, { id, status: out.status, code: out.code, result: text, completed: clock.now() });
  }

  function notify(e: Entry, status: number) {
    try {
      events.notify({ kind: 'job', jobId: e.id, status, progress: e.progress, command: e.command,
        instanceType: e.instanceType, instanceId: e.instanceId, accountId: e.accountId });
    } catch (err) {
      log.warn('async job: a subscriber failed', { error: String(err) });
    }
  }

  function newEntry(id: string, command: string, ctx: CallContext, args: object, payload: unknown,
    row: { instanceType: string | null; instanceId: string | null; keys: string[] }, mode: Entry['mode']): Entry {
    return { id, command, accountId: ctx.caller.accountId, instanceType: row.instanceType, instanceId: row.instanceId,
      ctx, args, payload, mode, running: false, abandoned: false, dbLocked: false, progress: 0, waiters: [],
      keys: [...new Set(row.keys)], waitingOn: 0, admitted: false, queued: false };
  }

  /**
   * Starts as many ready jobs as there are free workers. Synchronous, so it never overfills the workers. A job's
   * `started` time is committed before execute() begins: a crash after that point means "interrupted", not "never
   * ran", so recovery never runs a job twice.
   */
  function pump(): void {
    while (accepting && locks.ready.length > 0) {
      const e = locks.ready.shift()!;
      if (e.abandoned) continue;
      if (e.keys.length === 0) runnable.push(e); else toAcquire.push(e);
    }
    if (accepting) acquireInDb();
    while (accepting && active < workers && runnable.length > 0) {
      const e = runnable.shift()!;
      if (e.abandoned) continue;
      e.running = true;
      active++;
      const started = e.mode === 'execute' ? starts.add(e.id) : Promise.resolve();
      // If even `started` cannot be written, the job fails without running (finish() logs a broken database).
      const job = started.then(() => run(e), (err) => finish(e, failureOutcome(err)))
        .catch((err) => jobLog(e).error(`async job ${e.id}: job machinery failed`, { error: String(err) }))
        .finally(() => { active--; running.delete(job); pump(); });
      running.add(job);
    }
  }

  /** One round of taking the ready jobs' keys in the database; the jobs another server holds a key of wait. */
  function acquireInDb(): void {
    if (acquiring || toAcquire.length === 0) return;
    acquiring = true;
    const batch = toAcquire;
    toAcquire = [];
    dbLocks.tryAcquire(batch).then((got) => {
      for (const e of batch) {
        if (!got.has(e.id)) { blocked.push(e); continue; }
        e.dbLocked = true;
        if (e.abandoned) void giveBackDbLocks(e); else runnable.push(e);
      }
    }, (err: Error) => {
      log.warn('async jobs: taking their locks in the database failed; trying again', { error: err.message });
      blocked.push(...batch);
    }).finally(() => {
      acquiring = false;
      blocked = blocked.filter((e) => !e.abandoned);
      if (blocked.length > 0 && !retry && accepting) {
        retry = setTimeout(() => { retry = undefined; toAcquire.push(...blocked); blocked = []; pump(); }, DB_LOCK_RETRY_MS);
      }
      pump();
    });
  }

  async function giveBackDbLocks(e: Entry): Promise<void> {
    if (!e.dbLocked) return;
    e.dbLocked = false;
    // If the database fails now, the next job wanting a key sweeps the row (its job has ended by then).
    await dbReleases.add(e.id).catch((err: Error) => jobLog(e).warn(`async job ${e.id}: giving back its locks failed`, { error: err.message }));
  }

  async function run(e: Entry): Promise<void> {
    notify(e, 0);
    const bound = handlers.get(e.command);
    let outcome: JobOutcome;
    if (!bound) {
      outcome = failed(ErrorCode.InternalError, CsErrorCode.InternalError, `No handler for async command ${e.command}`);
    } else {
      const jctx = jobContext(e);
      jctx.svc.log.debug?.(`async job ${e.id} (${e.command}) ${e.mode === 'recover' ? 'recovering' : 'started'}`);
      try {
        const fn = e.mode === 'recover' ? bound.handler.recover! : bound.handler.execute;
        outcome = successOutcome(bound.decl, await fn.call(bound.handler, jctx, e.args as never, e.payload));
      } catch (err) {
        outcome = failureOutcome(err);
        if (!(err instanceof ApiError)) {
          jctx.svc.log.error(`async job ${e.id} (${e.command}) failed`, { error: String(err), stack: (err as Error)?.stack });
        }
      }
    }
    await finish(e, outcome);
  }

  /** The job's own logger: every line names the job and the request that submitted it. */
  function jobLog(e: Entry): Logger {
    return (e.log ??= withBindings(log, e.ctx.requestId ? { reqId: e.ctx.requestId, jobId: e.id } : { jobId: e.id }));
  }

  function jobContext(e: Entry): JobContext {
    // Handlers log through ctx.svc.log: give them the job's logger (the rest of svc is shared).
    const svc = { ...e.ctx.svc, log: jobLog(e) };
    return {
      svc, caller: e.ctx.caller, command: e.ctx.command, remote: e.ctx.remote, requestId: e.ctx.requestId, jobId: e.id,
      progress: async (percent: number) => {
        e.progress = Math.max(0, Math.min(100, Math.round(percent)));
        await db.updateTable('async_jobs').set({ proc_status: e.progress }).where('id', '=', e.id).execute();
        notify(e, 0);
      },
    };
  }

  async function finish(e: Entry, o: JobOutcome): Promise<void> {
    let status: number = o.status;
    try {
      await writeOutcome(e.id, o);
    } catch (err) {
      status = 0;
      // The row stays pending; the next start() reconciles it. Release anyway so later jobs are not blocked.
      jobLog(e).error(`async job ${e.id}: recording the result failed`, { error: String(err) });
    }
    jobLog(e).debug?.(`async job ${e.id} (${e.command}) ${status === 1 ? 'succeeded' : 'failed'}`, { status });
    // The database keys go first, the outcome being recorded: a job of another server that takes them next sees
    // what this one did.
    await giveBackDbLocks(e);
    live.delete(e.id);
    locks.release(e);
    for (const w of e.waiters) w.resolve(status);
    notify(e, o.status);
  }

  const writeOutcome = (id: string, o: JobOutcome) => outcomes.add({ id, o });

  /** The plan's rows and the job row in one transaction (not batched: the rows must not outlive a failed job insert). */
  async function insertWithRows(write: (tx: QueryTarget) => Promise<void>, row: AsyncJobTable): Promise<void> {
    await precompiledTransaction(db, async (tx) => {
      await write(tx);
      deps.beforeJobRow?.(row.command);
      await insertJob(tx, row);
    });
  }

  async function submit(ctx: CallContext, decl: CommandDecl, args: object, plan: AsyncPlan): Promise<string> {
    if (stopped) {
      throw new ApiError(ErrorCode.ServiceUnavailable,
        'The management server is shutting down and does not accept async jobs', CsErrorCode.ServerApi);
    }
    const id = plan.jobId ?? deps.newId();
    const instanceType = plan.instanceType ?? decl.instanceType ?? null;
    const e = newEntry(id, decl.name, ctx, args, plan.payload,
      { instanceType, instanceId: plan.instanceId ?? null, keys: plan.locks ?? [] }, 'execute');
    // Join the lock queues now, before the insert, so jobs on one key keep the order of the submit() calls.
    live.set(id, e);
    locks.enqueue(e);
    const c = ctx.caller;
    // (The caller's ids are the row's user_id, account_id and domain_id: parseStored puts them back.)
    const stored = { caller: storedCaller(c), payload: plan.payload ?? null, seq: ++seq, requestId: ctx.requestId };
    const row: AsyncJobTable = {
      id, user_id: c.userId, account_id: c.accountId, domain_id: c.domainId, command: decl.name,
      params: JSON.stringify(args ?? {}), payload: JSON.stringify(stored), status: 0, proc_status: 0, result_code: 0,
      result_type: '', result: null, instance_type: instanceType, instance_id: plan.instanceId ?? null,
      lock_keys: JSON.stringify(e.keys), created: clock.now(), started: null, completed: null, ms_id: config.msId,
    };
    try {
      if (plan.write) await insertWithRows(plan.write, row);
      else {
        deps.beforeJobRow?.(row.command);
        await inserts.add(row);
      }
    } catch (err) {
      live.delete(id);
      locks.release(e);
      throw err;
    }
    if (plan.committed) {
      await plan.committed().catch((err: Error) => log.warn('after-commit step of a job failed', { job: id, error: err.message }));
    }
    // stop() may have dropped the job while its row was being written: then the next start() runs it.
    if (!e.abandoned) locks.admit(e);
    pump();
    return id;
  }

  function waitFor(jobId: string): Promise<number> {
    const e = live.get(jobId);
    if (e) return new Promise((resolve, reject) => e.waiters.push({ resolve, reject }));
    return (async () => {
      // Not in this process: finished already, or owned by another management server sharing the database.
      for (;;) {
        const row = await db.selectFrom('async_jobs').select('status').where('id', '=', jobId).executeTakeFirst();
        if (!row) throw new Error(`Unknown async job ${jobId}`);
        if (row.status !== 0) return row.status;
        const again = live.get(jobId);
        if (again) return waitFor(jobId);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
  }

  async function start(): Promise<void> {
    if (accepting) return;
    stopped = false;
    const recovering = await reconcile();
    accepting = true;
    pump();
    await Promise.all(recovering);
  }

  /** Requeues never-started jobs and recovers or fails interrupted ones; returns the recoveries to wait for. */
  async function reconcile(): Promise<Promise<void>[]> {
    const rows = await db.selectFrom('async_jobs').selectAll().where('ms_id', '=', config.msId)
      .where('status', '=', 0).execute();
    const parsed: { row: AsyncJobTable; args: object; stored: StoredPayload }[] = [];
    for (const row of rows) {
      if (live.has(row.id)) continue; // submitted in this process before start()
      try {
        parsed.push({ row, ...parseStored(row.params, row.payload, row) });
      } catch (err) {
        await writeOutcome(row.id, failed(ErrorCode.InternalError, CsErrorCode.InternalError,
          `Job could not be resumed after a management server restart: ${String(err)}`));
      }
    }
    parsed.sort((a, b) => a.row.created - b.row.created || a.stored.seq - b.stored.seq);
    const svc = deps.services();
    const waits: Promise<void>[] = [];
    for (const { row, args, stored } of parsed) {
      const bound = handlers.get(row.command);
      const resumable = row.started === null || bound?.handler.recover;
      if (!resumable) {
        await writeOutcome(row.id, failed(ErrorCode.InternalError, CsErrorCode.InternalError, INTERRUPTED_TEXT));
        log.warn(`async job ${row.id} (${row.command}) failed: interrupted by a restart`,
          stored.requestId ? { reqId: stored.requestId, jobId: row.id } : { jobId: row.id });
        continue;
      }
      const ctx: CallContext = { svc, caller: stored.caller, command: row.command, requestId: stored.requestId };
      const mode = row.started === null ? 'execute' : 'recover';
      const e = newEntry(row.id, row.command, ctx, args, stored.payload, { instanceType: row.instance_type,
        instanceId: row.instance_id, keys: parseKeys(row.lock_keys) }, mode);
      live.set(e.id, e);
      locks.enqueue(e);
      locks.admit(e);
      if (mode === 'recover') waits.push(new Promise((resolve) => e.waiters.push({ resolve: () => resolve(), reject: () => resolve() })));
      jobLog(e).info(`async job ${row.id} (${row.command}) ${mode === 'recover' ? 'recovering' : 'requeued'} after restart`);
    }
    return waits;
  }

  async function stop(timeoutMs = 30_000): Promise<void> {
    stopped = true;
    accepting = false;
    // Jobs not started yet stay pending with no `started` time: the next start() runs them.
    for (const e of [...live.values()]) if (!e.running) abandon(e);
    locks.ready.drain();
    runnable.drain();
    clearTimeout(retry);
    retry = undefined;
    toAcquire = [];
    blocked = [];
    if (running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...running]),
      new Promise<void>((r) => { timer = setTimeout(r, timeoutMs); }),
    ]);
    clearTimeout(timer);
  }

  function abandon(e: Entry) {
    e.abandoned = true;
    void giveBackDbLocks(e);
    live.delete(e.id);
    locks.release(e);
    for (const w of e.waiters) w.reject(new Error(`Async job ${e.id} was not run: the job manager stopped`));
  }

  return {
    submit, waitFor, start, stop, adopt: (deadMsId) => adoptJobsOf(deadMsId, { db, config, dbLocks, accepting: () => accepting,
      reconcile: async () => { const waits = await reconcile(); pump(); return waits; } }),
    bind(h) { handlers = h; },
  };
}
