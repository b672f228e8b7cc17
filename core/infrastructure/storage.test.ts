// Primary and secondary storage, capacity and alerts through their handlers.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { createFixture, basicZone, addSimHost, insertVm, type Fixture } from './test-support';

let f: Fixture;
let ids: Awaited<ReturnType<typeof basicZone>>;
beforeEach(async () => {
  f = await createFixture();
  ids = await basicZone(f);
});
afterEach(async () => { await f.close(); });

const GiB = 2 ** 30;

describe('primary storage', () => {
  it('creates cluster and zone scope pools from the URL forms with the right types', async () => {
    const nfs = await f.call('createStoragePool', { name: 'nfs1', zoneid: ids.zoneId, clusterid: ids.clusterId, url: 'nfs://10.0.0.9/export/primary',
      capacitybytes: String(100 * GiB), tags: 'ssd, fast' });
    expect(nfs).toMatchObject({ type: 'NetworkFilesystem', scope: 'CLUSTER', state: 'Up', ipaddress: '10.0.0.9', path: '/export/primary',
      clustername: 'c1', podname: 'p1', disksizetotal: 100 * GiB, disksizeallocated: 0, disksizeused: 0, overprovisionfactor: '2.0',
      tags: 'ssd,fast', provider: 'DefaultPrimary', hypervisor: 'Simulator' });
    const smp = await f.call('createStoragePool', { name: 'smp', zoneid: ids.zoneId, scope: 'zone', hypervisor: 'simulator', url: 'SharedMountPoint://localhost/nonexistent/mnt' });
    expect(smp).toMatchObject({ type: 'SharedMountPoint', scope: 'ZONE', disksizetotal: 1024 ** 4 });
    expect(smp.clusterid).toBeUndefined();
    const dir = join(f.dir, 'local-pool');
    const local = await f.call('createStoragePool', { name: 'local', zoneid: ids.zoneId, clusterid: ids.clusterId, url: dir });
    expect(local).toMatchObject({ type: 'Filesystem', path: dir });
    expect(local.disksizetotal).toBeGreaterThan(0);
    expect(existsSync(dir)).toBe(true);
    await expect(f.call('createStoragePool', { name: 'x', zoneid: ids.zoneId, url: 'ftp://a/b' })).rejects.toMatchObject({ errorcode: 431 });
    await expect(f.call('createStoragePool', { name: 'nfs2', zoneid: ids.zoneId, clusterid: ids.clusterId, url: 'nfs://10.0.0.9/export/primary' }))
      .rejects.toMatchObject({ errorcode: 431, message: /already exists/ });
    await expect(f.call('createStoragePool', { name: 'sp', zoneid: ids.zoneId, clusterid: ids.clusterId, url: 'nfs://10.0.0.9/sp', provider: 'StorPool' }))
      .rejects.toMatchObject({ errorcode: 431, message: 'Storage provider StorPool not found' });
    expect(await f.call('createStoragePool', { name: 'dp', zoneid: ids.zoneId, clusterid: ids.clusterId, url: 'nfs://10.0.0.9/dp', provider: 'DefaultPrimary' }))
      .toMatchObject({ provider: 'DefaultPrimary' });
  });

  it('disables, retags and resizes a pool; lists by filters', async () => {
    const p = await f.call('createStoragePool', { name: 'nfs1', zoneid: ids.zoneId, clusterid: ids.clusterId, url: 'nfs://s/e', capacitybytes: String(GiB) });
    expect(await f.call('updateStoragePool', { id: p.id, enabled: 'false', tags: 'a,b', capacitybytes: String(2 * GiB) }))
      .toMatchObject({ state: 'Disabled', tags: 'a,b', disksizetotal: 2 * GiB });
    expect((await f.call('listStoragePools', { status: 'Disabled' })).count).toBe(1);
    expect((await f.call('updateStoragePool', { id: p.id, enabled: 'true' })).state).toBe('Up');
    const h = await addSimHost(f, ids, 'h1');
    expect((await f.call('listStoragePools', { hostid: h.id })).items.map((x: any) => x.name)).toEqual(['nfs1']);
    expect((await f.call('listStoragePools', { scope: 'ZONE' })).count).toBe(0);
  });

  it('refuses to delete a pool holding volumes (536); forced expunges only destroyed ones', async () => {
    const p = await f.call('createStoragePool', { name: 'nfs1', zoneid: ids.zoneId, clusterid: ids.clusterId, url: 'nfs://s/e' });
    await insertVm(f, { zoneId: ids.zoneId, hostId: null, state: 'Stopped' }); // creates the parent rows
    const vol = (state: string) => f.svc.db.insertInto('volumes').values({ id: crypto.randomUUID(), name: 'v', type: 'DATADISK', state, size: GiB,
      vm_id: null, device_id: null, disk_offering_id: null, pool_id: p.id, account_id: 'a-user', domain_id: 'd-root', zone_id: ids.zoneId,
      template_id: null, path: null, provisioning_type: 'thin', created: 0, attached: null, removed: null }).execute();
    await vol('Ready');
    await expect(f.call('deleteStoragePool', { id: p.id, forced: 'true' })).rejects.toMatchObject({ errorcode: 536, message: /1 volume/ });
    await f.svc.db.updateTable('volumes').set({ state: 'Destroy' }).execute();
    await expect(f.call('deleteStoragePool', { id: p.id })).rejects.toMatchObject({ errorcode: 536, message: /forced=true/ });
    await f.call('deleteStoragePool', { id: p.id, forced: 'true' });
    expect((await f.call('listStoragePools')).count).toBe(0);
    // the cluster can go now that its pool is gone
    await f.call('deleteCluster', { id: ids.clusterId });
  });
});

