// `npm run bench -- --only scale`: does every answer stay flat as the cloud grows? (issue 11)
//   deploys:  VMs/s on 1,000 simulator hosts, one VM per account, with 250 accounts and again with 25,000 (and the
//             event loop's CPU ms per VM, which a loaded machine disturbs far less than VMs/s), after 1,000 untimed
//             deploys that warm the JIT and the caches and as many timed deploys of the root admin's (the same lab's
//             figure without limits and with one account, to compare with)
//   lists:    the lab grows to 10k, 50k and 100k VMs (hosts and accounts a quarter of that, a volume per VM, as many
//             events); at each size every list command's page of 500 is timed over HTTP from a client process (p50),
//             and the ratio largest/smallest size is printed (the goal: at most 1.5)
//   stream:   listVirtualMachines pagesize=-1 at the largest size: time and the server's RSS growth while answering
// Options: --quick (smaller sizes), --out FILE, --part deploys|lists (only one of the two), --no-metrics (collector off).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, startServer, type Core } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany, mainThreadCpuMs, type Lab } from './lab';
import { growAccounts, growEvents, HIGH_LIMITS } from './scale-lab';
import { adminSigner, timedGets } from './http-client';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, out: { type: 'string' }, part: { type: 'string' }, 'no-metrics': { type: 'boolean' } } });
const quick = !!values.quick;
const sizes = quick
  ? { deployHosts: 100, deploys: 2_000, warmUp: 200, fewAccounts: 250, manyAccounts: 2_500, steps: [2_000, 5_000, 10_000], requests: 15 }
  : { deployHosts: 1_000, deploys: 10_000, warmUp: 1_000, fewAccounts: 250, manyAccounts: 25_000, steps: [10_000, 50_000, 100_000], requests: 40 };

const LISTS: [label: string, params: Record<string, string>][] = [
  ['listVirtualMachines', { command: 'listVirtualMachines', listall: 'true' }],
  ['listVirtualMachines state=Running', { command: 'listVirtualMachines', listall: 'true', state: 'Running' }],
  ['listVolumes', { command: 'listVolumes', listall: 'true' }],
  ['listEvents', { command: 'listEvents', listall: 'true' }],
  ['listAsyncJobs', { command: 'listAsyncJobs', listall: 'true' }],
  ['listHosts', { command: 'listHosts' }],
  ['listAccounts', { command: 'listAccounts', listall: 'true' }],
  ['listUsers', { command: 'listUsers', listall: 'true' }],
  ['listCapacity', { command: 'listCapacity' }],
  // A substring matching every VM: the page stops at its end, but the exact count still walks every match (in
  // the covering vms_search index, inside the database): reported, not expected to stay flat.
  ['listVirtualMachines keyword= (matches all)', { command: 'listVirtualMachines', listall: 'true', keyword: 'VM' }],
];

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function newCore(dataDir: string) {
  return createCore({ dataDir, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0, settings: HIGH_LIMITS,
    // --no-metrics: the metrics collector off (at 25,000 hosts a tick is seconds of the same thread's time).
    ...(values['no-metrics'] ? { metrics: { intervalMs: 0 } } : {}) });
}

/** Deploy throughput with few and with many accounts, each deploy for another account (as account=, domainid=). */
async function deployBench(dataDir: string) {
  const core = await newCore(dataDir);
  try {
    const lab = await buildLab(core, { hosts: sizes.deployHosts });
    const few = await growAccounts(core, sizes.fewAccounts);
    const owner = (names: string[], from: number) => (i: number) => ({ account: names[(from + i) % names.length], domainid: few.domainId });
    // A warm-up (the admin's deploys, as cost.ts does) before the first timed run: without it the 250 accounts' run
    // also timed the JIT's and the caches' warming, and came out slower than the 25,000 accounts' run after it.
    await deployMany(core, lab, sizes.warmUp);
    // The root admin's deploys (exempt from limits, one account) on the same lab: what the accounts' runs compare to.
    const asAdmin = await deployMany(core, lab, sizes.deploys);
    const withFew = await deployMany(core, lab, sizes.deploys, 1000, owner(few.names, 0));
    const many = await growAccounts(core, sizes.manyAccounts);
    // Every deploy for an account that has none yet: what the first deploys of a big cloud's tenants cost.
    const withMany = await deployMany(core, lab, sizes.deploys, 1000, owner(many.names, sizes.fewAccounts));
    return {
      hosts: sizes.deployHosts, vmsPerRun: sizes.deploys,
      admin: { vmsPerSecond: asAdmin.perSecond, seconds: asAdmin.seconds, failed: asAdmin.failed, mainThreadCpuMsPerVm: asAdmin.mainThreadCpuMsPerVm },
      [`accounts${sizes.fewAccounts}`]: { vmsPerSecond: withFew.perSecond, seconds: withFew.seconds, failed: withFew.failed,
        mainThreadCpuMsPerVm: withFew.mainThreadCpuMsPerVm },
      [`accounts${sizes.manyAccounts}`]: { vmsPerSecond: withMany.perSecond, seconds: withMany.seconds, failed: withMany.failed,
        mainThreadCpuMsPerVm: withMany.mainThreadCpuMsPerVm },
    };
  } finally {
    await core.stop();
  }
}

