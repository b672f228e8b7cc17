// Global settings: CloudStack-style names, declared here once with their defaults (a later listConfigurations /
// updateConfiguration reads this list). A value comes from the `configurations` table when a row names it (shared
// by every management server), else from the server's config (`strata serve --setting name=value`), else from the
// default below. Read at use, never cached, so a change applies at once on every server.
import type { Db } from '../db/connect';
import type { CoreConfig } from './services';

export interface SettingDecl { default: string; description: string }

export const SETTINGS = {
  'cpu.overprovisioning.factor': { default: '1', description: 'CPU overprovisioning factor of new clusters' },
  'mem.overprovisioning.factor': { default: '1', description: 'Memory overprovisioning factor of new clusters' },
  'storage.overprovisioning.factor': { default: '2', description: 'Overprovisioning factor of thin-provisioned storage pools' },
  'incorrect.login.attempts.allowed': {
    default: '5', description: 'Consecutive failed logins after which a user is locked (an admin unlocks it with enableUser)',
  },
  'allow.internal.url.hosts.for.root.admin': {
    default: 'false',
    description: 'Whether root admins may register templates and ISOs from URLs whose host is loopback, link-local, ' +
      'any-local or multicast (refused for everyone else, as CloudStack does)',
  },
  'schedule.missed.run.grace.period': {
    default: '300',
    description: 'Seconds: a scheduled run missed while no management server ran (or was due then) still runs once ' +
      'when at most this late; older missed runs are skipped with a SCHEDULE.MISSED event',
  },
  // Host maintenance and HA (issue 16; core/hosts).
  'ha.workers': { default: '5', description: 'VMs host maintenance migrates at once, and VMs HA restarts at once' },
  'host.maintenance.local.storage.strategy': {
    default: 'Error', description: 'Running VMs on local storage of a host asked into maintenance: Error (refuse) or ForceStop',
  },
  'host.maintenance.unmovable.vm.strategy': {
    default: 'Stop', description: 'A VM maintenance cannot migrate (no capacity, migration failed): Stop it, or Error ' +
      '(it stays and the host goes to ErrorInMaintenance with the reason)',
  },
  'kvm.heartbeat.update.interval': { default: '5', description: 'Seconds between the heartbeats KVM agents write on each shared primary storage pool' },
  'kvm.heartbeat.timeout': {
    default: '20', description: 'Seconds without a storage heartbeat after which a host whose agent link is gone is declared Down',
  },
  'ha.tag': { default: '', description: 'Host tag of the hosts reserved for HA restarts (listHosts hahost)' },
  'router.check.interval': {
    default: '30', description: 'Seconds between the checks of the virtual routers on KVM hosts (a router whose namespace or dnsmasq is gone is restarted, with an alert)',
  },
  'network.kvm.datapath': {
    default: 'false',
    description: 'Whether KVM hosts wire guest networks for real (a bridge per network with its VLAN, tap devices, the ' +
      'virtual router in a network namespace; needs root on the host). Otherwise their VMs get QEMU user-mode ' +
      'networking with the API\'s addresses, which is lab-only (guests do not reach each other)',
  },
} as const satisfies Record<string, SettingDecl>;

export type SettingName = keyof typeof SETTINGS;

export interface SettingSource { db: Db; config: Pick<CoreConfig, 'settings'> }

export async function settingValue(src: SettingSource, name: SettingName): Promise<string> {
  const row = await src.db.selectFrom('configurations').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value ?? src.config.settings?.[name] ?? SETTINGS[name].default;
}

/** A positive number; the default when the stored value is not one. */
export async function settingNumber(src: SettingSource, name: SettingName): Promise<number> {
  const n = Number(await settingValue(src, name));
  return Number.isFinite(n) && n > 0 ? n : Number(SETTINGS[name].default);
}

export async function settingFlag(src: SettingSource, name: SettingName): Promise<boolean> {
  return (await settingValue(src, name)).trim().toLowerCase() === 'true';
}
