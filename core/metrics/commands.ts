// list*Metrics: each runs its base list (same parameters, same scoping: a user sees only their own VMs) and adds
// the metrics plugin's fields to every item, from the newest samples in the store and the hosts' counters.
import type { ArgsOf } from '../contract/command';
import type { ItemOf } from '../contract/responses';
import type * as R from '../contract/response-types';
import type { CallContext, HandlersFor, ListResult } from '../kernel/handler';
import type { CommandModule, Registry } from '../kernel/registry';
import { implement } from '../kernel/handler';
import { metricsCommands } from '../contract/commands/metrics';
import type { computeCommands } from '../contract/commands/compute';
import type { infraCommands } from '../contract/commands/infra';
import type { storageCommands } from '../contract/commands/storage';
import { CH, HOST_CH, PACKET_SCALE, type Point } from './metrics-schema';
import { ghz, gb, latestOf, mb, pct } from './format';
import { historyHandlers } from './history';
import { inIdOrder, isUsageSort, newestUsage, usagePage, usageValue, type NewestUsage } from './usage-sort';
import type { Metrics } from './index';

type H = HandlersFor<typeof metricsCommands>;

/** The base lists the metrics commands run; their declarations type the items they answer. */
interface Bases {
  listVirtualMachines: typeof computeCommands.listVirtualMachines; listHosts: typeof infraCommands.listHosts;
  listClusters: typeof infraCommands.listClusters; listZones: typeof infraCommands.listZones;
  listStoragePools: typeof infraCommands.listStoragePools; listVolumes: typeof storageCommands.listVolumes;
}
export type BaseList = <C extends keyof Bases>(ctx: CallContext, command: C, args: ArgsOf<Bases[C]>) => Promise<ListResult<ItemOf<Bases[C]>>>;

/** Runs a base list command's handler with the caller's context. */
export function baseList(registry: () => Registry): BaseList {
  return async (ctx, command, args) => {
    const h = registry().get(command)?.sync;
    if (!h) throw new Error(`${command} is not registered`);
    // The registry keeps handlers under the generic CommandDecl; the base command's own declaration (Bases, which
    // its handler is compiled against) says what its list holds.
    return (await h({ ...ctx, command }, args)) as ListResult<ItemOf<Bases[typeof command]>>;
  };
}

const DEFAULT_THRESHOLD = { notify: 0.75, disable: 0.85 };

/** A channel of the newest sample as a whole rate per second (`scale`: the channel's hundredths); absent without one. */
const rateOf = (p: Point | undefined, ch: number, scale = 1) => (p?.avg[ch] == null ? undefined : Math.round(p.avg[ch]! / scale));
/** The byte rates of the lists' disk and network columns (Strata's extension, README). */
const ratesOf = (p: Point | undefined, diskRead: number, diskWrite: number) => ({
  diskreadrate: rateOf(p, diskRead), diskwriterate: rateOf(p, diskWrite), networkreadrate: rateOf(p, CH.netRx), networkwriterate: rateOf(p, CH.netTx),
});

async function settings(ctx: CallContext, names: string[]): Promise<Map<string, number>> {
  const rows = await ctx.svc.db.selectFrom('configurations').select(['name', 'value']).where('name', 'in', names).execute();
  return new Map(rows.map((r) => [r.name, Number(r.value)]));
}

/** The clusters' CPU and memory notification and disable thresholds (global settings, CloudStack's defaults). */
async function clusterThresholds(ctx: CallContext) {
  const s = await settings(ctx, ['cluster.cpu.allocated.capacity.notificationthreshold', 'cluster.memory.allocated.capacity.notificationthreshold',
    'cluster.cpu.allocated.capacity.disablethreshold', 'cluster.memory.allocated.capacity.disablethreshold']);
  return {
    notify: (k: 'cpu' | 'memory') => s.get(`cluster.${k}.allocated.capacity.notificationthreshold`) || DEFAULT_THRESHOLD.notify,
    disable: (k: 'cpu' | 'memory') => s.get(`cluster.${k}.allocated.capacity.disablethreshold`) || DEFAULT_THRESHOLD.disable,
  };
}