describe('image stores', () => {
  it('adds NFS and local stores, lists and deletes them', async () => {
    const nfs = await f.call('addImageStore', { provider: 'NFS', url: 'nfs://10.0.0.9/secondary', zoneid: ids.zoneId, name: 'sec1' });
    expect(nfs).toMatchObject({ name: 'sec1', protocol: 'nfs', providername: 'NFS', scope: 'ZONE', zonename: 'z1', readonly: false, disksizetotal: 1024 ** 4 });
    const local = await f.call('addImageStore', { provider: 'nfs', url: join(f.dir, 'images') });
    expect(local).toMatchObject({ protocol: 'file', scope: 'REGION', url: `file://${join(f.dir, 'images')}` });
    expect((await f.call('listImageStores', { zoneid: ids.zoneId })).items.map((s: any) => s.name)).toEqual(['sec1']);
    await expect(f.call('addImageStore', { provider: 'S3', url: 'nfs://x/y' })).rejects.toMatchObject({ errorcode: 431 });
    await f.call('deleteImageStore', { id: local.id });
    expect((await f.call('listImageStores')).count).toBe(1);
    await expect(f.call('deleteZone', { id: ids.zoneId })).rejects.toMatchObject({ errorcode: 536 });
  });
});

describe('listCapacity', () => {
  it('sums CPU and memory with overcommit, storage, secondary storage and cores per zone, pod and cluster', async () => {
    await f.call('updateCluster', { id: ids.clusterId, cpuovercommitratio: '2', memoryovercommitratio: '1.5' });
    const h = await addSimHost(f, ids, 'h1', 'cpunumber=4&cpuspeed=1000&memory=4096');
    await addSimHost(f, ids, 'h2', 'cpunumber=4&cpuspeed=1000&memory=4096');
    await f.svc.planner.reserveOn(h.id, 2000, 1024 * 2 ** 20, 2);
    await insertVm(f, { zoneId: ids.zoneId, hostId: h.id, state: 'Running', cpuNumber: 2 });
    await f.call('createStoragePool', { name: 'nfs1', zoneid: ids.zoneId, clusterid: ids.clusterId, url: 'nfs://s/e', capacitybytes: String(100 * GiB) });
    await f.call('addImageStore', { provider: 'NFS', url: 'nfs://s/sec', zoneid: ids.zoneId });
    const caps = (await f.call('listCapacity', { zoneid: ids.zoneId })).items;
    const byType = Object.fromEntries(caps.map((c: any) => [c.type, c]));
    expect(Object.keys(byType).map(Number).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 6, 90]);
    expect(byType[1]).toMatchObject({ name: 'CPU', capacitytotal: 16000, capacityused: 2000, percentused: '12.5', zonename: 'z1' });
    expect(byType[0]).toMatchObject({ name: 'MEMORY', capacitytotal: 2 * 4096 * 1.5 * 2 ** 20, capacityused: 1024 * 2 ** 20 });
    expect(byType[3]).toMatchObject({ name: 'STORAGE_ALLOCATED', capacitytotal: 200 * GiB, capacityused: 0, percentused: '0' });
    expect(byType[90]).toMatchObject({ name: 'CPU_CORE', capacitytotal: 8, capacityused: 2, percentused: '25' });
    expect(byType[6]).toMatchObject({ name: 'SECONDARY_STORAGE', capacitytotal: 1024 ** 4 });
    expect(typeof byType[1].percentused).toBe('string');
    const cl = (await f.call('listCapacity', { clusterid: ids.clusterId, type: '1' })).items;
    expect(cl).toEqual([expect.objectContaining({ type: 1, clusterid: ids.clusterId, clustername: 'c1', podname: 'p1', capacitytotal: 16000 })]);
    const sorted = (await f.call('listCapacity', { sortby: 'usage' })).items.map((c: any) => Number(c.percentused));
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    // As CloudStack: sortby=usage ranks the level below the filter (a zone's pods), at most pagesize of them.
    const top = (await f.call('listCapacity', { sortby: 'usage', zoneid: ids.zoneId, page: '1', pagesize: '2' })).items;
    expect(top).toHaveLength(2);
    expect(top[0]).toMatchObject({ podid: ids.podId, podname: 'p1', percentused: '25' });
    await expect(f.call('listCapacity', { sortby: 'name' })).rejects.toMatchObject({ errorcode: 431, message: 'Only value supported for sortBy parameter is : usage' });
    await expect(f.call('listCapacity', { sortby: 'usage', clusterid: ids.clusterId })).rejects.toMatchObject({ errorcode: 431 });
    expect((await f.call('listCapacity', { zoneid: ids.zoneId, fetchlatest: 'true' })).items).toEqual(caps);
  });
});

describe('alerts', () => {
  it('lists, filters, archives and deletes alerts', async () => {
    await f.svc.events.alert({ type: 7, name: 'ALERT.COMPUTE.HOST', description: 'Host disconnected, name: h1' });
    f.clock.advance(1000);
    await f.svc.events.alert({ type: 2, name: 'ALERT.STORAGE', description: 'Storage low' });
    const all = await f.call('listAlerts');
    expect(all.count).toBe(2);
    expect(all.items[0]).toMatchObject({ type: 2, name: 'ALERT.STORAGE' }); // newest first
    expect(typeof all.items[0].type).toBe('number');
    expect((await f.call('listAlerts', { type: '7' })).items[0].description).toMatch(/h1/);
    expect((await f.call('listAlerts', { keyword: 'low' })).count).toBe(1);
    await expect(f.call('archiveAlerts')).rejects.toMatchObject({ errorcode: 431 });
    await f.call('archiveAlerts', { type: '7' });
    expect((await f.call('listAlerts')).count).toBe(1);
    await f.call('deleteAlerts', { ids: all.items[0].id });
    expect((await f.call('listAlerts')).count).toBe(0);
  });
});
