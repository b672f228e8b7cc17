// The host monitor: pings every host through its driver on a fixed interval and moves agent states as
// CloudStack does (reference §6.2): Up --no ping for `timeoutMs`--> Alert; Alert/Disconnected --ping--> Up.
// A host whose driver does not know it (the simulator after a restart, a restarted agent) is connected again,
// and the VMs the database places on it are adopted by drivers that support it. Each transition writes an event
// and a HOST alert (type 7). Cheap at 10,000 hosts: one query reads every host, pings run with bounded
// concurrency, and last_pinged is written in batches of 500 ids.
import type { Services } from '../kernel/services';
import type { HypervisorDriver } from '../hypervisors/driver';
import { canHostStatus, type HostStatusEvent } from './host-states';
import { moveHostStatus, connectSpec, infoColumns, adoptVms } from './host-connect';
import { driverForHost } from '../hypervisors/registry';

export interface HostMonitorOptions {
  intervalMs: number;
  /** No successful ping for this long moves an Up host to Alert. Default 2.5 x interval (ping.timeout). */
  timeoutMs?: number;
  /** Pings in flight at once. Default 200. */
  concurrency?: number;
}

export interface HostMonitor {
  /** Runs a first tick at once (reconnecting hosts after a restart), then one per interval. */
  start(): void;
  stop(): void;
  /** One round of pings; concurrent calls share the round in progress. */
  tick(): Promise<void>;
}

const HOST_ALERT = { type: 7, name: 'ALERT.COMPUTE.HOST' };

interface Row {
  id: string; name: string; hypervisor: string; state: string; url: string; details: string; created: number;
  last_pinged: number | null; cpu_number: number; cpu_speed: number; memory_total: number; ip_address: string;
  zone_id: string; pod_id: string; cluster_id: string; zone_name: string; pod_name: string;
}

/** The events that bring a responding host back to Up from where it is. */
function upEvents(state: string): HostStatusEvent[] {
  if (state === 'Connecting') return ['Ready'];
  if (canHostStatus(state, 'Ping') && state !== 'Up' && state !== 'Connecting') return ['Ping'];
  if (canHostStatus(state, 'AgentConnected') && state !== 'Up') return ['AgentConnected', 'Ready'];
  return [];
}

export function createHostMonitor(svc: Services, opts: HostMonitorOptions): HostMonitor {
  const timeoutMs = opts.timeoutMs ?? opts.intervalMs * 2.5;
  const concurrency = opts.concurrency ?? 200;
  let timer: ReturnType<typeof setInterval> | undefined;
  let round: Promise<void> | null = null;

  async function transition(h: Row, events: HostStatusEvent[], why: string, set: Record<string, unknown> = {}): Promise<void> {
    let state: string | null = h.state;
    for (const e of events) {
      state = await moveHostStatus(svc, h.id, state, e, set);
      if (state === null) return; // changed meanwhile by someone else: they own it now
    }
    const up = state === 'Up';
    await svc.events.record({
      type: up ? 'HOST.RECONNECT' : 'HOST.UPDATE', level: up ? 'INFO' : 'WARN', state: 'Completed',
      description: `Host ${h.name} ${why}: state ${h.state} -> ${state}`, resourceId: h.id, resourceType: 'Host', resourceName: h.name,
    });
    await svc.events.alert({
      ...HOST_ALERT, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id,
      description: `${up ? 'Host is up' : 'Host disconnected'}, name: ${h.name} (id:${h.id}), availability zone: ${h.zone_name}, pod: ${h.pod_name}`,
    });
  }

  /** Pings one host; when the driver does not answer, tries to connect it as a restarted agent would. */
  async function check(h: Row, driver: HypervisorDriver, reconnected: string[]): Promise<boolean> {
    try {
      if (await driver.pingHost(h.id)) return true;
    } catch { /* an injected or real ping failure counts as no answer */ }
    try {
      const info = await driver.connectHost(connectSpec(h));
      const cols = infoColumns(info, h.details);
      if (cols.cpu_number !== h.cpu_number || cols.cpu_speed !== h.cpu_speed || cols.memory_total !== h.memory_total || cols.ip_address !== h.ip_address) {
        await svc.db.updateTable('hosts').set(cols).where('id', '=', h.id).execute();
      }
      reconnected.push(h.id);
      return true;
    } catch {
      return false;
    }
  }

  async function one(h: Row, now: number, alive: string[], reconnected: Map<HypervisorDriver, string[]>): Promise<void> {
    let driver: HypervisorDriver;
    try {
      driver = driverForHost(svc.drivers, h);
    } catch {
      return; // a hypervisor whose driver is not loaded in this process
    }
    const list = reconnected.get(driver) ?? [];
    reconnected.set(driver, list);
    if (await check(h, driver, list)) {
      alive.push(h.id);
      const ev = upEvents(h.state);
      if (ev.length > 0) await transition(h, ev, 'responds again', { last_pinged: now, disconnected: null });
      return;
    }
    const silentFor = now - (h.last_pinged ?? h.created);
    if (silentFor >= timeoutMs && (h.state === 'Up' || h.state === 'Connecting' || h.state === 'Disconnected')) {
      await transition(h, ['PingTimeout'], `is not responding (no ping for ${Math.round(silentFor / 1000)} s)`, { disconnected: now });
    }
  }

  async function run(): Promise<void> {
    const now = svc.clock.now();
    const rows: Row[] = await svc.db.selectFrom('hosts as h').innerJoin('zones as z', 'z.id', 'h.zone_id')
      .innerJoin('pods as p', 'p.id', 'h.pod_id')
      .select(['h.id', 'h.name', 'h.hypervisor', 'h.state', 'h.url', 'h.details', 'h.created', 'h.last_pinged', 'h.cpu_number',
        'h.cpu_speed', 'h.memory_total', 'h.ip_address', 'h.zone_id', 'h.pod_id', 'h.cluster_id', 'z.name as zone_name', 'p.name as pod_name'])
      .where('h.removed', 'is', null).where('h.type', '=', 'Routing')
      // Each management server watches the hosts it owns; a Down server's hosts move to a survivor (cluster/ms-registry).
      .where((eb) => eb.or([eb('h.ms_id', '=', svc.config.msId), eb('h.ms_id', 'is', null)])).execute();
    const alive: string[] = [];
    const reconnected = new Map<HypervisorDriver, string[]>();
    for (let i = 0; i < rows.length; i += concurrency) {
      await Promise.all(rows.slice(i, i + concurrency).map((h) => one(h, now, alive, reconnected).catch((e) => {
        svc.log.warn('host monitor: check failed', { hostId: h.id, error: String(e) });
      })));
    }
    for (let i = 0; i < alive.length; i += 500) {
      await svc.db.updateTable('hosts').set({ last_pinged: now }).where('id', 'in', alive.slice(i, i + 500)).execute();
    }
    for (const [driver, ids] of reconnected) if (ids.length > 0) await adoptVms(svc, driver, ids);
  }

  function tick(): Promise<void> {
    round ??= run().finally(() => { round = null; });
    return round;
  }

  const safeTick = () => {
    tick().catch((e) => svc.log.error('host monitor: tick failed', { error: String(e) }));
  };

  return {
    start() {
      if (timer !== undefined) return;
      safeTick();
      timer = setInterval(safeTick, opts.intervalMs);
      timer.unref?.();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
    tick,
  };
}
