// Table types for Kysely. Portable across SQLite and MySQL: ids are UUID strings, times are epoch milliseconds
// (integers), booleans are 0/1 integers, maps and lists are JSON text. Column names are snake_case.
import type { Generated } from 'kysely';

type Bool = number; // 0 | 1
type Millis = number;
type Json = string;

export interface DomainTable { id: string; name: string; parent_id: string | null; path: string; level: number;
  state: string; network_domain: string | null; created: Millis; removed: Millis | null }
export interface RoleTable { id: string; name: string; type: string; description: string; is_default: Bool;
  is_public: Bool; state: string; created: Millis; removed: Millis | null }
export interface RolePermissionTable { id: string; role_id: string; rule: string; permission: string;
  description: string; sort_order: number }
export interface AccountTable { id: string; name: string; type: number; domain_id: string; role_id: string;
  state: string; network_domain: string | null; created: Millis; removed: Millis | null;
  /** The <account> of its VMs' instance names, drawn from the account_number sequence at creation (null: an older or
   *  directly written row, drawn when its first VM is named). */
  number: Generated<number | null> }
export interface UserTable { id: string; account_id: string; username: string; password_hash: string;
  firstname: string; lastname: string; email: string; state: string; timezone: string | null;
  api_key: string | null; secret_key: string | null; is_default: Bool; created: Millis; removed: Millis | null;
  /** Consecutive failed logins (0 after a success or an unlock); defaults to 0. */
  login_attempts: Generated<number> }
/** Failed logins per client address and when it may try next (throttling shared by every management server). */
export interface LoginFailureTable { address: string; failures: number; last_failure: Millis; next_allowed: Millis }
export interface SessionTable { key: string; user_id: string; created: Millis; last_seen: Millis }

export interface ZoneTable { id: string; name: string; description: string | null; network_type: string;
  allocation_state: string; dns1: string | null; dns2: string | null; internal_dns1: string | null;
  internal_dns2: string | null; guest_cidr: string | null; domain: string | null; local_storage_enabled: Bool;
  security_groups_enabled: Bool; type: string; created: Millis; removed: Millis | null;
  /** CloudStack's zonetoken: a random UUID given at creation (migration 019). */
  zone_token: string | null }
export interface PodTable { id: string; zone_id: string; name: string; gateway: string | null;
  netmask: string | null; allocation_state: string; created: Millis; removed: Millis | null }
export interface PodIpRangeTable { id: string; pod_id: string; start_ip: string; end_ip: string;
  gateway: string | null; netmask: string | null; vlan_id: string | null; for_system_vms: Bool }
export interface ClusterTable { id: string; zone_id: string; pod_id: string; name: string; hypervisor: string;
  cluster_type: string; allocation_state: string; managed_state: string; cpu_overcommit: number;
  memory_overcommit: number; created: Millis; removed: Millis | null }
export interface HostTable { id: string; name: string; zone_id: string; pod_id: string; cluster_id: string;
  hypervisor: string; type: string; state: string; resource_state: string; ip_address: string; url: string;
  cpu_number: number; cpu_speed: number; memory_total: number;
  /** Allocated (reserved) CPU in MHz and memory in bytes, by VMs placed on this host. */
  cpu_allocated: number; memory_allocated: number;
  /** Cores of the VMs holding a reservation on this host (listCapacity's CPU_CORE used), kept with cpu_allocated. */
  cpu_cores_allocated: number;
  host_tags: string; version: string | null; details: Json; created: Millis; last_pinged: Millis | null;
  disconnected: Millis | null; removed: Millis | null }
/** The management server that owns a host (migration 013b); null until one claims it. Kept apart from HostTable
 * (the row every host insert writes) because the owner is set by the server that connects it, not by addHost. */
export interface HostOwnerColumn { ms_id: Generated<string | null> }
export interface StoragePoolTable { id: string; name: string; zone_id: string; pod_id: string | null;
  cluster_id: string | null; scope: string; type: string; url: string; host: string; path: string;
  state: string; capacity_bytes: number; allocated_bytes: number; used_bytes: number; tags: string;
  provider: string; hypervisor: string | null; overprovision: number; created: Millis; removed: Millis | null }
