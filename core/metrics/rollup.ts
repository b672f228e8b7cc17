// Rollups and retention. Tier k's bucket is computed from tier k-1's rows once that bucket is complete there
// (sums and counts added, maxima of maxima: exact). Each tier's progress is stored in metric_rollups, so any
// management server can run it; a rollup is idempotent (INSERT OR IGNORE of the same rows), so two servers
// racing, or a crash between the insert and the progress update, only redo work. Work goes in chunks of series
// so one statement never holds the database for long, and retention deletes old buckets one at a time.
import { sql } from 'kysely';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Db } from '../db/connect';
import { CHANNELS, MAX_CHANNELS, metricsDb, tierTable, type MetricsConfig } from './metrics-schema';

const SERIES_CHUNK = 20_000;
/** Raw samples may arrive this late (one write batch plus clock skew between servers). */
const RAW_SLACK_S = 30;

export interface RollupResult { tier: number; from: number; to: number }

/**
 * Rolls every tier up to `now` (seconds). Returns the ranges done. A tier's first run starts at the oldest
 * complete bucket of its source (never earlier than its own retention).
 */
export async function runRollups(db: Db, config: MetricsConfig, now: number): Promise<RollupResult[]> {
  const mdb = metricsDb(db);
  const done: RollupResult[] = [];
  const progress = new Map((await mdb.selectFrom('metric_rollups').selectAll().execute()).map((r) => [Number(r.tier), Number(r.done_until)]));
  for (let k = 1; k < config.tiers.length; k++) {
    const step = config.tiers[k].stepS;
    // Complete in the source: raw samples up to now (less slack), a rolled-up tier up to its own progress.
    const sourceDone = k === 1 ? now - RAW_SLACK_S : progress.get(k - 1) ?? 0;
    const to = sourceDone - (sourceDone % step);
    let from = progress.get(k);
    if (from === undefined) {
      const oldest = await mdb.selectFrom(tierTable(k - 1)).select('ts').orderBy('ts').limit(1).executeTakeFirst();
      if (!oldest) continue;
      from = Math.max(Number(oldest.ts), now - config.tiers[k].keepS);
      from -= from % step;
    }
    if (to <= from) continue;
    await rollupRange(db, k, step, from, to);
    if (progress.has(k)) await mdb.updateTable('metric_rollups').set({ done_until: to }).where('tier', '=', k).execute();
    else await mdb.insertInto('metric_rollups').values({ tier: k, done_until: to }).orIgnore().execute();
    progress.set(k, to);
    done.push({ tier: k, from, to });
  }
  return done;
}

async function rollupRange(db: Db, k: number, step: number, from: number, to: number): Promise<void> {
  const mdb = metricsDb(db);
  const src = tierTable(k - 1);
  const maxSeries = Number((await mdb.selectFrom('metric_series').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst())?.m ?? 0);
  // One bucket of the target at a time keeps each statement's range small (a day's bucket reads 24 hourly rows per series).
  for (let b = from; b < to; b += step) {
    for (let lo = 0; lo <= maxSeries; lo += SERIES_CHUNK) {
      const select = mdb.selectFrom(src)
        .where('ts', '>=', b).where('ts', '<', b + step)
        .where('series', '>=', lo).where('series', '<', lo + SERIES_CHUNK)
        .groupBy('series')
        .select((eb) => {
          const cols = [sql<number>`${b}`.as('ts'), 'series' as const, eb.fn.sum<number>('n').as('n')] as unknown[];
          for (let c = 0; c < CHANNELS; c++) {
            const s = `s${c}` as 's0';
            const x = `x${c}` as 'x0';
            // Raw rows carry no maximum (it is the value); only MAX_CHANNELS keep one (metrics-schema.ts).
            const max = c >= MAX_CHANNELS ? sql<null>`null` : k === 1 ? eb.fn.max(eb.fn.coalesce(x, s)) : eb.fn.max(x);
            cols.push(eb.fn.sum<number>(s).as(s), max.as(x));
          }
          return cols as never;
        });
      const columns = ['ts', 'series', 'n', ...Array.from({ length: CHANNELS }, (_, c) => [`s${c}`, `x${c}`]).flat()];
      await mdb.insertInto(tierTable(k)).columns(columns as never).expression(select as never).orIgnore().execute();
      await nextTurn();
    }
  }
}

/** Deletes rows older than each tier's retention, one bucket per statement. Returns rows deleted. */
export async function applyRetention(db: Db, config: MetricsConfig, now: number): Promise<number> {
  const mdb = metricsDb(db);
  let deleted = 0;
  for (let k = 0; k < config.tiers.length; k++) {
    const table = tierTable(k);
    const cutoff = now - config.tiers[k].keepS;
    for (;;) {
      const oldest = await mdb.selectFrom(table).select('ts').orderBy('ts').limit(1).executeTakeFirst();
      if (!oldest || Number(oldest.ts) >= cutoff) break;
      // One bucket per statement: at 100,000 VMs that is 100,000 rows, a short hold of the database.
      const upTo = Math.min(cutoff, Number(oldest.ts) + config.tiers[k].stepS);
      const r = await mdb.deleteFrom(table).where('ts', '<', upTo).executeTakeFirst();
      deleted += Number(r.numDeletedRows);
      await nextTurn();
    }
  }
  return deleted;
}
