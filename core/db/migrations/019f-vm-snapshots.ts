// VM snapshots and template launch permissions (issue 19, item 7):
// - vm_snapshots: a VM's point-in-time copies of all its disks (type Disk) or of its disks and memory
//   (DiskAndMemory), with CloudStack's states; `current` marks the one the VM last came from (taken or reverted to),
//   `parent_id` the one that was current when it was taken. QEMU keeps them inside the volumes' qcow2 files under
//   the snapshot's id (internal snapshots), so no path is recorded.
// - template_permissions: accounts a template is shared with (CloudStack's launch_permission).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('vm_snapshots')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('display_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'varchar(255)')
    .addColumn('vm_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('zone_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('state', 'varchar(32)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('current', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parent_id', 'varchar(40)')
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('removed', 'bigint')
    .execute();
  await db.schema.createIndex('vm_snapshots_vm').on('vm_snapshots').columns(['vm_id', 'removed']).execute();
  await db.schema.createIndex('vm_snapshots_domain').on('vm_snapshots').columns(['domain_id', 'created']).execute();

  await db.schema.createTable('template_permissions')
    .addColumn('template_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('template_permissions_pk', ['template_id', 'account_id'])
    .execute();
  await db.schema.createIndex('template_permissions_account').on('template_permissions').columns(['account_id']).execute();
}
