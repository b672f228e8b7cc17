// The HA monitor (reference §7.2), one loop per management server over the hosts it owns (hosts.ms_id):
//  - tells each Up host that can write a storage heartbeat (KVM: agents and local hosts) which shared primary pools
//    to write it on, and how often (kvm.heartbeat.update.interval);
//  - investigates each host in Alert or Disconnected (its agent link is gone: an agent host is Disconnected as soon as
//    its link closes, any host is in Alert once pings failed past the timeout): a neighbour host of
//    its cluster reads the age of its heartbeat on each shared pool. Only when every pool's heartbeat is older than
//    kvm.heartbeat.timeout (or absent) is the host declared Down; a fresh one means the host still runs its VMs (only
//    the link is gone) and nothing is restarted. Without a neighbour or a shared pool nothing can be proven and the
//    host stays in Alert (CloudStack does the same: no restart on doubt).
//  - for a Down host: its VMs are fenced (host-fence.ts), its HA VMs restarted elsewhere in priority order within
//    capacity (vm-ha.ts), its other VMs stay Stopped; events and alerts say which.
// The Alert -> Down step is a conditional UPDATE, so one server (the owner) does the recovery even when several look.
import type { Services } from '../kernel/services';
import type { HypervisorDriver } from '../hypervisors/driver';
import { driverForHost } from '../hypervisors/registry';
import { localPoolPath } from '../infrastructure/storage-url';
import { settingNumber } from '../kernel/settings';
import { moveHostStatus } from './host-connect';
import { fenceVmsOfDownHost } from './host-fence';
import { haRestartAll } from './vm-ha';
import { STOPPED_ON_PURPOSE } from '../hypervisors/qemu/storage-heartbeat';

export interface HaMonitor {
  start(): void;
  stop(): Promise<void>;
  /** One pass: heartbeat lists, investigations; resolves when declared-Down hosts' recoveries were started. */
  tick(): Promise<void>;
  /** Resolves when every recovery started so far has finished (tests, benchmarks). */
  settled(): Promise<void>;
}

interface HostRow { id: string; name: string; state: string; hypervisor: string; url: string; cluster_id: string; zone_id: string; pod_id: string }
interface PoolRow { id: string; name: string; type: string; host: string; path: string; scope: string; cluster_id: string | null; zone_id: string; hypervisor: string | null }

const HOST_ALERT = { type: 7, name: 'ALERT.COMPUTE.HOST' };
const ALERT_USERVM = { type: 8, name: 'ALERT.USERVM' };
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const NEIGHBOUR_TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, ms: number, text: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(text)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function driverOf(svc: Services, h: HostRow): HypervisorDriver | null {
  try {
    return driverForHost(svc.drivers, h);
  } catch {
    return null;
  }
}

