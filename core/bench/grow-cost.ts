// What a deploy costs as the tables grow, in load-independent measures: run.ts's growth phase (1,000 hosts and
// 10,000 VMs, then 9,000 more hosts and 90,000 more deploys) cut into slices, and for each slice the SQL
// statements, main-thread bytes written (about the WAL frames), read syscalls (pages SQLite's cache missed) and
// main-thread CPU and GC pause per deploy, and the heap in use after it; then the statements whose time per deploy
// grew most from the first growth slice to the last. It uses only createCore, buildLab and deployMany, so the same
// file runs in an older tree copied beside it (session 2's: with sqlite-pragma.ts beside it and its logger's import path changed).
// Run: node bin/run-ts.mjs core/bench/grow-cost.ts [--quick] [--slice N] [--top K] [--profile PREFIX]
//   [--cache-mib N] [--no-metrics]
//   --cache-mib N: SQLite's page cache of the main connection at N MiB instead of connect.ts's setting (what the
//           cache misses of the growing tables cost).
//   --profile PREFIX: CPU profiles of the first and the last slice (PREFIX-first.cpuprofile, PREFIX-last.cpuprofile).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';
import { createCore } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany } from './lab';
import { rewritePragma } from './sqlite-pragma';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, slice: { type: 'string' }, top: { type: 'string' },
  profile: { type: 'string' }, 'cache-mib': { type: 'string' }, 'no-metrics': { type: 'boolean' } } });
const sizes = values.quick ? { hosts: 100, vms: 1_000, totalHosts: 1_000, totalVms: 10_000 }
  : { hosts: 1_000, vms: 10_000, totalHosts: 10_000, totalVms: 100_000 };
const slice = Number(values.slice ?? (values.quick ? 1_000 : 10_000));
const top = Number(values.top ?? 15);

// Executions and time of every prepared statement, by SQL text.
const counts = new Map<string, number>();
const times = new Map<string, number>();
const proto = Object.getPrototypeOf(new SqliteDatabase(':memory:').prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
for (const m of ['run', 'get', 'all', 'iterate']) {
  const orig = proto[m];
  proto[m] = function (this: { source: string }, ...args: unknown[]) {
    counts.set(this.source, (counts.get(this.source) ?? 0) + 1);
    const t0 = performance.now();
    try { return orig.apply(this, args); } finally { times.set(this.source, (times.get(this.source) ?? 0) + performance.now() - t0); }
  };
}

if (values['cache-mib']) rewritePragma(/^cache_size/, `cache_size = -${Number(values['cache-mib']) * 1024}`);

/** Garbage collection pauses on the main thread (ms), all kinds. */
let gcMs = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });

/** This process's main thread: bytes written, read syscalls, CPU ms (Linux /proc). */
function mainThread() {
  const io = readFileSync(`/proc/self/task/${process.pid}/io`, 'utf8');
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const all = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return { wchar: Number(/wchar: (\d+)/.exec(io)![1]), syscr: Number(/syscr: (\d+)/.exec(io)![1]),
    cpuMs: (Number(stat[11]) + Number(stat[12])) * 10, processMs: (Number(all[11]) + Number(all[12])) * 10 };
}

async function profiled<T>(name: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!values.profile || !name) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try { return await fn(); } finally {
    writeFileSync(`${values.profile}-${name}.cpuprofile`, JSON.stringify((await session.post('Profiler.stop')).profile));
    session.disconnect();
  }
}

type Slice = { label: string; n: number; perSecond: number; statements: number; kib: number; reads: number; cpuMs: number;
  otherMs: number; gcUs: number; heapMB: number; dbMB: number; byStatement: Map<string, { count: number; ms: number }> };

