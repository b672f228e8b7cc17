// Metrics store benchmark, printed as JSON (issue 14):
//   ingest:  VM samples per second through the batched writer (one tick = one row per VM, 8 channels)
//   query:   one VM's CPU for a year (daily packs + the newest part from the finer tiers, as rollups leave them)
//            and for the last hour at 10 s, p50/p95 over random VMs
//   storage: bytes per VM for a year of history at steady state (720 raw rows, then a day of 1-minute, a week of
//            5-minute, 90 days of hourly and a year of daily buckets, in packs), from the SQLite file's pages
//   collect: one collector tick over simulated hosts (100 VMs each) through a real core, and list pages over HTTP
//            idle and while ticks run back to back
// Options: --vms N (default 100000), --quick (10,000 VMs), --only ingest,storage,query,collect, --out FILE.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setImmediate as nextTurn } from 'node:timers/promises';
import SqliteDatabase from 'better-sqlite3';
import { openDatabase } from '../db/connect';
import { MAX_CHANNELS, metricsConfig, packOf, packTable } from '../metrics/metrics-schema';
import { encodePack, type PackedBucket } from '../kernel/bucket-pack';
import { createMetricsStore } from '../metrics/store';
import { cpuPercentAt, seedOf } from '../hypervisors/simulator/workload';
import { createCore, startServer } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany } from './lab';
import { deriveZoneSeries } from '../metrics/zone-series';
import { adminSigner, timedGets } from './http-client';

const { values } = parseArgs({ options: { vms: { type: 'string' }, quick: { type: 'boolean' }, out: { type: 'string' }, only: { type: 'string' } } });
const VMS = Number(values.vms ?? (values.quick ? 10_000 : 100_000));
const config = metricsConfig();
const NOW = Math.floor(Date.now() / 1000);
const DAY = 86_400;

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

const aligned = (t: number, step: number) => t - (t % step);
const range = (from: number, to: number, step: number) => {
  const out: number[] = [];
  for (let t = aligned(from, step); t < to; t += step) out.push(t);
  return out;
};

/** One bucket of tier `k` for a series whose workload seed is `seed`: plausible sums and maxima of its samples. */
function bucketOf(k: number, seed: number, s: number, ts: number): { n: number; s: number[]; x: number[] } {
  const n = config.tiers[k].stepS / config.intervalS;
  const cpu = Math.round(cpuPercentAt(seed, ts) * 100);
  const mem = 262_144 + (s % 64) * 4096;
  const rd = cpu * 200;
  // Packets (tenths per second) as the simulator makes them: received frames of ~1,200 bytes, sent ones of ~400.
  const v = [cpu, mem, rd, rd >> 1, rd >> 10, rd >> 11, rd * 2, rd, Math.round((rd * 2 * 10) / 1200), Math.round((rd * 10) / 400)];
  return { n, s: v.map((x) => x * n), x: v.slice(0, MAX_CHANNELS).map((x) => Math.round(x * 1.3)) };
}

/** What the tiers hold: raw sample times, and per rolled-up tier the period starts of its packs. */
type Layout = (k: number) => number[];

/**
 * Writes the layout for series 1..vms as the store and rollups leave it: a raw row per sample, a pack per series
 * per period. Packs are built from 97 workload seeds and reused across series (their sizes and contents are those
 * of real ones; building 100,000 VMs' packs one by one would take longer than the queries).
 */
