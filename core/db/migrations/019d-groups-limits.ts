// Instance groups, affinity groups and resource limits (issue 19, items 4 and 5):
// - instance_groups: an account's named groups of VMs (unique name per account); a VM names its group by id
//   (vms.group_id) and keeps the name beside it (vms.group_name) so list pages need no join;
// - affinity_groups / affinity_group_vms: an account's host affinity and host anti-affinity groups and their VMs;
// - affinity_claims: one row per (group, slot) while a VM of the group is placed: the slot is the host for an
//   anti-affinity group (unique: two concurrent deploys cannot both claim one host, on any number of servers) and
//   'host' for an affinity group (one host for all). A claim whose VM is no longer on that host is stale and is
//   replaced (core/placement/claims.ts);
// - resource_limits: the max per account or domain and resource type (absent: the max.account.* / max.domain.*
//   setting); resource_counts: one row per owner and type, locked by every allocation that a limit bounds (the
//   usage itself is counted from the resources in that transaction, core/limits/enforce.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('instance_groups')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('instance_groups_name').on('instance_groups').columns(['account_id', 'name']).unique().execute();
  await db.schema.createIndex('instance_groups_domain').on('instance_groups').columns(['domain_id', 'name']).execute();
  await db.schema.alterTable('vms').addColumn('group_id', 'varchar(40)').execute();
  await db.schema.createIndex('vms_group').on('vms').columns(['group_id']).execute();

  await db.schema.createTable('affinity_groups')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('description', 'varchar(4096)')
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('affinity_groups_name').on('affinity_groups').columns(['account_id', 'name']).unique().execute();
  await db.schema.createIndex('affinity_groups_domain').on('affinity_groups').columns(['domain_id', 'name']).execute();
  await db.schema.createTable('affinity_group_vms')
    .addColumn('group_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('vm_id', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('affinity_group_vms_pk', ['group_id', 'vm_id'])
    .execute();
  await db.schema.createIndex('affinity_group_vms_vm').on('affinity_group_vms').columns(['vm_id']).execute();
  await db.schema.createTable('affinity_claims')
    .addColumn('group_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('slot', 'varchar(40)', (c) => c.notNull())
    .addColumn('host_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('vm_id', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('affinity_claims_pk', ['group_id', 'slot'])
    .execute();

  await db.schema.createTable('resource_limits')
    .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('resource_type', 'integer', (c) => c.notNull())
    .addColumn('max', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_limits_pk', ['owner_type', 'owner_id', 'resource_type'])
    .execute();
  await db.schema.createTable('resource_counts')
    .addColumn('owner_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('resource_type', 'integer', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_counts_pk', ['owner_type', 'owner_id', 'resource_type'])
    .execute();
}
