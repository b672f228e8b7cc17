// The virtual router as the tenant's edge (issue 18): public addresses acquired by a network (state, static NAT
// target), firewall / port forwarding / load balancer rules (one table, as CloudStack's firewall_rules, told apart
// by purpose), the VMs behind a load balancer rule and its policies. What must hold across management servers is
// held by keys: a public port of an address and protocol is claimed by one rule (edge_port_claims' key, one row
// per port), a VM is the static NAT target of one address (public_ips_static_vm), a rule has one policy of each kind.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const s = db.schema;
  await s.alterTable('public_ips').addColumn('state', 'varchar(32)', (c) => c.notNull().defaultTo('Allocated')).execute();
  await s.alterTable('public_ips').addColumn('vm_id', 'varchar(40)').execute();
  await s.alterTable('public_ips').addColumn('vm_ip', 'varchar(64)').execute();
  // NULL targets never collide in a unique index, on SQLite and MySQL alike.
  await s.createIndex('public_ips_static_vm').on('public_ips').columns(['vm_id']).unique().execute();

  await s.createTable('edge_rules')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
    .addColumn('traffic_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('network_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('ip_id', 'varchar(40)')
    .addColumn('protocol', 'varchar(16)', (c) => c.notNull())
    .addColumn('start_port', 'integer')
    .addColumn('end_port', 'integer')
    .addColumn('cidr_list', 'varchar(2048)')
    .addColumn('dest_cidr_list', 'varchar(2048)')
    .addColumn('icmp_type', 'integer')
    .addColumn('icmp_code', 'integer')
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('related_id', 'varchar(40)')
    .addColumn('vm_id', 'varchar(40)')
    .addColumn('vm_ip', 'varchar(64)')
    .addColumn('private_port', 'integer')
    .addColumn('private_end_port', 'integer')
    .addColumn('name', 'varchar(255)')
    .addColumn('description', 'varchar(4096)')
    .addColumn('algorithm', 'varchar(32)')
    .addColumn('account_id', 'varchar(40)')
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('edge_rules_network').on('edge_rules').columns(['network_id', 'purpose', 'created']).execute();
  await s.createIndex('edge_rules_ip').on('edge_rules').columns(['ip_id']).execute();
  await s.createIndex('edge_rules_related').on('edge_rules').columns(['related_id']).execute();

  await s.createTable('edge_port_claims')
    .addColumn('ip_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('protocol', 'varchar(16)', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('edge_port_claims_pk', ['ip_id', 'protocol', 'port'])
    .execute();
  await s.createIndex('edge_port_claims_rule').on('edge_port_claims').columns(['rule_id']).execute();

  await s.createTable('lb_members')
    .addColumn('rule_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('vm_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('vm_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('lb_members_pk', ['rule_id', 'vm_id'])
    .execute();
  await s.createIndex('lb_members_vm').on('lb_members').columns(['vm_id']).execute();

  await s.createTable('lb_policies')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('rule_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)')
    .addColumn('description', 'varchar(4096)')
    .addColumn('method', 'varchar(32)')
    .addColumn('params', 'varchar(4096)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await s.createIndex('lb_policies_rule_kind').on('lb_policies').columns(['rule_id', 'kind']).unique().execute();
}
