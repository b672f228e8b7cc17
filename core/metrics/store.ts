// The metrics store: series ids, the batched writer of raw samples and the reader of points at the resolution a
// range needs. Writes never run on the request path: the collector queues samples and `flush` writes them a few
// INSERTs per event-loop turn (row-writer.ts), so a 100,000-VM tick never holds SQLite (or the API behind it) for
// more than a few milliseconds. What a crash loses is the queue: at most one write batch.
import { CompiledQuery } from 'kysely';
import type { Db } from '../db/connect';
import {
  CHANNELS, MAX_CHANNELS, maxOf, metricsDb, packOf, packTable, type MetricRow, type MetricsConfig, type MetricsDb, type PackRow, type Point,
  type Sample, type SeriesKind,
} from './metrics-schema';
import { decodePack } from '../kernel/bucket-pack';
import { rollupProgress } from './rollup';
import { RowQueue, rowWriter } from './row-writer';

export interface MetricsStore {
  readonly config: MetricsConfig;
  /** Series ids of objects, created on first use (ids never change, so the in-process map stays true). */
  seriesIds(kind: SeriesKind, objectIds: string[]): Promise<Map<string, number>>;
  /** Existing series ids only (readers never create series). */
  findSeries(kind: SeriesKind, objectIds: string[]): Promise<Map<string, number>>;
  /** Queues one tick's samples (ts in seconds, aligned to the interval by the caller). */
  enqueue(ts: number, samples: Sample[]): void;
  /** Queues one sample without a Sample object (the collector's path); values NaN or null where unknown. */
  enqueueRow(ts: number, series: number, values: ArrayLike<number | null | undefined>): void;
  /** Writes everything queued; resolves when it is committed. */
  flush(): Promise<void>;
  pending(): number;
  /** Points of one series over [from, to) seconds: at most `maxPoints`, from the finest tier that covers `from`. */
  read(series: number, from: number, to: number, maxPoints?: number): Promise<Point[]>;
  /** The newest raw sample of each series at or after `since` (for the list*Metrics "current" figures). */
  latest(series: number[], since: number): Promise<Map<number, Point>>;
}