function fill(file: string, vms: number, layout: Layout): { rawRows: number; packs: number } {
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  let rawRows = 0;
  let packs = 0;
  // Columns: ts, series, n, s0, x0 .. s7, x7, then s8, s9 (migration 014c added the packets at the end).
  const raw = sqlite.prepare(`INSERT INTO metric_t0 VALUES (${new Array(21).fill('?').join(',')})`);
  const insertRaw = sqlite.transaction((ts: number) => {
    for (let s = 1; s <= vms; s++) {
      const b = bucketOf(0, seedOf(String(s % 97)), s, ts);
      raw.run([ts, s, 1, ...b.s.slice(0, 8).flatMap((v) => [v, null]), b.s[8], b.s[9]]);
    }
  });
  for (const ts of layout(0)) { insertRaw(ts); rawRows += vms; }
  for (let k = 1; k < config.tiers.length; k++) {
    const step = config.tiers[k].stepS;
    const period = packOf(config, k);
    const stmt = sqlite.prepare(`INSERT INTO ${packTable(k)} (ts, series, data) VALUES (?, ?, ?)`);
    const insert = sqlite.transaction((p: number) => {
      const cache = new Map<number, Buffer>();
      for (let s = 1; s <= vms; s++) {
        const cls = s % 97;
        let data = cache.get(cls);
        if (!data) {
          const buckets: PackedBucket[] = [];
          for (let slot = 0; slot < period / step; slot++) buckets.push({ slot, ...bucketOf(k, seedOf(String(cls)), s, p + slot * step) });
          cache.set(cls, (data = encodePack(buckets)));
        }
        stmt.run(p, s, data);
      }
    });
    for (const p of layout(k)) { insert(p); packs += vms; }
  }
  sqlite.close();
  return { rawRows, packs };
}

/** Rollup progress as a layout implies it: each tier done up to its last complete period. */
function setProgress(file: string, done: number[]): void {
  const sqlite = new SqliteDatabase(file);
  const stmt = sqlite.prepare('INSERT OR REPLACE INTO metric_rollups (tier, done_until) VALUES (?, ?)');
  for (let k = 1; k < done.length; k++) stmt.run(k, done[k]);
  sqlite.close();
}

/** Where each tier's rollups stand at `now`: tier 1 up to the last complete hour, each next tier within that. */
function progressAt(now: number): number[] {
  const done = [now];
  for (let k = 1; k < config.tiers.length; k++) done.push(aligned(k === 1 ? now - 30 : done[k - 1], packOf(config, k)));
  return done;
}

/** Rows queued per turn while ingesting: about what one slice of the collector's hosts yields. */
const INGEST_SLICE = 640;

async function ingest(dir: string) {
  const db = await openDatabase(join(dir, 'ingest.db'));
  const store = createMetricsStore(db.db, config, () => NOW * 1000);
  const ids = [...(await store.seriesIds('vm', Array.from({ length: VMS }, (_, i) => `vm-${i}`))).values()];
  const ticks = 3;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let maxTurnMs = 0;
  // The longest event-loop stall while writing: what an API request could wait behind the writer.
  let last = performance.now();
  const probe = setInterval(() => { const now = performance.now(); maxTurnMs = Math.max(maxTurnMs, now - last - 1); last = now; }, 1);
  // Fed as the collector feeds it (metrics/collector.ts): a slice of rows at a time, yielding between slices and
  // flushing once 16,000 rows wait. (Queuing 100,000 rows in one call measured this loop's own turn, not the writer.)
  const values = new Float64Array(10);
  for (let t = 0; t < ticks; t++) {
    const ts = aligned(NOW, 10) + t * 10;
    for (let from = 0; from < ids.length; from += INGEST_SLICE) {
      for (let i = from; i < Math.min(ids.length, from + INGEST_SLICE); i++) {
        values.set([cpuPercentAt(i, NOW + t * 10) * 100, 262_144, 1000, 500, 20, 10, 2000, 1000, 17, 25]);
        store.enqueueRow(ts, ids[i], values);
      }
      if (store.pending() >= 16_000) await store.flush();
      else await nextTurn();
    }
    await store.flush();
  }
  clearInterval(probe);
  const secs = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await db.close();
  // Per CPU second too: on a shared machine the wall-clock figure mostly measures the other processes.
  return { vms: VMS, samples: VMS * ticks, samplesPerSecond: Math.round((VMS * ticks) / secs),
    samplesPerCpuSecond: Math.round((VMS * ticks) / ((cpu.user + cpu.system) / 1e6)), longestStallMs: +maxTurnMs.toFixed(1) };
}

