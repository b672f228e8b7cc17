// A zone's usage over time (the dashboard's zone graphs), derived once per raw tick from its hosts' and storage
// pools' raw rows and stored as a series of its own ('zone'), so the rollups carry it to every tier and a graph
// of a year reads one series, never every host or VM of the zone. The maintenance loop derives the ticks the raw
// tier has complete (config.rawSlackS behind now, as the rollups); progress is a row of metric_rollups (ZONE_PROGRESS,
// not a tier), moved forward only, and rows are insert-or-ignore from complete source rows, so several management
// servers deriving the same tick write the same figures once. The rollup of tier 1 waits for this progress
// (rollup.ts), so a period is never packed without its zone rows.
//
// Per tick and zone: CPU used as hundredths of a percent of the sampled hosts' MHz (each host weighted by its
// MHz), memory used and total of the sampled hosts (KiB), storage used of the zone's pools (KiB, as sampled) and
// their capacity now.
import type { Db } from '../db/connect';
import { CHANNELS, ZONE_CH, metricsDb, type MetricsConfig, type Sample } from './metrics-schema';
import type { MetricsStore } from './store';
import { ZONE_PROGRESS } from './rollup';
/** Ticks derived per run at most (an hour at 10 s): a server back from a long stop catches up over a few runs. */
const MAX_TICKS = 360;
const CHUNK = 500;

interface ZoneAcc { cpuW: number; mhz: number; mem: number; memTotal: number; stor: number | null; storTotal: number }

/**
 * Derives the zone rows of the complete raw ticks not derived yet, MAX_TICKS at a time (at most what the raw tier
 * keeps: a server back from a long stop has nothing older to derive); returns how many ticks were derived.
 */
export async function deriveZoneSeries(db: Db, store: MetricsStore, config: MetricsConfig, now: number): Promise<number> {
  const mdb = metricsDb(db);
  const step = config.tiers[0].stepS;
  const complete = now - config.rawSlackS;
  const to = complete - (complete % step);
  const row = await mdb.selectFrom('metric_rollups').select('done_until').where('tier', '=', ZONE_PROGRESS).executeTakeFirst();
  // The first run looks back an hour (what a fresh graph shows); the raw tier keeps that much.
  let from = row ? Number(row.done_until) : to - 3600;
  from = Math.max(from, now - config.tiers[0].keepS);
  from -= from % step;
  let done = 0;
  for (let start = from; start < to; start += MAX_TICKS * step) {
    const end = Math.min(to, start + MAX_TICKS * step);
    done += await deriveTicks(db, store, start, end, step);
    // Forward only (a slower server never moves it back); the insert makes the row on the first run.
    await mdb.updateTable('metric_rollups').set({ done_until: end }).where('tier', '=', ZONE_PROGRESS).where('done_until', '<', end).execute();
    await mdb.insertInto('metric_rollups').values({ tier: ZONE_PROGRESS, done_until: end }).orIgnore().execute();
  }
  return done;
}

/** The zone rows of the ticks in [from, end). */
async function deriveTicks(db: Db, store: MetricsStore, from: number, end: number, step: number): Promise<number> {
  const mdb = metricsDb(db);
  const ticks: number[] = [];
  for (let t = from; t < end; t += step) ticks.push(t);

  const hosts = await db.selectFrom('hosts').select(['id', 'zone_id', 'cpu_number', 'cpu_speed', 'memory_total'])
    .where('removed', 'is', null).execute();
  const pools = await db.selectFrom('storage_pools').select(['id', 'zone_id', 'capacity_bytes']).where('removed', 'is', null).execute();
  const acc = new Map<string, ZoneAcc>();
  const at = (ts: number, zone: string) => {
    const key = `${ts}|${zone}`;
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { cpuW: 0, mhz: 0, mem: 0, memTotal: 0, stor: null, storTotal: 0 }));
    return a;
  };
  const hostSeries = await store.findSeries('host', hosts.map((h) => h.id));
  const hostBySeries = new Map(hosts.filter((h) => hostSeries.has(h.id)).map((h) => [hostSeries.get(h.id)!, h]));
  await eachRow(mdb, [...hostBySeries.keys()], ticks, (ts, series, s0, s1) => {
    const h = hostBySeries.get(series)!;
    const a = at(ts, h.zone_id);
    const mhz = Number(h.cpu_number) * Number(h.cpu_speed);
    a.cpuW += (s0 ?? 0) * mhz;
    a.mhz += mhz;
    a.mem += s1 ?? 0;
    a.memTotal += Number(h.memory_total) / 1024;
  });
  const poolSeries = await store.findSeries('pool', pools.map((p) => p.id));
  const poolBySeries = new Map(pools.filter((p) => poolSeries.has(p.id)).map((p) => [poolSeries.get(p.id)!, p]));
  await eachRow(mdb, [...poolBySeries.keys()], ticks, (ts, series, _s0, s1) => {
    const p = poolBySeries.get(series)!;
    // Pools alone do not make a zone row: its usage starts with a sampled host.
    const a = acc.get(`${ts}|${p.zone_id}`);
    if (!a) return;
    a.stor = (a.stor ?? 0) + (s1 ?? 0);
    a.storTotal += Number(p.capacity_bytes) / 1024;
  });

  const zoneIds = await store.seriesIds('zone', [...new Set([...acc.keys()].map((k) => k.split('|')[1]))]);
  const byTick = new Map<number, Sample[]>();
  for (const [key, a] of acc) {
    const [ts, zone] = key.split('|');
    const values: (number | null)[] = new Array(CHANNELS).fill(null);
    values[ZONE_CH.cpu] = a.mhz > 0 ? a.cpuW / a.mhz : null;
    values[ZONE_CH.memUsed] = a.mem;
    values[ZONE_CH.memTotal] = a.memTotal;
    values[ZONE_CH.storageUsed] = a.stor;
    values[ZONE_CH.storageTotal] = a.stor === null ? null : a.storTotal;
    values[ZONE_CH.cpuTotalMhz] = a.mhz;
    const list = byTick.get(Number(ts)) ?? [];
    list.push({ series: zoneIds.get(zone)!, values });
    byTick.set(Number(ts), list);
  }
  for (const [ts, samples] of byTick) store.enqueue(ts, samples);
  await store.flush();
  return ticks.length;
}

/** Each raw row of the given series at the given ticks: CPU and memory sums (s0, s1) over the row's samples. */
async function eachRow(mdb: ReturnType<typeof metricsDb>, series: number[], ticks: number[],
  fn: (ts: number, series: number, s0: number | null, s1: number | null) => void): Promise<void> {
  for (let i = 0; i < series.length; i += CHUNK) {
    for (let j = 0; j < ticks.length; j += CHUNK) {
      const rows = await mdb.selectFrom('metric_t0').select(['ts', 'series', 'n', 's0', 's1'])
        .where('ts', 'in', ticks.slice(j, j + CHUNK)).where('series', 'in', series.slice(i, i + CHUNK)).execute();
      for (const r of rows) {
        const n = Number(r.n) || 1;
        fn(Number(r.ts), Number(r.series), r.s0 === null ? null : Number(r.s0) / n, r.s1 === null ? null : Number(r.s1) / n);
      }
    }
  }
}