export function createMetricsStore(db: Db, config: MetricsConfig, nowMs: () => number = Date.now): MetricsStore {
  const mdb = metricsDb(db);
  // Series ids by kind, keyed by the caller's own id strings (no "kind:id" string per object: at 200,000 series
  // those keys were ~20 MB of their own).
  const known = new Map<SeriesKind, Map<string, number>>();
  const knownOf = (kind: SeriesKind) => {
    let m = known.get(kind);
    if (!m) known.set(kind, (m = new Map()));
    return m;
  };
  let queue = new RowQueue();
  /** Queues already written, kept for reuse (their buffers have grown to a batch's size once). */
  const spares: RowQueue[] = [];
  const write = rowWriter(db, config);
  let writing: Promise<void> = Promise.resolve();

  async function findSeries(kind: SeriesKind, objectIds: string[]): Promise<Map<string, number>> {
    const kindKnown = knownOf(kind);
    const out = new Map<string, number>();
    const missing: string[] = [];
    for (const id of objectIds) {
      const s = kindKnown.get(id);
      if (s === undefined) missing.push(id);
      else out.set(id, s);
    }
    for (let i = 0; i < missing.length; i += 500) {
      const part = missing.slice(i, i + 500);
      const rows = await mdb.selectFrom('metric_series').select(['id', 'object_id'])
        .where('kind', '=', kind).where('object_id', 'in', part).execute();
      // Keyed by the caller's string, which the objects it came from keep anyway (not the row's copy of it).
      const mine = new Map(part.map((id) => [id, id]));
      for (const r of rows) {
        const id = mine.get(r.object_id) ?? r.object_id;
        kindKnown.set(id, Number(r.id));
        out.set(id, Number(r.id));
      }
    }
    return out;
  }

  return {
    config,
    findSeries,
    async seriesIds(kind, objectIds) {
      let out = await findSeries(kind, objectIds);
      const missing = objectIds.filter((id) => !out.has(id));
      if (missing.length > 0) {
        for (let i = 0; i < missing.length; i += 500) {
          await mdb.insertInto('metric_series').values(missing.slice(i, i + 500).map((object_id) => ({ kind, object_id })))
            .orIgnore().execute();
        }
        out = await findSeries(kind, objectIds);
      }
      return out;
    },
    enqueue(ts, samples) {
      for (const s of samples) queue.add(ts, s.series, s.values);
    },
    enqueueRow(ts, series, values) { queue.add(ts, series, values); },
    flush() {
      const rows = queue;
      queue = spares.pop() ?? new RowQueue();
      // A failed write fails this flush only: the ones after it still write (the chain used to stay rejected, so
      // one error dropped every later sample of the process and failed its stop).
      const done = writing.then(() => write(rows)).finally(() => { rows.rows = 0; spares.push(rows); });
      writing = done.catch(() => undefined);
      return done;
    },
    pending: () => queue.rows,
    read: (series, from, to, maxPoints = 1000) => readSeries(mdb, config, Math.floor(nowMs() / 1000), series, from, to, maxPoints),
    async latest(series, since) {
      const out = new Map<number, Point>();
      if (series.length === 0) return out;
      const step = config.tiers[0].stepS;
      const ticks: number[] = [];
      for (let t = since - (since % step); t <= since + 3 * step; t += step) ticks.push(t);
      for (let i = 0; i < series.length; i += 500) {
        const rows = await mdb.selectFrom('metric_t0').selectAll().where('ts', 'in', ticks)
          .where('series', 'in', series.slice(i, i + 500)).execute();
        for (const r of rows) {
          const prev = out.get(r.series);
          if (!prev || prev.ts < Number(r.ts)) out.set(Number(r.series), toPoint(r));
        }
      }
      return out;
    },
  };
}

export function toPoint(r: MetricRow): Point {
  const n = Number(r.n);
  const avg: (number | null)[] = [];
  const max: (number | null)[] = [];
  const row = r as unknown as Record<string, number | string | null>;
  for (let c = 0; c < CHANNELS; c++) {
    const s = row[`s${c}`];
    avg.push(s === null ? null : Number(s) / n);
    max.push(maxOf(c, n, s, row[`x${c}`]));
  }
  return { ts: Number(r.ts), n, avg, max };
}

/** The finest tier whose retention still covers `from` (the coarsest when none does). */
export function tierFor(config: MetricsConfig, from: number, now: number): number {
  for (let k = 0; k < config.tiers.length; k++) if (from >= now - config.tiers[k].keepS) return k;
  return config.tiers.length - 1;
}

/** A bucket as read from any tier: start, sample count, sums per channel and the maxima kept (MAX_CHANNELS). */
export interface Bucket { ts: number; n: number; s: (number | null)[]; x: (number | null)[] }

function rawBucket(r: MetricRow): Bucket {
  const row = r as unknown as Record<string, number | string | null>;
  const n = Number(r.n);
  const s: (number | null)[] = [];
  const x: (number | null)[] = [];
  for (let c = 0; c < CHANNELS; c++) {
    const v = row[`s${c}`];
    s.push(v === null ? null : Number(v));
    if (c < MAX_CHANNELS) x.push(maxOf(c, n, v, row[`x${c}`] ?? null));
  }
  return { ts: Number(r.ts), n, s, x };
}

/**
 * A series over [from, to): tier T (the finest that keeps `from`) up to where it is rolled up, then each finer
 * tier from where the coarser one stops (the newest data, not rolled up yet), so nothing is counted twice.
 */
