import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, GiB, type World } from '../vm/test-world';
import { reconcileVms } from '../vm/index';

let w: World;
beforeEach(async () => { w = await createWorld(); });
afterEach(async () => { await w.close(); });

const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e) => e);
const createVol = async (extra: object = {}, caller = w.ids.alice) =>
  w.call(caller, 'createVolume', { zoneid: w.ids.zone, diskofferingid: w.ids.disk5, name: 'data1', ...extra });

describe('volumes', () => {
  it('pages through every volume once, in creation order, the later pages read from the end', async () => {
    for (let i = 0; i < 3; i++) await createVol({ name: `page${i}` });
    const tagged = (await createVol({ name: 'tagged' })).id;
    await w.db.insertInto('resource_tags').values({ id: 'tag-1', resource_type: 'Volume', resource_id: tagged, tag_key: 'k', tag_value: 'v',
      customer: null, account_id: w.ids.alice.accountId, domain_id: w.ids.alice.domainId, created: 1 }).execute();
    const whole = await w.call(w.ids.admin, 'listVolumes', { listall: true });
    expect(whole.items.map((v: any) => v.name).slice(-4)).toEqual(['page0', 'page1', 'page2', 'tagged']);
    expect(whole.items.at(-1).tags).toMatchObject([{ key: 'k', value: 'v' }]);
    const paged: string[] = [];
    for (let page = 1; page <= Math.ceil(whole.count / 2); page++) {
      const r = await w.call(w.ids.admin, 'listVolumes', { listall: true, page, pagesize: 2 });
      expect(r.count).toBe(whole.count);
      paged.push(...r.items.map((v: any) => v.id));
    }
    expect(paged).toEqual(whole.items.map((v: any) => v.id));
  });

  it('a new data volume stays Allocated and uses no storage until attached', async () => {
    const r = await createVol();
    expect(r.result).toMatchObject({ id: r.id, name: 'data1', type: 'DATADISK', state: 'Allocated', size: 5 * GiB,
      diskofferingname: 'disk5', account: 'alice', storagetype: 'shared', destroyed: false });
    expect(r.result.storageid).toBeUndefined();
    expect((await w.pool(w.ids.pool1)).allocated_bytes).toBe(0);
    expect(w.events.at(-1)?.type).toBe('VOLUME.CREATE');
  });

  it('checks sizes: custom offerings need size (GB), fixed ones refuse it; needs an offering or a snapshot', async () => {
    expect((await errorOf(createVol({ diskofferingid: w.ids.diskCustom }))).message).toBe('This disk offering requires a custom size specified');
    expect((await errorOf(createVol({ size: 3 }))).message).toBe('This disk offering does not allow custom size');
    expect((await createVol({ diskofferingid: w.ids.diskCustom, size: 3 })).result.size).toBe(3 * GiB);
    expect((await errorOf(w.call(w.ids.alice, 'createVolume', { zoneid: w.ids.zone }))).errorcode).toBe(431);
  });

  it('attaches to a running VM: creates it on the VM cluster pool, plugs it in, picks a free device', async () => {
    const vm = await w.deploy(w.ids.alice);
    const vol = (await createVol()).id;
    const r = await w.call(w.ids.alice, 'attachVolume', { id: vol, virtualmachineid: vm });
    expect(r.result).toMatchObject({ state: 'Ready', virtualmachineid: vm, deviceid: 1, storageid: w.ids.pool1, vmstate: 'Running' });
    expect(r.plan.locks).toEqual([`volume:${vol}`, `vm:${vm}`]);
    expect(w.driver.calls).toContain(`attachVolume:${(await w.vm(vm)).host_id}`);
    expect((await w.pool(w.ids.pool1)).allocated_bytes).toBe(7 * GiB);
    const second = await createVol({ name: 'data2' });
    const e = await errorOf(w.call(w.ids.alice, 'attachVolume', { id: second.id, virtualmachineid: vm, deviceid: 1 }));
    expect(e.message).toMatch(/deviceId 1 is already in use/);
    expect((await errorOf(w.call(w.ids.alice, 'attachVolume', { id: vol, virtualmachineid: vm }))).message)
      .toBe('Please specify a volume that is not attached to any VM.');
    const other = await w.deploy(w.ids.bob);
    expect((await errorOf(w.call(w.ids.alice, 'attachVolume', { id: second.id, virtualmachineid: other }))).errorcode).toBe(531);
  });

  it('attached to a VM that never started it stays Allocated and is created when the VM starts', async () => {
    const vm = await w.deploy(w.ids.alice, { startvm: false });
    const r = await createVol({ virtualmachineid: vm });
    expect(r.result).toMatchObject({ state: 'Allocated', virtualmachineid: vm, deviceid: 1 });
    await w.call(w.ids.alice, 'startVirtualMachine', { id: vm });
    expect((await w.volume(r.id)).state).toBe('Ready');
    expect(w.driver.vms.get(vm)?.spec.volumes.map((v) => v.type)).toEqual(['ROOT', 'DATADISK']);
  });

  it('detaches, refuses to delete attached volumes, deletes detached ones', async () => {
    const vm = await w.deploy(w.ids.alice);
    const vol = (await createVol({ virtualmachineid: vm })).id;
    const e = await errorOf(w.call(w.ids.alice, 'deleteVolume', { id: vol }));
    expect([e.errorcode, e.message]).toEqual([431, 'Please specify a volume that is not attached to any VM.']);
    const root = (await w.volumes(vm))[0];
    expect((await errorOf(w.call(w.ids.alice, 'detachVolume', { id: root.id }))).errorcode).toBe(431);
    const d = await w.call(w.ids.alice, 'detachVolume', { virtualmachineid: vm, deviceid: 1 });
    expect(d.result.virtualmachineid).toBeUndefined();
    await w.call(w.ids.alice, 'deleteVolume', { id: vol });
    expect(await w.volume(vol)).toMatchObject({ state: 'Expunged' });
    expect(w.driver.volumes.has(vol)).toBe(false);
    expect((await w.pool(w.ids.pool1)).allocated_bytes).toBe(2 * GiB);
    expect((await w.call(w.ids.alice, 'listVolumes', {})).count).toBe(1);
  });

  it('resizes: grows on its pool, refuses to shrink without shrinkok', async () => {
    const vm = await w.deploy(w.ids.alice);
    const vol = (await createVol({ virtualmachineid: vm })).id;
    const r = await w.call(w.ids.alice, 'resizeVolume', { id: vol, size: 10 });
    expect(r.result).toMatchObject({ size: 10 * GiB, state: 'Ready' });
    expect((await w.pool(w.ids.pool1)).allocated_bytes).toBe(12 * GiB);
    const e = await errorOf(w.call(w.ids.alice, 'resizeVolume', { id: vol, size: 4 }));
    expect(e.message).toMatch(/would shrink the volume\. Need to sign off by supplying the shrinkok parameter/);
    await w.call(w.ids.alice, 'resizeVolume', { id: vol, size: 4, shrinkok: true });
    expect((await w.volume(vol)).size).toBe(4 * GiB);
    expect(w.events.filter((x) => x.type === 'VOLUME.RESIZE')).toHaveLength(2);
  });

  it('lists with filters, paging and scoping', async () => {
    const vm = await w.deploy(w.ids.alice, { diskofferingid: w.ids.disk5 });
    await createVol();
    await w.deploy(w.ids.bob);
    const all = await w.call(w.ids.alice, 'listVolumes', {});
    expect(all.count).toBe(3);
    expect((await w.call(w.ids.alice, 'listVolumes', { type: 'ROOT' })).count).toBe(1);
    expect((await w.call(w.ids.alice, 'listVolumes', { virtualmachineid: vm })).count).toBe(2);
    expect((await w.call(w.ids.admin, 'listVolumes', { listall: true, storageid: w.ids.pool1 })).count).toBe(3);
    expect((await w.call(w.ids.alice, 'listVolumes', { pagesize: 2, page: 2 })).items).toHaveLength(1);
    const root = all.items.find((v: { type: string }) => v.type === 'ROOT');
    expect(root).toMatchObject({ vmname: `VM-${vm}`, templatename: 'debian', serviceofferingname: 'small' });
    expect(typeof root.size).toBe('number');
    expect(typeof root.deviceid).toBe('number');
    expect(root.path).toBeUndefined(); // paths are for admins
  });
});

