// list*UsageHistory: the objects the caller's base list shows (same scoping), each with `stats[]` over
// startdate..enddate (default: the last hour) at the resolution that keeps a series to about 1,000 points.
// Per point: averages over the bucket for levels (CPU %, memory) and the amounts moved in the bucket for I/O
// (KiB read, operations), as CloudStack's VM stats rows carry them; `cpuusedmax`/`memorykbsmax` are ours.
import type * as R from '../contract/response-types';
import type { metricsCommands } from '../contract/commands/metrics';
import type { CallContext, HandlersFor } from '../kernel/handler';
import { invalidParam } from '../kernel/errors';
import { csDate } from '../kernel/format';
import { pageArray } from '../infrastructure/util';
import { parseDateParam } from '../events/dates';
import { CH, PACKET_SCALE, ZONE_CH, type Point, type SeriesKind } from './metrics-schema';
import { mb, pct } from './format';
import type { BaseList } from './commands';
import type { Metrics } from './index';

type HistoryCommands = Pick<typeof metricsCommands, 'listVirtualMachinesUsageHistory' | 'listVolumesUsageHistory' | 'listHostsUsageHistory'
  | 'listZonesUsageHistory'>;
interface RangeArgs { startdate?: string; enddate?: string }

function rangeOf(ctx: CallContext, a: RangeArgs): { from: number; to: number } {
  const to = a.enddate !== undefined ? parseDateParam(a.enddate, 'enddate', true) + 1 : ctx.svc.clock.now();
  const from = a.startdate !== undefined ? parseDateParam(a.startdate, 'startdate') : to - 3_600_000;
  if (from >= to) throw invalidParam('startdate must be before enddate');
  return { from: Math.floor(from / 1000), to: Math.ceil(to / 1000) };
}

const round = (x: number | null | undefined) => Math.round(x ?? 0);

/** Each item's points over the range, one stats entry per point (`timestamp` first, as CloudStack writes it). */
async function statsOf<T extends { id: string }, S>(m: Metrics, kind: SeriesKind, items: T[], range: { from: number; to: number },
  stat: (p: Point, item: T, seconds: number) => S): Promise<Map<string, ({ timestamp: string } & S)[]>> {
  const series = await m.store.findSeries(kind, items.map((i) => i.id));
  const out = new Map<string, ({ timestamp: string } & S)[]>();
  for (const i of items) {
    const s = series.get(i.id);
    const pts = s === undefined ? [] : await m.store.read(s, range.from, range.to);
    out.set(i.id, pts.map((p) => ({ timestamp: csDate(p.ts * 1000), ...stat(p, i, p.n * m.store.config.intervalS) })));
  }
  return out;
}

/** I/O amounts in a bucket from its average rates. */
const amount = (p: Point, ch: number, seconds: number, scale = 1) => round(((p.avg[ch] ?? 0) / scale) * seconds);

/** Disk figures of a bucket, as a VM's and a volume's stats carry them. */
function diskStats(p: Point, sec: number) {
  const ioR = amount(p, CH.iopsRead, sec, 100);
  const ioW = amount(p, CH.iopsWrite, sec, 100);
  return { diskkbsread: Math.round(amount(p, CH.diskRead, sec) / 1024), diskkbswrite: Math.round(amount(p, CH.diskWrite, sec) / 1024),
    diskioread: ioR, diskiowrite: ioW, diskiopstotal: ioR + ioW };
}