export interface ImageStoreTable { id: string; name: string; zone_id: string | null; url: string; protocol: string;
  provider: string; scope: string; readonly: Bool; capacity_bytes: number; used_bytes: number; created: Millis;
  removed: Millis | null }

/** cpu_speed in MHz, memory in MB, root_disk_size in bytes; domain_ids/zone_ids comma-separated ('' = all);
 * details: serviceofferingdetails (mincpunumber, maxcpunumber, minmemory, maxmemory of customized offerings). */
export interface ServiceOfferingTable { id: string; name: string; display_text: string; cpu_number: number | null;
  cpu_speed: number | null; memory: number | null; customized: Bool; offer_ha: Bool; limit_cpu_use: Bool;
  host_tags: string; storage_tags: string; storage_type: string; provisioning_type: string;
  root_disk_size: number | null; is_system: Bool; dynamic_scaling: Bool; state: string; domain_ids: string;
  zone_ids: string; details: Json | null; created: Millis; removed: Millis | null;
  /** domainrouter, consoleproxy or secondarystoragevm for system offerings (migration 019), else null. */
  system_vm_type: string | null }
/** disk_size in bytes (0 for customized offerings). */
export interface DiskOfferingTable { id: string; name: string; display_text: string; disk_size: number;
  customized: Bool; tags: string; storage_type: string; provisioning_type: string; state: string;
  domain_ids: string; zone_ids: string; created: Millis; removed: Millis | null }
export interface OsTypeTable { id: string; description: string; category: string }

/** Templates and ISOs (format 'ISO'). */
export interface TemplateTable { id: string; name: string; display_text: string; format: string;
  hypervisor: string; url: string; checksum: string | null; template_type: string; is_public: Bool;
  is_featured: Bool; is_extractable: Bool; password_enabled: Bool; bootable: Bool; cross_zones: Bool;
  dynamic_scaling: Bool; ostype_id: string | null; account_id: string; domain_id: string; size: number;
  details: Json; ssh_key_enabled: Bool | null; requires_hvm: Bool | null; template_tag: string | null;
  created: Millis; removed: Millis | null; userdata_id: string | null; userdata_policy: string | null }
/** Per-zone copy of a template in a zone's image store: download status and readiness. */
export interface TemplateZoneTable { template_id: string; zone_id: string; store_id: string | null;
  status: string; is_ready: Bool; download_percent: number; physical_size: number; created: Millis }

export interface VmTable { id: string; name: string; display_name: string; instance_name: string;
  account_id: string; domain_id: string; user_id: string; zone_id: string; pod_id: string | null;
  cluster_id: string | null; host_id: string | null; last_host_id: string | null; template_id: string;
  iso_id: string | null; service_offering_id: string; cpu_number: number; cpu_speed: number; memory: number;
  state: string; ha_enable: Bool; group_name: string | null;
  /** The instance group (migration 019d); absent from rows written by code that sets no group. */
  group_id?: string | null; hypervisor: string; details: Json;
  userdata: string | null; created: Millis; updated: Millis; removed: Millis | null }
export interface VolumeTable { id: string; name: string; type: string; state: string; size: number;
  vm_id: string | null; device_id: number | null; disk_offering_id: string | null; pool_id: string | null;
  account_id: string; domain_id: string; zone_id: string; template_id: string | null; path: string | null;
  provisioning_type: string; created: Millis; attached: Millis | null; removed: Millis | null }
export interface SnapshotTable { id: string; name: string; volume_id: string; state: string;
  snapshot_type: string; interval_type: string; physical_size: number; virtual_size: number;
  account_id: string; domain_id: string; zone_id: string; path: string | null; created: Millis;
  removed: Millis | null }

export interface AsyncJobTable { id: string; user_id: string; account_id: string; domain_id: string;
  command: string; params: Json; payload: Json; status: number; proc_status: number; result_code: number;
  result_type: string; result: Json | null; instance_type: string | null; instance_id: string | null;
  lock_keys: string; created: Millis; started: Millis | null; completed: Millis | null; ms_id: string }
