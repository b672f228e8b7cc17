// Resource monitoring, packets (issue 14): two more channels on the raw tier, a VM's network packets received and
// sent per second (in tenths). Sums only: no API field carries a packet maximum, and the
// rolled-up tiers need no change (a pack says how many sums its buckets hold; older packs hold eight).
// ADD COLUMN is a metadata change in SQLite and an instant one in MariaDB 10.3+ (a column at the end, nullable).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('metric_t0').addColumn('s8', 'bigint').execute();
  await db.schema.alterTable('metric_t0').addColumn('s9', 'bigint').execute();
}
