// Guest networking (issue 17): physical networks and their traffic types, network offerings, guest networks, VLANs
// taken from a physical network's range, IP ranges (shared networks, the zone's public range), public addresses,
// NICs and virtual routers. Uniqueness that concurrent deploys must respect is held by the database, not by code:
// an address once per network (nics_network_ip), a MAC once (nics_mac), a VLAN once per zone (guest_vlans' key), a
// public address once per zone (public_ips_zone_ip). Allocation inserts and retries on a conflict.
import type { Kysely, CreateTableBuilder } from 'kysely';

type T = CreateTableBuilder<string, never>;
const id = (t: T) => t.addColumn('id', 'varchar(40)', (c) => c.primaryKey());
const str = (t: T, col: string, notNull = true, len = 255) =>
  t.addColumn(col, `varchar(${len})`, (c) => (notNull ? c.notNull() : c));
const int = (t: T, col: string, notNull = true) => t.addColumn(col, 'integer', (c) => (notNull ? c.notNull() : c));
const big = (t: T, col: string, notNull = true) => t.addColumn(col, 'bigint', (c) => (notNull ? c.notNull() : c));
const created = (t: T) => big(big(t, 'created'), 'removed', false);
const ref = (t: T, col: string, notNull = true) => str(t, col, notNull, 40);

