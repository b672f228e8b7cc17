// Rollups and retention. A rolled-up tier is written a period at a time (one packed row per series: kernel/bucket-pack.ts),
// once that period is complete in the finer tier: tier 1 from the raw samples, tier k from tier k-1's packs (sums
// and counts added, maxima of maxima: exact). Each tier's progress is stored in metric_rollups, so any management
// server can run it; a period's rows are written with insert-or-ignore from complete, unchanging source rows, so
// two servers racing, or a crash between the insert and the progress update, only redo the same work. Work goes in
// chunks of series so one statement never holds the database for long, and retention deletes one period at a time
// and never what the next tier has not rolled up yet.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Db } from '../db/connect';
import { CHANNELS, MAX_CHANNELS, metricsDb, packOf, packTable, type MetricsConfig, type MetricsDb } from './metrics-schema';
import { decodePack, encodePack, type PackedBucket } from '../kernel/bucket-pack';

const SERIES_CHUNK = 1000;
/** metric_rollups' row of the zone series' progress (zone-series.ts): tier 1 waits for it. */
export const ZONE_PROGRESS = 100;

export interface RollupResult { tier: number; from: number; to: number }

export async function rollupProgress(mdb: MetricsDb): Promise<Map<number, number>> {
  return new Map((await mdb.selectFrom('metric_rollups').selectAll().execute()).map((r) => [Number(r.tier), Number(r.done_until)]));
}

/**
 * Rolls every tier up to `now` (seconds). Returns the ranges done. A tier's first run starts at the oldest
 * complete period of its source (never earlier than its own retention).
 */
export async function runRollups(db: Db, config: MetricsConfig, now: number): Promise<RollupResult[]> {
  const mdb = metricsDb(db);
  const done: RollupResult[] = [];
  const progress = await rollupProgress(mdb);
  for (let k = 1; k < config.tiers.length; k++) {
    const period = packOf(config, k);
    // Complete in the source: raw samples up to now (less slack), a rolled-up tier up to its own progress.
    // Tier 1 also waits for the zone rows derived from the raw tier, once they are derived at all.
    const sourceDone = k === 1 ? Math.min(now - config.rawSlackS, progress.get(ZONE_PROGRESS) ?? Infinity) : progress.get(k - 1) ?? 0;
    const to = sourceDone - (sourceDone % period);
    let from = progress.get(k);
    if (from === undefined) {
      const oldest = await oldestTs(mdb, k - 1);
      if (!oldest) continue;
      from = Math.max(Number(oldest.ts), now - config.tiers[k].keepS);
      from -= from % period;
    }
    if (to <= from) continue;
    for (let p = from; p < to; p += period) {
      await rollupPeriod(mdb, config, k, p);
      // Progress after each period: a restart resumes where this left off; a slower server never moves it back.
      if (progress.has(k)) {
        await mdb.updateTable('metric_rollups').set({ done_until: p + period }).where('tier', '=', k).where('done_until', '<', p + period).execute();
      }
      else await mdb.insertInto('metric_rollups').values({ tier: k, done_until: p + period }).orIgnore().execute();
      progress.set(k, p + period);
    }
    done.push({ tier: k, from, to });
  }
  return done;
}

/** The oldest row's key of tier k (a raw sample's time, a pack's period start). */
function oldestTs(mdb: MetricsDb, k: number): Promise<{ ts: number } | undefined> {
  return k === 0 ? mdb.selectFrom('metric_t0').select('ts').orderBy('ts').limit(1).executeTakeFirst()
    : mdb.selectFrom(packTable(k)).select('ts').orderBy('ts').limit(1).executeTakeFirst();
}

interface Acc { n: number; s: (number | null)[]; x: (number | null)[] }

/** Adds a source bucket (sums, and maxima or, for a raw sample, the value) into a target bucket. */
function add(acc: Acc, n: number, s: (number | null)[], x: (number | null)[]): void {
  acc.n += n;
  // `!= null`: a pack written before migration 014c has eight sums, so the packet channels are undefined in it.
  for (let c = 0; c < CHANNELS; c++) {
    const v = s[c];
    if (v != null) acc.s[c] = (acc.s[c] ?? 0) + v;
  }
  for (let c = 0; c < MAX_CHANNELS; c++) {
    const v = x[c];
    if (v != null) acc.x[c] = Math.max(acc.x[c] ?? -Infinity, v);
  }
}

