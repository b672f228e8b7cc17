// Settings: CloudStack-style names, declared here once with their type, default, category and the scopes they may
// be set at (listConfigurations / updateConfiguration / resetConfiguration answer from this list, core/settings).
// A value is resolved at use, never cached, so a change applies at once on every management server:
//   1. a row for the most specific scope the caller names and the setting declares (storage pool, cluster, zone,
//      account, domain: `scoped_configurations`, or the resource's own column, see BOUND_COLUMNS in core/settings);
//   2. the global row in `configurations` (shared by every server);
//   3. the server's config (`strata serve --setting name=value`);
//   4. the default below.
import type { Db } from '../db/connect';
import type { CoreConfig } from './services';

/** Where a setting may be set besides globally, most specific first (the order resolution tries them). */
export const SETTING_SCOPES = ['storagepool', 'cluster', 'zone', 'account', 'domain'] as const;
export type SettingScope = typeof SETTING_SCOPES[number];

/** CloudStack's value types as listConfigurations names them. */
export type SettingType = 'Boolean' | 'Number' | 'Decimal' | 'String';

export interface SettingDecl {
  default: string;
  description: string;
  /** Inferred from the default when absent: 'true'/'false' Boolean, an integer Number, a fraction Decimal. */
  type?: SettingType;
  /** CloudStack's category (listConfigurations category=); 'Advanced' when absent. */
  category?: string;
  /** Scopes it may also be set at; global only when absent. */
  scopes?: readonly SettingScope[];
  /** Allowed values (case-insensitive), for settings that name a strategy. */
  options?: readonly string[];
  /** A positive number is required (overprovisioning factors, thresholds, intervals). */
  positive?: boolean;
  /** A fraction between 0 and 1 (thresholds). */
  fraction?: boolean;
}

const threshold = (what: string, scope: SettingScope) => ({
  default: '0.75', type: 'Decimal', category: 'Alert', scopes: [scope], fraction: true,
  description: `Fraction of ${what} at which an alert is raised (cleared again once it falls below)`,
}) as const;

const accountLimit = (n: number, what: string) => ({
  default: String(n), type: 'Number', category: 'Account Defaults',
  description: `The default maximum number of ${what} an account may have (-1: unlimited)`,
}) as const;
const projectLimit = (n: number, what: string) => ({
  default: String(n), type: 'Number', category: 'Project Defaults',
  description: `The default maximum number of ${what} a project may have (-1: unlimited)`,
}) as const;
const domainLimit = (n: number, what: string) => ({
  default: String(n), type: 'Number', category: 'Domain Defaults',
  description: `The default maximum number of ${what} a domain may have, its accounts together (-1: unlimited)`,
}) as const;