interface HostRow { id: string; cluster_id: string; zone_id: string; state: string; cpu_number: number; cpu_speed: number;
  memory_total: number; cpu_allocated: number; memory_allocated: number }

/** Cluster/zone usage from their hosts' newest samples and counters. */
async function aggregate(ctx: CallContext, m: Metrics, key: 'cluster_id' | 'zone_id', ids: string[]) {
  const hosts: HostRow[] = ids.length === 0 ? [] : await ctx.svc.db.selectFrom('hosts')
    .select(['id', 'cluster_id', 'zone_id', 'state', 'cpu_number', 'cpu_speed', 'memory_total', 'cpu_allocated', 'memory_allocated'])
    .where('removed', 'is', null).where(key, 'in', ids).execute();
  const latest = await latestOf(m.store, 'host', hosts.map((h) => h.id), ctx.svc.clock.now());
  const out = new Map<string, { up: number; total: number; cpuMhz: number; cpuUsedMhz: number; cpuAlloc: number; mem: number; memUsed: number; memAlloc: number; cpuPcts: number[]; memPcts: number[] }>();
  for (const h of hosts) {
    const g = out.get(h[key]) ?? { up: 0, total: 0, cpuMhz: 0, cpuUsedMhz: 0, cpuAlloc: 0, mem: 0, memUsed: 0, memAlloc: 0, cpuPcts: [], memPcts: [] };
    out.set(h[key], g);
    const mhz = h.cpu_number * h.cpu_speed;
    g.total++; if (h.state === 'Up') g.up++;
    g.cpuMhz += mhz; g.mem += Number(h.memory_total);
    g.cpuAlloc += Number(h.cpu_allocated); g.memAlloc += Number(h.memory_allocated);
    const p = latest.get(h.id);
    const cpu = (p?.avg[CH.cpu] ?? 0) / 100;
    const memUsed = (p?.avg[CH.mem] ?? 0) * 1024;
    g.cpuUsedMhz += (cpu / 100) * mhz; g.memUsed += memUsed;
    g.cpuPcts.push(cpu); g.memPcts.push(Number(h.memory_total) > 0 ? (memUsed / Number(h.memory_total)) * 100 : 0);
  }
  return out;
}

const maxDeviation = (xs: number[]) => {
  if (xs.length === 0) return 0;
  const avg = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.max(...xs.map((x) => Math.abs(x - avg)));
};

/** The usage figures clusters and zones share (ClustersMetric and ZonesMetric). */
type GroupFigures = Pick<R.ZonesMetric, 'state' | 'cputotal' | 'cpuused' | 'cpuallocated' | 'cpumaxdeviation' | 'memorytotal'
  | 'memoryused' | 'memoryallocated' | 'memorymaxdeviation' | 'cputhreshold' | 'cpudisablethreshold' | 'cpuallocatedthreshold'
  | 'cpuallocateddisablethreshold' | 'memorythreshold' | 'memorydisablethreshold' | 'memoryallocatedthreshold'
  | 'memoryallocateddisablethreshold'>;

