// Metrics store benchmark, printed as JSON (issue 14):
//   ingest:  VM samples per second through the batched writer (one tick = one row per VM, 8 channels)
//   query:   one VM's CPU for a year (daily tier + today's tail from the finer tiers, as rollups leave them)
//            and for the last hour at 10 s, p50/p95 over random VMs
//   storage: bytes per VM for a year of history at steady state (every tier full: 360 + 1,440 + 2,016 +
//            2,160 + 365 rows), from the SQLite file's pages
//   collect: one collector tick over simulated hosts (100 VMs each) through a real core
// Options: --vms N (default 100000), --quick (10,000 VMs), --only ingest,storage,query,collect, --out FILE.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { openDatabase } from '../db/connect';
import { MAX_CHANNELS, metricsConfig, tierTable } from '../metrics/metrics-schema';
import { createMetricsStore } from '../metrics/store';
import { cpuPercentAt, seedOf } from '../hypervisors/simulator/workload';
import { createCore } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany } from './lab';

const { values } = parseArgs({ options: { vms: { type: 'string' }, quick: { type: 'boolean' }, out: { type: 'string' }, only: { type: 'string' } } });
const VMS = Number(values.vms ?? (values.quick ? 10_000 : 100_000));
const config = metricsConfig();
const NOW = Math.floor(Date.now() / 1000);
const DAY = 86_400;

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** A row of tier `k` for series `s` at `ts`: plausible sums and maxima of its samples, laid out as the store and
 * rollups write them (no maximum in raw rows, none past MAX_CHANNELS). */
function row(k: number, s: number, ts: number): unknown[] {
  const n = config.tiers[k].stepS / config.intervalS;
  const cpu = Math.round(cpuPercentAt(seedOf(String(s)), ts) * 100);
  const mem = 262_144 + (s % 64) * 4096;
  const rd = cpu * 200;
  const v = [cpu, mem, rd, rd >> 1, rd >> 10, rd >> 11, rd * 2, rd];
  return [ts, s, n, ...v.flatMap((x, c) => [x * n, k === 0 || c >= MAX_CHANNELS ? null : Math.round(x * 1.3)])];
}

function fill(file: string, vms: number, layout: (k: number) => number[]): number {
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  let rows = 0;
  for (let k = 0; k < config.tiers.length; k++) {
    const cols = 19;
    const stmt = sqlite.prepare(`INSERT INTO ${tierTable(k)} VALUES (${new Array(cols).fill('?').join(',')})`);
    const tss = layout(k);
    const insert = sqlite.transaction((ts: number) => { for (let s = 1; s <= vms; s++) stmt.run(row(k, s, ts)); });
    for (const ts of tss) { insert(ts); rows += vms; }
  }
  sqlite.close();
  return rows;
}

const aligned = (t: number, step: number) => t - (t % step);
const range = (from: number, to: number, step: number) => {
  const out: number[] = [];
  for (let t = aligned(from, step); t < to; t += step) out.push(t);
  return out;
};

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
  for (let t = 0; t < ticks; t++) {
    store.enqueue(aligned(NOW, 10) + t * 10, ids.map((series, i) => ({ series, values: [cpuPercentAt(i, NOW + t * 10) * 100, 262_144, 1000, 500, 20, 10, 2000, 1000] })));
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
  const today = aligned(NOW, DAY);
  // What rollups leave: a year of days, today's hours, this hour's 5 minutes, the last minutes, the last hour raw.
  const layout = (k: number) => [
    range(NOW - 3600, NOW, 10), range(aligned(NOW, 300), aligned(NOW, 60), 60), range(aligned(NOW, 3600), aligned(NOW, 300), 300),
    range(today, aligned(NOW, 3600), 3600), range(today - 365 * DAY, today, DAY)][k];
  const started = performance.now();
  const rows = fill(file, VMS, layout);
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
  return { vms: VMS, rows, fillSeconds: +fillSeconds.toFixed(1), fileBytes: statSync(file).size, yearCpu: year, hourAt10s: hour };
}

async function storage(dir: string) {
  const n = 1000;
  const file = join(dir, 'storage.db');
  (await openDatabase(file)).close();
  const layout = (k: number) => range(NOW - config.tiers[k].keepS, NOW, config.tiers[k].stepS).slice(k === 4 ? -365 : 0);
  const rows = fill(file, n, layout);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('VACUUM');
  const pages = (t: string) => (sqlite.prepare(`SELECT SUM(pgsize) AS b FROM dbstat WHERE name LIKE ?`).get(`${t}%`) as { b: number }).b;
  let bytes = 0;
  try { for (let k = 0; k < 5; k++) bytes += pages(tierTable(k)); } catch { bytes = statSync(file).size; }
  sqlite.close();
  return { vms: n, rowsPerVm: rows / n, bytesPerVmYear: Math.round(bytes / n) };
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
    return { hosts, vms: VMS, tickMedianMs: runs[1], samplesPerTick: core.metrics.collector.last()?.samples };
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