export function createHaMonitor(svc: Services, opts: { intervalMs: number }): HaMonitor {
  let timer: ReturnType<typeof setInterval> | undefined;
  let round: Promise<void> | null = null;
  const recoveries = new Set<Promise<void>>();
  /** Hosts whose "cannot confirm" was already written, so a long outage writes it once. */
  const doubted = new Set<string>();
  /** Heartbeat lists on their way to a host: a host whose link just dropped holds its request for the agent's
   *  retry window, which must delay neither the next round nor the other hosts. */
  const pushing = new Set<string>();

  const poolsOf = (h: HostRow, pools: PoolRow[]) => pools.filter((p) => p.cluster_id === h.cluster_id ||
    (p.scope === 'ZONE' && p.zone_id === h.zone_id && (!p.hypervisor || p.hypervisor.toLowerCase() === h.hypervisor.toLowerCase())));

  /** The heartbeat ages of a host's pools as its first answering neighbour reads them; null: nobody could read. */
  async function ages(h: HostRow, pools: PoolRow[]): Promise<{ by: string; ages: (number | null)[] } | null> {
    const neighbours = await svc.db.selectFrom('hosts').select(['id', 'name', 'state', 'hypervisor', 'url', 'cluster_id', 'zone_id', 'pod_id'])
      .where('cluster_id', '=', h.cluster_id).where('id', '!=', h.id).where('state', '=', 'Up').where('removed', 'is', null).execute();
    for (const n of neighbours) {
      const d = driverOf(svc, n);
      if (!d?.heartbeatAge) continue;
      try {
        const read = Promise.all(pools.map((p) => d.heartbeatAge!(n.id, localPoolPath(p), h.id)));
        return { by: n.name, ages: await withTimeout(read, NEIGHBOUR_TIMEOUT_MS, `no answer within ${NEIGHBOUR_TIMEOUT_MS / 1000} s`) };
      } catch (e) {
        svc.log.warn(`HA: neighbour ${n.name} could not read the heartbeat of host ${h.name}`, { error: errText(e) });
      }
    }
    return null;
  }

  async function doubt(h: HostRow, why: string): Promise<void> {
    if (doubted.has(h.id)) return;
    doubted.add(h.id);
    await svc.events.record({ type: 'HA.STATE.TRANSITION', level: 'WARN', state: 'Completed', resourceId: h.id, resourceType: 'Host',
      resourceName: h.name, description: `Host ${h.name} is not responding but cannot be confirmed Down (${why}): its VMs are not restarted` });
  }

  async function investigate(h: HostRow, pools: PoolRow[], timeoutMs: number): Promise<void> {
    const mine = poolsOf(h, pools);
    if (mine.length === 0) return doubt(h, 'it has no shared primary storage to hold a heartbeat');
    const read = await ages(h, mine);
    if (read === null) return doubt(h, 'no Up neighbour host in its cluster could read its storage heartbeat');
    if (read.ages.includes(STOPPED_ON_PURPOSE)) {
      return doubt(h, 'its agent was stopped on purpose (its storage heartbeat says so): its VMs may still run');
    }
    const fresh = read.ages.findIndex((a) => a !== null && a < timeoutMs);
    if (fresh >= 0) {
      return doubt(h, `its heartbeat on ${mine[fresh].name} is ${Math.round(read.ages[fresh]! / 1000)} s old as host ${read.by} reads it: ` +
        'the host runs, only its agent link is gone');
    }
    const seen = read.ages.map((a, i) => `${mine[i].name}: ${a === null ? 'none' : `${Math.round(a / 1000)} s old`}`).join(', ');
    await declareDown(h, `its agent link is gone and its storage heartbeat stopped (${seen}, read by host ${read.by})`);
  }

  async function declareDown(h: HostRow, why: string): Promise<void> {
    if ((await moveHostStatus(svc, h.id, h.state, 'HostDown')) === null) return; // another server or an agent got there first
    doubted.delete(h.id);
    const text = `Host ${h.name} is Down: ${why}`;
    await svc.events.record({ type: 'HA.STATE.TRANSITION', level: 'ERROR', state: 'Completed', resourceId: h.id, resourceType: 'Host',
      resourceName: h.name, description: text });
    await svc.events.alert({ ...HOST_ALERT, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id, description: text });
    const fenced = await fenceVmsOfDownHost(svc, h);
    const plain = fenced.filter((v) => v.ha_enable !== 1);
    if (plain.length > 0) {
      await svc.events.alert({ ...ALERT_USERVM, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id,
        description: `Host ${h.name} is Down: ${plain.length} VM(s) without HA are Stopped: ${plain.map((v) => v.name).join(', ')}` });
    }
    const p = haRestartAll(svc, fenced, `its host ${h.name} is Down`).then(() => undefined,
      (e) => svc.log.error(`HA: recovering the VMs of host ${h.name} failed`, { error: errText(e) }));
    recoveries.add(p);
    void p.finally(() => recoveries.delete(p));
  }

  async function run(): Promise<void> {
    const hosts: HostRow[] = await svc.db.selectFrom('hosts').select(['id', 'name', 'state', 'hypervisor', 'url', 'cluster_id', 'zone_id', 'pod_id'])
      .where('removed', 'is', null).where('type', '=', 'Routing').where('state', 'in', ['Up', 'Alert', 'Disconnected'])
      .where((eb) => eb.or([eb('ms_id', '=', svc.config.msId), eb('ms_id', 'is', null)])).execute();
    const withHeartbeat = hosts.map((h) => ({ h, d: driverOf(svc, h) })).filter((x) => x.d?.storageHeartbeat);
    if (withHeartbeat.length === 0) return;
    const pools: PoolRow[] = await svc.db.selectFrom('storage_pools')
      .select(['id', 'name', 'type', 'host', 'path', 'scope', 'cluster_id', 'zone_id', 'hypervisor'])
      .where('removed', 'is', null).where('scope', 'in', ['CLUSTER', 'ZONE']).where('state', '!=', 'Removed').execute();
    const intervalMs = (await settingNumber(svc, 'kvm.heartbeat.update.interval')) * 1000;
    const timeoutMs = (await settingNumber(svc, 'kvm.heartbeat.timeout')) * 1000;
    await Promise.all(withHeartbeat.map(async ({ h, d }) => {
      try {
        if (h.state === 'Up') {
          doubted.delete(h.id);
          if (pushing.has(h.id)) return;
          pushing.add(h.id);
          void d!.storageHeartbeat!(h.id, poolsOf(h, pools).map(localPoolPath), intervalMs)
            .catch((e) => svc.log.warn(`HA: could not set the storage heartbeat of host ${h.name}`, { error: errText(e) }))
            .finally(() => pushing.delete(h.id));
        } else {
          await investigate(h, pools, timeoutMs);
        }
      } catch (e) {
        svc.log.warn(`HA: host ${h.name}`, { error: errText(e) });
      }
    }));
  }

  function tick(): Promise<void> {
    round ??= run().finally(() => { round = null; });
    return round;
  }

  return {
    start() {
      if (timer !== undefined || opts.intervalMs <= 0) return;
      timer = setInterval(() => { tick().catch((e) => svc.log.error('HA monitor: tick failed', { error: errText(e) })); }, opts.intervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await round?.catch(() => undefined);
    },
    tick,
    async settled() {
      while (recoveries.size > 0) await Promise.all([...recoveries]);
    },
  };
}
