import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, GiB, type World } from './test-world';
import { nextVmState, transitionVm } from '../vm-states';

let w: World;
beforeEach(async () => { w = await createWorld(); });
afterEach(async () => { await w.close(); });

const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e) => e);
const cpuOn = async (host: string) => (await w.host(host)).cpu_allocated;

describe('VM state machine', () => {
  it('follows CloudStack transitions and names the action and state when refusing', () => {
    expect(nextVmState('Stopped', 'StartRequested')).toBe('Starting');
    expect(nextVmState('Starting', 'OperationSucceeded')).toBe('Running');
    expect(nextVmState('Running', 'StopRequested')).toBe('Stopping');
    expect(nextVmState('Destroyed', 'RecoveryRequested')).toBe('Stopped');
    expect(nextVmState('Error', 'DestroyRequested')).toBe('Expunging');
    expect(() => transitionVm('Running', 'StartRequested', 'web')).toThrow('Unable to start VM web: it is Running');
    expect(() => transitionVm('Destroyed', 'MigrationRequested', 'web')).toThrow('Unable to migrate VM web: it is Destroyed');
  });
});

describe('stop, start, reboot', () => {
  it('stops (releasing capacity), starts again on the last host, reboots', async () => {
    const id = await w.deploy();
    const host = (await w.vm(id)).host_id!;
    const stopped = await w.call(w.ids.admin, 'stopVirtualMachine', { id });
    expect(stopped.result.state).toBe('Stopped');
    expect(stopped.result.hostid).toBeUndefined();
    expect(await cpuOn(host)).toBe(0);
    expect((await w.vm(id)).last_host_id).toBe(host);

    const started = await w.call(w.ids.admin, 'startVirtualMachine', { id });
    expect(started.result).toMatchObject({ state: 'Running', hostid: host });
    expect(await cpuOn(host)).toBe(500);
    expect(w.driver.calls.filter((c) => c.startsWith('createVolume'))).toHaveLength(1); // volumes are reused

    const rebooted = await w.call(w.ids.admin, 'rebootVirtualMachine', { id });
    expect(rebooted.result.state).toBe('Running');
    expect(w.events.at(-1)?.type).toBe('VM.REBOOT');
  });

  it('refuses invalid transitions with 431 and clear text', async () => {
    const id = await w.deploy();
    const e1 = await errorOf(w.call(w.ids.admin, 'startVirtualMachine', { id }));
    expect([e1.errorcode, e1.message]).toEqual([431, `Unable to start VM VM-${id}: it is Running`]);
    await w.call(w.ids.admin, 'stopVirtualMachine', { id });
    const e2 = await errorOf(w.call(w.ids.admin, 'rebootVirtualMachine', { id }));
    expect(e2.message).toBe(`Unable to reboot VM VM-${id}: it is Stopped`);
    const e3 = await errorOf(w.call(w.ids.admin, 'recoverVirtualMachine', { id }));
    expect(e3.message).toBe(`Unable to recover VM VM-${id}: it is Stopped`);
    const e4 = await errorOf(w.call(w.ids.admin, 'expungeVirtualMachine', { id }));
    expect(e4.errorcode).toBe(431);
  });

  it('accepts a stop while a start is still running (its job runs after the start job)', async () => {
    const id = await w.deploy();
    await w.db.updateTable('vms').set({ state: 'Starting' }).where('id', '=', id).execute();
    await expect(w.prepare(w.ids.admin, 'stopVirtualMachine', { id })).resolves.toMatchObject({ locks: [`vm:${id}`] });
    await w.db.updateTable('vms').set({ state: 'Running' }).where('id', '=', id).execute();
    expect((await w.call(w.ids.admin, 'stopVirtualMachine', { id })).result.state).toBe('Stopped');
  });

  it('stopping a stopped VM succeeds without doing anything', async () => {
    const id = await w.deploy(w.ids.admin, { startvm: false });
    const r = await w.call(w.ids.admin, 'stopVirtualMachine', { id });
    expect(r.result.state).toBe('Stopped');
    expect(w.driver.calls).toEqual([]);
  });

  it('a failed stop leaves the VM Running; a forced one stops it anyway', async () => {
    const id = await w.deploy();
    w.driver.fail.set('stopVm', 'all');
    const e = await errorOf(w.call(w.ids.admin, 'stopVirtualMachine', { id }));
    expect(e.errorcode).toBe(534);
    expect((await w.vm(id)).state).toBe('Running');
    const r = await w.call(w.ids.admin, 'stopVirtualMachine', { id, forced: true });
    expect(r.result.state).toBe('Stopped');
  });

  it('start on a host without room moves elsewhere; no host at all fails with 533 and the VM stays Stopped', async () => {
    const id = await w.deploy();
    await w.call(w.ids.admin, 'stopVirtualMachine', { id });
    for (const h of w.ids.hosts) await w.db.updateTable('hosts').set({ cpu_allocated: 8000 }).where('id', '=', h).execute();
    const e = await errorOf(w.call(w.ids.admin, 'startVirtualMachine', { id }));
    expect(e.errorcode).toBe(533);
    expect((await w.vm(id)).state).toBe('Stopped');
    expect((await w.vm(id)).host_id).toBeNull();
  });

  it('users cannot act on VMs of other accounts', async () => {
    const id = await w.deploy(w.ids.alice);
    const e = await errorOf(w.call(w.ids.bob, 'stopVirtualMachine', { id }));
    expect(e.errorcode).toBe(531);
    const missing = await errorOf(w.call(w.ids.bob, 'stopVirtualMachine', { id: '00000000-0000-4000-8000-000000000000' }));
    expect(missing.errorcode).toBe(431);
    expect(missing.message).toMatch(/^Unable to execute API command stopvirtualmachine due to invalid value\. Invalid parameter id/);
  });
});