export const SETTINGS = {
  'cpu.overprovisioning.factor': {
    default: '1', type: 'Decimal', category: 'Advanced', scopes: ['cluster'], positive: true,
    description: 'CPU overprovisioning factor of new clusters; per cluster it is the cluster\'s cpuovercommitratio',
  },
  'mem.overprovisioning.factor': {
    default: '1', type: 'Decimal', category: 'Advanced', scopes: ['cluster'], positive: true,
    description: 'Memory overprovisioning factor of new clusters; per cluster it is the cluster\'s memoryovercommitratio',
  },
  'storage.overprovisioning.factor': {
    default: '2', type: 'Decimal', category: 'Storage', scopes: ['storagepool'], positive: true,
    description: 'Overprovisioning factor of new thin-provisioned storage pools; per pool it is the pool\'s overprovisionfactor',
  },
  'cluster.cpu.allocated.capacity.notificationthreshold': threshold('a cluster\'s CPU allocated', 'cluster'),
  'cluster.memory.allocated.capacity.notificationthreshold': threshold('a cluster\'s memory allocated', 'cluster'),
  'pool.storage.capacity.notificationthreshold': threshold('a cluster\'s primary storage used', 'zone'),
  'pool.storage.allocated.capacity.notificationthreshold': threshold('a cluster\'s primary storage allocated', 'zone'),
  'zone.secstorage.capacity.notificationthreshold': threshold('a zone\'s secondary storage used', 'zone'),
  'incorrect.login.attempts.allowed': {
    default: '5', category: 'Authentication', positive: true,
    description: 'Consecutive failed logins after which a user is locked (an admin unlocks it with enableUser)',
  },
  'allow.internal.url.hosts.for.root.admin': {
    default: 'false', category: 'Secure',
    description: 'Whether root admins may register templates and ISOs from URLs whose host is loopback, link-local, ' +
      'any-local or multicast (refused for everyone else, as CloudStack does)',
  },
  'schedule.missed.run.grace.period': {
    default: '300', positive: true,
    description: 'Seconds: a scheduled run missed while no management server ran (or was due then) still runs once ' +
      'when at most this late; older missed runs are skipped with a SCHEDULE.MISSED event',
  },
  // Host maintenance and HA (issue 16; core/hosts).
  'ha.workers': { default: '5', positive: true, description: 'VMs host maintenance migrates at once, and VMs HA restarts at once' },
  'host.maintenance.local.storage.strategy': {
    default: 'Error', options: ['Error', 'ForceStop'],
    description: 'Running VMs on local storage of a host asked into maintenance: Error (refuse) or ForceStop',
  },
  'host.maintenance.unmovable.vm.strategy': {
    default: 'Stop', options: ['Stop', 'Error'],
    description: 'A VM maintenance cannot migrate (no capacity, migration failed): Stop it, or Error ' +
      '(it stays and the host goes to ErrorInMaintenance with the reason)',
  },
  'kvm.heartbeat.update.interval': { default: '5', positive: true, description: 'Seconds between the heartbeats KVM agents write on each shared primary storage pool' },
  'kvm.heartbeat.timeout': {
    default: '20', positive: true, description: 'Seconds without a storage heartbeat after which a host whose agent link is gone is declared Down',
  },
  'max.retries': {
    default: '5', positive: true,
    description: 'HA restarts of one VM allowed within time.between.failures seconds; a VM that keeps dying past ' +
      'that stays Stopped (an ALERT.USERVM says so) until someone starts it, instead of being restarted in a loop',
  },
  'time.between.failures': { default: '3600', positive: true, description: 'Seconds of the window in which max.retries HA restarts of a VM are allowed' },
  'extract.url.expiration.interval': {
    default: '14400', positive: true, category: 'Advanced', description: 'Seconds an extractTemplate download URL stays valid',
  },
  'vmsnapshot.max': { default: '10', positive: true, category: 'Snapshots', description: 'Most VM snapshots one VM may have' },
  'ha.tag': { default: '', type: 'String', description: 'Host tag of the hosts reserved for HA restarts (listHosts hahost)' },
  'router.check.interval': {
    default: '30', positive: true, category: 'Network',
    description: 'Seconds between the checks of the virtual routers on KVM hosts (a router whose namespace or dnsmasq is gone is restarted, with an alert)',
  },
  'network.kvm.datapath': {
    default: 'false', category: 'Network',
    description: 'Whether KVM hosts wire guest networks for real (a bridge per network with its VLAN, tap devices, the ' +
      'virtual router in a network namespace; needs root on the host). Otherwise their VMs get QEMU user-mode ' +
      'networking with the API\'s addresses, which is lab-only (guests do not reach each other)',
  },
  // Resource limits (issue 19; core/limits): what an account or a domain may hold when no limit was set for it
  // (updateResourceLimit); -1 is unlimited. The root admin's account and the ROOT domain are not limited.
  'max.account.user.vms': accountLimit(20, 'user VMs'),
  'max.account.public.ips': accountLimit(20, 'public IP addresses'),
  'max.account.volumes': accountLimit(20, 'volumes'),
  'max.account.snapshots': accountLimit(20, 'snapshots'),
  'max.account.templates': accountLimit(20, 'templates'),
  'max.account.projects': accountLimit(10, 'projects'),
  'max.account.networks': accountLimit(20, 'networks'),
  'max.account.vpcs': accountLimit(20, 'VPCs'),
  'max.account.cpus': accountLimit(40, 'CPU cores'),
  'max.account.memory': accountLimit(40960, 'MB of memory'),
  'max.account.primary.storage': accountLimit(200, 'GiB of primary storage'),
  'max.account.secondary.storage': accountLimit(400, 'GiB of secondary storage'),
  // A project's own defaults (CloudStack's "Project Defaults"): its resources are held by its hidden account.
  'max.project.user.vms': projectLimit(20, 'user VMs'),
  'max.project.public.ips': projectLimit(20, 'public IP addresses'),
  'max.project.volumes': projectLimit(20, 'volumes'),
  'max.project.snapshots': projectLimit(20, 'snapshots'),
  'max.project.templates': projectLimit(20, 'templates'),
  'max.project.networks': projectLimit(20, 'networks'),
  'max.project.vpcs': projectLimit(20, 'VPCs'),
  'max.project.cpus': projectLimit(40, 'CPU cores'),
  'max.project.memory': projectLimit(40960, 'MB of memory'),
  'max.project.primary.storage': projectLimit(200, 'GiB of primary storage'),
  'max.project.secondary.storage': projectLimit(400, 'GiB of secondary storage'),
  'max.domain.user.vms': domainLimit(40, 'user VMs'),
  'max.domain.public.ips': domainLimit(40, 'public IP addresses'),
  'max.domain.volumes': domainLimit(40, 'volumes'),
  'max.domain.snapshots': domainLimit(40, 'snapshots'),
  'max.domain.templates': domainLimit(40, 'templates'),
  'max.domain.projects': domainLimit(50, 'projects'),
  'max.domain.networks': domainLimit(50, 'networks'),
  'max.domain.vpcs': domainLimit(50, 'VPCs'),
  'max.domain.cpus': domainLimit(80, 'CPU cores'),
  'max.domain.memory': domainLimit(81920, 'MB of memory'),
  'max.domain.primary.storage': domainLimit(400, 'GiB of primary storage'),
  'max.domain.secondary.storage': domainLimit(800, 'GiB of secondary storage'),
  'project.invite.required': {
    default: 'false', category: 'Project Defaults',
    description: 'Whether addAccountToProject invites the account (it joins when it accepts) instead of adding it at once',
  },
  'allow.user.create.projects': {
    default: 'true', category: 'Project Defaults', scopes: ['domain'],
    description: 'Whether users (not only admins) may create projects',
  },
} as const satisfies Record<string, SettingDecl>;