async function query(dir: string) {
  const file = join(dir, 'query.db');
  (await openDatabase(file)).close();
  // What rollups leave at NOW for a year's read: the daily packs of the year up to the last complete 30 days, then
  // each finer tier's packs from where the coarser stops, and the last hour raw (also what the hour's read needs).
  const done = progressAt(NOW);
  const layout: Layout = (k) => (k === 0 ? range(NOW - 3600, NOW, 10)
    : range(k === 4 ? NOW - 365 * DAY : done[k + 1], done[k], packOf(config, k)));
  const started = performance.now();
  const filled = fill(file, VMS, layout);
  setProgress(file, done);
  const fillSeconds = (performance.now() - started) / 1000;
  const db = await openDatabase(file);
  const store = createMetricsStore(db.db, config, () => NOW * 1000);
  const time = async (from: number, n: number) => {
    const ms: number[] = [];
    const cpuMs: number[] = [];
    let points = 0;
    for (let i = 0; i < n + 5; i++) {
      const s = 1 + ((i * 7919) % VMS);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      points = (await store.read(s, from, NOW)).length;
      const c = process.cpuUsage(c0);
      if (i >= 5) { ms.push(performance.now() - t0); cpuMs.push((c.user + c.system) / 1000); }
    }
    ms.sort((a, b) => a - b);
    cpuMs.sort((a, b) => a - b);
    // CPU time of this process per query too: on a shared machine wall time includes waiting for a core.
    return { points, p50Ms: +pct(ms, 50).toFixed(2), p95Ms: +pct(ms, 95).toFixed(2), cpuP50Ms: +pct(cpuMs, 50).toFixed(2) };
  };
  const year = await time(NOW - 365 * DAY, 200);
  const hour = await time(NOW - 3600, 200);
  await db.close();
  return { vms: VMS, ...filled, packsPerVm: filled.packs / VMS, fillSeconds: +fillSeconds.toFixed(1), fileBytes: statSync(file).size,
    loadAverage: loadavg().map((l) => +l.toFixed(1)), yearCpu: year, hourAt10s: hour };
}

async function storage(dir: string) {
  const n = 1000;
  const file = join(dir, 'storage.db');
  (await openDatabase(file)).close();
  // Steady state: every tier holds its retention (the daily tier one year of it), packs whole periods.
  const done = progressAt(NOW);
  const layout: Layout = (k) => (k === 0 ? range(NOW - config.tiers[0].keepS, NOW, 10)
    : range(done[k] - (k === 4 ? 365 * DAY : config.tiers[k].keepS), done[k], packOf(config, k)));
  const filled = fill(file, n, layout);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('VACUUM');
  const pages = (t: string) => (sqlite.prepare(`SELECT SUM(pgsize) AS b FROM dbstat WHERE name LIKE ?`).get(`${t}%`) as { b: number }).b;
  const perTier: Record<string, number> = {};
  let bytes = 0;
  try {
    for (let k = 0; k < 5; k++) {
      const b = pages(k === 0 ? 'metric_t0' : packTable(k)) + (k === 0 ? 0 : pages(`sqlite_autoindex_${packTable(k)}`));
      perTier[k === 0 ? 'metric_t0' : packTable(k)] = Math.round(b / n);
      bytes += b;
    }
  } catch { bytes = statSync(file).size; }
  sqlite.close();
  return { vms: n, rawRowsPerVm: filled.rawRows / n, packsPerVm: filled.packs / n, bytesPerVmYear: Math.round(bytes / n), bytesPerVmByTable: perTier };
}

/**
 * The zone series over the ticks just collected: deriving them (the maintenance loop's share: a first run looks back
 * an hour, then a minute's six ticks each run) and reading a zone's hour back (what the dashboard's graph asks).
 */
