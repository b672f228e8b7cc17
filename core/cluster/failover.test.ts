// Two real `strata serve` processes on one database; one is killed (SIGKILL) while a deploy on one of its hosts is
// in flight. The survivor marks it Down, takes its hosts (which stay Up, now managed by the survivor) and its
// interrupted job, which ends in a final state; no VM exists twice and no instance name is used twice.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoLab } from '../demo';
import { sessionClient, startTestServer, waitJob } from '../testing/harness';
import { killServedProcesses, serveProcess, until } from '../testing/serve-process';
import { testDatabaseUrl } from '../testing/test-db';

afterAll(killServedProcesses);
const serve = (db: string) => serveProcess(db);

describe('a management server killed mid-job', () => {
  it('its hosts and its interrupted job move to the survivor; nothing runs twice', async () => {
    // The lab is seeded by a server that then stops cleanly: its hosts are left to whoever starts next.
    const seedDir = mkdtempSync(join(tmpdir(), 'strata-seed-'));
    const db = await testDatabaseUrl(join(seedDir, 'strata.db'));
    const seeder = await startTestServer({ dataDir: seedDir, db });
    const { zoneId } = await seedDemoLab(seeder.core);
    await seeder.stop({ keepData: true });

    const a = await serve(db);
    const onA = await sessionClient(a.url);
    const b = await serve(db);
    const onB = await sessionClient(b.url);
    const msOf = async (c: typeof onA) => (await c.call('listManagementServers')).json.listmanagementserversresponse.managementserver as any[];
    const servers = await until('two servers Up', async () => { const l = await msOf(onB); return l.filter((m) => m.state === 'Up').length === 2 && l; });
    const idA = servers.find((m) => m.agentscount > 0)!.id;
    const idB = servers.find((m) => m.id !== idA && m.state === 'Up')!.id;

    // A slow host on A (every VM operation takes 3 s), and a deploy to it in flight when A is killed.
    const cluster = (await onA.call('listClusters', { zoneid: zoneId })).json.listclustersresponse.cluster[0];
    const slow = (await onA.call('addHost', { zoneid: zoneId, podid: cluster.podid, clusterid: cluster.id, hypervisor: 'Simulator',
      username: 'root', password: 'sim', url: 'http://sim-slow/?cpunumber=8&cpuspeed=2000&memory=65536&latency=3000' })).json.addhostresponse.host[0];
    const so = (await onA.call('listServiceOfferings')).json.listserviceofferingsresponse.serviceoffering[0];
    const tpl = (await onA.call('listTemplates', { templatefilter: 'all', zoneid: zoneId })).json.listtemplatesresponse.template[0];
    const dep = (await onA.call('deployVirtualMachine', { zoneid: zoneId, serviceofferingid: so.id, templateid: tpl.id,
      name: 'in-flight', hostid: slow.id })).json.deployvirtualmachineresponse;
    expect(dep.jobid).toBeTruthy();
    await new Promise((r) => setTimeout(r, 1_000));
    a.proc.kill('SIGKILL');

    const down = await until('A Down', async () => { const l = await msOf(onB); return l.find((m) => m.id === idA && m.state === 'Down'); });
    expect(down).toBeTruthy();
    const job = await waitJob(onB.call, dep.jobid, 60_000);
    expect([1, 2]).toContain(job.jobstatus);
    const hosts = await until('every host Up on B', async () => {
      const l = (await onB.call('listHosts', { zoneid: zoneId, type: 'Routing' })).json.listhostsresponse.host as any[];
      return l.every((h) => h.state === 'Up' && h.managementserverid === idB) && l;
    });
    expect(hosts).toHaveLength(17);

    // B now deploys on the hosts it took over; every VM once, every instance name once.
    const more = await Promise.all([1, 2, 3].map(async (i) => (await onB.call('deployVirtualMachine', { zoneid: zoneId,
      serviceofferingid: so.id, templateid: tpl.id, name: `after-${i}` })).json.deployvirtualmachineresponse.jobid as string));
    for (const j of more) { const r = await waitJob(onB.call, j, 30_000); expect(r.jobstatus, JSON.stringify(r.jobresult)).toBe(1); }
    const vms = (await onB.call('listVirtualMachines', { listall: 'true' })).json.listvirtualmachinesresponse.virtualmachine as any[];
    expect(vms.filter((v) => v.name === 'in-flight').length).toBeLessThanOrEqual(1);
    expect(vms.filter((v) => v.name.startsWith('after-'))).toHaveLength(3);
    expect(new Set(vms.map((v) => v.instancename)).size).toBe(vms.length);
    const pending = (await onB.call('listAsyncJobs', { listall: 'true' })).json.listasyncjobsresponse.asyncjobs as any[];
    expect(pending.filter((j) => j.jobstatus === 0)).toEqual([]);
    b.proc.kill('SIGTERM');
  }, 180_000);
});