export type SettingName = keyof typeof SETTINGS;

export function settingDecl(name: SettingName): SettingDecl { return SETTINGS[name]; }

export function settingType(d: SettingDecl): SettingType {
  if (d.type) return d.type;
  if (d.default === 'true' || d.default === 'false') return 'Boolean';
  if (/^-?\d+$/.test(d.default)) return 'Number';
  return /^-?\d*\.\d+$/.test(d.default) ? 'Decimal' : 'String';
}

export interface SettingSource { db: Db; config: Pick<CoreConfig, 'settings'> }

/** The resources a value is read for; the most specific one the setting declares a scope for wins. */
export type SettingAt = Partial<Record<SettingScope, string>>;

/**
 * Settings whose per-resource value CloudStack keeps on the resource itself: a cluster's overcommit ratios
 * (updateCluster cpuovercommitratio and updateConfiguration clusterid= change the same value), a pool's factor.
 */
export const BOUND_COLUMNS: Partial<Record<SettingName, { scope: SettingScope; table: 'clusters' | 'storage_pools';
  column: 'cpu_overcommit' | 'memory_overcommit' | 'overprovision' }>> = {
  'cpu.overprovisioning.factor': { scope: 'cluster', table: 'clusters', column: 'cpu_overcommit' },
  'mem.overprovisioning.factor': { scope: 'cluster', table: 'clusters', column: 'memory_overcommit' },
  'storage.overprovisioning.factor': { scope: 'storagepool', table: 'storage_pools', column: 'overprovision' },
};

/** The value set for one resource, if any. */
export async function scopedSettingValue(db: Db, name: SettingName, scope: SettingScope, id: string): Promise<string | undefined> {
  const bound = BOUND_COLUMNS[name];
  if (bound?.scope === scope) {
    const row = await db.selectFrom(bound.table).select(bound.column).where('id', '=', id).executeTakeFirst();
    return row ? String((row as Record<string, number>)[bound.column]) : undefined;
  }
  const row = await db.selectFrom('scoped_configurations').select('value')
    .where('scope', '=', scope).where('scope_id', '=', id).where('name', '=', name).executeTakeFirst();
  return row?.value;
}

export async function globalSettingValue(src: SettingSource, name: SettingName): Promise<string> {
  const row = await src.db.selectFrom('configurations').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value ?? src.config.settings?.[name] ?? SETTINGS[name].default;
}

export async function settingValue(src: SettingSource, name: SettingName, at?: SettingAt): Promise<string> {
  const scopes: readonly SettingScope[] = (SETTINGS[name] as SettingDecl).scopes ?? [];
  if (at) {
    for (const scope of SETTING_SCOPES) {
      const id = at[scope];
      if (id === undefined || !scopes.includes(scope)) continue;
      const v = await scopedSettingValue(src.db, name, scope, id);
      if (v !== undefined) return v;
    }
  }
  return globalSettingValue(src, name);
}

/** A positive number; the default when the stored value is not one. */
export async function settingNumber(src: SettingSource, name: SettingName, at?: SettingAt): Promise<number> {
  const n = Number(await settingValue(src, name, at));
  return Number.isFinite(n) && n > 0 ? n : Number(SETTINGS[name].default);
}

export async function settingFlag(src: SettingSource, name: SettingName, at?: SettingAt): Promise<boolean> {
  return (await settingValue(src, name, at)).trim().toLowerCase() === 'true';
}