async function zoneSeries(core: Awaited<ReturnType<typeof createCore>>) {
  const cfg = core.metrics.store.config;
  const last = core.metrics.collector.last()!.at;
  const timed = async <T>(fn: () => Promise<T>) => { const t0 = performance.now(); const c0 = process.cpuUsage(); const v = await fn(); const c = process.cpuUsage(c0);
    return { v, ms: +(performance.now() - t0).toFixed(1), cpuMs: +((c.user + c.system) / 1000).toFixed(1) }; };
  const first = await timed(() => deriveZoneSeries(core.svc.db, core.metrics.store, cfg, last + cfg.rawSlackS + cfg.intervalS));
  await core.metrics.collector.tick();
  const minute = await timed(() => deriveZoneSeries(core.svc.db, core.metrics.store, cfg, last + cfg.rawSlackS + 2 * cfg.intervalS));
  const zone = [...(await core.metrics.store.findSeries('zone', (await core.svc.db.selectFrom('zones').select('id').execute()).map((z) => z.id))).values()][0];
  const reads: number[] = [];
  let points = 0;
  for (let i = 0; i < 25; i++) {
    const r = await timed(() => core.metrics.store.read(zone, last - 3600, last + 60));
    points = r.v.length;
    if (i >= 5) reads.push(r.ms);
  }
  reads.sort((a, b) => a - b);
  return { firstRunTicks: first.v, firstRunMs: first.ms, firstRunCpuMs: first.cpuMs, nextTickMs: minute.ms, nextTickCpuMs: minute.cpuMs,
    hourRead: { points, p50Ms: pct(reads, 50) } };
}

/**
 * The API while the collector works: `listVirtualMachines` pages of 500 over HTTP from a client process, on the idle
 * server and then while collector ticks run back to back (harsher than the real 10 s interval, where a tick at
 * 100,000 VMs leaves most of the interval idle). The aim: lists not slower while ingest runs.
 */
async function listsWhileCollecting(core: Awaited<ReturnType<typeof createCore>>) {
  const server = await startServer(core, { port: 0 });
  try {
    const sign = await adminSigner(core, server.url);
    const pages = Math.max(1, Math.floor(VMS / 500));
    const urls = (n: number, salt: number) => Array.from({ length: n + 5 }, (_, i) =>
      sign({ command: 'listVirtualMachines', listall: 'true', pagesize: '500', page: String(1 + ((i + salt) * 7919) % pages) }));
    const p50 = async (n: number, salt: number) => {
      const answers = await timedGets(urls(n, salt));
      if (answers.some((a) => a.status !== 200)) throw new Error('bad list answer');
      return +pct(answers.slice(5).map((a) => a.ms).sort((a, b) => a - b), 50).toFixed(2);
    };
    const idleP50Ms = await p50(100, 0);
    let ticking = true;
    let ticks = 0;
    const loop = (async () => { while (ticking) { await core.metrics.collector.tick(); ticks++; } })();
    const busyP50Ms = await p50(100, 1);
    ticking = false;
    await loop;
    return { page: 500, idleP50Ms, whileTickingP50Ms: busyP50Ms, ratio: +(busyP50Ms / idleP50Ms).toFixed(2), ticksMeanwhile: ticks };
  } finally {
    await server.close();
  }
}

/** One collector tick over simulated hosts and VMs through a real core (driver calls, rates, series, write). */
async function collect(dir: string) {
  const hosts = Math.max(10, Math.round(VMS / 100));
  const core = await createCore({ dataDir: join(dir, 'core'), adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0, metrics: { intervalMs: 0 } });
  try {
    const lab = await buildLab(core, { hosts });
    await deployMany(core, lab, VMS);
    await core.metrics.collector.tick(); // creates the series
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push((await core.metrics.collector.tick()).durationMs);
    runs.sort((a, b) => a - b);
    const zones = await zoneSeries(core);
    return { hosts, vms: VMS, tickMedianMs: runs[1], samplesPerTick: core.metrics.collector.last()?.samples, zones, listsWhileCollecting: await listsWhileCollecting(core) };
  } finally {
    await core.stop();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'strata-metrics-bench-'));
  try {
    const only = new Set((values.only ?? 'ingest,storage,query,collect').split(','));
    const out = {
      ingest: only.has('ingest') ? await ingest(dir) : undefined,
      storage: only.has('storage') ? await storage(dir) : undefined,
      query: only.has('query') ? await query(dir) : undefined,
      collect: only.has('collect') ? await collect(dir) : undefined,
    };
    const text = JSON.stringify(out, null, 2);
    console.log(text);
    if (values.out) writeFileSync(values.out, text + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
