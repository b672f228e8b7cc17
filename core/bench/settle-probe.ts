// Is a grown lab's list page slower right after the growth than once the server has settled? (issue 11) Grows the
// lab as scale.ts does (SIZE VMs, default 100,000; STEPS=10000,50000,100000 for its steps), then measures five list
// pages of 500 over HTTP right after the growth, after a 30 s pause (PAUSE ms), after a TRUNCATE checkpoint from
// another connection, and after a forced GC: per page the server's main-thread and all-thread CPU, GC pauses, read
// syscalls (SQLite page-cache misses: no mmap) and KB read; per phase the WAL (size, frames, frames checkpointed)
// and heap. COPY=FILE measures a copied lab instead (once, 8 s after its start). Collector off.
// Run: node --expose-gc bin/run-ts.mjs core/bench/settle-probe.ts  |  COPY=/tmp/copy.db node --expose-gc bin/run-ts.mjs ...
import { mkdtempSync, rmSync, readFileSync, statSync, openSync, readSync, closeSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createCore, startServer } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany } from './lab';
import { growAccounts, growEvents } from './scale-lab';
import { adminSigner, timedGets } from './http-client';
import { SETTINGS } from '../kernel/settings';

const size = Number(process.env.SIZE ?? 100000);
const steps = (process.env.STEPS ?? String(size)).split(',').map(Number);
const HIGH_LIMITS = Object.fromEntries(Object.keys(SETTINGS).filter((n) => /^max\.(account|domain)\./.test(n)).map((n) => [n, '1000000000']));
const LISTS: [string, Record<string, string>][] = [
  ['vm', { command: 'listVirtualMachines', listall: 'true' }],
  ['volumes', { command: 'listVolumes', listall: 'true' }],
  ['jobs', { command: 'listAsyncJobs', listall: 'true' }],
  ['hosts', { command: 'listHosts' }],
  ['accounts', { command: 'listAccounts', listall: 'true' }],
];
let gcMs = 0; let gcs = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) { gcMs += e.duration; gcs++; } }).observe({ entryTypes: ['gc'] });
const mainCpu = () => { const s = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(s[11]) + Number(s[12])) * 10; };
const threadsCpu = () => { let t = 0; for (const tid of readdirSync(`/proc/self/task`)) { try { const s = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' '); t += (Number(s[11]) + Number(s[12])) * 10; } catch { /**/ } } return t; };
const io = () => Object.fromEntries(readFileSync('/proc/self/io', 'utf8').trim().split('\n').map((l) => { const [k, v] = l.split(': '); return [k, Number(v)]; }));
function wal(file: string) {
  let walBytes = 0; try { walBytes = statSync(file + '-wal').size; } catch { /**/ }
  const b = Buffer.alloc(136); try { const fd = openSync(file + '-shm', 'r'); readSync(fd, b, 0, 136, 0); closeSync(fd); } catch { /**/ }
  return { walMB: +(walBytes / 2 ** 20).toFixed(1), mxFrame: b.readUInt32LE(16), nBackfill: b.readUInt32LE(96) };
}
const dataDir = mkdtempSync(join(tmpdir(), 'strata-settle-'));
const core = await createCore({ dataDir, db: process.env.COPY, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0, settings: HIGH_LIMITS, metrics: { intervalMs: 0 } });
const server = await startServer(core, { port: 0 });
const dbFile = process.env.COPY ?? readdirSync(dataDir).filter((f) => f.endsWith('.db')).map((f) => join(dataDir, f))[0] ?? join(dataDir, 'strata.db');
try {
  const url = await adminSigner(core, server.url);
  const admin = await core.admin();
  let lab: any = null; let hosts = 0; let vms = 0;
  if (!process.env.COPY) for (const s of steps) {
    lab = await buildLab(core, { hosts: s / 4 - hosts, zoneId: lab?.zoneId, namePrefix: `grow${s}` }); hosts = s / 4;
    await growAccounts(core, s / 4);
    await deployMany(core, lab, s - vms); vms = s;
    await growEvents(core, s);
  }
  process.stderr.write(`grown; db ${dbFile}\n`);
  async function measure(phase: string) {
    const out: any = { phase, ...wal(dbFile), heapMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20), rssMB: Math.round(process.memoryUsage().rss / 2 ** 20) };
    for (const [label, params] of LISTS) {
      const { command, ...rest } = params;
      const first = await core.dispatcher.invoke(admin, command, { ...rest, pagesize: '1', page: '1' }) as any;
      const pages = Math.max(1, Math.floor(Number(first.count ?? 0) / 500));
      const urls = Array.from({ length: 45 }, (_, i) => url({ ...params, page: String(1 + (i * 7919) % pages), pagesize: '500' }));
      await timedGets(urls.slice(0, 5));
      const c0 = mainCpu(); const t0 = threadsCpu(); const g0 = gcMs; const n0 = gcs; const io0 = io();
      const a = await timedGets(urls.slice(5));
      const io1 = io();
      const ms = a.map((x) => x.ms).sort((x, y) => x - y);
      out[label] = { p50: +ms[20].toFixed(1), mainCpu: +((mainCpu() - c0) / 40).toFixed(2), allThreadsCpu: +((threadsCpu() - t0) / 40).toFixed(2),
        gcMs: +((gcMs - g0) / 40).toFixed(2), gcs: gcs - n0, readSyscalls: Math.round((io1.syscr - io0.syscr) / 40), readKB: Math.round((io1.rchar - io0.rchar) / 40 / 1024) };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
  if (process.env.COPY) { await new Promise((r) => setTimeout(r, 8000)); await measure('copied-lab'); process.exit(0); }
  await measure('right-after-grow');
  await new Promise((r) => setTimeout(r, Number(process.env.PAUSE ?? 30000)));
  await measure('after-pause');
  const side = new Database(dbFile); process.stdout.write(JSON.stringify(side.pragma('wal_checkpoint(TRUNCATE)')) + '\n'); side.close();
  await measure('after-checkpoint');
  (globalThis as any).gc?.();
  await measure('after-gc');
} finally {
  await server.close(); await core.stop(); rmSync(dataDir, { recursive: true, force: true });
}
