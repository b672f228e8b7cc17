// HA restart throttling (issue 16): one row per HA restart of a VM, so every management server sharing the
// database counts the same restarts within `time.between.failures` (CloudStack keeps its HA work items in the
// database for the same reason). Rows older than the window are pruned when the VM is restarted again.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('vm_ha_restarts')
    .addColumn('vm_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('restarted', 'bigint', (c) => c.notNull())
    .addColumn('ms_id', 'varchar(40)')
    .execute();
  await db.schema.createIndex('vm_ha_restarts_vm').on('vm_ha_restarts').columns(['vm_id', 'restarted']).execute();
}
