// The metrics store on a real SQLite file: rollups are exact, retention drops old rows, a restart keeps history,
// and reads pick a resolution that keeps any range to about 1,000 points.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { createPool } from 'mysql2';
import { Kysely, Migrator, MysqlDialect, SqliteDialect, type MigrationProvider } from 'kysely';
import type { OpenedDb } from '../db/connect';
import { migrations } from '../db/migrations';
import { openTestDatabase, testDatabaseUrl, testMysqlRoot } from '../testing/test-db';
import { metricsConfig, metricsDb, type PackTable } from './metrics-schema';
import { createMetricsStore } from './store';
import { applyRetention, runRollups } from './rollup';
import { decodePack, encodePack } from '../kernel/bucket-pack';

const dirs: string[] = [];
const opened: OpenedDb[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(dir?: string) {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'strata-metrics-'));
  if (!dir) dirs.push(d);
  const o = await openTestDatabase(join(d, 'strata.db'));
  opened.push(o);
  return { dir: d, db: o };
}

const T0 = 1_800_000_000 - (1_800_000_000 % (10 * 86_400)); // a day (and 10-day period) boundary, seconds
const config = metricsConfig();

/** One series' buckets of a packed tier, as [bucket start - T0, n, sums..., maxima...]. */
async function packed(db: OpenedDb, table: PackTable, series: number) {
  const rows = await metricsDb(db.db).selectFrom(table).selectAll().where('series', '=', series).orderBy('ts').execute();
  const step = { metric_p1: 60, metric_p2: 300, metric_p3: 3600, metric_p4: 86_400 }[table];
  return rows.flatMap((r) => decodePack(r.data).map((b) => ({ at: Number(r.ts) + b.slot * step - T0, n: b.n, s: b.s, x: b.x })));
}

// Under MariaDB (npm run test:mysql) only what differs by dialect runs: rollups' insert-or-ignore of packs and the
// upgrade; a fresh database costs seconds there.
const sqliteOnly = it.runIf(!testMysqlRoot());

