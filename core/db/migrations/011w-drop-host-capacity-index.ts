// Migration 011b indexed every host's capacity columns (hosts_capacity) so that listCapacity could sum them without
// reading host rows. Since 011c listCapacity reads one kept row per cluster instead, and only fetchlatest=true still
// recounts from the hosts, a rare admin call that may read the host table. The index cost every deploy and every
// release: each reservation moves the host's entry in it (a key of 11 columns). At 10,000 hosts that was one WAL
// frame of the ~9 a deploy wrote (cost.ts --deploy-db on the 100,000-VM lab). (Named after issue 11's deploy target,
// and after 011b, which it undoes, so a fresh database creates the index before dropping it.)
import { MysqlAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // MySQL names an index's table when dropping it; SQLite rejects the clause.
  const drop = db.schema.dropIndex('hosts_capacity');
  await (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on('hosts') : drop).execute();
}
