// The virtual routers' health check (CloudStack checks its router VMs the same way, setting router.check.interval):
// one loop per management server over the routers on the hosts it owns (hosts.ms_id). A router that should run
// (Running, or Error from an earlier failed restart) but whose host says its namespace or dnsmasq is gone is
// reported (an ALERT.SERVICE.DOMAINROUTER alert and an event) and started again from the database's spec, with every
// DHCP reservation. One that cannot be started is marked Error, so listRouters says so; it is retried every round.
// Only with the KVM data path on (network.kvm.datapath): without it no router runs anywhere but as a row.
import type { Services } from '../kernel/services';
import { driverFor } from '../orchestration/vm/infra';
import { settingFlag } from '../kernel/settings';
import { applyRouter } from './router-datapath';

export interface RouterMonitor {
  start(): void;
  stop(): Promise<void>;
  /** One round; resolves with the routers found down (tests, operators' logs). */
  tick(): Promise<{ restarted: string[]; failed: string[] }>;
}

const ROUTER_ALERT = { type: 9, name: 'ALERT.SERVICE.DOMAINROUTER' };
const CHECK_TIMEOUT_MS = 15_000;

export function createRouterMonitor(svc: Services, opts: { intervalMs: number }): RouterMonitor {
  let timer: ReturnType<typeof setInterval> | undefined;
  let round: Promise<unknown> | null = null;

  async function report(r: { id: string; name: string; zone_id: string; account_id: string | null; domain_id: string }, text: string, level: 'WARN' | 'ERROR') {
    await svc.events.record({ type: 'ROUTER.HEALTH.CHECKS', level, state: 'Completed', resourceId: r.id, resourceType: 'DomainRouter',
      resourceName: r.name, description: text, accountId: r.account_id, domainId: r.domain_id });
    await svc.events.alert({ ...ROUTER_ALERT, zoneId: r.zone_id, description: text });
  }

  async function tick() {
    const out = { restarted: [] as string[], failed: [] as string[] };
    if (!(await settingFlag(svc, 'network.kvm.datapath'))) return out;
    const rows = await svc.db.selectFrom('routers as r').innerJoin('hosts as h', 'h.id', 'r.host_id')
      .select(['r.id', 'r.name', 'r.network_id', 'r.state', 'r.zone_id', 'r.account_id', 'r.domain_id', 'r.host_id', 'h.name as host_name'])
      .where('r.removed', 'is', null).where('r.state', 'in', ['Running', 'Error']).where('h.state', '=', 'Up').where('h.removed', 'is', null)
      .where((eb) => eb.or([eb('h.ms_id', '=', svc.config.msId), eb('h.ms_id', 'is', null)])).execute();
    for (const r of rows) {
      const driver = await driverFor(svc, r.host_id!).catch(() => null);
      if (!driver?.routerRunning) continue; // simulated hosts: a router is a row
      let timeout: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => { timeout = setTimeout(() => reject(new Error('no answer')), CHECK_TIMEOUT_MS); });
      const up = await Promise.race([driver.routerRunning(r.host_id!, r.network_id), late]).catch(() => null).finally(() => clearTimeout(timeout));
      if (up === null || (up && r.state === 'Running')) continue; // a host that does not answer is the host monitor's business
      if (!up && r.state === 'Running') await report(r, `Virtual router ${r.name} on host ${r.host_name} is not running (its namespace or dnsmasq is gone): restarting it`, 'WARN');
      const now = svc.clock.now();
      await svc.db.updateTable('routers').set({ state: 'Running', updated: now }).where('id', '=', r.id).execute();
      const ok = up || await applyRouter(svc, r.network_id).catch((e: Error) => { svc.log.warn(`router ${r.name} could not be restarted`, { error: e.message }); return false; });
      if (ok) { out.restarted.push(r.id); continue; }
      out.failed.push(r.id);
      await svc.db.updateTable('routers').set({ state: 'Error', updated: now }).where('id', '=', r.id).execute();
      if (r.state === 'Running') await report(r, `Virtual router ${r.name} could not be restarted on host ${r.host_name}: DHCP and DNS of its network are down`, 'ERROR');
    }
    return out;
  }

  return {
    start() {
      if (opts.intervalMs <= 0 || timer) return;
      timer = setInterval(() => {
        round ??= tick().catch((e: Error) => svc.log.warn('router health check failed', { error: e.message })).finally(() => { round = null; });
      }, opts.intervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await round;
    },
    tick,
  };
}
