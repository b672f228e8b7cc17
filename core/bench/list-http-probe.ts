// Where a list page's time over HTTP goes: body bytes, the server's CPU per page (this process; the client runs in
// its own, http-client.ts), the client's JSON.parse of such a body (timed here), and the sha256 of a fixed set of
// pages (to compare old and new code on copies of one lab).
// Run: node bin/run-ts.mjs core/bench/list-http-probe.ts --db COPY --command listAsyncJobs [--pages 60] [--params k=v,...]
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, startServer } from '../index';
import { silentLogger } from '../kernel/logger';
import { adminSigner, timedGets } from './http-client';

/** The main thread's CPU ms so far (10 ms ticks): the server's work without GC helper and I/O threads. */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(stat[11]) + Number(stat[12])) * 10;
}

const { values } = parseArgs({ options: { db: { type: 'string' }, command: { type: 'string' }, pages: { type: 'string' }, params: { type: 'string' } } });
const command = values.command ?? 'listAsyncJobs';
const extra = Object.fromEntries((values.params ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
const dataDir = mkdtempSync(join(tmpdir(), 'strata-probe-'));
const core = await createCore({ dataDir, db: values.db, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0, metrics: { intervalMs: 0 } });
const server = await startServer(core, { port: 0 });
try {
  const sign = await adminSigner(core, server.url);
  const params = (page: number, size = 500) => ({ command, listall: 'true', page: String(page), pagesize: String(size), ...extra });
  const firstText = await (await fetch(sign(params(1, 1)))).text();
  const count = (Object.values(Object.values(JSON.parse(firstText))[0] as object)[0]) as number;
  const pages = Math.max(1, Math.ceil(count / 500));
  // Fixed pages for the hash: first, second, a third, middle, middle+1, last two, one past the end.
  const fixed = [1, 2, Math.ceil(pages / 3), Math.ceil(pages / 2), Math.ceil(pages / 2) + 1, pages - 1, pages, pages + 1];
  const hash = createHash('sha256');
  let parseMs = 0;
  let bytes = 0;
  for (const p of fixed) {
    const text = await (await fetch(sign(params(p)))).text();
    // Left out: what each server run sets anew (a host's last ping and owner; the admin's API key, registered above).
    hash.update(text.replace(/"(lastpinged|managementserverid|apikey)":"[^"]*",?/g, ''));
    if (p === 2) {
      bytes = Buffer.byteLength(text);
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) JSON.parse(text);
      parseMs = (performance.now() - t0) / 20;
    }
  }
  const n = Number(values.pages ?? 60);
  const urls = Array.from({ length: n }, (_, i) => sign(params(1 + (i * 7919) % pages)));
  await timedGets(urls.slice(0, 10));
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const answers = await timedGets(urls, { bodyStats: true });
  const mainMs = mainThreadCpuMs() - main0;
  const cpu = process.cpuUsage(cpu0);
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ command, count, sha256: hash.digest('hex').slice(0, 16), bodyBytes: bytes,
    clientParseMs: +parseMs.toFixed(2), serverCpuMsPerPage: +((cpu.user + cpu.system) / 1000 / n).toFixed(2),
    mainThreadCpuMsPerPage: +(mainMs / n).toFixed(2),
    p50Ms: +ms[Math.floor(n / 2)].toFixed(2) }) + '\n');
} finally {
  await server.close();
  await core.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
