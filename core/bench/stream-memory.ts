// The server's memory while it streams a whole list (pagesize=-1) to a client in another process (issue 11: RSS
// may grow by at most 100 MB during the answer at 100,000 VMs). Each run resets the kernel's peak RSS of this
// process (VmHWM, via /proc/self/clear_refs) after a forced GC, so the peak is exact however the event loop is
// busy, and samples RSS every 5 ms as well (for where no reset is allowed). That the streamed body is byte for byte
// the one-piece answer is api/stream.test.ts's job.
// Run: node --expose-gc bin/run-ts.mjs core/bench/stream-memory.ts --db COPY.db [--command listVirtualMachines]
//      [--runs 3] [--ballast MB]   (COPY.db: a copy of a lab; migrations upgrade it on open)
// --ballast MB keeps that much more live JS heap, as a server that has grown the lab has (the growth run's server
// had 380 MB of heap): V8 lets the old generation grow in proportion to what is live before it collects it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { createCore, startServer } from '../index';
import { silentLogger } from '../kernel/logger';
import { adminSigner, timedGets } from './http-client';

const { values } = parseArgs({ options: { db: { type: 'string' }, command: { type: 'string' }, runs: { type: 'string' }, ballast: { type: 'string' } } });
const command = values.command ?? 'listVirtualMachines';
const MB = 2 ** 20;

/** Bytes in V8's old and large-object spaces: what young-generation collections promoted (only full GCs free it). */
const oldBytes = () => getHeapSpaceStatistics().filter((x) => x.space_name === 'old_space' || x.space_name === 'large_object_space')
  .reduce((n, x) => n + x.space_used_size, 0);
const statusKb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
function resetPeak(): boolean {
  try { writeFileSync('/proc/self/clear_refs', '5'); return true; } catch { return false; }
}

/** Live objects (small records, as a server's caches and indexes are) of about `mb` MB of heap. */
function ballast(mb: number): object[] {
  const keep: object[] = [];
  const start = process.memoryUsage().heapUsed;
  while (process.memoryUsage().heapUsed - start < mb * MB) {
    for (let i = 0; i < 10_000; i++) keep.push({ id: `ballast-${keep.length}`, n: keep.length, at: Date.now() });
  }
  return keep;
}

async function main() {
  const kept = ballast(Number(values.ballast ?? 0));
  if (!values.db) throw new Error('--db FILE (a copy of a lab) is required');
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-stream-'));
  const core = await createCore({ dataDir, db: `sqlite:${values.db}`, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0, metrics: { intervalMs: 0 } });
  const server = await startServer(core, { port: 0 });
  try {
    const url = await adminSigner(core, server.url);
    const params = { command, listall: 'true' };
    for (let run = 0; run < Number(values.runs ?? 3); run++) {
      (globalThis as { gc?: () => void }).gc?.();
      const before = process.memoryUsage().rss;
      const exact = resetPeak();
      let sampled = before;
      const mu0 = process.memoryUsage();
      let atPeak = mu0;
      const timer = setInterval(() => {
        const mu = process.memoryUsage();
        if (mu.rss > sampled) { sampled = mu.rss; atPeak = mu; }
      }, 5);
      // Full (mark-sweep) collections during the answer: what garbage outside the young generation costs, whatever
      // the machine's load (a page's text of 600 KiB went to the large-object space, which only they free).
      const gcs = { major: 0, minor: 0 };
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
          if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcs.major++;
          else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
        }
      });
      obs.observe({ entryTypes: ['gc'] });
      const old0 = oldBytes();
      const cpu0 = process.cpuUsage();
      const [answer] = await timedGets([url({ ...params, pagesize: '-1' })], { bodyStats: true });
      clearInterval(timer);
      const oldGrowth = oldBytes() - old0;
      obs.disconnect();
      const cpu = process.cpuUsage(cpu0);
      const peak = exact ? statusKb('VmHWM') : sampled;
      console.log(JSON.stringify({ run: run + 1, command, items: answer.items, bodyMB: +((answer.bytes ?? 0) / MB).toFixed(1),
        seconds: +(answer.ms / 1000).toFixed(2), serverCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
        rssBeforeMB: Math.round(before / MB), rssGrowthMB: Math.round((peak - before) / MB), sampledGrowthMB: Math.round((sampled - before) / MB),
        peakFrom: exact ? 'VmHWM' : 'samples', majorGcs: gcs.major, minorGcs: gcs.minor, oldSpaceGrowthMB: Math.round(oldGrowth / MB),
        // Where the sampled peak was: the JS heap (committed), off-heap buffers (external) and the rest (malloc, stacks).
        atPeakGrowthMB: { heapTotal: Math.round((atPeak.heapTotal - mu0.heapTotal) / MB), heapUsed: Math.round((atPeak.heapUsed - mu0.heapUsed) / MB),
          external: Math.round((atPeak.external - mu0.external) / MB), other: Math.round(((atPeak.rss - atPeak.heapTotal - atPeak.external) - (mu0.rss - mu0.heapTotal - mu0.external)) / MB) }, heapUsedMB: Math.round(process.memoryUsage().heapUsed / MB), ballast: kept.length }));
    }
  } finally {
    await server.close();
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
