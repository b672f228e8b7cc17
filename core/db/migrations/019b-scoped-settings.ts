// Settings set for one zone, cluster, storage pool, account or domain (updateConfiguration zoneid= ...; issue 19).
// One row per (scope, resource, name); the global value stays in `configurations`. The settings CloudStack keeps
// on the resource itself (a cluster's overcommit ratios, a pool's overprovisioning factor) stay in those columns.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('scoped_configurations')
    .addColumn('scope', 'varchar(16)', (c) => c.notNull())
    .addColumn('scope_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'varchar(4096)', (c) => c.notNull())
    .addColumn('updated', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('scoped_configurations_pk', ['scope', 'scope_id', 'name'])
    .execute();
  await db.schema.createIndex('scoped_configurations_name').on('scoped_configurations').columns(['name']).execute();
}