const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Tier k's packs of the period starting at `p`, for every series, a chunk of series at a time. */
async function rollupPeriod(mdb: MetricsDb, config: MetricsConfig, k: number, p: number): Promise<void> {
  const step = config.tiers[k].stepS;
  const period = packOf(config, k);
  const src = config.tiers[k - 1];
  // The source's row keys in the period: raw sample times, or the starts of tier k-1's (shorter) periods.
  const srcEvery = k === 1 ? src.stepS : packOf(config, k - 1);
  const keys: number[] = [];
  for (let t = p; t < p + period; t += srcEvery) keys.push(t);
  const maxSeries = Number((await mdb.selectFrom('metric_series').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 0);
  for (let lo = 0; lo <= maxSeries; lo += SERIES_CHUNK) {
    const accs = new Map<number, Map<number, Acc>>();
    const into = (series: number, ts: number): Acc => {
      let bySlot = accs.get(series);
      if (!bySlot) accs.set(series, (bySlot = new Map()));
      const slot = Math.floor((ts - p) / step);
      let a = bySlot.get(slot);
      if (!a) bySlot.set(slot, (a = { n: 0, s: new Array(CHANNELS).fill(null), x: new Array(MAX_CHANNELS).fill(null) }));
      return a;
    };
    for (let i = 0; i < keys.length; i += 500) {
      const part = keys.slice(i, i + 500);
      if (k === 1) {
        const rows = await mdb.selectFrom('metric_t0').selectAll().where('ts', 'in', part)
          .where('series', '>=', lo).where('series', '<', lo + SERIES_CHUNK).execute();
        for (const r of rows) {
          const row = r as unknown as Record<string, unknown>;
          const n = Number(r.n);
          const s = Array.from({ length: CHANNELS }, (_, c) => numOrNull(row[`s${c}`]));
          // A raw row's maximum is its value (it keeps none: metrics-schema.ts).
          const x = Array.from({ length: MAX_CHANNELS }, (_, c) => numOrNull(row[`x${c}`]) ?? (n === 1 ? s[c] : null));
          add(into(Number(r.series), Number(r.ts)), n, s, x);
        }
      } else {
        const rows = await mdb.selectFrom(packTable(k - 1)).selectAll().where('ts', 'in', part)
          .where('series', '>=', lo).where('series', '<', lo + SERIES_CHUNK).execute();
        for (const r of rows) {
          for (const b of decodePack(r.data)) add(into(Number(r.series), Number(r.ts) + b.slot * src.stepS), b.n, b.s, b.x);
        }
      }
    }
    const values = [...accs].map(([series, bySlot]) => {
      const buckets: PackedBucket[] = [...bySlot].sort((a, b) => a[0] - b[0]).map(([slot, a]) => ({ slot, ...a }));
      return { ts: p, series, data: encodePack(buckets) };
    });
    for (let i = 0; i < values.length; i += 500) {
      await mdb.insertInto(packTable(k)).values(values.slice(i, i + 500)).orIgnore().execute();
    }
    await nextTurn();
  }
}

/**
 * Deletes what is older than each tier's retention: raw rows a bucket per statement, packs a period per statement
 * once all of the period is older. A tier keeps what the next one has not rolled up yet, whatever its retention
 * (a server that was down for a while rolls that up first). Returns rows deleted.
 */
export async function applyRetention(db: Db, config: MetricsConfig, now: number): Promise<number> {
  const mdb = metricsDb(db);
  const progress = await rollupProgress(mdb);
  let deleted = 0;
  for (let k = 0; k < config.tiers.length; k++) {
    const last = k === config.tiers.length - 1;
    const rolledUntil = last ? Infinity : progress.get(k + 1) ?? -Infinity;
    const every = k === 0 ? config.tiers[0].stepS : packOf(config, k);
    // A pack goes when its whole period is past the cutoff.
    const cutoff = Math.min(now - config.tiers[k].keepS, rolledUntil) - (k === 0 ? 0 : every);
    for (;;) {
      const oldest = await oldestTs(mdb, k);
      if (!oldest || Number(oldest.ts) >= cutoff) break;
      // One bucket or period per statement: at 100,000 VMs that is 100,000 rows, a short hold of the database.
      const upTo = Math.min(cutoff, Number(oldest.ts) + every);
      const r = await (k === 0 ? mdb.deleteFrom('metric_t0') : mdb.deleteFrom(packTable(k))).where('ts', '<', upTo).executeTakeFirst();
      deleted += Number(r.numDeletedRows);
      await nextTurn();
    }
  }
  return deleted;
}
