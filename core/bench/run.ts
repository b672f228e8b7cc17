// `npm run bench`: performance figures of the management server, printed as JSON.
//   deploy:   VMs placed and started per second on 1,000 simulator hosts (10,000 VMs), through the dispatcher
//   list:     listVirtualMachines page of 500 out of 100,000 VMs over HTTP from a client process (p50, p95)
//   memory:   resident memory with 10,000 hosts and 100,000 VMs
//   kvm:      deploy to Running and linked clone on the local QEMU host, beside the QEMU floor (qemu.ts)
// Options: --quick (smaller sizes, for a smoke run), --out FILE (also write the JSON there), --db URL|mariadb (the
// database: default SQLite in a temp folder; `mariadb` starts a private mariadbd, core/testing/mariadb.ts),
// --no-kvm (skip the real-VM part), --deploy-only (only the deploy figure at 1,000 hosts: the backends compared),
// --list-only (only the list figure, on the lab already in the --db given: a database a slow machine could not
// fill by deploying within the time, e.g. one grown by copying rows), --no-metrics (the metrics collector off: it
// samples every running VM every 10 s in this process, which the list and memory figures otherwise include).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, startServer, type Core } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany } from './lab';
import { benchKvm } from './qemu';
import { timedGets } from './http-client';
import { memoryDetail } from './memory-detail';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, out: { type: 'string' }, db: { type: 'string' },
  'no-kvm': { type: 'boolean' }, 'deploy-only': { type: 'boolean' }, 'list-only': { type: 'boolean' },
  'no-metrics': { type: 'boolean' } } });
const quick = !!values.quick;
const sizes = quick
  ? { deployHosts: 100, deployVms: 1_000, totalHosts: 500, totalVms: 5_000, listRequests: 30 }
  : { deployHosts: 1_000, deployVms: 10_000, totalHosts: 10_000, totalVms: 100_000, listRequests: 200 };

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Pages of 500 out of all VMs, signed GETs from a client process of its own (http-client.ts): time from sending
 * the request to the parsed JSON. The first 10 requests warm caches and the JIT and are not counted.
 */
async function listBench(core: Core, requests: number) {
  const server = await startServer(core, { port: 0 });
  const admin = await core.admin();
  const { apikey, secretkey } = (await core.dispatcher.invoke(admin, 'registerUserKeys', { id: admin.userId }) as any).userkeys;
  const { canonicalString, signCanonical } = await import('../api/signature');
  const total = (await core.dispatcher.invoke(admin, 'listVirtualMachines', { listall: 'true', pagesize: '1', page: '1' }) as any).count as number;
  const pages = Math.max(1, Math.floor(total / 500));
  const urls = Array.from({ length: requests + 10 }, (_, i) => {
    const params: [string, string][] = [['command', 'listVirtualMachines'], ['response', 'json'], ['apiKey', apikey],
      ['listall', 'true'], ['page', String(1 + (i * 7919) % pages)], ['pagesize', '500']];
    const sig = signCanonical(canonicalString(params), secretkey, 'sha1');
    return `${server.url}/client/api?${new URLSearchParams([...params, ['signature', sig]])}`;
  });
  // The server's CPU per page (its process: the client runs in another), a figure the machine's load moves little.
  const cpu0 = process.cpuUsage();
  const answers = await timedGets(urls);
  const cpu = process.cpuUsage(cpu0);
  await server.close();
  const first = answers[0].body as any;
  if (answers.some((a) => a.status !== 200) || first.listvirtualmachinesresponse.virtualmachine.length !== 500) throw new Error('bad list answer');
  const times = answers.slice(10).map((a) => a.ms).sort((a, b) => a - b);
  return { totalVms: total, pageSize: 500, requests, p50Ms: +percentile(times, 50).toFixed(2), p95Ms: +percentile(times, 95).toFixed(2),
    serverCpuMsPerPage: +((cpu.user + cpu.system) / 1000 / urls.length).toFixed(2) };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
  const mariadb = values.db === 'mariadb' ? await (await import('../testing/mariadb')).startMariaDb({ recommended: true }) : undefined;
  const db = mariadb ? await mariadb.createDatabase('bench') : values.db;
  const core = await createCore({ dataDir, db, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0,
    ...(values['no-metrics'] ? { metrics: { intervalMs: 0 } } : {}) });
  try {
    if (values['list-only']) {
      const list = await listBench(core, sizes.listRequests);
      process.stdout.write(JSON.stringify({ db: mariadb ? 'mariadb' : values.db ?? 'sqlite', listVirtualMachines: list, memory: memoryDetail() }, null, 2) + '\n');
      return;
    }
    const lab = await buildLab(core, { hosts: sizes.deployHosts });
    const deploy = await deployMany(core, lab, sizes.deployVms);
    if (values['deploy-only']) {
      process.stdout.write(JSON.stringify({ db: mariadb ? 'mariadb' : values.db ?? 'sqlite', hosts: sizes.deployHosts,
        vms: sizes.deployVms, vmsPerSecond: deploy.perSecond, failed: deploy.failed }, null, 2) + '\n');
      return;
    }
    await buildLab(core, { hosts: sizes.totalHosts - sizes.deployHosts, zoneId: lab.zoneId, namePrefix: 'grow' });
    const grow = await deployMany(core, lab, sizes.totalVms - sizes.deployVms);
    const list = await listBench(core, sizes.listRequests);
    (globalThis as any).gc?.();
    const mem = process.memoryUsage();
    const detail = memoryDetail();
    const result = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      quick, db: mariadb ? 'mariadb (private mariadbd)' : values.db ?? 'sqlite',
      deploy: { hosts: sizes.deployHosts, vms: sizes.deployVms, seconds: deploy.seconds, vmsPerSecond: deploy.perSecond, failed: deploy.failed },
      deployAtScale: { hosts: sizes.totalHosts, vms: sizes.totalVms - sizes.deployVms, vmsPerSecond: grow.perSecond, failed: grow.failed },
      listVirtualMachines: list,
      memory: { hosts: sizes.totalHosts, vms: sizes.totalVms, rssMB: Math.round(mem.rss / 2 ** 20), heapUsedMB: Math.round(mem.heapUsed / 2 ** 20), detail },
      // Real VMs on the local KVM host (skipped without QEMU): see qemu.ts.
      kvm: values['no-kvm'] ? 'skipped' : await benchKvm({ deploys: quick ? 5 : 10 }),
    };
    const json = JSON.stringify(result, null, 2);
    process.stdout.write(json + '\n');
    if (values.out) writeFileSync(values.out, json + '\n');
  } finally {
    await core.stop();
    await mariadb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
