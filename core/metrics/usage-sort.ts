// sortby=cpuused|memoryused on listVirtualMachinesMetrics and listHostsMetrics (Strata's extension, as sortby on
// listVirtualMachines; CloudStack's UI sorts only the page it holds, which hides the noisiest VM on page 7). The
// order is over the whole filtered, scoped list: the base list answers every matching id (details=min), the newest
// raw tick of every series of that kind is read in one range of the timestamp-led key, and the page is cut from
// the sorted ids. Objects without a current sample (a stopped VM, a host that is down) come last in either
// direction, like SQL's NULLS LAST; ties keep the base list's order. The cost grows with the list: about a base
// list of every row (details=min) per sorted page, so the console asks for it only when a usage header is clicked.
import type { CallContext } from '../kernel/handler';
import { metricsDb, type SeriesKind } from './metrics-schema';
import type { Metrics } from './index';

export const USAGE_SORT_KEYS = ['cpuused', 'memoryused'] as const;
export type UsageSortKey = (typeof USAGE_SORT_KEYS)[number];

export const isUsageSort = (sortby: string | undefined): sortby is UsageSortKey =>
  (USAGE_SORT_KEYS as readonly string[]).includes(sortby ?? '');

/** Each object's newest CPU (hundredths of %) and memory (KiB) of the last few ticks, by object id. */
export async function newestUsage(ctx: CallContext, m: Metrics, kind: SeriesKind): Promise<Map<string, { cpu: number | null; memKb: number | null }>> {
  const mdb = metricsDb(ctx.svc.db);
  const since = Math.floor(ctx.svc.clock.now() / 1000) - 3 * m.store.config.intervalS;
  const rows = await mdb.selectFrom('metric_t0 as t').innerJoin('metric_series as ms', 'ms.id', 't.series')
    .select(['ms.object_id', 't.ts', 't.n', 't.s0', 't.s1']).where('t.ts', '>=', since).where('ms.kind', '=', kind)
    .orderBy('t.ts').execute();
  const out = new Map<string, { cpu: number | null; memKb: number | null }>();
  // Ascending ts: the newest row of an object is the one that stays.
  for (const r of rows) {
    const n = Number(r.n) || 1;
    out.set(r.object_id, { cpu: r.s0 === null ? null : Number(r.s0) / n, memKb: r.s1 === null ? null : Number(r.s1) / n });
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
