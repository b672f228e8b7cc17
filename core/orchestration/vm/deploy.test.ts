import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, GiB, type World } from './test-world';

let w: World;
beforeEach(async () => { w = await createWorld(); });
afterEach(async () => { await w.close(); });

const deployArgs = (extra: object = {}) => ({ zoneid: w.ids.zone, serviceofferingid: w.ids.small, templateid: w.ids.template, ...extra });

describe('deployVirtualMachine', () => {
  it('creates the VM and its root and data volumes, starts it and reserves capacity on its host', async () => {
    const r = await w.call(w.ids.alice, 'deployVirtualMachine', deployArgs({ name: 'web-1', diskofferingid: w.ids.disk5 }));
    const vm = r.result;
    expect(vm).toMatchObject({ id: r.id, name: 'web-1', displayname: 'web-1', state: 'Running', cpunumber: 1, cpuspeed: 500,
      memory: 512, zonename: 'zone1', templatename: 'debian', serviceofferingname: 'small', account: 'alice', haenable: false,
      hypervisor: 'Simulator', nic: [], tags: [] });
    expect(vm.hostid).toBeUndefined(); // users do not see hosts or instance names
    expect(vm.instancename).toBeUndefined();
    const row = await w.vm(r.id);
    expect(row.instance_name).toMatch(/^i-\d+-\d+-VM$/);
    const vols = await w.volumes(r.id);
    expect(vols.map((v) => [v.type, v.state, v.device_id, v.size])).toEqual([['ROOT', 'Ready', 0, 2 * GiB], ['DATADISK', 'Ready', 1, 5 * GiB]]);
    expect(vols.every((v) => v.pool_id === w.ids.pool1 && v.path)).toBe(true);
    const host = await w.host(row.host_id!);
    expect([host.cpu_allocated, host.memory_allocated]).toEqual([500, 512 * 1024 * 1024]);
    expect((await w.pool(w.ids.pool1)).allocated_bytes).toBe(7 * GiB);
    expect(w.driver.vms.get(r.id)?.power).toBe('PowerOn');
    expect(w.events.map((e) => e.type)).toEqual(['VM.CREATE', 'VM.START', 'VM.START']);
    const states = (type: string) => w.notes.flatMap((n) => (n.kind === 'state' && n.resourceType === type ? [n.state] : []));
    expect(states('VirtualMachine')).toEqual(['Starting', 'Running']);
    expect(states('Volume')).toEqual(['Ready', 'Ready']);
  });

  it('gives a default name VM-<uuid> and answers the id before the job runs', async () => {
    const plan = await w.prepare(w.ids.admin, 'deployVirtualMachine', deployArgs());
    expect(plan.createdId).toBeDefined();
    expect(plan.locks).toEqual([`vm:${plan.createdId}`]);
    const row = await w.vm(plan.createdId!);
    expect(row.name).toBe(`VM-${plan.createdId}`);
    expect(row.state).toBe('Stopped');
    expect((await w.volumes(row.id)).map((v) => v.state)).toEqual(['Allocated']);
  });

  it('leaves the VM Stopped with Allocated volumes when startvm=false', async () => {
    const r = await w.call(w.ids.admin, 'deployVirtualMachine', deployArgs({ startvm: false }));
    expect(r.result.state).toBe('Stopped');
    expect((await w.volumes(r.id)).map((v) => v.state)).toEqual(['Allocated']);
    expect(w.plannerLog.reserved).toEqual([]);
  });

  it('fails with 533 when nothing fits, marks the VM Error and leaks no reservation', async () => {
    const err = await w.call(w.ids.admin, 'deployVirtualMachine', deployArgs({ serviceofferingid: w.ids.huge })).catch((e) => e);
    expect(err.errorcode).toBe(533);
    // It says what was short (the planner's reason) and where, not only that it failed.
    expect(err.message).toMatch(/^Unable to create a deployment for VM\[User\|i-\d+-\d+-VM\]: no host fits in zone zone1$/);
    const row = await w.db.selectFrom('vms').selectAll().executeTakeFirstOrThrow();
    expect(row.state).toBe('Error');
    expect(row.host_id).toBeNull();
    for (const h of w.ids.hosts) expect((await w.host(h)).cpu_allocated).toBe(0);
    expect((await w.pool(w.ids.pool1)).allocated_bytes).toBe(0);
  });

  it('retries on another host when the driver fails on one, releasing the failed host', async () => {
    w.driver.fail.set('startVm', new Set([w.ids.hosts[0]]));
    const r = await w.call(w.ids.admin, 'deployVirtualMachine', deployArgs());
    expect(r.result.state).toBe('Running');
    expect(r.result.hostid).toBe(w.ids.hosts[1]);
    expect(w.plannerLog.released).toEqual([w.ids.hosts[0]]);
    expect(w.plannerLog.requests[1].avoidHostIds).toEqual([w.ids.hosts[0]]);
    expect((await w.host(w.ids.hosts[0])).cpu_allocated).toBe(0);
    expect((await w.host(w.ids.hosts[1])).cpu_allocated).toBe(500);
    // The volume made on the failed attempt was cleaned up; only the final one exists.
    expect(w.driver.volumes.size).toBe(1);
    expect((await w.pool(w.ids.pool1)).allocated_bytes).toBe(2 * GiB);
  });

  it('gives up after 3 hosts and leaves the VM in Error with a clear job error', async () => {
    w.driver.fail.set('startVm', 'all');
    const err = await w.call(w.ids.admin, 'deployVirtualMachine', deployArgs()).catch((e) => e);
    expect(err.errorcode).toBe(533);
    expect(err.message).toMatch(/start failed on 3 host\(s\), last error: simulated startVm failure/);
    expect(w.plannerLog.reserved.length).toBe(3);
    expect(w.plannerLog.released.length).toBe(3);
    const row = await w.db.selectFrom('vms').selectAll().executeTakeFirstOrThrow();
    expect(row.state).toBe('Error');
    for (const h of w.ids.hosts) expect((await w.host(h)).cpu_allocated).toBe(0);
    expect((await w.pool(w.ids.pool1)).allocated_bytes).toBe(0);
  });

  it('rejects bad input before creating anything', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 0, (e) => e.errorcode);
    expect(await code(w.call(w.ids.admin, 'deployVirtualMachine', deployArgs({ zoneid: w.ids.pod })))).toBe(431);
    expect(await code(w.call(w.ids.admin, 'deployVirtualMachine', deployArgs({ serviceofferingid: w.ids.custom })))).toBe(431);
    expect(await code(w.call(w.ids.admin, 'deployVirtualMachine', deployArgs({ name: '1bad' })))).toBe(431);
    expect(await code(w.call(w.ids.admin, 'deployVirtualMachine', deployArgs({ rootdisksize: 1 })))).toBe(431);
    expect(await code(w.call(w.ids.admin, 'deployVirtualMachine', deployArgs({ diskofferingid: w.ids.diskCustom })))).toBe(431);
    expect(await code(w.call(w.ids.alice, 'deployVirtualMachine', deployArgs({ hostid: w.ids.hosts[0] })))).toBe(531);
    await w.db.updateTable('template_zones').set({ is_ready: 0 }).execute();
    const err = await w.call(w.ids.admin, 'deployVirtualMachine', deployArgs()).catch((e) => e);
    expect(err.message).toBe(`Template ${w.ids.template} has not been completely downloaded to zone ${w.ids.zone}`);
    expect(await w.db.selectFrom('vms').select('id').execute()).toEqual([]);
  });

  it('refuses a name already used by a live VM of the same account, not of another', async () => {
    await w.deploy(w.ids.alice, { name: 'db' });
    const err = await w.call(w.ids.alice, 'deployVirtualMachine', deployArgs({ name: 'db' })).catch((e) => e);
    expect(err.errorcode).toBe(431);
    await expect(w.deploy(w.ids.bob, { name: 'db' })).resolves.toBeDefined();
  });

  it('uses custom CPU and memory from details for a customized offering, and a custom root size', async () => {
    const r = await w.call(w.ids.admin, 'deployVirtualMachine', deployArgs({ serviceofferingid: w.ids.custom,
      details: [{ cpuNumber: '2', cpuSpeed: '1500', memory: '2048' }], rootdisksize: 20 }));
    expect(r.result).toMatchObject({ cpunumber: 2, cpuspeed: 1500, memory: 2048, state: 'Running' });
    expect((await w.volumes(r.id))[0].size).toBe(20 * GiB);
  });

  it('refuses offerings restricted to other domains or zones', async () => {
    await w.db.updateTable('service_offerings').set({ domain_ids: w.ids.child }).where('id', '=', w.ids.small).execute();
    const e = await w.call(w.ids.alice, 'deployVirtualMachine', deployArgs()).catch((x) => x);
    expect(e.errorcode).toBe(531);
    await expect(w.deploy(w.ids.bob)).resolves.toBeDefined();
    await w.db.updateTable('service_offerings').set({ domain_ids: '', zone_ids: w.ids.pod }).where('id', '=', w.ids.small).execute();
    expect((await w.call(w.ids.bob, 'deployVirtualMachine', deployArgs()).catch((x) => x)).errorcode).toBe(431);
  });

  it('places on the admin-chosen host', async () => {
    const r = await w.call(w.ids.admin, 'deployVirtualMachine', deployArgs({ hostid: w.ids.hosts[3] }));
    expect(r.result.hostid).toBe(w.ids.hosts[3]);
    expect((await w.volumes(r.id))[0].pool_id).toBe(w.ids.pool2);
  });
});
