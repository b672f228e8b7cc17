// Benchmark: simulated deploys per second with 1, 2 and 3 `strata serve` processes on one MariaDB (a private
// mariadbd, core/testing/mariadb.ts). Each run gets a fresh database with the demo lab plus large simulator hosts
// added through every server (so each owns some, and deploys planned on another server's host are forwarded);
// clients spread signed deployVirtualMachine calls round robin over the servers and poll each job on the server
// that took it. Reported: deploys/s for each count and the ratio to one server.
//   node bin/run-ts.mjs core/bench/cluster.ts [--quick]      (npm run bench -- --only cluster)
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../index';
import { silentLogger } from '../kernel/logger';
import { seedDemoLab } from '../demo';
import { startMariaDb } from '../testing/mariadb';
import { ADMIN_PASSWORD, keyClient, sessionClient, TEST_SETTINGS } from '../testing/harness';
import { killServedProcesses, serveProcess } from '../testing/serve-process';

const { values } = parseArgs({ options: { quick: { type: 'boolean' } } });
const DEPLOYS = values.quick ? 60 : 300;
const CLIENTS = 32;
const HOSTS_PER_SERVER = 4;

async function run(dbUrl: string, servers: number): Promise<{ servers: number; deploys: number; seconds: number; deploysPerSec: number; failed: number }> {
  const seedDir = mkdtempSync(join(tmpdir(), 'strata-bench-cluster-'));
  const seeder = await createCore({ dataDir: seedDir, db: dbUrl, adminPassword: ADMIN_PASSWORD, log: silentLogger,
    hostPingIntervalMs: 0, settings: TEST_SETTINGS, metrics: { intervalMs: 0 }, cluster: { heartbeatMs: 0 } });
  const { zoneId } = await seedDemoLab(seeder);
  await seeder.stop();
  rmSync(seedDir, { recursive: true, force: true });
  // Production timings (a heartbeat every 5 s, Down after 30 s): the benchmark must not fence a busy server.
  const procs = [];
  for (let i = 0; i < servers; i++) procs.push(await serveProcess(dbUrl, { STRATA_MS_HEARTBEAT_MS: '5000', STRATA_MS_DOWN_AFTER_MS: '30000', STRATA_HOST_PING_MS: '30000' }));
  try {
    const admin = await sessionClient(procs[0].url);
    const userId = (await admin.call('listUsers', { username: 'admin' })).json.listusersresponse.user[0].id;
    const keys = (await admin.call('registerUserKeys', { id: userId })).json.registeruserkeysresponse.userkeys;
    const calls = procs.map((p) => keyClient(p.url, keys.apikey, keys.secretkey));
    const so = (await calls[0]('listServiceOfferings')).json.listserviceofferingsresponse.serviceoffering[0].id;
    const tpl = (await calls[0]('listTemplates', { templatefilter: 'all', zoneid: zoneId })).json.listtemplatesresponse.template[0].id;
    const cl = (await calls[0]('listClusters', { zoneid: zoneId })).json.listclustersresponse.cluster[0];
    for (let i = 0; i < servers; i++) {
      for (let k = 0; k < HOSTS_PER_SERVER; k++) {
        await calls[i]('addHost', { zoneid: zoneId, podid: cl.podid, clusterid: cl.id, hypervisor: 'Simulator', username: 'root',
          password: 'sim', url: `http://bench-${i}-${k}/?cpunumber=256&cpuspeed=2000&memory=2097152` });
      }
    }
    let next = 0;
    let failed = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next < DEPLOYS) {
        const n = next++;
        const call = calls[n % servers];
        const r = await call('deployVirtualMachine', { zoneid: zoneId, serviceofferingid: so, templateid: tpl, name: `b-${n}` });
        const jobid = r.json?.deployvirtualmachineresponse?.jobid as string | undefined;
        if (!jobid) { failed++; continue; }
        for (;;) {
          const j = (await call('queryAsyncJobResult', { jobid })).json?.queryasyncjobresultresponse;
          if (j && j.jobstatus !== 0) { if (j.jobstatus !== 1) failed++; break; }
          await new Promise((res) => setTimeout(res, 20));
        }
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    return { servers, deploys: DEPLOYS, seconds: Math.round(seconds * 10) / 10, deploysPerSec: Math.round((DEPLOYS / seconds) * 10) / 10, failed };
  } finally {
    killServedProcesses();
  }
}

const maria = await startMariaDb();
try {
  const runs = [];
  for (const n of [1, 2, 3]) runs.push(await run(await maria.createDatabase(`cluster${n}`), n));
  const one = runs[0].deploysPerSec;
  process.stdout.write(JSON.stringify({ db: 'mariadb (private mariadbd)', deploys: DEPLOYS, clients: CLIENTS, runs,
    ratioTo1: Object.fromEntries(runs.map((r) => [r.servers, Math.round((r.deploysPerSec / one) * 100) / 100])) }, null, 2) + '\n');
} finally {
  killServedProcesses();
  await maria.stop();
}
process.exit(0);