export interface EventTable { seq: Generated<number>; id: string; type: string; level: string; description: string;
  state: string; user_id: string | null; account_id: string | null; domain_id: string | null;
  resource_id: string | null; resource_type: string | null; resource_name: string | null;
  parent_id: string | null; created: Millis; archived: Bool }
export interface AlertTable { id: string; type: number; name: string; description: string; zone_id: string | null;
  pod_id: string | null; cluster_id: string | null; sent: Millis; archived: Bool }
export interface ConfigurationTable { name: string; value: string }
export interface SshKeyPairTable { id: string; name: string; account_id: string; domain_id: string; fingerprint: string;
  public_key: string; created: Millis }
export interface UserDataTable { id: string; name: string; account_id: string; domain_id: string; user_data: string;
  params: string | null; created: Millis }
export interface InstanceGroupTable { id: string; name: string; account_id: string; domain_id: string; created: Millis }
export interface AffinityGroupTable { id: string; name: string; type: string; description: string | null; account_id: string;
  domain_id: string; created: Millis }
export interface AffinityGroupVmTable { group_id: string; vm_id: string }
export interface AffinityClaimTable { group_id: string; slot: string; host_id: string; vm_id: string }
export interface ResourceLimitTable { owner_type: string; owner_id: string; resource_type: number; max: number }
export interface ResourceCountTable { owner_type: string; owner_id: string; resource_type: number; count: number }
/** What an account holds of a deploy's five limited types, kept by triggers on vms and volumes (migration 011q). */
export interface AccountUsageTable { account_id: string; user_vm: number; cpu: number; memory: number; volume: number; primary_storage: number }
/** An amount held against an account's limits until its allocation's rows carry it (migration 019j). */
export interface ResourceReservationTable { id: string; account_id: string; domain_id: string; resource_type: number; amount: number; created: Millis }
export interface ScopedConfigurationTable { scope: string; scope_id: string; name: string; value: string; updated: Millis }
/** A VM snapshot (migration 019f); type Disk or DiskAndMemory, current 1/0. */
export interface VmSnapshotTable { id: string; name: string; display_name: string; description: string | null; vm_id: string;
  account_id: string; domain_id: string; zone_id: string; state: string; type: string; current: Bool;
  parent_id: string | null; created: Millis; removed: Millis | null }
/** An account a template is shared with (migration 019f). */
export interface TemplatePermissionTable { template_id: string; account_id: string; created: Millis }
export interface ManagementServerTable { id: string; name: string; service_ip: string; version: string; state: string;
  started: Millis; last_heartbeat: Millis; created: Millis; removed: Millis | null; peer_url: Generated<string | null> }
export interface ClusterKeyTable { name: string; secret: string }
export interface JobLockTable { lock_key: string; job_id: string; ms_id: string; acquired: Millis }
export interface SequenceTable { name: string; next_value: number }
export interface CacheGenerationTable { name: string; generation: number }
export interface ConsoleTokenTable { key_hash: string; vm_id: string; caller: Json; extra: string | null; issued: Millis;
  expires: Millis; used: Millis | null }
/** HA setting of a host, cluster or zone (migration 016); enabled 1/0. */
export interface HaConfigTable { resource_id: string; resource_type: string; enabled: Bool; provider: string | null; updated: Millis }
/** VMs a primary storage maintenance stopped, to start again on cancel (migration 016). */
export interface StoragePoolWorkTable { pool_id: string; vm_id: string; created: Millis }
/** One HA restart of a VM (migration 016b), counted against max.retries within time.between.failures. */
export interface VmHaRestartTable { vm_id: string; restarted: Millis; ms_id: string | null }

/** A resource tag (migration 019): unique per (resource_id, resource_type, tag_key); owner copied from the resource. */
/** A project (migration 019h): it owns `account_id`, a hidden account of type PROJECT. */
export interface ProjectTable { id: string; name: string; display_text: string; account_id: string; domain_id: string;
  state: string; created: Millis; removed: Millis | null }
/** An account's membership of a project, with its role: Admin or Regular. */
export interface ProjectAccountTable { id: string; project_id: string; account_id: string; role: string; created: Millis }
/** An invitation to a project (project.invite.required): Pending, Completed or Declined. */
export interface ProjectInvitationTable { id: string; project_id: string; account_id: string | null; domain_id: string;
  email: string | null; role: string; state: string; created: Millis }