/** Answers only the fields of CloudStack's history objects: identity and the series, not the whole base object. */
export function historyHandlers(m: Metrics, list: BaseList): HandlersFor<HistoryCommands> {
  const page = (a: { id?: string; name?: string; keyword?: string; page?: number; pagesize?: number }) =>
    ({ id: a.id, name: a.name, keyword: a.keyword, page: a.page, pagesize: a.pagesize });
  return {
    listVirtualMachinesUsageHistory: async (ctx, a) => {
      const range = rangeOf(ctx, a);
      const r = await list(ctx, 'listVirtualMachines', { ...page(a), ids: a.ids, details: ['min'] });
      const stats = await statsOf(m, 'vm', r.items, range, (p, vm, sec): Omit<R.VirtualMachinesUsageHistoryStats, 'timestamp'> => {
        const rx = amount(p, CH.netRx, sec);
        const tx = amount(p, CH.netTx, sec);
        return {
          cpuused: pct((p.avg[CH.cpu] ?? 0) / 100), cpuusedmax: pct((p.max[CH.cpu] ?? 0) / 100),
          memorykbs: round(p.avg[CH.mem]), memorykbsmax: round(p.max[CH.mem]), memorytargetkbs: (vm.memory ?? 0) * 1024,
          ...diskStats(p, sec), networkkbsread: Math.round(rx / 1024), networkkbswrite: Math.round(tx / 1024),
          networkread: mb(rx), networkwrite: mb(tx),
          networkpacketsread: amount(p, CH.pktRx, sec, PACKET_SCALE), networkpacketswrite: amount(p, CH.pktTx, sec, PACKET_SCALE),
        };
      });
      return { count: r.count, items: r.items.map((i): R.VirtualMachinesUsageHistory =>
        ({ id: i.id, name: i.name, displayname: i.displayname, stats: stats.get(i.id) ?? [] })) };
    },
    listVolumesUsageHistory: async (ctx, a) => {
      const range = rangeOf(ctx, a);
      const r = await list(ctx, 'listVolumes', { ...page(a), ids: a.ids });
      const stats = await statsOf(m, 'volume', r.items, range, (p, _v, sec) => diskStats(p, sec));
      return { count: r.count, items: r.items.map((i): R.VolumesUsageHistory => ({ id: i.id, name: i.name, stats: stats.get(i.id) ?? [] })) };
    },
    listHostsUsageHistory: async (ctx, a) => {
      const range = rangeOf(ctx, a);
      // listHosts has no `ids`: with ids, list every host the other filters match and page the chosen ones here.
      const r = a.ids === undefined ? await list(ctx, 'listHosts', page(a))
        : await list(ctx, 'listHosts', { ...page(a), page: undefined, pagesize: -1 }).then((all) => {
          const chosen = all.items.filter((h) => a.ids!.includes(h.id));
          return { count: chosen.length, items: pageArray(chosen, a, ctx.svc.config.maxPageSize) };
        });
      const stats = await statsOf(m, 'host', r.items, range, (p): Omit<R.HostsUsageHistoryStats, 'timestamp'> => ({
        cpuused: pct((p.avg[CH.cpu] ?? 0) / 100), cpuusedmax: pct((p.max[CH.cpu] ?? 0) / 100),
        memoryusedkbs: round(p.avg[CH.mem]), memoryusedkbsmax: round(p.max[CH.mem]),
        loadaverage: Number(((p.avg[CH.load] ?? 0) / 100).toFixed(2)), loadaveragemax: Number(((p.max[CH.load] ?? 0) / 100).toFixed(2)),
      }));
      return { count: r.count, items: r.items.map((i): R.HostsUsageHistory => ({ id: i.id, name: i.name, stats: stats.get(i.id) ?? [] })) };
    },
    // One series per zone (zone-series.ts): a year of a zone costs what a year of one VM does.
    listZonesUsageHistory: async (ctx, a) => {
      const range = rangeOf(ctx, a);
      const r = await list(ctx, 'listZones', { ...page(a), ids: a.ids });
      const stats = await statsOf(m, 'zone', r.items, range, (p): Omit<R.ZonesUsageHistoryStats, 'timestamp'> => ({
        cpuused: pct((p.avg[ZONE_CH.cpu] ?? 0) / 100), cpuusedmax: pct((p.max[ZONE_CH.cpu] ?? 0) / 100), cputotalmhz: round(p.avg[ZONE_CH.cpuTotalMhz]),
        memoryusedkbs: round(p.avg[ZONE_CH.memUsed]), memoryusedkbsmax: round(p.max[ZONE_CH.memUsed]), memorytotalkbs: round(p.avg[ZONE_CH.memTotal]),
        storageusedkbs: round(p.avg[ZONE_CH.storageUsed]), storageusedkbsmax: round(p.max[ZONE_CH.storageUsed]),
        storagetotalkbs: round(p.avg[ZONE_CH.storageTotal]),
      }));
      return { count: r.count, items: r.items.map((i): R.ZonesUsageHistory => ({ id: i.id, name: i.name, stats: stats.get(i.id) ?? [] })) };
    },
  };
}
