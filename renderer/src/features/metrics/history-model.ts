// Usage history as the graphs draw it: columns of numbers over one time axis (uPlot's data layout), converted
// from the *UsageHistory commands' stats (CPU "12.34%", memory in KiB, I/O as KiB moved per bucket) into levels
// (%, bytes) and rates (bytes/s). Also the range presets and the merge of live updates into a loaded series.
import type { HostsUsageHistoryStats, VirtualMachinesUsageHistoryStats, VolumesUsageHistoryStats, ZonesUsageHistoryStats } from '../../../../core/contract/response-types';

export type RangeKey = '1h' | '24h' | '7d' | '30d' | '1y';
export const RANGE_SECONDS: Record<RangeKey, number> = { '1h': 3600, '24h': 86_400, '7d': 7 * 86_400, '30d': 30 * 86_400, '1y': 365 * 86_400 };
export const RANGE_KEYS = Object.keys(RANGE_SECONDS) as RangeKey[];
/** Ranges short enough that new samples visibly move the graph: these poll while open. */
export const LIVE_RANGES = new Set<RangeKey>(['1h', '24h']);
export const LIVE_POLL_MS = 10_000;

/** What a graph card shows: a preset ending now, or a custom window (seconds) chosen by dragging on a graph. */
export type Window = { key: RangeKey } | { key: 'custom'; from: number; to: number };
/** What a page's graphs open with. */
export const DEFAULT_WINDOW: Window = { key: '1h' };

export type HistoryKind = 'vm' | 'host' | 'volume' | 'zone';

export interface History {
  /** The window shown (seconds): a preset's start and end as of the last fetch. */
  from: number;
  to: number;
  /** Bucket size of the points (seconds). */
  step: number;
  t: number[];
  cols: Record<string, (number | null)[]>;
}

/** "yyyy-MM-dd HH:mm:ss" in UTC: the form CloudStack's date parameters take. */
export function dateParam(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** CloudStack's "2024-05-01T10:00:00+0000" as epoch seconds. */
export const parseTimestamp = (s: string) => Math.floor(Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) / 1000);

const num = (v: string | number | undefined | null): number | null => {
  if (v === undefined || v === null) return null;
  const x = typeof v === 'number' ? v : parseFloat(v);
  return Number.isFinite(x) ? x : null;
};

/** The smallest gap between points: the bucket size the server chose (a missing bucket only widens some gaps). */
function stepOf(t: number[], fallback: number): number {
  let step = Infinity;
  for (let i = 1; i < t.length; i++) step = Math.min(step, t[i] - t[i - 1]);
  return Number.isFinite(step) && step > 0 ? step : fallback;
}

type Stats = VirtualMachinesUsageHistoryStats | HostsUsageHistoryStats | VolumesUsageHistoryStats | ZonesUsageHistoryStats;

/** Columns of one object's stats. `fallbackStep` sizes a lone point's bucket. */
export function toHistory(kind: HistoryKind, stats: Stats[], from: number, to: number, fallbackStep: number): History {
  const sorted = [...stats].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const t = sorted.map((s) => parseTimestamp(s.timestamp));
  const step = stepOf(t, fallbackStep);
  const col = (f: (s: Stats, i: number) => number | null) => sorted.map(f);
  // A bucket still filling (the newest) has moved its bytes over less than a step: divide by the time it covers.
  const seconds = (i: number) => Math.min(step, Math.max(1, to - t[i]));
  const rate = (kb: number | undefined, i: number) => (kb === undefined ? null : (kb * 1024) / seconds(i));
  /** Operations or packets moved in a bucket, per second. */
  const perSec = (n: number | undefined, i: number) => (n === undefined ? null : n / seconds(i));
  if (kind === 'vm') {
    const v = (s: Stats) => s as VirtualMachinesUsageHistoryStats;
    return { from, to, step, t, cols: {
      cpu: col((s) => num(v(s).cpuused)), cpuMax: col((s) => num(v(s).cpuusedmax)),
      mem: col((s) => kib(v(s).memorykbs)), memMax: col((s) => kib(v(s).memorykbsmax)),
      diskRead: col((s, i) => rate(v(s).diskkbsread, i)), diskWrite: col((s, i) => rate(v(s).diskkbswrite, i)),
      netRx: col((s, i) => rate(v(s).networkkbsread, i)), netTx: col((s, i) => rate(v(s).networkkbswrite, i)),
      pktRx: col((s, i) => perSec(v(s).networkpacketsread, i)), pktTx: col((s, i) => perSec(v(s).networkpacketswrite, i)),
    } };
  }
  if (kind === 'volume') {
    const v = (s: Stats) => s as VolumesUsageHistoryStats;
    return { from, to, step, t, cols: {
      diskRead: col((s, i) => rate(v(s).diskkbsread, i)), diskWrite: col((s, i) => rate(v(s).diskkbswrite, i)),
      iopsRead: col((s, i) => perSec(v(s).diskioread, i)), iopsWrite: col((s, i) => perSec(v(s).diskiowrite, i)),
    } };
  }
  if (kind === 'zone') {
    const z = (s: Stats) => s as ZonesUsageHistoryStats;
    const share = (used: number | undefined, total: number | undefined) => (used === undefined || !total ? null : (used / total) * 100);
    return { from, to, step, t, cols: {
      cpu: col((s) => num(z(s).cpuused)), cpuMax: col((s) => num(z(s).cpuusedmax)),
      memPct: col((s) => share(z(s).memoryusedkbs, z(s).memorytotalkbs)), memPctMax: col((s) => share(z(s).memoryusedkbsmax, z(s).memorytotalkbs)),
      storagePct: col((s) => share(z(s).storageusedkbs, z(s).storagetotalkbs)),
      mem: col((s) => kib(z(s).memoryusedkbs)), storage: col((s) => kib(z(s).storageusedkbs)),
    } };
  }
  const h = (s: Stats) => s as HostsUsageHistoryStats;
  return { from, to, step, t, cols: {
    cpu: col((s) => num(h(s).cpuused)), cpuMax: col((s) => num(h(s).cpuusedmax)),
    mem: col((s) => kib(h(s).memoryusedkbs)), memMax: col((s) => kib(h(s).memoryusedkbsmax)),
    load: col((s) => num(h(s).loadaverage)), loadMax: col((s) => num(h(s).loadaveragemax)),
  } };
}

