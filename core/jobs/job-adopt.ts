// Several management servers: taking over the unfinished jobs of a server that is Down (cluster/ms-registry), and
// reading a job row's lock keys back.
import type { Db } from '../db/connect';
import type { CoreConfig } from '../kernel/services';
import type { DbLocks } from './db-locks';

export function parseKeys(s: string): string[] {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return s ? s.split(',') : [];
  }
}

/**
 * Several management servers: the unfinished jobs of a server that is Down move to this one (one UPDATE, so two
 * survivors never both take a job) and are reconciled like this server's own after a restart.
 */
export async function adoptJobsOf(deadMsId: string, m: { db: Db; config: CoreConfig; dbLocks: DbLocks; accepting(): boolean;
  reconcile(): Promise<Promise<void>[]> }): Promise<number> {
  // The keys its jobs held stay held, now by this server, until the adopted jobs end here.
  await m.dbLocks.adopt(deadMsId);
  const r = await m.db.updateTable('async_jobs').set({ ms_id: m.config.msId }).where('ms_id', '=', deadMsId)
    .where('status', '=', 0).executeTakeFirst();
  const n = Number(r.numUpdatedRows);
  // Not started yet: start() reconciles everything with this server's id anyway.
  if (n > 0 && m.accepting()) await m.reconcile();
  return n;
}
