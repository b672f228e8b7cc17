// Number formats of CloudStack's metrics plugin: "12.34%", "2.40 Ghz", "1.50 GB", "0.25 MB" (strings), and the
// latest samples of a page of objects, read from the store.
import type { Point, SeriesKind } from './metrics-schema';
import type { MetricsStore } from './store';

export const pct = (x: number) => `${x.toFixed(2)}%`;
export const ghz = (mhz: number) => `${(mhz / 1000).toFixed(2)} Ghz`;
export const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GB`;
export const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(2)} MB`;

/** The newest sample of each object (by object id), from the last few collector ticks. */
export async function latestOf(store: MetricsStore, kind: SeriesKind, ids: string[], nowMs: number): Promise<Map<string, Point>> {
  const series = await store.findSeries(kind, ids);
  const since = Math.floor(nowMs / 1000) - 3 * store.config.intervalS;
  const got = await store.latest([...series.values()], since);
  const out = new Map<string, Point>();
  for (const [id, s] of series) {
    const p = got.get(s);
    if (p) out.set(id, p);
  }
  return out;
}