const kib = (v: number | undefined) => (v === undefined ? null : v * 1024);

/**
 * Live update: `fresh` holds the points since the loaded series' last bucket began, at the finest resolution.
 * They are folded into the loaded series' buckets (averages averaged, maxima maximized), replace the buckets they
 * cover (the last one was still filling), and points older than `from` fall off the left edge.
 */
export function mergeLive(prev: History, fresh: History, from: number, to: number): History {
  const step = prev.step;
  const buckets = new Map<number, { n: number; sums: Record<string, (number | null)> }>();
  for (let i = 0; i < fresh.t.length; i++) {
    const b = fresh.t[i] - (fresh.t[i] % step);
    let acc = buckets.get(b);
    if (!acc) buckets.set(b, (acc = { n: 0, sums: {} }));
    acc.n++;
    for (const [name, values] of Object.entries(fresh.cols)) {
      const v = values[i];
      if (v === null) continue;
      const cur = acc.sums[name] ?? null;
      acc.sums[name] = name.endsWith('Max') ? Math.max(cur ?? -Infinity, v) : (cur ?? 0) + v;
    }
  }
  const firstNew = Math.min(...buckets.keys());
  const keep = prev.t.map((ts, i) => (ts >= from && ts < firstNew ? i : -1)).filter((i) => i >= 0);
  const added = [...buckets.keys()].sort((a, b) => a - b);
  const cols: History['cols'] = {};
  for (const name of Object.keys(prev.cols)) {
    cols[name] = [...keep.map((i) => prev.cols[name][i]), ...added.map((b) => {
      const acc = buckets.get(b)!;
      const s = acc.sums[name] ?? null;
      return s === null ? null : name.endsWith('Max') ? s : s / acc.n;
    })];
  }
  return { from, to, step, t: [...keep.map((i) => prev.t[i]), ...added], cols };
}

/** The dashboard's trend: hosts' history merged by bucket. */
export interface Trend { from: number; to: number; t: number[]; cpu: number[]; mem: number[]; hosts: number; total: number }

/** Per bucket: the average CPU % of the hosts sampled in it and the sum of their memory in use (bytes). */
export function cloudTrend(hosts: { stats: { timestamp: string; cpuused?: string; memoryusedkbs?: number }[] }[], from: number, to: number, total: number): Trend {
  const acc = new Map<number, { cpu: number; n: number; mem: number }>();
  for (const h of hosts) {
    for (const s of h.stats) {
      const ts = parseTimestamp(s.timestamp);
      const a = acc.get(ts) ?? { cpu: 0, n: 0, mem: 0 };
      a.cpu += parseFloat(s.cpuused ?? '0') || 0;
      a.n++;
      a.mem += (s.memoryusedkbs ?? 0) * 1024;
      acc.set(ts, a);
    }
  }
  const t = [...acc.keys()].sort((a, b) => a - b);
  return { from, to, t, cpu: t.map((ts) => acc.get(ts)!.cpu / acc.get(ts)!.n), mem: t.map((ts) => acc.get(ts)!.mem), hosts: hosts.length, total };
}