/** p50 of pages of 500 spread over the whole list (the first 5 requests warm up and are not counted). */
async function timeList(core: Core, url: (p: Record<string, string>) => string, params: Record<string, string>) {
  const admin = await core.admin();
  const { command, ...rest } = params;
  const first = await core.dispatcher.invoke(admin, command, { ...rest, pagesize: '1', page: '1' }) as any;
  const count = Number(first.count ?? 0);
  const paged = command !== 'listCapacity';
  const pages = Math.max(1, Math.floor(count / 500));
  const urls = Array.from({ length: sizes.requests + 5 }, (_, i) =>
    url(paged ? { ...params, page: String(1 + (i * 7919) % pages), pagesize: '500' } : params));
  const warmUp = await timedGets(urls.slice(0, 5));
  // The server's main-thread CPU per page (this process; the client is another): unlike p50, barely moved by
  // other work on the machine.
  const cpu0 = mainThreadCpuMs() ?? 0;
  const answers = await timedGets(urls.slice(5));
  const cpuMsPerPage = +(((mainThreadCpuMs() ?? 0) - cpu0) / answers.length).toFixed(2);
  const bad = [...warmUp, ...answers].find((a) => a.status !== 200);
  if (bad) throw new Error(`${command}: HTTP ${bad.status}`);
  return { count, p50Ms: +p50(answers.map((a) => a.ms)).toFixed(2), serverCpuMsPerPage: cpuMsPerPage };
}

/** Server RSS growth (sampled every 10 ms in the server's process) while a client reads pagesize=-1 of every VM. */
async function streamBench(url: (p: Record<string, string>) => string) {
  (globalThis as any).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  const [answer] = await timedGets([url({ command: 'listVirtualMachines', listall: 'true', pagesize: '-1' })], { bodyStats: true });
  clearInterval(timer);
  return { seconds: +(answer.ms / 1000).toFixed(2), bodyMB: +((answer.bytes ?? 0) / 2 ** 20).toFixed(1), items: answer.items,
    rssBeforeMB: Math.round(before / 2 ** 20), rssGrowthMB: Math.round((peak - before) / 2 ** 20) };
}

async function listsBench(dataDir: string) {
  const core = await newCore(dataDir);
  const server = await startServer(core, { port: 0 });
  try {
    const url = await adminSigner(core, server.url);
    let lab: Lab | null = null;
    let hosts = 0;
    let vms = 0;
    const bySize: Record<string, Record<string, { count: number; p50Ms: number; serverCpuMsPerPage: number }>> = {};
    for (const size of sizes.steps) {
      const wantHosts = size / 4;
      lab = await buildLab(core, { hosts: wantHosts - hosts, zoneId: lab?.zoneId, namePrefix: `grow${size}` });
      hosts = wantHosts;
      await growAccounts(core, size / 4);
      await deployMany(core, lab, size - vms);
      vms = size;
      await growEvents(core, size);
      const row: Record<string, { count: number; p50Ms: number; serverCpuMsPerPage: number }> = {};
      for (const [label, params] of LISTS) row[label] = await timeList(core, url, params);
      bySize[String(size)] = row;
      process.stderr.write(`scale: ${size} VMs measured\n`);
    }
    const small = bySize[String(sizes.steps[0])];
    const large = bySize[String(sizes.steps[sizes.steps.length - 1])];
    const ratios = Object.fromEntries(LISTS.map(([label]) => [label, +(large[label].p50Ms / small[label].p50Ms).toFixed(2)]));
    return { sizes: bySize, ratioLargestToSmallest: ratios, pagesizeAll: await streamBench(url) };
  } finally {
    await server.close();
    await core.stop();
  }
}

async function main() {
  const dirs = [mkdtempSync(join(tmpdir(), 'strata-scale-')), mkdtempSync(join(tmpdir(), 'strata-scale-'))];
  try {
    const result = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, quick,
      deploys: values.part === 'lists' ? undefined : await deployBench(dirs[0]),
      lists: values.part === 'deploys' ? undefined : await listsBench(dirs[1]),
    };
    const json = JSON.stringify(result, null, 2);
    process.stdout.write(json + '\n');
    if (values.out) writeFileSync(values.out, json + '\n');
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
