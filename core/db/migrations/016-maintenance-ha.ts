// Host maintenance and HA (issue 16). ha_config: the HA setting of a host, cluster or zone (CloudStack's
// ha_config), one row per resource that was configured, enabled or disabled. storage_pool_work: the VMs a primary
// storage maintenance stopped, so cancelStorageMaintenance starts exactly those again (CloudStack's table name).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('ha_config')
    .addColumn('resource_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('resource_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('provider', 'varchar(64)')
    .addColumn('updated', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('storage_pool_work')
    .addColumn('pool_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('vm_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('storage_pool_work_pk', ['pool_id', 'vm_id'])
    .execute();
}