async function readSeries(mdb: MetricsDb, config: MetricsConfig, now: number, series: number, from: number, to: number,
  maxPoints: number): Promise<Point[]> {
  const tier = tierFor(config, from, Math.max(now, to));
  const step = config.tiers[tier].stepS;
  // Coarser output buckets when the tier has more than maxPoints buckets in range (merged exactly below).
  const buckets = Math.ceil((to - from) / step);
  const outStep = step * Math.max(1, Math.ceil(buckets / maxPoints));
  const progress = tier > 0 ? await rollupProgress(mdb) : new Map<number, number>();
  const out: Bucket[] = [];
  let covered = from - (from % step);
  for (let k = tier; k >= 0 && covered < to; k--) {
    const end = k === 0 ? to : Math.min(to, progress.get(k) ?? -Infinity);
    if (end <= covered) continue;
    const kStep = config.tiers[k].stepS;
    const every = k === 0 ? kStep : packOf(config, k);
    const keys: number[] = [];
    for (let t = covered - (covered % every); t < end; t += every) keys.push(t);
    for (let i = 0; i < keys.length; i += 1000) {
      const part = keys.slice(i, i + 1000);
      const res = await mdb.executeQuery<MetricRow & PackRow>(CompiledQuery.raw(seriesSql(k, part.length), [series, ...part]));
      for (const r of res.rows) {
        if (k === 0) { out.push(rawBucket(r)); continue; }
        const start = Number(r.ts);
        for (const b of decodePack(r.data)) {
          const ts = start + b.slot * kStep;
          if (ts >= covered && ts < end) out.push({ ts, n: b.n, s: b.s, x: b.x });
        }
      }
    }
    covered = end;
  }
  return mergeBuckets(out, outStep);
}

const seriesSqlCache = new Map<string, string>();
const RAW_COLUMNS = ['ts', 'n', ...Array.from({ length: CHANNELS }, (_, c) => `s${c}`)].join(', ');
/**
 * One series' rows at given keys (bucket starts of the raw tier, period starts of a packed one), the SQL text
 * memoized by tier and count: building the 360-value IN list through Kysely on every read cost about as much as
 * the read itself (an hour at 10 s).
 */
function seriesSql(k: number, count: number): string {
  const key = `${k}:${count}`;
  let text = seriesSqlCache.get(key);
  if (text === undefined) {
    // Raw rows keep no maxima (metrics-schema.ts): reading only the sums decodes half the columns.
    const cols = k === 0 ? RAW_COLUMNS : '*';
    text = `SELECT ${cols} FROM ${k === 0 ? 'metric_t0' : packTable(k)} WHERE series = ? AND ts IN (${new Array(count).fill('?').join(',')}) ORDER BY ts`;
    seriesSqlCache.set(key, text);
  }
  return text;
}

/** Merges buckets into buckets of `step` seconds: sums and counts add up, maxima take the largest (exact). */
export function mergeBuckets(rows: Bucket[], step: number): Point[] {
  const out: Point[] = [];
  const acc = new Map<number, { n: number; s: (number | null)[]; x: (number | null)[] }>();
  for (const r of rows) {
    const b = r.ts - (r.ts % step);
    let a = acc.get(b);
    if (!a) acc.set(b, (a = { n: 0, s: new Array(CHANNELS).fill(null), x: new Array(CHANNELS).fill(null) }));
    a.n += r.n;
    for (let c = 0; c < CHANNELS; c++) {
      // A pack written before migration 014c holds eight sums: the packet channels are undefined there.
      const s = r.s[c];
      const x = c < MAX_CHANNELS ? r.x[c] : null;
      if (s != null) a.s[c] = (a.s[c] ?? 0) + s;
      if (x != null) a.x[c] = Math.max(a.x[c] ?? -Infinity, x);
    }
  }
  for (const [ts, a] of [...acc].sort((p, q) => p[0] - q[0])) {
    out.push({ ts, n: a.n, avg: a.s.map((s) => (s === null ? null : s / a.n)), max: a.x });
  }
  return out;
}
