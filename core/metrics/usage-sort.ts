// sortby=cpuused|memoryused|diskrate|networkrate on listVirtualMachinesMetrics and listHostsMetrics (Strata's extension, as sortby on
// listVirtualMachines; CloudStack's UI sorts only the page it holds, which hides the noisiest VM on page 7). The
// order is over the whole filtered, scoped list: the base list answers every matching id (details=min), the newest
// raw tick of every series of that kind is read in one range of the timestamp-led key, and the page is cut from
// the sorted ids. Objects without a current sample (a stopped VM, a host that is down) come last in either
// direction, like SQL's NULLS LAST; ties keep the base list's order. The cost grows with the list: about a base
// list of every row (details=min) per sorted page, so the console asks for it only when a usage header is clicked.
import type { CallContext } from '../kernel/handler';
import { CH, HOST_CH, metricsDb } from './metrics-schema';
import type { Metrics } from './index';

export const USAGE_SORT_KEYS = ['cpuused', 'memoryused', 'diskrate', 'networkrate'] as const;
export type UsageSortKey = (typeof USAGE_SORT_KEYS)[number];

export const isUsageSort = (sortby: string | undefined): sortby is UsageSortKey =>
  (USAGE_SORT_KEYS as readonly string[]).includes(sortby ?? '');

/** An object's newest use: CPU (hundredths of %), memory (KiB), disk and network (read + written, bytes/s). */
export interface NewestUsage { cpu: number | null; memKb: number | null; disk: number | null; net: number | null }

/** The value a sort key orders by, from an object's newest use (memory as a share of what it has). */
export function usageValue(key: UsageSortKey, u: NewestUsage, memoryKb: number | null): number | null {
  switch (key) {
    case 'cpuused': return u.cpu;
    case 'memoryused': return u.memKb !== null && memoryKb ? u.memKb / memoryKb : null;
    case 'diskrate': return u.disk;
    case 'networkrate': return u.net;
  }
}

/** Each object's newest use of the last few ticks, by object id. */
export async function newestUsage(ctx: CallContext, m: Metrics, kind: 'vm' | 'host'): Promise<Map<string, NewestUsage>> {
  const mdb = metricsDb(ctx.svc.db);
  const since = Math.floor(ctx.svc.clock.now() / 1000) - 3 * m.store.config.intervalS;
  const rows = await mdb.selectFrom('metric_t0 as t').innerJoin('metric_series as ms', 'ms.id', 't.series')
    .select(['ms.object_id', 't.ts', 't.n', 't.s0', 't.s1', 't.s2', 't.s3', 't.s4', 't.s6', 't.s7']).where('t.ts', '>=', since).where('ms.kind', '=', kind)
    .orderBy('t.ts').execute();
  const out = new Map<string, NewestUsage>();
  // A VM's disk rates are channels 2 and 3, a host's (its VMs' sum) 3 and 4 (metrics-schema.ts).
  const [dr, dw] = kind === 'vm' ? [CH.diskRead, CH.diskWrite] : [HOST_CH.diskRead, HOST_CH.diskWrite];
  // Ascending ts: the newest row of an object is the one that stays.
  for (const r of rows) {
    const n = Number(r.n) || 1;
    const row = r as unknown as Record<string, number | string | null>;
    const v = (c: number) => (row[`s${c}`] === null ? null : Number(row[`s${c}`]) / n);
    const both = (a: number | null, b: number | null) => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));
    out.set(r.object_id, { cpu: v(CH.cpu), memKb: v(CH.mem), disk: both(v(dr), v(dw)), net: both(v(CH.netRx), v(CH.netTx)) });
  }
  return out;
}

/** The ids of one page of `all` (in the base list's order) sorted by `value`, missing values last. */
export function usagePage<T extends { id: string }>(all: T[], value: (item: T) => number | null, desc: boolean,
  page: number | undefined, pagesize: number | undefined): string[] {
  const keyed = all.map((item, i) => ({ id: item.id, v: value(item), i }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === null ? (b.v === null ? a.i - b.i : 1) : -1;
    return (desc ? b.v - a.v : a.v - b.v) || a.i - b.i;
  });
  const size = pagesize === undefined || pagesize === -1 ? keyed.length : pagesize;
  const start = ((page ?? 1) - 1) * size;
  return keyed.slice(start, start + size).map((k) => k.id);
}

/** Puts a page's items in the order of `ids` (the base list answers them in its own order). */
export function inIdOrder<T extends { id: string }>(items: T[], ids: string[]): T[] {
  const at = new Map(ids.map((id, i) => [id, i]));
  return [...items].sort((a, b) => (at.get(a.id) ?? 0) - (at.get(b.id) ?? 0));
}
