// The metrics store on a real SQLite file: rollups are exact, retention drops old rows, a restart keeps history,
// and reads pick a resolution that keeps any range to about 1,000 points.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDb } from '../db/connect';
import { metricsConfig, metricsDb } from './metrics-schema';
import { createMetricsStore } from './store';
import { applyRetention, runRollups } from './rollup';

const dirs: string[] = [];
const opened: OpenedDb[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(dir?: string) {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'strata-metrics-'));
  if (!dir) dirs.push(d);
  const o = await openDatabase(join(d, 'strata.db'));
  opened.push(o);
  return { dir: d, db: o };
}

const T0 = 1_800_000_000 - (1_800_000_000 % 86_400); // a day boundary, seconds
const config = metricsConfig();

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
    const mdb = metricsDb(db.db);
    const minute = await mdb.selectFrom('metric_t1').selectAll().where('series', '=', a).orderBy('ts').execute();
    expect(minute.map((r) => [Number(r.ts) - T0, r.n, r.s0, r.x0])).toEqual([[0, 6, 21, 6], [60, 6, 57, 12]]);
    const hour = await mdb.selectFrom('metric_t3').selectAll().where('series', '=', a).execute();
    expect(hour.map((r) => [r.n, r.s0, r.x0, r.s1, r.x1])).toEqual([[12, 78, 12, 78_000, 12_000]]);
    // Through the reader: averages are sum / n of the known samples.
    const pts = await store.read(a, T0, T0 + 120);
    expect(pts.map((p) => [p.ts - T0, p.avg[0], p.max[0], p.avg[2]])).toEqual([[0, 3.5, 6, 5], [60, 9.5, 12, 5]]);
    const idle = await store.read(b, T0, T0 + 3600);
    expect(idle[0].avg[0]).toBe(0);
    expect(idle[0].avg[2]).toBeNull();
  });

  it('keeps no maximum where it repeats the value (raw rows) or nobody reads it (I/O channels)', async () => {
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
    now = T0 + 120;
    await runRollups(db.db, config, now);
    const minute = await mdb.selectFrom('metric_t1').selectAll().where('series', '=', a).executeTakeFirstOrThrow();
    expect([minute.s0, minute.x0, minute.x2, minute.s3, minute.x3]).toEqual([1500, 500, 7, 120, null]);
  });

  it('drops rows older than each tier keeps them', async () => {
    const { db } = await open();
    const store = createMetricsStore(db.db, config, () => T0 * 1000);
    const [a] = [...(await store.seriesIds('vm', ['vm-a'])).values()];
    store.enqueue(T0, [{ series: a, values: [100, 1, 1, 1, 1, 1, 1, 1] }]);
    store.enqueue(T0 + 7200, [{ series: a, values: [200, 1, 1, 1, 1, 1, 1, 1] }]);
    await store.flush();
    const deleted = await applyRetention(db.db, config, T0 + 7200 + 60);
    expect(deleted).toBe(1);
    const left = await metricsDb(db.db).selectFrom('metric_t0').select('ts').execute();
    expect(left.map((r) => Number(r.ts))).toEqual([T0 + 7200]);
  });

  it('keeps history across a restart of the database', async () => {
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

  it('answers a year with at most 1,000 points from the daily tier', async () => {
    const { db } = await open();
    const now = T0 + 365 * 86_400;
    const store = createMetricsStore(db.db, config, () => now * 1000);
    const [a] = [...(await store.seriesIds('vm', ['vm-a'])).values()];
    const rows = Array.from({ length: 365 }, (_, d) => ({ ts: T0 + d * 86_400, series: a, n: 8640, s0: 8640 * d, x0: d * 2,
      s1: null, x1: null, s2: null, x2: null, s3: null, x3: null, s4: null, x4: null, s5: null, x5: null, s6: null, x6: null, s7: null, x7: null }));
    await metricsDb(db.db).insertInto('metric_t4').values(rows).execute();
    const pts = await store.read(a, T0, now);
    expect(pts).toHaveLength(365);
    expect(pts[100].avg[0]).toBe(100);
    expect(pts[100].max[0]).toBe(200);
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