/** Each cluster's or zone's figures from its hosts, and (for clusters) its `hosts` "up / all". */
async function groupFigures(ctx: CallContext, m: Metrics, items: { id: string; allocationstate?: string }[], key: 'cluster_id' | 'zone_id') {
  const agg = await aggregate(ctx, m, key, items.map((i) => i.id));
  const { notify, disable } = await clusterThresholds(ctx);
  return (i: { id: string; allocationstate?: string }): GroupFigures & { hosts: string } => {
    const g = agg.get(i.id);
    const cpuUsed = g && g.cpuMhz > 0 ? g.cpuUsedMhz / g.cpuMhz : 0;
    const cpuAlloc = g && g.cpuMhz > 0 ? g.cpuAlloc / g.cpuMhz : 0;
    const memUsed = g && g.mem > 0 ? g.memUsed / g.mem : 0;
    const memAlloc = g && g.mem > 0 ? g.memAlloc / g.mem : 0;
    return {
      state: i.allocationstate, cputotal: ghz(g?.cpuMhz ?? 0), cpuused: pct(cpuUsed * 100), cpuallocated: pct(cpuAlloc * 100),
      cpumaxdeviation: pct(maxDeviation(g?.cpuPcts ?? [])), memorytotal: gb(g?.mem ?? 0), memoryused: pct(memUsed * 100),
      memoryallocated: pct(memAlloc * 100), memorymaxdeviation: pct(maxDeviation(g?.memPcts ?? [])),
      cputhreshold: cpuUsed >= notify('cpu'), cpudisablethreshold: cpuUsed >= disable('cpu'),
      cpuallocatedthreshold: cpuAlloc >= notify('cpu'), cpuallocateddisablethreshold: cpuAlloc >= disable('cpu'),
      memorythreshold: memUsed >= notify('memory'), memorydisablethreshold: memUsed >= disable('memory'),
      memoryallocatedthreshold: memAlloc >= notify('memory'), memoryallocateddisablethreshold: memAlloc >= disable('memory'),
      hosts: `${g?.up ?? 0} / ${g?.total ?? 0}`,
    };
  };
}