describe('snapshots', () => {
  it('creates (Ready volume only), lists, reverts (stopped VM only) and deletes', async () => {
    const vm = await w.deploy(w.ids.alice, { name: 'app' });
    const root = (await w.volumes(vm))[0];
    const s = await w.call(w.ids.alice, 'createSnapshot', { volumeid: root.id });
    expect(s.result).toMatchObject({ id: s.id, volumeid: root.id, volumename: root.name, volumetype: 'ROOT', state: 'BackedUp',
      snapshottype: 'MANUAL', revertable: true, virtualsize: 2 * GiB, account: 'alice' });
    expect(s.result.name).toMatch(/^app_ROOT-\d+_\d{14}$/);
    expect((await w.volume(root.id)).state).toBe('Ready');
    expect((await w.call(w.ids.alice, 'listSnapshots', { volumeid: root.id })).count).toBe(1);
    expect((await w.call(w.ids.bob, 'listSnapshots', {})).count).toBe(0);

    const e = await errorOf(w.call(w.ids.alice, 'revertSnapshot', { id: s.id }));
    expect(e.message).toBe(`Unable to revert snapshot ${s.result.name}: VM app is Running; stop it first`);
    await w.call(w.ids.alice, 'stopVirtualMachine', { id: vm });
    const rv = await w.call(w.ids.alice, 'revertSnapshot', { id: s.id });
    expect(rv.result.state).toBe('BackedUp');
    expect(w.driver.calls.some((c) => c.startsWith(`revertSnapshot:`) && c.includes(root.id))).toBe(true);

    await w.call(w.ids.alice, 'deleteSnapshot', { id: s.id });
    expect((await w.call(w.ids.alice, 'listSnapshots', {})).count).toBe(0);
    expect(w.driver.snapshots.size).toBe(0);
    expect(w.events.map((x) => x.type)).toEqual(expect.arrayContaining(['SNAPSHOT.CREATE', 'SNAPSHOT.REVERT', 'SNAPSHOT.DELETE']));
  });

  it('refuses volumes that are not Ready and marks a failed snapshot Error', async () => {
    const vol = await createVol();
    const e = await errorOf(w.call(w.ids.alice, 'createSnapshot', { volumeid: vol.id }));
    expect(e.message).toBe(`VolumeId: ${vol.id} is not in Ready state but Allocated. Cannot take snapshot.`);
    const vm = await w.deploy(w.ids.alice);
    w.driver.fail.set('snapshotVolume', 'all');
    const root = (await w.volumes(vm))[0];
    expect((await errorOf(w.call(w.ids.alice, 'createSnapshot', { volumeid: root.id }))).errorcode).toBe(530);
    expect((await w.volume(root.id)).state).toBe('Ready');
    const snap = await w.db.selectFrom('snapshots').selectAll().executeTakeFirstOrThrow();
    expect(snap.state).toBe('Error');
  });

  it('creates a volume from a snapshot', async () => {
    const vm = await w.deploy(w.ids.alice);
    const root = (await w.volumes(vm))[0];
    const s = await w.call(w.ids.alice, 'createSnapshot', { volumeid: root.id });
    const v = await w.call(w.ids.alice, 'createVolume', { snapshotid: s.id, name: 'restored' });
    expect(v.result).toMatchObject({ state: 'Ready', size: 2 * GiB, zoneid: w.ids.zone, storageid: w.ids.pool1 });
  });

  it('recovery puts volumes and snapshots left in transitional states back', async () => {
    const vm = await w.deploy(w.ids.alice);
    const root = (await w.volumes(vm))[0];
    const plan = await w.prepare(w.ids.alice, 'createSnapshot', { volumeid: root.id });
    await w.db.updateTable('volumes').set({ state: 'Snapshotting' }).where('id', '=', root.id).execute();
    const n = await reconcileVms(w.svc);
    expect(n).toMatchObject({ volumes: 1, snapshots: 1 });
    expect((await w.volume(root.id)).state).toBe('Ready');
    const snap = await w.db.selectFrom('snapshots').selectAll().where('id', '=', plan.createdId!).executeTakeFirstOrThrow();
    expect(snap.state).toBe('Error');
  });
});
