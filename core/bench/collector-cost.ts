// What one metrics collector tick costs the process, in figures the machine's load moves little: main-thread CPU
// per tick, SQL statements and commits per tick, the event loop's delay while ticks run (perf_hooks
// monitorEventLoopDelay: how long an API request could wait), and the memory the collector keeps (JS heap after a
// forced GC and RSS, before the first tick and after the last), and the main thread's CPU between two turns of the
// loop (turnCpu: the longest a request waits on a quiet machine). SQL time is wall time inside SQLite's calls.
// Run with node --expose-gc (`npx tsx --expose-gc core/bench/collector-cost.ts`):
//   --db FILE      an existing lab (a copy: the run writes to it), e.g. a 100,000-VM lab grown by scale.ts
//   --hosts N --vms N   otherwise a new lab of N simulator hosts and VMs (default 1,000 and 10,000)
//   --ticks N      ticks measured after the first (which creates the series), default 5
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import SqliteDatabase from 'better-sqlite3';
import { createCore } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany } from './lab';
import { memoryDetail } from './memory-detail';

const { values } = parseArgs({ options: { db: { type: 'string' }, hosts: { type: 'string' }, vms: { type: 'string' }, ticks: { type: 'string' } } });

// Every execution of a prepared statement (the SQLite driver runs everything through these), and COMMITs apart.
let statements = 0;
let commits = 0;
/** Time inside SQLite (ms), all statements and the metric_t0 inserts apart. */
let sqlMs = 0;
let insertMs = 0;
const proto = Object.getPrototypeOf(new SqliteDatabase(':memory:').prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
for (const m of ['run', 'get', 'all', 'iterate']) {
  const orig = proto[m];
  proto[m] = function (this: { source: string }, ...args: unknown[]) {
    statements++;
    if (/^\s*commit/i.test(this.source)) commits++;
    const t0 = performance.now();
    try {
      return orig.apply(this, args);
    } finally {
      const ms = performance.now() - t0;
      sqlMs += ms;
      if (this.source.includes('INTO metric_t0')) insertMs += ms;
    }
  };
}

/** The main thread's CPU time so far (ms, ns resolution: the kernel's schedstat). */
const mainCpuMs = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;

/**
 * The main thread's CPU time between two consecutive turns of a probe that re-arms itself with setImmediate: the
 * longest stretch the loop was busy with other work, as CPU. That is what a request waits on a quiet machine; the
 * loop delay's wall time also counts the time other processes held the cores (5x and more on a loaded machine).
 */
function cpuBetweenTurns() {
  const gaps: number[] = [];
  let last = mainCpuMs();
  let on = true;
  const probe = () => {
    if (!on) return;
    const now = mainCpuMs();
    gaps.push(now - last);
    last = now;
    setImmediate(probe);
  };
  setImmediate(probe);
  return {
    stop() {
      on = false;
      gaps.sort((a, b) => a - b);
      return { max: +(gaps.at(-1) ?? 0).toFixed(1), p99: +(gaps[Math.floor(gaps.length * 0.99)] ?? 0).toFixed(1) };
    },
  };
}

const MB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;
function settledMemory() {
  gc?.(); gc?.();
  const m = process.memoryUsage();
  return { heapUsedMB: Math.round(m.heapUsed / MB), rssMB: Math.round(m.rss / MB), externalMB: Math.round(m.external / MB) };
}

async function main() {
  if (!gc) throw new Error('run with --expose-gc');
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-collector-cost-'));
  const core = await createCore({ dataDir, db: values.db, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0, metrics: { intervalMs: 0 } });
  try {
    if (!values.db) {
      const lab = await buildLab(core, { hosts: Number(values.hosts ?? 1000) });
      await deployMany(core, lab, Number(values.vms ?? 10_000));
    }
    const before = settledMemory();
    const first = await core.metrics.collector.tick();
    const ticks: Record<string, number>[] = [];
    for (let i = 0; i < Number(values.ticks ?? 5); i++) {
      const h = monitorEventLoopDelay({ resolution: 1 });
      const turns = cpuBetweenTurns();
      const s0 = statements;
      const c0 = commits;
      const q0 = sqlMs;
      const i0 = insertMs;
      const cpu0 = process.cpuUsage();
      h.enable();
      const t = await core.metrics.collector.tick();
      h.disable();
      const busy = turns.stop();
      const cpu = process.cpuUsage(cpu0);
      ticks.push({ samples: t.samples, wallMs: t.durationMs, cpuMs: Math.round((cpu.user + cpu.system) / 1000), statements: statements - s0,
        commits: commits - c0, sqlMs: Math.round(sqlMs - q0), insertMs: Math.round(insertMs - i0), loopDelayMaxMs: +(h.max / 1e6).toFixed(1), loopDelayP99Ms: +(h.percentile(99) / 1e6).toFixed(1),
        turnCpuMaxMs: busy.max, turnCpuP99Ms: busy.p99 });
    }
    const after = settledMemory();
    process.stdout.write(JSON.stringify({ hosts: first.hosts, vms: first.vms, firstTick: { samples: first.samples, wallMs: first.durationMs },
      ticks, memory: { beforeFirstTick: before, afterTicks: after, detail: memoryDetail() } }, null, 2) + '\n');
  } finally {
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
