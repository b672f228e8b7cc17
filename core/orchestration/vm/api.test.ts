// End to end through the real core: HTTP, dispatcher, job manager, planner and simulator driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../../testing/harness';
import { buildSimLab, type SimLab } from '../../testing/sim-lab';

type Lab = SimLab;
const buildLab = (core: TestServer['core'], hosts: number) => buildSimLab(core, hosts, 'vm-e2e');

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
