// Job locks in the database, so that per-resource serialization holds across management servers: a job runs only
// while it holds a job_locks row for each of its keys. Rows are taken with one INSERT-or-ignore for every job
// ready at once; a job got its keys if every row now names it (a job that got only some gives them back at once,
// so no server ever holds part of a job's keys while waiting for the rest: no deadlock between servers).
// A held row names its job and server. It is dropped when the job ends; rows of a server found dead move with its
// jobs to the survivor that adopts them (ms-registry -> jobs.adopt); rows whose job has ended but were not dropped
// (the database failed at that moment) are swept by the next job that needs the key.
import type { Db } from '../db/connect';
import type { Clock } from '../kernel/services';

export interface LockRequest { id: string; keys: readonly string[] }

export interface DbLocks {
  /** Takes every key of each job or none; returns the ids of the jobs that hold all their keys now. */
  tryAcquire(jobs: LockRequest[]): Promise<Set<string>>;
  release(jobIds: string[]): Promise<void>;
  /** A dead server's rows become this server's, with its jobs. */
  adopt(deadMsId: string): Promise<void>;
}

/** MariaDB may pick one of two servers' concurrent INSERTs on the same keys as a deadlock victim: retry later. */
const isDeadlock = (e: unknown) => /deadlock|lock wait timeout/i.test(String((e as Error)?.message ?? e));

export function createDbLocks(db: Db, clock: Clock, msId: string): DbLocks {
  async function holders(keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < keys.length; i += 500) {
      for (const r of await db.selectFrom('job_locks').select(['lock_key', 'job_id']).where('lock_key', 'in', keys.slice(i, i + 500)).execute()) {
        out.set(r.lock_key, r.job_id);
      }
    }
    return out;
  }

  /** Drops rows held by jobs that have ended (or never were): a job that failed to release its keys. */
  async function sweep(jobIds: string[]): Promise<boolean> {
    if (jobIds.length === 0) return false;
    const live = new Set((await db.selectFrom('async_jobs').select('id').where('id', 'in', jobIds).where('status', '=', 0).execute()).map((r) => r.id));
    const stale = jobIds.filter((id) => !live.has(id));
    if (stale.length === 0) return false;
    await db.deleteFrom('job_locks').where('job_id', 'in', stale).execute();
    return true;
  }

  async function attempt(jobs: LockRequest[]): Promise<{ got: Set<string>; others: string[] }> {
    const now = clock.now();
    // Sorted, so two servers inserting overlapping keys take them in one order.
    const rows = jobs.flatMap((j) => j.keys.map((k) => ({ lock_key: k, job_id: j.id, ms_id: msId, acquired: now })))
      .sort((x, y) => (x.lock_key < y.lock_key ? -1 : x.lock_key > y.lock_key ? 1 : 0));
    try {
      for (let i = 0; i < rows.length; i += 500) await db.insertInto('job_locks').values(rows.slice(i, i + 500)).orIgnore().execute();
    } catch (e) {
      if (!isDeadlock(e)) throw e;
    }
    const held = await holders(rows.map((r) => r.lock_key));
    const got = new Set<string>();
    const partial: string[] = [];
    for (const j of jobs) {
      const n = j.keys.filter((k) => held.get(k) === j.id).length;
      if (n === j.keys.length) got.add(j.id); else if (n > 0) partial.push(j.id);
    }
    if (partial.length > 0) await db.deleteFrom('job_locks').where('job_id', 'in', partial).execute();
    const others = [...new Set([...held.values()].filter((id) => !jobs.some((j) => j.id === id)))];
    return { got, others };
  }

  return {
    async tryAcquire(jobs) {
      if (jobs.length === 0) return new Set();
      const first = await attempt(jobs);
      if (first.got.size === jobs.length || !(await sweep(first.others))) return first.got;
      const rest = await attempt(jobs.filter((j) => !first.got.has(j.id)));
      return new Set([...first.got, ...rest.got]);
    },
    async release(jobIds) {
      for (let i = 0; i < jobIds.length; i += 500) await db.deleteFrom('job_locks').where('job_id', 'in', jobIds.slice(i, i + 500)).execute();
    },
    async adopt(deadMsId) {
      await db.updateTable('job_locks').set({ ms_id: msId }).where('ms_id', '=', deadMsId).execute();
    },
  };
}
