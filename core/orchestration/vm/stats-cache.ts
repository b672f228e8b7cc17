// Usage figures of VMs on real hypervisors (KVM) for listVirtualMachines: read from a per-VM cache that a collector
// refreshes every 10 s, as CloudStack's stats collector does, so a list page never waits on hosts. A VM missing
// from the cache (just started) is fetched once in the background. Simulator VMs are not cached: the in-process
// simulator computes their figures at once, and only when a caller asks for details=stats.
import { sql } from 'kysely';
import type { VmStats } from '../../hypervisors/driver';
import type { Services } from '../../kernel/services';
import { driverFor } from './infra';

/**
 * The figures one core keeps (core-caches.ts): each server asks the hosts itself, so the cache needs no
 * cross-server invalidation. Rule: refreshed every collection (10 s); a VM that stopped is dropped at the next one.
 */
export interface VmStatsCache { entries: Map<string, VmStats>; fetching: Set<string> }
export const createVmStatsCache = (): VmStatsCache => ({ entries: new Map(), fetching: new Set() });

/** Hypervisors whose figures come from the cache. */
const collected = (hypervisor: string) => hypervisor !== '' && hypervisor.toLowerCase() !== 'simulator';

const FETCH_TIMEOUT_MS = 5000;

async function fetchOne(svc: Services, c: VmStatsCache, vmId: string, hostId: string): Promise<void> {
  if (c.fetching.has(vmId)) return;
  c.fetching.add(vmId);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<null>((res) => { timer = setTimeout(() => res(null), FETCH_TIMEOUT_MS); });
    const s = await Promise.race([(await driverFor(svc, hostId)).vmStats(hostId, vmId), timeout]);
    if (s) c.entries.set(vmId, s);
  } catch { /* a host that cannot answer keeps the last figures until the VM stops */ } finally {
    clearTimeout(timer);
    c.fetching.delete(vmId);
  }
}

/** Refreshes the figures of every running VM on collected hypervisors; drops VMs that stopped. */
export async function collectVmStats(svc: Services, concurrency = 8): Promise<void> {
  const c = svc.caches.vmStats;
  // Through the (few) hosts of collected hypervisors: with 100,000 simulated VMs this stays an index lookup. The
  // database drops the simulator hosts, so 10,000 of them are not turned into objects every collection.
  const hosts = (await svc.db.selectFrom('hosts').select(['id', 'hypervisor']).where('removed', 'is', null)
    .where(sql<string>`lower(hypervisor)`, '<>', 'simulator').execute())
    .filter((h) => collected(h.hypervisor)).map((h) => h.id);
  const rows = hosts.length === 0 ? [] : await svc.db.selectFrom('vms').select(['id', 'host_id']).where('host_id', 'in', hosts)
    .where('state', '=', 'Running').where('removed', 'is', null).execute();
  const live = new Set(rows.map((r) => r.id));
  for (const id of c.entries.keys()) if (!live.has(id)) c.entries.delete(id);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const r = rows[next++];
      await fetchOne(svc, c, r.id, r.host_id!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
}

/** Starts the periodic collection; returns the stopper. */
export function startStatsCollector(svc: Services, intervalMs = 10_000): { stop(): void } {
  let busy = false;
  const t = setInterval(() => {
    if (busy) return;
    busy = true;
    collectVmStats(svc).catch((e: Error) => svc.log.warn('VM stats collection failed', { error: e.message })).finally(() => { busy = false; });
  }, intervalMs);
  t.unref();
  return { stop: () => clearInterval(t) };
}

type StatsRow = { id: string; state: string; host_id: string | null; hypervisor: string };

/**
 * Figures for a page of VMs: cached ones for collected hypervisors (a miss is fetched in the background, or
 * at once when `direct`), and, when `direct`, the simulator's computed ones.
 */
export async function vmStatsOf(svc: Services, rows: StatsRow[], direct: boolean): Promise<Map<string, VmStats>> {
  const out = new Map<string, VmStats>();
  const c = svc.caches.vmStats;
  const waits: Promise<void>[] = [];
  for (const r of rows) {
    if (r.state !== 'Running' || !r.host_id) continue;
    if (collected(r.hypervisor)) {
      const hit = c.entries.get(r.id);
      if (hit) out.set(r.id, hit);
      else if (direct) waits.push(fetchOne(svc, c, r.id, r.host_id).then(() => { const s = c.entries.get(r.id); if (s) out.set(r.id, s); }));
      else void fetchOne(svc, c, r.id, r.host_id);
    } else if (direct) {
      const host = r.host_id;
      waits.push((async () => {
        try {
          const s = await (await driverFor(svc, host)).vmStats(host, r.id);
          if (s) out.set(r.id, s);
        } catch { /* a host that cannot answer leaves the stats out */ }
      })());
    }
  }
  await Promise.all(waits);
  return out;
}
