// list*UsageHistory: the objects the caller's base list shows (same scoping), each with `stats[]` over
// startdate..enddate (default: the last hour) at the resolution that keeps a series to about 1,000 points.
// Per point: averages over the bucket for levels (CPU %, memory) and the amounts moved in the bucket for I/O
// (KiB read, operations), as CloudStack's VM stats rows carry them; `cpuusedmax`/`memorykbsmax` are ours.
import type { CallContext, ListResult } from '../kernel/handler';
import { invalidParam } from '../kernel/errors';
import { csDate } from '../kernel/format';
import { parseDateParam } from '../events/dates';
import { CH, type Point, type SeriesKind } from './metrics-schema';
import { mb, pct } from './format';
import type { Metrics } from './index';

type Obj = Record<string, any>;
type ListFn = (ctx: CallContext, command: string, args: object) => Promise<ListResult>;
interface RangeArgs { startdate?: string; enddate?: string }

function rangeOf(ctx: CallContext, a: RangeArgs): { from: number; to: number } {
  const to = a.enddate !== undefined ? parseDateParam(a.enddate, 'enddate', true) + 1 : ctx.svc.clock.now();
  const from = a.startdate !== undefined ? parseDateParam(a.startdate, 'startdate') : to - 3_600_000;
  if (from >= to) throw invalidParam('startdate must be before enddate');
  return { from: Math.floor(from / 1000), to: Math.ceil(to / 1000) };
}

const round = (x: number | null | undefined) => Math.round(x ?? 0);

async function withStats(m: Metrics, kind: SeriesKind, items: Obj[], range: { from: number; to: number },
  stat: (p: Point, item: Obj, seconds: number) => Obj): Promise<Obj[]> {
  const series = await m.store.findSeries(kind, items.map((i) => i.id));
  const out: Obj[] = [];
  for (const i of items) {
    const s = series.get(i.id);
    const pts = s === undefined ? [] : await m.store.read(s, range.from, range.to);
    out.push({ ...i, stats: pts.map((p) => ({ timestamp: csDate(p.ts * 1000), ...stat(p, i, p.n * m.store.config.intervalS) })) });
  }
  return out;
}

/** I/O amounts in a bucket from its average rates. */
const amount = (p: Point, ch: number, seconds: number, scale = 1) => round(((p.avg[ch] ?? 0) / scale) * seconds);

export function historyHandlers(m: Metrics, list: ListFn) {
  const page = (a: Obj) => ({ id: a.id, ids: a.ids, name: a.name, keyword: a.keyword, page: a.page, pagesize: a.pagesize });
  return {
    listVirtualMachinesUsageHistory: async (ctx: CallContext, a: Obj & RangeArgs) => {
      const range = rangeOf(ctx, a);
      const r = await list(ctx, 'listVirtualMachines', { ...page(a), details: ['min'] });
      const items = (r.items as Obj[]).map((i) => ({ id: i.id, name: i.name, displayname: i.displayname, memory: i.memory }));
      const withS = await withStats(m, 'vm', items, range, (p, vm, sec) => {
        const rd = amount(p, CH.diskRead, sec);
        const wr = amount(p, CH.diskWrite, sec);
        const rx = amount(p, CH.netRx, sec);
        const tx = amount(p, CH.netTx, sec);
        const ioR = amount(p, CH.iopsRead, sec, 100);
        const ioW = amount(p, CH.iopsWrite, sec, 100);
        return {
          cpuused: pct((p.avg[CH.cpu] ?? 0) / 100), cpuusedmax: pct((p.max[CH.cpu] ?? 0) / 100),
          memorykbs: round(p.avg[CH.mem]), memorykbsmax: round(p.max[CH.mem]), memorytargetkbs: (vm.memory ?? 0) * 1024,
          diskkbsread: Math.round(rd / 1024), diskkbswrite: Math.round(wr / 1024), diskioread: ioR, diskiowrite: ioW,
          diskiopstotal: ioR + ioW, networkkbsread: Math.round(rx / 1024), networkkbswrite: Math.round(tx / 1024),
          networkread: mb(rx), networkwrite: mb(tx),
        };
      });
      return { count: r.count, items: withS.map(({ memory: _m, ...rest }) => rest) };
    },
    listVolumesUsageHistory: async (ctx: CallContext, a: Obj & RangeArgs) => {
      const range = rangeOf(ctx, a);
      const r = await list(ctx, 'listVolumes', page(a));
      const items = (r.items as Obj[]).map((i) => ({ id: i.id, name: i.name }));
      return { count: r.count, items: await withStats(m, 'volume', items, range, (p, _v, sec) => {
        const ioR = amount(p, CH.iopsRead, sec, 100);
        const ioW = amount(p, CH.iopsWrite, sec, 100);
        return { diskkbsread: Math.round(amount(p, CH.diskRead, sec) / 1024), diskkbswrite: Math.round(amount(p, CH.diskWrite, sec) / 1024),
          diskioread: ioR, diskiowrite: ioW, diskiopstotal: ioR + ioW };
      }) };
    },
    listHostsUsageHistory: async (ctx: CallContext, a: Obj & RangeArgs) => {
      const range = rangeOf(ctx, a);
      const r = await list(ctx, 'listHosts', page(a));
      const items = (r.items as Obj[]).map((i) => ({ id: i.id, name: i.name }));
      return { count: r.count, items: await withStats(m, 'host', items, range, (p) => ({
        cpuused: pct((p.avg[CH.cpu] ?? 0) / 100), cpuusedmax: pct((p.max[CH.cpu] ?? 0) / 100),
        memoryusedkbs: round(p.avg[CH.mem]), memoryusedkbsmax: round(p.max[CH.mem]),
        loadaverage: Number(((p.avg[CH.load] ?? 0) / 100).toFixed(2)), loadaveragemax: Number(((p.max[CH.load] ?? 0) / 100).toFixed(2)),
      })) };
    },
  };
}