export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.createTable('physical_networks').$call(id).$call((t) => str(t, 'name')).$call((t) => ref(t, 'zone_id'))
    .$call((t) => str(t, 'state')).$call((t) => str(t, 'isolation_methods')).$call((t) => str(t, 'vlan', false, 1024))
    .$call((t) => str(t, 'tags')).$call((t) => str(t, 'broadcast_domain_range')).$call((t) => str(t, 'network_speed', false))
    .$call((t) => ref(t, 'domain_id', false)).$call(created).execute();
  await s.createIndex('physical_networks_zone').on('physical_networks').columns(['zone_id', 'removed']).execute();

  await s.createTable('physical_network_traffic_types').$call(id).$call((t) => ref(t, 'physical_network_id'))
    .$call((t) => str(t, 'traffic_type')).$call((t) => str(t, 'kvm_label', false)).$call((t) => str(t, 'vlan', false))
    .$call((t) => big(t, 'created')).execute();
  await s.createIndex('traffic_types_network').on('physical_network_traffic_types')
    .columns(['physical_network_id', 'traffic_type']).unique().execute();

  await s.createTable('network_offerings').$call(id).$call((t) => str(t, 'name')).$call((t) => str(t, 'unique_name', false))
    .$call((t) => str(t, 'display_text', true, 1024)).$call((t) => str(t, 'guest_ip_type')).$call((t) => str(t, 'traffic_type'))
    .addColumn('services', 'text', (c) => c.notNull())
    .$call((t) => int(t, 'specify_vlan')).$call((t) => int(t, 'specify_ip_ranges')).$call((t) => int(t, 'conserve_mode'))
    .$call((t) => int(t, 'egress_default_policy')).$call((t) => int(t, 'is_persistent')).$call((t) => int(t, 'network_rate', false))
    .$call((t) => str(t, 'availability')).$call((t) => str(t, 'state')).$call((t) => int(t, 'is_default'))
    .$call((t) => str(t, 'tags', false)).$call((t) => int(t, 'for_vpc')).$call(created).execute();
  await s.createIndex('network_offerings_created').on('network_offerings').columns(['removed', 'created', 'id']).execute();

  await s.createTable('networks').$call(id).$call((t) => str(t, 'name')).$call((t) => str(t, 'display_text'))
    .$call((t) => ref(t, 'zone_id')).$call((t) => ref(t, 'physical_network_id', false)).$call((t) => ref(t, 'network_offering_id'))
    .$call((t) => str(t, 'guest_type')).$call((t) => str(t, 'traffic_type')).$call((t) => str(t, 'state'))
    .$call((t) => str(t, 'cidr', false)).$call((t) => str(t, 'gateway', false)).$call((t) => str(t, 'netmask', false))
    .$call((t) => str(t, 'vlan', false)).$call((t) => ref(t, 'account_id', false)).$call((t) => ref(t, 'domain_id'))
    .$call((t) => str(t, 'acl_type')).$call((t) => int(t, 'subdomain_access')).$call((t) => str(t, 'network_domain', false))
    .$call((t) => str(t, 'dns1', false)).$call((t) => str(t, 'dns2', false)).$call((t) => int(t, 'display_network'))
    .$call((t) => int(t, 'restart_required')).$call((t) => str(t, 'source_nat_ip', false)).$call(created).execute();
  // List pages: every filter leads, the page order (created, id) ends, as the VM indexes of migration 002.
  for (const [name, lead] of [['networks_created', []], ['networks_account', ['account_id']], ['networks_zone', ['zone_id']],
    ['networks_domain', ['domain_id']], ['networks_type', ['guest_type']]] as const) {
    await s.createIndex(name).on('networks').columns([...lead, 'removed', 'created', 'id']).execute();
  }

  // One row per VLAN in use in a zone: the key is what keeps two networks off one VLAN.
  await s.createTable('guest_vlans').$call((t) => ref(t, 'zone_id')).$call((t) => int(t, 'vlan'))
    .$call((t) => ref(t, 'physical_network_id')).$call((t) => ref(t, 'network_id')).$call((t) => big(t, 'created'))
    .addPrimaryKeyConstraint('guest_vlans_pk', ['zone_id', 'vlan']).execute();
  await s.createIndex('guest_vlans_network').on('guest_vlans').columns(['network_id']).execute();

  await s.createTable('vlan_ip_ranges').$call(id).$call((t) => ref(t, 'zone_id')).$call((t) => ref(t, 'physical_network_id', false))
    .$call((t) => ref(t, 'network_id', false)).$call((t) => ref(t, 'pod_id', false)).$call((t) => str(t, 'vlan'))
    .$call((t) => str(t, 'gateway')).$call((t) => str(t, 'netmask')).$call((t) => str(t, 'start_ip')).$call((t) => str(t, 'end_ip'))
    .$call((t) => int(t, 'for_virtual_network')).$call((t) => ref(t, 'account_id', false)).$call((t) => ref(t, 'domain_id', false))
    .$call((t) => big(t, 'created')).execute();
  await s.createIndex('vlan_ip_ranges_zone').on('vlan_ip_ranges').columns(['zone_id', 'created', 'id']).execute();
  await s.createIndex('vlan_ip_ranges_network').on('vlan_ip_ranges').columns(['network_id']).execute();

  // Public addresses in use (a network's source NAT address); free ones are those of the ranges without a row.
  await s.createTable('public_ips').$call(id).$call((t) => ref(t, 'zone_id')).$call((t) => ref(t, 'vlan_range_id'))
    .$call((t) => str(t, 'ip_address')).$call((t) => ref(t, 'network_id', false)).$call((t) => int(t, 'is_source_nat'))
    .$call((t) => ref(t, 'account_id', false)).$call((t) => ref(t, 'domain_id', false)).$call((t) => big(t, 'created')).execute();
  await s.createIndex('public_ips_zone_ip').on('public_ips').columns(['zone_id', 'ip_address']).unique().execute();
  await s.createIndex('public_ips_network').on('public_ips').columns(['network_id']).execute();

  await s.createTable('nics').$call(id).$call((t) => ref(t, 'vm_id')).$call((t) => ref(t, 'network_id'))
    .$call((t) => str(t, 'ip_address', false, 64)).$call((t) => str(t, 'mac_address', true, 32)).$call((t) => int(t, 'device_id'))
    .$call((t) => int(t, 'is_default')).$call((t) => str(t, 'gateway', false, 64)).$call((t) => str(t, 'netmask', false, 64))
    .$call((t) => str(t, 'broadcast_uri', false)).$call((t) => str(t, 'state', true, 32)).$call((t) => big(t, 'created')).execute();
  // NULL addresses (L2 networks) never collide in a unique index, on SQLite and MySQL alike.
  await s.createIndex('nics_network_ip').on('nics').columns(['network_id', 'ip_address']).unique().execute();
  await s.createIndex('nics_mac').on('nics').columns(['mac_address']).unique().execute();
  await s.createIndex('nics_vm').on('nics').columns(['vm_id', 'device_id']).execute();

  await s.createTable('routers').$call(id).$call((t) => str(t, 'name')).$call((t) => ref(t, 'network_id'))
    .$call((t) => ref(t, 'zone_id')).$call((t) => ref(t, 'host_id', false)).$call((t) => str(t, 'state'))
    .$call((t) => str(t, 'guest_ip', false)).$call((t) => str(t, 'public_ip', false)).$call((t) => str(t, 'mac_address', false, 32))
    .$call((t) => ref(t, 'account_id', false)).$call((t) => ref(t, 'domain_id')).$call((t) => big(t, 'updated')).$call(created).execute();
  await s.createIndex('routers_network').on('routers').columns(['network_id', 'removed']).execute();
  await s.createIndex('routers_created').on('routers').columns(['removed', 'created', 'id']).execute();
}
