// Resource monitoring storage, packed (issue 14): the rolled-up tiers keep one row per series per period (half an
// hour of 1-minute buckets, two hours of 5-minute ones, twelve hours of hours, ten days of days) whose blob holds
// the period's buckets (kernel/bucket-pack.ts), instead of a row per bucket. A row per bucket spent most of its ~60
// bytes on keys and record headers; this takes a VM-year from 429 KB to about 210 KB. Periods are short enough that
// a pack stays a few hundred bytes: several share a page, so little of a page is left over. The raw 10 s tier keeps
// a row per sample (it is appended every tick). These are ordinary rowid tables in SQLite: a pack may outgrow what
// a WITHOUT ROWID b-tree keeps on its page (about 1 KB). An upgrade packs the existing rows of every period the tier had
// completed; a tier's unfinished period is dropped and rolled up again from the finer tier, which still holds it
// (each tier keeps several of the next one's periods). Packing assumes the default tier steps (1 min, 5 min,
// 1 h, 1 day), the only ones this version could have written without code changes.
import { sql, type Kysely } from 'kysely';
import { encodePack, type PackedBucket } from '../../kernel/bucket-pack';

const CHANNELS = 8;
const MAX_CHANNELS = 3;
const TIERS = [
  { tier: 1, stepS: 60, packS: 1800 },
  { tier: 2, stepS: 300, packS: 7200 },
  { tier: 3, stepS: 3600, packS: 43_200 },
  { tier: 4, stepS: 86_400, packS: 10 * 86_400 },
];
const SERIES_CHUNK = 2000;

type Row = Record<string, number | string | null>;
type Db = Kysely<Record<string, Row>>;

export async function up(kdb: Kysely<unknown>): Promise<void> {
  const db = kdb as unknown as Db;
  for (const { tier } of TIERS) {
    await db.schema.createTable(`metric_p${tier}`)
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('series', 'integer', (c) => c.notNull())
      .addColumn('data', 'blob', (c) => c.notNull())
      .addPrimaryKeyConstraint(`metric_p${tier}_pk`, ['ts', 'series'])
      .execute();
  }
  const progress = new Map((await db.selectFrom('metric_rollups').selectAll().execute()).map((r) => [Number(r.tier), Number(r.done_until)]));
  const maxSeries = Number((await db.selectFrom('metric_series').select(sql<number>`max(id)`.as('m')).executeTakeFirst())?.m ?? 0);
  for (const t of TIERS) {
    const done = progress.get(t.tier);
    const oldest = await db.selectFrom(`metric_t${t.tier}`).select('ts').orderBy('ts').limit(1).executeTakeFirst();
    if (done !== undefined) {
      const packedDone = done - (done % t.packS);
      if (oldest) await packTier(db, t, Number(oldest.ts), packedDone, maxSeries);
      await db.updateTable('metric_rollups').set({ done_until: packedDone }).where('tier', '=', t.tier).execute();
    }
    await db.schema.dropTable(`metric_t${t.tier}`).execute();
  }
}

/** Packs every complete period of one old tier table, a chunk of series at a time. */
async function packTier(db: Db, t: (typeof TIERS)[number], oldest: number, until: number, maxSeries: number): Promise<void> {
  for (let p = oldest - (oldest % t.packS); p < until; p += t.packS) {
    const ticks: number[] = [];
    for (let ts = p; ts < p + t.packS; ts += t.stepS) ticks.push(ts);
    for (let lo = 0; lo <= maxSeries; lo += SERIES_CHUNK) {
      const rows = await db.selectFrom(`metric_t${t.tier}`).selectAll().where('ts', 'in', ticks)
        .where('series', '>=', lo).where('series', '<', lo + SERIES_CHUNK).orderBy('series').orderBy('ts').execute();
      const packs = new Map<number, PackedBucket[]>();
      for (const r of rows) {
        const series = Number(r.series);
        let list = packs.get(series);
        if (!list) packs.set(series, (list = []));
        const num = (v: number | string | null) => (v === null ? null : Number(v));
        list.push({
          slot: (Number(r.ts) - p) / t.stepS, n: Number(r.n),
          s: Array.from({ length: CHANNELS }, (_, c) => num(r[`s${c}`])),
          x: Array.from({ length: MAX_CHANNELS }, (_, c) => num(r[`x${c}`])),
        });
      }
      const values = [...packs].map(([series, buckets]) => ({ ts: p, series, data: encodePack(buckets) }));
      for (let i = 0; i < values.length; i += 500) await db.insertInto(`metric_p${t.tier}`).values(values.slice(i, i + 500) as never).execute();
    }
  }
}