describe('destroy, recover, expunge', () => {
  it('destroys a running VM (stop + Destroyed, capacity released), recovers it, then expunges it', async () => {
    const id = await w.deploy(w.ids.admin, { diskofferingid: w.ids.disk5 });
    const host = (await w.vm(id)).host_id!;
    const d = await w.call(w.ids.admin, 'destroyVirtualMachine', { id });
    expect(d.result.state).toBe('Destroyed');
    expect(await cpuOn(host)).toBe(0);
    expect((await w.volumes(id)).map((v) => v.state)).toEqual(['Destroy', 'Ready']);

    const rec = await w.call(w.ids.admin, 'recoverVirtualMachine', { id });
    expect(rec.state).toBe('Stopped');
    expect((await w.volumes(id)).map((v) => v.state)).toEqual(['Ready', 'Ready']);

    await w.call(w.ids.admin, 'destroyVirtualMachine', { id });
    const vols = await w.volumes(id);
    await w.call(w.ids.admin, 'expungeVirtualMachine', { id });
    const row = await w.vm(id);
    expect(row.removed).not.toBeNull();
    expect((await w.volume(vols[0].id)).state).toBe('Expunged');
    expect((await w.volume(vols[1].id))).toMatchObject({ state: 'Ready', vm_id: null, removed: null }); // data disk kept, detached
    expect(w.driver.volumes.has(vols[0].id)).toBe(false);
    expect((await w.pool(w.ids.pool1)).allocated_bytes).toBe(5 * GiB);
    const list = await w.call(w.ids.admin, 'listVirtualMachines', { listall: true });
    expect(list.count).toBe(0);
    expect(w.events.map((e) => e.type)).toContain('VM.EXPUNGE');
  });

  it('destroy with expunge=true removes the VM at once; only admins may', async () => {
    const id = await w.deploy(w.ids.alice);
    const e = await errorOf(w.call(w.ids.alice, 'destroyVirtualMachine', { id, expunge: true }));
    expect(e.errorcode).toBe(531);
    await w.call(w.ids.admin, 'destroyVirtualMachine', { id, expunge: true });
    expect((await w.vm(id)).removed).not.toBeNull();
    const e2 = await errorOf(w.call(w.ids.alice, 'recoverVirtualMachine', { id }));
    expect(e2.errorcode).toBe(531);
  });

  it('destroy deletes the data volumes named in volumeids', async () => {
    const id = await w.deploy(w.ids.admin, { diskofferingid: w.ids.disk5 });
    const data = (await w.volumes(id))[1];
    await w.call(w.ids.admin, 'destroyVirtualMachine', { id, volumeids: [data.id] });
    expect((await w.volume(data.id)).state).toBe('Expunged');
    const e = await errorOf(w.call(w.ids.admin, 'destroyVirtualMachine', { id }));
    expect(e.message).toBe(`Unable to destroy VM VM-${id}: it is Destroyed`);
  });

  it('destroying a VM in Error expunges it', async () => {
    const err = await errorOf(w.call(w.ids.admin, 'deployVirtualMachine', { zoneid: w.ids.zone, serviceofferingid: w.ids.huge, templateid: w.ids.template }));
    expect(err.errorcode).toBe(533);
    const row = await w.db.selectFrom('vms').selectAll().executeTakeFirstOrThrow();
    await w.call(w.ids.admin, 'destroyVirtualMachine', { id: row.id });
    expect((await w.vm(row.id)).removed).not.toBeNull();
  });
});