async function measure(label: string, n: number, run: () => Promise<{ perSecond: number }>, dbFile: string, profile?: string): Promise<Slice> {
  counts.clear();
  times.clear();
  const a = mainThread();
  const gc0 = gcMs;
  const d = await profiled(profile, run);
  const b = mainThread();
  const gcUs = (gcMs - gc0) / n * 1000;
  const byStatement = new Map([...counts].map(([s, c]) => [s, { count: c, ms: times.get(s) ?? 0 }]));
  const statements = [...counts.values()].reduce((s, c) => s + c, 0);
  return { label, n, perSecond: d.perSecond, statements: statements / n, kib: (b.wchar - a.wchar) / n / 1024,
    reads: (b.syscr - a.syscr) / n, cpuMs: (b.cpuMs - a.cpuMs) / n, otherMs: (b.processMs - b.cpuMs - (a.processMs - a.cpuMs)) / n,
    gcUs, heapMB: process.memoryUsage().heapUsed / 2 ** 20, dbMB: statSync(dbFile).size / 2 ** 20, byStatement };
}

function printSlice(s: Slice) {
  console.log(`${s.label.padEnd(22)} ${String(s.perSecond).padStart(6)} ${s.statements.toFixed(2).padStart(7)} ${s.kib.toFixed(2).padStart(7)} ` +
    `${(s.kib * 1024 / 4120).toFixed(2).padStart(6)} ${s.reads.toFixed(2).padStart(6)} ${s.cpuMs.toFixed(3).padStart(7)} ${s.otherMs.toFixed(3).padStart(7)} ${s.gcUs.toFixed(1).padStart(6)} ${s.heapMB.toFixed(0).padStart(5)} ${s.dbMB.toFixed(0).padStart(6)}`);
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-grow-'));
  const core = await createCore({ dataDir, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0,
    ...(values['no-metrics'] ? { metrics: { intervalMs: 0 } } : {}) } as Parameters<typeof createCore>[0]);
  const dbFile = join(dataDir, 'strata.db');
  try {
    const lab = await buildLab(core, { hosts: sizes.hosts });
    console.log('slice                  dep/s   stmts  KiB/dep frames  reads  cpu ms other ms  gc us heap MB  db MB');
    printSlice(await measure(`first ${sizes.vms} on ${sizes.hosts} hosts`, sizes.vms, () => deployMany(core, lab, sizes.vms), dbFile));
    await buildLab(core, { hosts: sizes.totalHosts - sizes.hosts, zoneId: lab.zoneId, namePrefix: 'grow' });
    const slices: Slice[] = [];
    const growth = sizes.totalVms - sizes.vms;
    for (let done = 0; done < growth; done += slice) {
      const n = Math.min(slice, growth - done);
      const profile = done === 0 ? 'first' : done + n >= growth ? 'last' : undefined;
      const s = await measure(`grow ${sizes.vms + done}-${sizes.vms + done + n}`, n, () => deployMany(core, lab, n), dbFile, profile);
      printSlice(s);
      slices.push(s);
    }
    const [first, last] = [slices[0], slices[slices.length - 1]];
    console.log(`\nstatements whose time per deploy grew most, first to last growth slice (count per deploy, us per deploy):`);
    const grown = [...last.byStatement].map(([sql, l]) => {
      const f = first.byStatement.get(sql) ?? { count: 0, ms: 0 };
      return { sql, f: { c: f.count / first.n, us: f.ms / first.n * 1000 }, l: { c: l.count / last.n, us: l.ms / last.n * 1000 } };
    }).sort((x, y) => (y.l.us - y.f.us) - (x.l.us - x.f.us));
    const totalUs = (s: Slice) => [...s.byStatement.values()].reduce((t, v) => t + v.ms, 0) / s.n * 1000;
    console.log(`time in SQLite per deploy: first ${totalUs(first).toFixed(1)} us, last ${totalUs(last).toFixed(1)} us`);
    for (const g of grown.slice(0, top)) {
      console.log(`${g.f.c.toFixed(2).padStart(6)} ${g.f.us.toFixed(1).padStart(7)} -> ${g.l.c.toFixed(2).padStart(6)} ${g.l.us.toFixed(1).padStart(7)}  ${g.sql.replace(/\s+/g, ' ').slice(0, 180)}`);
    }
  } finally {
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
