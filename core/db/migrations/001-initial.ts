// The initial schema. Types are chosen to be portable between SQLite and MySQL/MariaDB.
import type { Kysely, CreateTableBuilder } from 'kysely';

type T = CreateTableBuilder<string, never>;
const id = (t: T) => t.addColumn('id', 'varchar(40)', (c) => c.primaryKey());
const ref = (t: T, col: string, table: string, notNull = true) =>
  t.addColumn(col, 'varchar(40)', (c) => { const r = c.references(`${table}.id`); return notNull ? r.notNull() : r; });
const str = (t: T, col: string, notNull = true, len = 255) =>
  t.addColumn(col, `varchar(${len})`, (c) => (notNull ? c.notNull() : c));
const text = (t: T, col: string, notNull = true) => t.addColumn(col, 'text', (c) => (notNull ? c.notNull() : c));
const int = (t: T, col: string, notNull = true) => t.addColumn(col, 'integer', (c) => (notNull ? c.notNull() : c));
const big = (t: T, col: string, notNull = true) => t.addColumn(col, 'bigint', (c) => (notNull ? c.notNull() : c));
const real = (t: T, col: string) => t.addColumn(col, 'double precision', (c) => c.notNull());
const created = (t: T) => big(big(t, 'created'), 'removed', false);