describe('scale, change service, update', () => {
  it('changes the offering of a stopped VM; refuses while running', async () => {
    const id = await w.deploy();
    const e = await errorOf(w.call(w.ids.admin, 'changeServiceForVirtualMachine', { id, serviceofferingid: w.ids.big }));
    expect(e.message).toBe(`Unable to change the service offering of VM VM-${id}: it is Running; stop it first`);
    await w.call(w.ids.admin, 'stopVirtualMachine', { id });
    const r = await w.call(w.ids.admin, 'changeServiceForVirtualMachine', { id, serviceofferingid: w.ids.big });
    expect(r).toMatchObject({ serviceofferingid: w.ids.big, serviceofferingname: 'big', cpunumber: 2, cpuspeed: 1000, memory: 1024 });
  });

  it('scales a running VM live when dynamic scaling is enabled, reserving the difference', async () => {
    const id = await w.deploy();
    const host = (await w.vm(id)).host_id!;
    await w.call(w.ids.admin, 'scaleVirtualMachine', { id, serviceofferingid: w.ids.big });
    expect(await w.vm(id)).toMatchObject({ cpu_number: 2, cpu_speed: 1000, memory: 1024, service_offering_id: w.ids.big });
    expect(await cpuOn(host)).toBe(2000);
    expect(w.driver.vms.get(id)?.spec).toMatchObject({ cpuNumber: 2, memoryMb: 1024 });
    const e = await errorOf(w.call(w.ids.admin, 'scaleVirtualMachine', { id, serviceofferingid: w.ids.nodyn }));
    expect(e.message).toMatch(/dynamic scaling is not enabled/);
    const down = await errorOf(w.call(w.ids.admin, 'scaleVirtualMachine', { id, serviceofferingid: w.ids.small }));
    expect(down.message).toMatch(/^Only scaling up the vm is supported/);
  });

  it('updates display name, name, group, HA and details', async () => {
    const id = await w.deploy(w.ids.alice, { name: 'a1' });
    await w.deploy(w.ids.alice, { name: 'a2' });
    const r = await w.call(w.ids.alice, 'updateVirtualMachine', { id, displayname: 'Alpha', name: 'a3', group: 'web', haenable: true,
      details: [{ key: 'rootDiskController', value: 'scsi' }] });
    expect(r).toMatchObject({ displayname: 'Alpha', name: 'a3', group: 'web', haenable: true, details: { rootDiskController: 'scsi' } });
    const e = await errorOf(w.call(w.ids.alice, 'updateVirtualMachine', { id, name: 'a2' }));
    expect(e.errorcode).toBe(431);
  });
});