export interface ResourceTagTable { id: string; resource_type: string; resource_id: string; tag_key: string;
  tag_value: string; customer: string | null; account_id: string; domain_id: string; created: Millis }
export interface ScheduleTable { id: string; kind: string; account_id: string; domain_id: string; user_id: string;
  resource_type: string | null; resource_id: string | null; command: string; params: Json; action: string;
  schedule: string; cron: string | null; once_at: Millis | null; timezone: string; description: string | null;
  start_date: Millis | null; end_date: Millis | null; enabled: Bool; max_snaps: number | null; display: Bool; next_run: Millis | null;
  claimed_by: string | null; claim_until: Millis | null; created: Millis; removed: Millis | null }
export interface ScheduleRunTable { id: string; schedule_id: string; due: Millis; fired: Millis; job_id: string | null;
  outcome: string; error: string | null; ms_id: string }

// Guest networking (migration 017).
export interface PhysicalNetworkTable { id: string; name: string; zone_id: string; state: string; isolation_methods: string;
  vlan: string | null; tags: string; broadcast_domain_range: string; network_speed: string | null; domain_id: string | null;
  created: Millis; removed: Millis | null }
export interface TrafficTypeTable { id: string; physical_network_id: string; traffic_type: string; kvm_label: string | null;
  vlan: string | null; created: Millis }
export interface NetworkOfferingTable { id: string; name: string; unique_name: string | null; display_text: string;
  guest_ip_type: string; traffic_type: string; services: Json; specify_vlan: Bool; specify_ip_ranges: Bool;
  conserve_mode: Bool; egress_default_policy: Bool; is_persistent: Bool; network_rate: number | null; availability: string;
  state: string; is_default: Bool; tags: string | null; for_vpc: Bool; created: Millis; removed: Millis | null }
export interface NetworkTable { id: string; name: string; display_text: string; zone_id: string; physical_network_id: string | null;
  network_offering_id: string; guest_type: string; traffic_type: string; state: string; cidr: string | null;
  gateway: string | null; netmask: string | null; vlan: string | null; account_id: string | null; domain_id: string;
  acl_type: string; subdomain_access: Bool; network_domain: string | null; dns1: string | null; dns2: string | null;
  display_network: Bool; restart_required: Bool; source_nat_ip: string | null; created: Millis; removed: Millis | null;
  /** MTUs of the public and guest sides (migration 017s); null: 1500. */
  public_mtu: number | null; private_mtu: number | null; router_ip: string | null;
  /** 'Vlan' or 'Vxlan', from the physical network's isolation method (migration 017t); null: 'Vlan'. */
  broadcast_domain_type: string | null }
export interface GuestVlanTable { zone_id: string; vlan: number; physical_network_id: string; network_id: string; created: Millis }
export interface VlanIpRangeTable { id: string; zone_id: string; physical_network_id: string | null; network_id: string | null;
  pod_id: string | null; vlan: string; gateway: string; netmask: string; start_ip: string; end_ip: string;
  for_virtual_network: Bool; account_id: string | null; domain_id: string | null; created: Millis }
export interface PublicIpTable { id: string; zone_id: string; vlan_range_id: string; ip_address: string; network_id: string | null;
  is_source_nat: Bool; account_id: string | null; domain_id: string | null; created: Millis;
  /** Migration 018: Allocated (or Releasing), and the VM of its static NAT. */
  state: Generated<string>; vm_id: string | null; vm_ip: string | null }
export interface NicTable { id: string; vm_id: string; network_id: string; ip_address: string | null; mac_address: string;
  device_id: number; is_default: Bool; gateway: string | null; netmask: string | null; broadcast_uri: string | null;
  state: string; created: Millis }
export interface RouterTable { id: string; name: string; network_id: string; zone_id: string; host_id: string | null; state: string;
  guest_ip: string | null; public_ip: string | null; mac_address: string | null; account_id: string | null; domain_id: string;
  updated: Millis; created: Millis; removed: Millis | null }