export function createMetricsModule(m: Metrics, registry: () => Registry): CommandModule {
  const list = baseList(registry);
  const withStats = (details: string[] | undefined) => (details === undefined ? ['all'] : [...details, 'stats']);
  /** A page sorted by current use over the whole filtered list; the page's items then answer as any other. */
  async function usageSorted<A extends { sortby?: string; sortorder?: string; page?: number; pagesize?: number }, I extends { id: string }>(
    ctx: CallContext, a: A, kind: 'vm' | 'host', all: (rest: Omit<A, 'sortby' | 'sortorder' | 'page' | 'pagesize'>) => Promise<{ count: number; items: I[] }>,
    value: (item: I, u: NewestUsage) => number | null,
    page: (rest: Omit<A, 'sortby' | 'sortorder' | 'page' | 'pagesize'>, ids: string[], everything: I[]) => Promise<{ items: I[] }>) {
    const { sortby: _s, sortorder, page: pageNo, pagesize, ...rest } = a;
    const everything = await all(rest);
    const usage = await newestUsage(ctx, m, kind);
    const ids = usagePage(everything.items, (i) => { const u = usage.get(i.id); return u ? value(i, u) : null; }, sortorder === 'desc', pageNo, pagesize);
    if (ids.length === 0) return { count: everything.count, items: [] };
    return { count: everything.count, items: inIdOrder((await page(rest, ids, everything.items)).items, ids) };
  }

  /** A page of hosts with the metrics plugin's figures. */
  async function hostFigures(ctx: CallContext, items: ItemOf<Bases['listHosts']>[]): Promise<{ items: R.HostsMetric[] }> {
    const latest = await latestOf(m.store, 'host', items.map((i) => i.id), ctx.svc.clock.now());
    const counts = items.length === 0 ? [] : await ctx.svc.db.selectFrom('vms').select(['host_id', 'state'])
      .select((eb) => eb.fn.countAll<number>().as('n')).where('host_id', 'in', items.map((i) => i.id))
      .where('removed', 'is', null).groupBy(['host_id', 'state']).execute();
    const { notify, disable } = await clusterThresholds(ctx);
    return { items: items.map((i): R.HostsMetric => {
      const p = latest.get(i.id);
      const totalMhz = (i.cpunumber ?? 0) * (i.cpuspeed ?? 0);
      const cpuPct = p?.avg[CH.cpu] != null ? p.avg[CH.cpu]! / 100 : 0;
      const memUsed = p?.avg[CH.mem] != null ? p.avg[CH.mem]! * 1024 : Number(i.memoryused ?? 0);
      const memTotal = Number(i.memorytotal ?? 0);
      const allocMhz = Number(i.cpuallocatedvalue ?? 0);
      const memAlloc = Number(i.memoryallocated ?? 0);
      const running = counts.filter((c) => c.host_id === i.id && c.state === 'Running').reduce((x, c) => x + Number(c.n), 0);
      const all = counts.filter((c) => c.host_id === i.id).reduce((x, c) => x + Number(c.n), 0);
      return { ...i,
        cpuused: pct(cpuPct), memoryused: Math.round(memUsed), powerstate: i.state === 'Up' ? 'On' : 'Unknown',
        instances: `${running} / ${all}`, systeminstances: '0 / 0',
        cputotalghz: ghz(totalMhz), cpuusedghz: ghz((cpuPct / 100) * totalMhz), cpuallocatedghz: ghz(allocMhz),
        memorytotalgb: gb(memTotal), memoryusedgb: gb(memUsed), memoryallocatedgb: gb(memAlloc),
        networkread: mb(0), networkwrite: mb(0), ...ratesOf(p, HOST_CH.diskRead, HOST_CH.diskWrite),
        cputhreshold: cpuPct / 100 >= notify('cpu'), cpudisablethreshold: cpuPct / 100 >= disable('cpu'),
        cpuallocatedthreshold: totalMhz > 0 && allocMhz / totalMhz >= notify('cpu'), cpuallocateddisablethreshold: totalMhz > 0 && allocMhz / totalMhz >= disable('cpu'),
        memorythreshold: memTotal > 0 && memUsed / memTotal >= notify('memory'), memorydisablethreshold: memTotal > 0 && memUsed / memTotal >= disable('memory'),
        memoryallocatedthreshold: memTotal > 0 && memAlloc / memTotal >= notify('memory'), memoryallocateddisablethreshold: memTotal > 0 && memAlloc / memTotal >= disable('memory'),
      };
    }) };
  }

  const handlers: H = {
    listVirtualMachinesMetrics: async (ctx, a) => {
      if (isUsageSort(a.sortby)) {
        const key = a.sortby;
        return usageSorted(ctx, a, 'vm', (rest) => list(ctx, 'listVirtualMachines', { ...rest, pagesize: -1, details: ['min'] }),
          (v, u) => (v.state !== 'Running' ? null : usageValue(key, u, v.memory ? v.memory * 1024 : null)),
          (rest, ids) => handlers.listVirtualMachinesMetrics(ctx, { ...rest, ids, pagesize: ids.length }) as Promise<{ items: R.VirtualMachinesMetric[] }>);
      }
      const r = await list(ctx, 'listVirtualMachines', { ...a, details: withStats(a.details) });
      const latest = await latestOf(m.store, 'vm', r.items.map((i) => i.id), ctx.svc.clock.now());
      return { count: r.count, items: r.items.map((i): R.VirtualMachinesMetric => {
        const p = latest.get(i.id);
        const bytes = (kib: number | undefined) => (kib ?? 0) * 1024;
        return { ...i,
          cpuused: p?.avg[CH.cpu] != null ? pct(p.avg[CH.cpu]! / 100) : i.cpuused,
          memorykbs: p?.avg[CH.mem] != null ? Math.round(p.avg[CH.mem]!) : i.memorykbs,
          cputotal: ghz((i.cpunumber ?? 0) * (i.cpuspeed ?? 0)), memorytotal: gb((i.memory ?? 0) * 1024 ** 2),
          networkread: mb(bytes(i.networkkbsread)), networkwrite: mb(bytes(i.networkkbswrite)),
          diskread: mb(bytes(i.diskkbsread)), diskwrite: mb(bytes(i.diskkbswrite)),
          diskiopstotal: (i.diskioread ?? 0) + (i.diskiowrite ?? 0),
          ...ratesOf(p, CH.diskRead, CH.diskWrite),
          networkpacketsreadrate: rateOf(p, CH.pktRx, PACKET_SCALE), networkpacketswriterate: rateOf(p, CH.pktTx, PACKET_SCALE) };
      }) };
    },
    listHostsMetrics: async (ctx, a) => {
      if (isUsageSort(a.sortby)) {
        const key = a.sortby;
        return usageSorted(ctx, a, 'host', (rest) => list(ctx, 'listHosts', { ...rest, pagesize: -1 }),
          (h, u) => (h.state !== 'Up' ? null : usageValue(key, u, h.memorytotal ? Number(h.memorytotal) / 1024 : null)),
          // listHosts takes no ids: the page is cut from the whole list it already answered.
          async (_rest, ids, every) => hostFigures(ctx, every.filter((h) => ids.includes(h.id))));
      }
      const { count, items } = await list(ctx, 'listHosts', a);
      return { count, items: (await hostFigures(ctx, items)).items };
    },
    listClustersMetrics: async (ctx, a) => {
      const { count, items } = await list(ctx, 'listClusters', a);
      const figures = await groupFigures(ctx, m, items, 'cluster_id');
      return { count, items: items.map((i): R.ClustersMetric => ({ ...i, ...figures(i) })) };
    },
    listZonesMetrics: async (ctx, a) => {
      const { count, items } = await list(ctx, 'listZones', a);
      const figures = await groupFigures(ctx, m, items, 'zone_id');
      const clusters = items.length === 0 ? [] : await ctx.svc.db.selectFrom('clusters').select(['zone_id', 'allocation_state'])
        .where('removed', 'is', null).where('zone_id', 'in', items.map((i) => i.id)).execute();
      return { count, items: items.map((i): R.ZonesMetric => {
        const mine = clusters.filter((c) => c.zone_id === i.id);
        // A zone answers its clusters "enabled / all" where a cluster answers its hosts.
        const { hosts: _hosts, ...own } = figures(i);
        return { ...i, ...own, clusters: `${mine.filter((c) => c.allocation_state === 'Enabled').length} / ${mine.length}` };
      }) };
    },
    listStoragePoolsMetrics: async (ctx, a) => {
      const { count, items } = await list(ctx, 'listStoragePools', a);
      const s = await settings(ctx, ['pool.storage.capacity.notificationthreshold', 'pool.storage.allocated.capacity.notificationthreshold',
        'pool.storage.capacity.disablethreshold', 'pool.storage.allocated.capacity.disablethreshold']);
      const t = (k: string, d: number) => s.get(k) || d;
      return { count, items: items.map((i): R.StoragePoolsMetric => {
        const total = i.disksizetotal ?? 0;
        const used = i.disksizeused ?? 0;
        const alloc = i.disksizeallocated ?? 0;
        const over = Number(i.overprovisionfactor ?? 1) || 1;
        return { ...i, disksizetotalgb: gb(total), disksizeusedgb: gb(used), disksizeallocatedgb: gb(alloc),
          disksizeunallocatedgb: gb(Math.max(0, total * over - alloc)),
          storageusagethreshold: total > 0 && used / total >= t('pool.storage.capacity.notificationthreshold', DEFAULT_THRESHOLD.notify),
          storageusagedisablethreshold: total > 0 && used / total >= t('pool.storage.capacity.disablethreshold', DEFAULT_THRESHOLD.disable),
          storageallocatedthreshold: total > 0 && alloc / (total * over) >= t('pool.storage.allocated.capacity.notificationthreshold', DEFAULT_THRESHOLD.notify),
          storageallocateddisablethreshold: total > 0 && alloc / (total * over) >= t('pool.storage.allocated.capacity.disablethreshold', DEFAULT_THRESHOLD.disable) };
      }) };
    },
    listVolumesMetrics: async (ctx, a) => {
      const { count, items } = await list(ctx, 'listVolumes', a);
      const latest = await latestOf(m.store, 'volume', items.map((i) => i.id), ctx.svc.clock.now());
      return { count, items: items.map((i): R.VolumesMetric => {
        const p = latest.get(i.id);
        const iops = ((p?.avg[CH.iopsRead] ?? 0) + (p?.avg[CH.iopsWrite] ?? 0)) / 100;
        return { ...i, sizegb: gb(i.size ?? 0), diskiopstotal: Math.round(iops),
          diskreadrate: rateOf(p, CH.diskRead), diskwriterate: rateOf(p, CH.diskWrite),
          diskioreadrate: rateOf(p, CH.iopsRead, 100), diskiowriterate: rateOf(p, CH.iopsWrite, 100) };
      }) };
    },
    ...historyHandlers(m, list),
  };
  return implement(metricsCommands, handlers);
}
