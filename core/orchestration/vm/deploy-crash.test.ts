// Issue 9: a management server killed between a deploy's VM rows and its job row leaves no orphan. The server
// runs in a child process that SIGKILLs itself at that moment; a new server on the same SQLite file must show no
// VM of that name (the rows and the job are one transaction), and deploying the same name works.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../../testing/harness';
import { startCrashServer } from '../../testing/crash-child';

let t: TestServer | undefined;
afterAll(async () => { await t?.stop(); });

describe('a crash between a deploy and its job', () => {
  it('leaves neither VM nor job, and the name stays free', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-crash-'));
    const crash = startCrashServer(dataDir, 'deployVirtualMachine');
    const url = await crash.url;
    const admin = await sessionClient(url);
    const must = async (command: string, params: Record<string, string>) => {
      const r = await admin.call(command, params, 'POST');
      if (r.status !== 200) throw new Error(`${command}: ${r.text}`);
      return r.json[`${command.toLowerCase()}response`];
    };
    const zone = (await must('createZone', { name: 'crash-zone', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '8.8.8.8' })).zone;
    const pod = (await must('createPod', { zoneid: zone.id, name: 'p', gateway: '10.1.0.1', netmask: '255.255.255.0', startip: '10.1.0.10', endip: '10.1.0.99' })).pod;
    const cluster = (await must('addCluster', { zoneid: zone.id, podid: pod.id, clustername: 'c', clustertype: 'CloudManaged', hypervisor: 'Simulator' })).cluster[0];
    await must('addHost', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', url: 'http://crash-sim/?cpunumber=8&cpuspeed=2000&memory=16384', username: 'root', password: 'x' });
    await must('createStoragePool', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, name: 'primary', url: `SharedMountPoint://localhost${dataDir}/primary`, scope: 'CLUSTER' });
    await must('updateZone', { id: zone.id, allocationstate: 'Enabled' });
    const tpl = (await must('registerTemplate', { name: 'tpl', displaytext: 'tpl', url: 'http://192.0.2.1/x.qcow2', format: 'QCOW2', hypervisor: 'Simulator', zoneid: zone.id })).template[0];
    const offering = (await must('listServiceOfferings', { name: 'Small Instance' })).serviceoffering[0];
    const deploy = { zoneid: zone.id, templateid: tpl.id, serviceofferingid: offering.id, name: 'survivor' };

    // The server dies inside the deploy: the client sees the connection go, not an answer.
    await expect(admin.call('deployVirtualMachine', deploy, 'POST')).rejects.toThrow();
    expect(await crash.exited).toBe('SIGKILL');

    t = await startTestServer({ dataDir });
    const again = await sessionClient(t.url);
    expect((await again.call('listVirtualMachines', { name: 'survivor', listall: 'true' })).json.listvirtualmachinesresponse).toEqual({});
    expect((await again.call('listVolumes', { listall: 'true' })).json.listvolumesresponse).toEqual({});
    const jobs = await t.core.svc.db.selectFrom('async_jobs').select('id').where('command', '=', 'deployVirtualMachine').execute();
    expect(jobs).toEqual([]);
    // The name is free: the same deploy succeeds now (not started: the simulated host lived in the killed process).
    const r = await again.call('deployVirtualMachine', { ...deploy, startvm: 'false' }, 'POST');
    expect(r.status).toBe(200);
    const job = await waitJob(again.call, r.json.deployvirtualmachineresponse.jobid);
    expect(job.jobresult.virtualmachine, JSON.stringify(job)).toMatchObject({ name: 'survivor', state: 'Stopped' });
  }, 120_000);
});
