// End to end through the real core: HTTP, dispatcher, job manager, planner and simulator driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../../testing/harness';

interface Lab { zoneId: string; templateId: string; offeringId: string }

/** A zone with one cluster of simulator hosts, a template and a tiny offering, made through the API. */
async function buildLab(core: TestServer['core'], hosts: number): Promise<Lab> {
  const admin = await core.admin();
  const c = (command: string, p: Record<string, string>) => core.dispatcher.invoke(admin, command, p) as Promise<any>;
  const zoneId = (await c('createZone', { name: 'vm-e2e', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone.id;
  await c('addImageStore', { provider: 'NFS', name: 'sec', url: 'file:///tmp/strata-vm-e2e-secondary', zoneid: zoneId });
  const pod = (await c('createPod', { zoneid: zoneId, name: 'pod' })).pod;
  const cluster = (await c('addCluster', { zoneid: zoneId, podid: pod.id, clustername: 'c0', clustertype: 'CloudManaged', hypervisor: 'Simulator' })).cluster[0];
  await c('createStoragePool', { zoneid: zoneId, podid: pod.id, clusterid: cluster.id, name: 'p0', scope: 'CLUSTER',
    url: 'SharedMountPoint://localhost/tmp/strata-vm-e2e-p0', capacitybytes: String(2 ** 40) });
  for (let h = 0; h < hosts; h++) {
    await c('addHost', { zoneid: zoneId, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', username: 'u', password: 'p',
      url: `http://e2e-h${h}/?cpunumber=8&cpuspeed=2000&memory=16384` });
  }
  await c('updateZone', { id: zoneId, allocationstate: 'Enabled' });
  const tpl = await c('registerTemplate', { name: 'tpl', displaytext: 'tpl', url: 'http://127.0.0.1/x.qcow2', format: 'QCOW2', hypervisor: 'Simulator', zoneid: zoneId, ispublic: 'true' });
  const so = (await c('createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '100', memory: '128' })).serviceoffering;
  return { zoneId, templateId: tpl.template[0].id, offeringId: so.id };
}

let srv: TestServer;
let lab: Lab;
let call: Awaited<ReturnType<typeof sessionClient>>['call'];

beforeAll(async () => {
  srv = await startTestServer();
  lab = await buildLab(srv.core, 3);
  call = (await sessionClient(srv.url)).call;
});
afterAll(async () => { await srv.stop(); });

async function job(command: string, params: Record<string, string>) {
  const r = await call(command, params);
  expect(r.status, r.text).toBe(200);
  const submit = r.json[`${command.toLowerCase()}response`];
  return { submit, result: await waitJob(call, submit.jobid) };
}

describe('VM lifecycle over the API', () => {
  it('deploys, lists, stops, snapshots, destroys and expunges', async () => {
    const d = await job('deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, name: 'e2e-1' });
    expect(d.submit.id).toBeDefined();
    expect(d.result).toMatchObject({ jobstatus: 1, jobinstancetype: 'VirtualMachine', jobinstanceid: d.submit.id });
    const vm = d.result.jobresult.virtualmachine;
    expect(vm).toMatchObject({ id: d.submit.id, name: 'e2e-1', state: 'Running', cpunumber: 1, memory: 128, haenable: false, nic: [] });

    const list = await call('listVirtualMachines', { id: vm.id });
    expect(list.json.listvirtualmachinesresponse).toMatchObject({ count: 1, virtualmachine: [{ id: vm.id, state: 'Running', hostid: vm.hostid }] });

    const vols = (await call('listVolumes', { virtualmachineid: vm.id })).json.listvolumesresponse;
    expect(vols.volume[0]).toMatchObject({ type: 'ROOT', state: 'Ready', vmname: 'e2e-1' });
    const snap = await job('createSnapshot', { volumeid: vols.volume[0].id });
    expect(snap.result.jobresult.snapshot).toMatchObject({ state: 'BackedUp', volumeid: vols.volume[0].id });

    const stop = await job('stopVirtualMachine', { id: vm.id });
    expect(stop.result.jobresult.virtualmachine.state).toBe('Stopped');
    const bad = await call('rebootVirtualMachine', { id: vm.id });
    expect(bad.status).toBe(431);
    expect(bad.json.rebootvirtualmachineresponse.errortext).toBe('Unable to reboot VM e2e-1: it is Stopped');

    const destroy = await job('destroyVirtualMachine', { id: vm.id, expunge: 'true' });
    expect(destroy.result.jobstatus).toBe(1);
    const after = await call('listVirtualMachines', { id: vm.id });
    expect(after.json.listvirtualmachinesresponse.count ?? 0).toBe(0);
  });

  it('reports a capacity failure as a failed job with 533', async () => {
    const offering = (await call('createServiceOffering', { name: 'too-big', displaytext: 'x', cpunumber: '512', cpuspeed: '100', memory: '128' })).json;
    const so = offering.createserviceofferingresponse.serviceoffering.id;
    const d = await job('deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: so });
    expect(d.result).toMatchObject({ jobstatus: 2, jobresultcode: 533 });
    expect(d.result.jobresult.errortext).toMatch(/^Unable to create a deployment for VM/);
    const vm = (await call('listVirtualMachines', { id: d.submit.id })).json.listvirtualmachinesresponse.virtualmachine[0];
    expect(vm.state).toBe('Error');
  });
});