describe('metrics store', () => {
  it('rolls known samples up exactly: averages and maxima at every tier', async () => {
    const { db } = await open();
    let now = T0;
    const store = createMetricsStore(db.db, config, () => now * 1000);
    const [a, b] = [...(await store.seriesIds('vm', ['vm-a', 'vm-b'])).values()];
    // Two minutes of 10 s samples: vm-a's CPU climbs 1..12 (hundredths of %), vm-b is idle (0) with no disk figures.
    for (let i = 0; i < 12; i++) {
      store.enqueue(T0 + i * 10, [
        { series: a, values: [i + 1, 1000 * (i + 1), 5, null, null, null, null, null] },
        { series: b, values: [0, 2048, null, null, null, null, null, null] },
      ]);
    }
    await store.flush();
    now = T0 + 3600 * 2 + 120;
    await runRollups(db.db, config, now);
    const minute = await packed(db, 'metric_p1', a);
    expect(minute.map((m) => [m.at, m.n, m.s[0], m.x[0]])).toEqual([[0, 6, 21, 6], [60, 6, 57, 12]]);
    // Through the reader: averages are sum / n of the known samples.
    const pts = await store.read(a, T0, T0 + 120);
    expect(pts.map((p) => [p.ts - T0, p.avg[0], p.max[0], p.avg[2]])).toEqual([[0, 3.5, 6, 5], [60, 9.5, 12, 5]]);
    // Two days on, the day of hours is packed from the 5-minute packs, themselves from the minutes.
    now = T0 + 2 * 86_400 + 120;
    await runRollups(db.db, config, now);
    const hour = await packed(db, 'metric_p3', a);
    expect(hour.map((h) => [h.at, h.n, h.s[0], h.x[0], h.s[1], h.x[1]])).toEqual([[0, 12, 78, 12, 78_000, 12_000]]);
    expect((await store.read(a, T0, T0 + 3600)).map((p) => [p.ts - T0, p.avg[0], p.max[0]])).toEqual([[0, 6.5, 12]]);
    const idle = await store.read(b, T0, T0 + 3600);
    expect(idle[0].avg[0]).toBe(0);
    expect(idle[0].avg[2]).toBeNull();
  });

  it('keeps packet counts (channels 8 and 9, migration 014c) through the rollups, beside packs written before them', async () => {
    const { db } = await open();
    let now = T0;
    const store = createMetricsStore(db.db, config, () => now * 1000);
    const [a] = [...(await store.seriesIds('vm', ['vm-a'])).values()];
    // A half hour packed before 014c (eight sums), then a minute of samples with packets (hundredths per second).
    const old = [{ slot: 0, n: 6, s: [600, 6144, null, null, null, null, 60, 60], x: [100, 1024, null] }];
    await metricsDb(db.db).insertInto('metric_p1').values({ ts: T0 - 1800, series: a, data: encodePack(old) }).execute();
    await metricsDb(db.db).insertInto('metric_rollups').values({ tier: 1, done_until: T0 }).execute();
    for (let i = 0; i < 6; i++) store.enqueue(T0 + i * 10, [{ series: a, values: [100, 1024, null, null, null, null, 10, 10, 500 + i, 200] }]);
    await store.flush();
    now = T0 + 1800 + 60;
    await runRollups(db.db, config, now);
    const [minute] = await packed(db, 'metric_p1', a).then((ps) => ps.filter((p) => p.at === 0));
    expect([minute.n, minute.s[8], minute.s[9]]).toEqual([6, 3015, 1200]);
    // A coarser tier made of both kinds of pack adds them up without losing the newer ones.
    now = T0 + 7200 + 60;
    await runRollups(db.db, config, now);
    // Read across both (minutes, past the raw tier): the old bucket has no packets (null, not NaN), the new one their average.
    const pts = await store.read(a, T0 - 1800, T0 + 60);
    expect(pts.map((p) => [p.ts - T0, p.avg[8], p.avg[9]])).toEqual([[-1800, null, null], [0, 502.5, 200]]);
    const [fiveMin] = (await packed(db, 'metric_p2', a)).filter((p) => p.at === 0);
    expect([fiveMin.n, fiveMin.s[0], fiveMin.s[8]]).toEqual([6, 600, 3015]);
  });

  sqliteOnly('keeps no maximum where it repeats the value (raw rows) or nobody reads it (I/O channels)', async () => {
    const { db } = await open();
    let now = T0;
    const store = createMetricsStore(db.db, config, () => now * 1000);
    const [a] = [...(await store.seriesIds('vm', ['vm-a'])).values()];
    for (let i = 0; i < 6; i++) store.enqueue(T0 + i * 10, [{ series: a, values: [100 * i, 1024, 7, 8 * i, 1, 1, 1, 1] }]);
    await store.flush();
    const mdb = metricsDb(db.db);
    const raw = await mdb.selectFrom('metric_t0').selectAll().where('series', '=', a).orderBy('ts').execute();
    expect(raw.every((r) => r.x0 === null && r.x3 === null)).toBe(true);
    // Read raw, a raw row's maximum is its value; channel 3 has none.
    const rawPts = await store.read(a, T0, T0 + 60);
    expect(rawPts.map((p) => p.max[0])).toEqual([0, 100, 200, 300, 400, 500]);
    expect(rawPts[5].max[3]).toBeNull();
    now = T0 + 3600 + 60;
    await runRollups(db.db, config, now);
    const [minute] = await packed(db, 'metric_p1', a);
    expect([minute.s[0], minute.x[0], minute.x[2], minute.s[3], minute.x.length]).toEqual([1500, 500, 7, 120, 3]);
  });

  sqliteOnly('drops rows older than each tier keeps them', async () => {
    const { db } = await open();
    const store = createMetricsStore(db.db, config, () => T0 * 1000);
    const [a] = [...(await store.seriesIds('vm', ['vm-a'])).values()];
    store.enqueue(T0, [{ series: a, values: [100, 1, 1, 1, 1, 1, 1, 1] }]);
    store.enqueue(T0 + 7200, [{ series: a, values: [200, 1, 1, 1, 1, 1, 1, 1] }]);
    await store.flush();
    // Not rolled up yet: kept whatever its age, so a server that was down loses nothing.
    expect(await applyRetention(db.db, config, T0 + 7200 + 60)).toBe(0);
    await runRollups(db.db, config, T0 + 7200 + 60);
    expect(await applyRetention(db.db, config, T0 + 7200 + 60)).toBe(1);
    const left = await metricsDb(db.db).selectFrom('metric_t0').select('ts').execute();
    expect(left.map((r) => Number(r.ts))).toEqual([T0 + 7200]);
    // A minute pack goes once its whole half hour is older than a day and the 5-minute tier has it.
    const later = T0 + 86_400 + 2 * 3600 + 60;
    await runRollups(db.db, config, later);
    await applyRetention(db.db, config, later);
    expect((await packed(db, 'metric_p1', a)).map((m) => m.at)).toEqual([7200]);
    expect((await packed(db, 'metric_p2', a)).map((m) => m.at)).toEqual([0, 7200]);
  });

  sqliteOnly('keeps history across a restart of the database', async () => {
    const first = await open();
    const store = createMetricsStore(first.db.db, config, () => (T0 + 60) * 1000);
    const [a] = [...(await store.seriesIds('host', ['h1'])).values()];
    store.enqueue(T0, [{ series: a, values: [4200, null, 150, null, null, null, null, null] }]);
    await store.flush();
    await first.db.close();
    opened.splice(opened.indexOf(first.db), 1);
    const again = await open(first.dir);
    const store2 = createMetricsStore(again.db.db, config, () => (T0 + 60) * 1000);
    const ids = await store2.findSeries('host', ['h1']);
    const pts = await store2.read(ids.get('h1')!, T0, T0 + 60);
    expect(pts.map((p) => [p.avg[0], p.avg[2]])).toEqual([[4200, 150]]);
  });

  sqliteOnly('answers a year with at most 1,000 points from the daily tier', async () => {
    const { db } = await open();
    const now = T0 + 365 * 86_400;
    const store = createMetricsStore(db.db, config, () => now * 1000);
    const [a] = [...(await store.seriesIds('vm', ['vm-a'])).values()];
    const period = 10 * 86_400;
    const mdb = metricsDb(db.db);
    for (let p = T0; p < now; p += period) {
      const days = Array.from({ length: Math.min(10, (now - p) / 86_400) }, (_, slot) => {
        const d = (p - T0) / 86_400 + slot;
        return { slot, n: 8640, s: [8640 * d, null, null, null, null, null, null, null], x: [d * 2, null, null] };
      });
      await mdb.insertInto('metric_p4').values({ ts: p, series: a, data: encodePack(days) }).execute();
    }
    await mdb.insertInto('metric_rollups').values({ tier: 4, done_until: now }).execute();
    const pts = await store.read(a, T0, now);
    expect(pts).toHaveLength(365);
    expect(pts[100].avg[0]).toBe(100);
    expect(pts[100].max[0]).toBe(200);
  });

  it('an upgrade packs the rolled-up rows of 014 and reads them back the same', async () => {
    const d = mkdtempSync(join(tmpdir(), 'strata-metrics-'));
    dirs.push(d);
    const url = await testDatabaseUrl(join(d, 'old.db'));
    const old = new Kysely<any>({ dialect: url.startsWith('mysql:') ? new MysqlDialect({ pool: createPool({ uri: url }) })
      : new SqliteDialect({ database: new SqliteDatabase(url) }) });
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    expect((await new Migrator({ db: old, provider }).migrateTo('014-metrics')).error).toBeUndefined();
    await old.insertInto('metric_series').values({ kind: 'vm', object_id: 'vm-a' }).execute();
    const row = (ts: number, n: number, cpu: number) => ({ ts, series: 1, n, s0: cpu * n, x0: cpu + 1, s1: 1024 * n, x1: 1024,
      s2: null, x2: null, s3: 5 * n, x3: null, s4: null, x4: null, s5: null, x5: null, s6: null, x6: null, s7: null, x7: null });
    // Two complete hours of minutes and a minute of the unfinished third (dropped: the raw tier rolls it again),
    // and ten days of hours.
    await old.insertInto('metric_t1').values(Array.from({ length: 121 }, (_, i) => row(T0 + i * 60, 6, i))).execute();
    await old.insertInto('metric_t3').values(Array.from({ length: 240 }, (_, i) => row(T0 + i * 3600, 360, i % 24))).execute();
    await old.insertInto('metric_rollups').values([{ tier: 1, done_until: T0 + 121 * 60 }, { tier: 3, done_until: T0 + 240 * 3600 }]).execute();
    await old.destroy();
    const again = await openTestDatabase(join(d, 'old.db'));
    opened.push(again);
    const minutes = await packed(again, 'metric_p1', 1);
    expect(minutes).toHaveLength(120);
    expect(minutes[119]).toEqual({ at: 119 * 60, n: 6, s: [714, 6144, null, 30, null, null, null, null], x: [120, 1024, null] });
    expect((await packed(again, 'metric_p3', 1)).map((h) => h.s[0]! / h.n)).toEqual(Array.from({ length: 240 }, (_, i) => i % 24));
    const progress = await metricsDb(again.db).selectFrom('metric_rollups').selectAll().orderBy('tier').execute();
    expect(progress.map((p) => [p.tier, Number(p.done_until) - T0])).toEqual([[1, 7200], [3, 240 * 3600]]);
  });

  it('retries an insert InnoDB chose as a deadlock victim, and a failed write does not stop the later ones', async () => {
    const { db } = await open();
    const store = createMetricsStore(db.db, config, () => T0 * 1000);
    const [a] = [...(await store.seriesIds('vm', ['vm-a'])).values()];
    const real = db.db.executeQuery.bind(db.db);
    let failures: { errno?: number; message: string }[] = [];
    db.db.executeQuery = (async (q: Parameters<typeof real>[0]) => {
      const f = 'sql' in q && q.sql.startsWith('INSERT') ? failures.shift() : undefined;
      if (f) throw Object.assign(new Error(f.message), f);
      return real(q);
    }) as typeof db.db.executeQuery;
    const rows = async () => (await metricsDb(db.db).selectFrom('metric_t0').select('ts').where('series', '=', a).execute()).length;
    failures = [{ errno: 1213, message: 'Deadlock found when trying to get lock; try restarting transaction' }];
    store.enqueue(T0, [{ series: a, values: [1, 1, null, null, null, null, null, null] }]);
    await store.flush();
    expect(await rows()).toBe(1);
    failures = [{ message: 'disk full' }];
    store.enqueue(T0 + 10, [{ series: a, values: [2, 2, null, null, null, null, null, null] }]);
    await expect(store.flush()).rejects.toThrow('disk full');
    store.enqueue(T0 + 20, [{ series: a, values: [3, 3, null, null, null, null, null, null] }]);
    await store.flush();
    expect(await rows()).toBe(2);
  });
});