/** Migration 018: firewall (Ingress, Egress), port forwarding and load balancer rules, as CloudStack's firewall_rules. */
export interface EdgeRuleTable { id: string; purpose: string; traffic_type: string; network_id: string; ip_id: string | null;
  protocol: string; start_port: number | null; end_port: number | null; cidr_list: string | null; dest_cidr_list: string | null;
  icmp_type: number | null; icmp_code: number | null; state: string; related_id: string | null; vm_id: string | null; vm_ip: string | null;
  private_port: number | null; private_end_port: number | null; name: string | null; description: string | null; algorithm: string | null;
  account_id: string | null; domain_id: string; created: Millis }
export interface EdgePortClaimTable { ip_id: string; protocol: string; port: number; rule_id: string }
export interface LbMemberTable { rule_id: string; vm_id: string; vm_ip: string; state: string; created: Millis;
  /** Migration 018b: haproxy's last reading of the member (UP, DOWN, ...) and when it was read. */
  service_state: string | null; service_state_at: Millis | null }
export interface LbPolicyTable { id: string; rule_id: string; kind: string; name: string | null; description: string | null;
  method: string | null; params: string; state: string; created: Millis }

/**
 * Sums of each cluster's live Routing hosts' capacity counters (listCapacity's memory, CPU and CPU core rows), kept
 * by triggers on hosts (migration 011c): CloudStack's op_host_capacity, one row per cluster.
 */
export interface ClusterCapacityTable { cluster_id: string; zone_id: string; pod_id: string; hosts: number;
  memory_total: number; memory_allocated: number; cpu_total: number; cpu_allocated: number; cores_total: number; cores_allocated: number }

export interface Database {
  domains: DomainTable; roles: RoleTable; role_permissions: RolePermissionTable; accounts: AccountTable;
  users: UserTable; sessions: SessionTable; login_failures: LoginFailureTable;
  zones: ZoneTable; pods: PodTable; pod_ip_ranges: PodIpRangeTable; clusters: ClusterTable; cluster_capacity: ClusterCapacityTable; hosts: HostTable & HostOwnerColumn;
  storage_pools: StoragePoolTable; image_stores: ImageStoreTable;
  service_offerings: ServiceOfferingTable; disk_offerings: DiskOfferingTable; os_types: OsTypeTable;
  templates: TemplateTable; template_zones: TemplateZoneTable;
  vms: VmTable; volumes: VolumeTable; snapshots: SnapshotTable;
  async_jobs: AsyncJobTable; events: EventTable; alerts: AlertTable; configurations: ConfigurationTable; scoped_configurations: ScopedConfigurationTable;
  ssh_keypairs: SshKeyPairTable; user_data: UserDataTable;
  vm_snapshots: VmSnapshotTable; template_permissions: TemplatePermissionTable;
  instance_groups: InstanceGroupTable; affinity_groups: AffinityGroupTable; affinity_group_vms: AffinityGroupVmTable;
  affinity_claims: AffinityClaimTable; resource_limits: ResourceLimitTable; resource_counts: ResourceCountTable; account_usage: AccountUsageTable; resource_reservations: ResourceReservationTable;
  management_servers: ManagementServerTable; sequences: SequenceTable; cache_generations: CacheGenerationTable;
  console_tokens: ConsoleTokenTable; resource_tags: ResourceTagTable;
  projects: ProjectTable; project_accounts: ProjectAccountTable; project_invitations: ProjectInvitationTable; cluster_keys: ClusterKeyTable; job_locks: JobLockTable;
  schedules: ScheduleTable; schedule_runs: ScheduleRunTable; ha_config: HaConfigTable; storage_pool_work: StoragePoolWorkTable; vm_ha_restarts: VmHaRestartTable;
  physical_networks: PhysicalNetworkTable; physical_network_traffic_types: TrafficTypeTable;
  network_offerings: NetworkOfferingTable; networks: NetworkTable; guest_vlans: GuestVlanTable;
  vlan_ip_ranges: VlanIpRangeTable; public_ips: PublicIpTable; nics: NicTable; routers: RouterTable;
  edge_rules: EdgeRuleTable; edge_port_claims: EdgePortClaimTable; lb_members: LbMemberTable; lb_policies: LbPolicyTable;
}