export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.createTable('domains').$call(id).$call((t) => str(t, 'name')).$call((t) => str(t, 'parent_id', false, 40))
    .$call((t) => str(t, 'path', true, 1024)).$call((t) => int(t, 'level')).$call((t) => str(t, 'state'))
    .$call((t) => str(t, 'network_domain', false)).$call(created).execute();
  await s.createTable('roles').$call(id).$call((t) => str(t, 'name')).$call((t) => str(t, 'type'))
    .$call((t) => text(t, 'description')).$call((t) => int(t, 'is_default')).$call((t) => int(t, 'is_public'))
    .$call((t) => str(t, 'state')).$call(created).execute();
  await s.createTable('role_permissions').$call(id).$call((t) => ref(t, 'role_id', 'roles'))
    .$call((t) => str(t, 'rule')).$call((t) => str(t, 'permission')).$call((t) => text(t, 'description'))
    .$call((t) => int(t, 'sort_order')).execute();
  await s.createTable('accounts').$call(id).$call((t) => str(t, 'name')).$call((t) => int(t, 'type'))
    .$call((t) => ref(t, 'domain_id', 'domains')).$call((t) => ref(t, 'role_id', 'roles'))
    .$call((t) => str(t, 'state')).$call((t) => str(t, 'network_domain', false)).$call(created).execute();
  await s.createTable('users').$call(id).$call((t) => ref(t, 'account_id', 'accounts'))
    .$call((t) => str(t, 'username')).$call((t) => str(t, 'password_hash', true, 512))
    .$call((t) => str(t, 'firstname')).$call((t) => str(t, 'lastname')).$call((t) => str(t, 'email'))
    .$call((t) => str(t, 'state')).$call((t) => str(t, 'timezone', false)).$call((t) => str(t, 'api_key', false))
    .$call((t) => str(t, 'secret_key', false)).$call((t) => int(t, 'is_default')).$call(created).execute();
  await s.createTable('sessions').addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .$call((t) => ref(t, 'user_id', 'users')).$call((t) => big(t, 'created')).$call((t) => big(t, 'last_seen')).execute();

  await s.createTable('zones').$call(id).$call((t) => str(t, 'name')).$call((t) => text(t, 'description', false))
    .$call((t) => str(t, 'network_type')).$call((t) => str(t, 'allocation_state'))
    .$call((t) => str(t, 'dns1', false)).$call((t) => str(t, 'dns2', false)).$call((t) => str(t, 'internal_dns1', false))
    .$call((t) => str(t, 'internal_dns2', false)).$call((t) => str(t, 'guest_cidr', false))
    .$call((t) => str(t, 'domain', false)).$call((t) => int(t, 'local_storage_enabled'))
    .$call((t) => int(t, 'security_groups_enabled')).$call((t) => str(t, 'type')).$call(created).execute();
  await s.createTable('pods').$call(id).$call((t) => ref(t, 'zone_id', 'zones')).$call((t) => str(t, 'name'))
    .$call((t) => str(t, 'gateway', false)).$call((t) => str(t, 'netmask', false))
    .$call((t) => str(t, 'allocation_state')).$call(created).execute();
  await s.createTable('pod_ip_ranges').$call(id).$call((t) => ref(t, 'pod_id', 'pods'))
    .$call((t) => str(t, 'start_ip')).$call((t) => str(t, 'end_ip')).$call((t) => str(t, 'gateway', false))
    .$call((t) => str(t, 'netmask', false)).$call((t) => str(t, 'vlan_id', false)).$call((t) => int(t, 'for_system_vms'))
    .execute();
  await s.createTable('clusters').$call(id).$call((t) => ref(t, 'zone_id', 'zones')).$call((t) => ref(t, 'pod_id', 'pods'))
    .$call((t) => str(t, 'name')).$call((t) => str(t, 'hypervisor')).$call((t) => str(t, 'cluster_type'))
    .$call((t) => str(t, 'allocation_state')).$call((t) => str(t, 'managed_state'))
    .$call((t) => real(t, 'cpu_overcommit')).$call((t) => real(t, 'memory_overcommit')).$call(created).execute();
  await s.createTable('hosts').$call(id).$call((t) => str(t, 'name')).$call((t) => ref(t, 'zone_id', 'zones'))
    .$call((t) => ref(t, 'pod_id', 'pods')).$call((t) => ref(t, 'cluster_id', 'clusters'))
    .$call((t) => str(t, 'hypervisor')).$call((t) => str(t, 'type')).$call((t) => str(t, 'state'))
    .$call((t) => str(t, 'resource_state')).$call((t) => str(t, 'ip_address')).$call((t) => str(t, 'url', true, 1024))
    .$call((t) => int(t, 'cpu_number')).$call((t) => int(t, 'cpu_speed')).$call((t) => big(t, 'memory_total'))
    .$call((t) => big(t, 'cpu_allocated')).$call((t) => big(t, 'memory_allocated'))
    .$call((t) => text(t, 'host_tags')).$call((t) => str(t, 'version', false)).$call((t) => text(t, 'details'))
    .$call((t) => big(t, 'last_pinged', false)).$call((t) => big(t, 'disconnected', false)).$call(created).execute();
  await s.createTable('storage_pools').$call(id).$call((t) => str(t, 'name')).$call((t) => ref(t, 'zone_id', 'zones'))
    .$call((t) => ref(t, 'pod_id', 'pods', false)).$call((t) => ref(t, 'cluster_id', 'clusters', false))
    .$call((t) => str(t, 'scope')).$call((t) => str(t, 'type')).$call((t) => str(t, 'url', true, 1024))
    .$call((t) => str(t, 'host')).$call((t) => str(t, 'path', true, 1024)).$call((t) => str(t, 'state'))
    .$call((t) => big(t, 'capacity_bytes')).$call((t) => big(t, 'allocated_bytes')).$call((t) => big(t, 'used_bytes'))
    .$call((t) => text(t, 'tags')).$call((t) => str(t, 'provider')).$call((t) => str(t, 'hypervisor', false))
    .$call((t) => real(t, 'overprovision')).$call(created).execute();
  await s.createTable('image_stores').$call(id).$call((t) => str(t, 'name')).$call((t) => ref(t, 'zone_id', 'zones', false))
    .$call((t) => str(t, 'url', true, 1024)).$call((t) => str(t, 'protocol')).$call((t) => str(t, 'provider'))
    .$call((t) => str(t, 'scope')).$call((t) => int(t, 'readonly')).$call((t) => big(t, 'capacity_bytes'))
    .$call((t) => big(t, 'used_bytes')).$call(created).execute();

  await s.createTable('service_offerings').$call(id).$call((t) => str(t, 'name')).$call((t) => str(t, 'display_text', true, 4096))
    .$call((t) => int(t, 'cpu_number', false)).$call((t) => int(t, 'cpu_speed', false)).$call((t) => int(t, 'memory', false))
    .$call((t) => int(t, 'customized')).$call((t) => int(t, 'offer_ha')).$call((t) => int(t, 'limit_cpu_use'))
    .$call((t) => text(t, 'host_tags')).$call((t) => text(t, 'storage_tags')).$call((t) => str(t, 'storage_type'))
    .$call((t) => str(t, 'provisioning_type')).$call((t) => big(t, 'root_disk_size', false)).$call((t) => int(t, 'is_system'))
    .$call((t) => int(t, 'dynamic_scaling')).$call((t) => str(t, 'state')).$call((t) => text(t, 'domain_ids'))
    .$call((t) => text(t, 'zone_ids')).$call((t) => text(t, 'details', false)).$call(created).execute();
  await s.createTable('disk_offerings').$call(id).$call((t) => str(t, 'name')).$call((t) => str(t, 'display_text', true, 4096))
    .$call((t) => big(t, 'disk_size')).$call((t) => int(t, 'customized')).$call((t) => text(t, 'tags'))
    .$call((t) => str(t, 'storage_type')).$call((t) => str(t, 'provisioning_type')).$call((t) => str(t, 'state'))
    .$call((t) => text(t, 'domain_ids')).$call((t) => text(t, 'zone_ids')).$call(created).execute();
  await s.createTable('os_types').$call(id).$call((t) => str(t, 'description')).$call((t) => str(t, 'category')).execute();

  await s.createTable('templates').$call(id).$call((t) => str(t, 'name')).$call((t) => str(t, 'display_text', true, 4096))
    .$call((t) => str(t, 'format')).$call((t) => str(t, 'hypervisor')).$call((t) => str(t, 'url', true, 2048))
    .$call((t) => str(t, 'checksum', false)).$call((t) => str(t, 'template_type')).$call((t) => int(t, 'is_public'))
    .$call((t) => int(t, 'is_featured')).$call((t) => int(t, 'is_extractable')).$call((t) => int(t, 'password_enabled'))
    .$call((t) => int(t, 'bootable')).$call((t) => int(t, 'cross_zones')).$call((t) => int(t, 'dynamic_scaling'))
    .$call((t) => ref(t, 'ostype_id', 'os_types', false)).$call((t) => ref(t, 'account_id', 'accounts'))
    .$call((t) => ref(t, 'domain_id', 'domains')).$call((t) => big(t, 'size')).$call((t) => text(t, 'details'))
    .$call((t) => int(t, 'ssh_key_enabled', false)).$call((t) => int(t, 'requires_hvm', false))
    .$call((t) => str(t, 'template_tag', false)).$call(created).execute();
  await s.createTable('template_zones').$call((t) => ref(t, 'template_id', 'templates')).$call((t) => ref(t, 'zone_id', 'zones'))
    .$call((t) => ref(t, 'store_id', 'image_stores', false)).$call((t) => str(t, 'status', true, 1024))
    .$call((t) => int(t, 'is_ready')).$call((t) => int(t, 'download_percent')).$call((t) => big(t, 'physical_size'))
    .$call((t) => big(t, 'created')).addPrimaryKeyConstraint('template_zones_pk', ['template_id', 'zone_id']).execute();

  await s.createTable('vms').$call(id).$call((t) => str(t, 'name')).$call((t) => str(t, 'display_name'))
    .$call((t) => str(t, 'instance_name')).$call((t) => ref(t, 'account_id', 'accounts')).$call((t) => ref(t, 'domain_id', 'domains'))
    .$call((t) => ref(t, 'user_id', 'users')).$call((t) => ref(t, 'zone_id', 'zones')).$call((t) => ref(t, 'pod_id', 'pods', false))
    .$call((t) => ref(t, 'cluster_id', 'clusters', false)).$call((t) => ref(t, 'host_id', 'hosts', false))
    .$call((t) => ref(t, 'last_host_id', 'hosts', false)).$call((t) => ref(t, 'template_id', 'templates'))
    .$call((t) => ref(t, 'iso_id', 'templates', false)).$call((t) => ref(t, 'service_offering_id', 'service_offerings'))
    .$call((t) => int(t, 'cpu_number')).$call((t) => int(t, 'cpu_speed')).$call((t) => int(t, 'memory'))
    .$call((t) => str(t, 'state')).$call((t) => int(t, 'ha_enable')).$call((t) => str(t, 'group_name', false))
    .$call((t) => str(t, 'hypervisor')).$call((t) => text(t, 'details')).$call((t) => text(t, 'userdata', false))
    .$call((t) => big(t, 'created')).$call((t) => big(t, 'updated')).$call((t) => big(t, 'removed', false)).execute();
  await s.createTable('volumes').$call(id).$call((t) => str(t, 'name')).$call((t) => str(t, 'type')).$call((t) => str(t, 'state'))
    .$call((t) => big(t, 'size')).$call((t) => ref(t, 'vm_id', 'vms', false)).$call((t) => int(t, 'device_id', false))
    .$call((t) => ref(t, 'disk_offering_id', 'disk_offerings', false)).$call((t) => ref(t, 'pool_id', 'storage_pools', false))
    .$call((t) => ref(t, 'account_id', 'accounts')).$call((t) => ref(t, 'domain_id', 'domains'))
    .$call((t) => ref(t, 'zone_id', 'zones')).$call((t) => ref(t, 'template_id', 'templates', false))
    .$call((t) => str(t, 'path', false, 1024)).$call((t) => str(t, 'provisioning_type'))
    .$call((t) => big(t, 'created')).$call((t) => big(t, 'attached', false)).$call((t) => big(t, 'removed', false)).execute();
  await s.createTable('snapshots').$call(id).$call((t) => str(t, 'name')).$call((t) => ref(t, 'volume_id', 'volumes'))
    .$call((t) => str(t, 'state')).$call((t) => str(t, 'snapshot_type')).$call((t) => str(t, 'interval_type'))
    .$call((t) => big(t, 'physical_size')).$call((t) => big(t, 'virtual_size')).$call((t) => ref(t, 'account_id', 'accounts'))
    .$call((t) => ref(t, 'domain_id', 'domains')).$call((t) => ref(t, 'zone_id', 'zones')).$call((t) => str(t, 'path', false, 1024))
    .$call(created).execute();

  await s.createTable('async_jobs').$call(id).$call((t) => str(t, 'user_id', true, 40)).$call((t) => str(t, 'account_id', true, 40))
    .$call((t) => str(t, 'domain_id', true, 40)).$call((t) => str(t, 'command')).$call((t) => text(t, 'params'))
    .$call((t) => text(t, 'payload')).$call((t) => int(t, 'status')).$call((t) => int(t, 'proc_status'))
    .$call((t) => int(t, 'result_code')).$call((t) => str(t, 'result_type')).$call((t) => text(t, 'result', false))
    .$call((t) => str(t, 'instance_type', false)).$call((t) => str(t, 'instance_id', false, 40))
    .$call((t) => text(t, 'lock_keys')).$call((t) => big(t, 'created')).$call((t) => big(t, 'started', false))
    .$call((t) => big(t, 'completed', false)).$call((t) => str(t, 'ms_id', true, 40)).execute();
  await s.createTable('events').addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .$call((t) => str(t, 'id', true, 40)).$call((t) => str(t, 'type')).$call((t) => str(t, 'level'))
    .$call((t) => text(t, 'description')).$call((t) => str(t, 'state')).$call((t) => str(t, 'user_id', false, 40))
    .$call((t) => str(t, 'account_id', false, 40)).$call((t) => str(t, 'domain_id', false, 40))
    .$call((t) => str(t, 'resource_id', false, 40)).$call((t) => str(t, 'resource_type', false))
    .$call((t) => str(t, 'resource_name', false)).$call((t) => str(t, 'parent_id', false, 40))
    .$call((t) => big(t, 'created')).$call((t) => int(t, 'archived')).execute();
  await s.createTable('alerts').$call(id).$call((t) => int(t, 'type')).$call((t) => str(t, 'name'))
    .$call((t) => text(t, 'description')).$call((t) => str(t, 'zone_id', false, 40)).$call((t) => str(t, 'pod_id', false, 40))
    .$call((t) => str(t, 'cluster_id', false, 40)).$call((t) => big(t, 'sent')).$call((t) => int(t, 'archived')).execute();
  await s.createTable('configurations').addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .$call((t) => text(t, 'value')).execute();

  const ix = (name: string, table: string, cols: string[], unique = false) =>
    (unique ? s.createIndex(name).unique() : s.createIndex(name)).on(table).columns(cols).execute();
  await ix('users_username', 'users', ['username']);
  await ix('users_api_key', 'users', ['api_key']);
  await ix('accounts_domain', 'accounts', ['domain_id']);
  await ix('domains_parent', 'domains', ['parent_id']);
  await ix('role_permissions_role', 'role_permissions', ['role_id', 'sort_order']);
  await ix('pods_zone', 'pods', ['zone_id']);
  await ix('clusters_pod', 'clusters', ['pod_id']);
  await ix('hosts_cluster', 'hosts', ['cluster_id']);
  await ix('hosts_zone', 'hosts', ['zone_id']);
  await ix('storage_pools_cluster', 'storage_pools', ['cluster_id']);
  await ix('vms_created', 'vms', ['removed', 'created', 'id']);
  await ix('vms_account', 'vms', ['account_id', 'removed', 'created', 'id']);
  await ix('vms_domain', 'vms', ['domain_id', 'removed', 'created', 'id']);
  await ix('vms_host', 'vms', ['host_id']);
  await ix('vms_state', 'vms', ['state']);
  await ix('vms_zone', 'vms', ['zone_id']);
  await ix('vms_name', 'vms', ['name']);
  await ix('volumes_vm', 'volumes', ['vm_id']);
  await ix('volumes_account', 'volumes', ['account_id']);
  await ix('volumes_pool', 'volumes', ['pool_id']);
  await ix('snapshots_volume', 'snapshots', ['volume_id']);
  await ix('jobs_status', 'async_jobs', ['status']);
  await ix('jobs_account', 'async_jobs', ['account_id', 'created']);
  await ix('jobs_instance', 'async_jobs', ['instance_id']);
  await ix('events_account', 'events', ['account_id']);
  await ix('events_created', 'events', ['created']);
  await ix('templates_account', 'templates', ['account_id']);
}
