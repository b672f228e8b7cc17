// Zones, pods and clusters through their handlers, with the dispatcher's parameter decoding.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createFixture, basicZone, addSimHost, plainUser, type Fixture } from './test-support';
import { infraCommands } from '../contract/commands/infra';
import { ADMIN_ONLY, ALL_ROLES, INFRA_ADMINS } from '../contract/roles';

let f: Fixture;
beforeEach(async () => { f = await createFixture(); });
afterEach(async () => { await f.close(); });

const zoneParams = { name: 'z1', networktype: 'advanced', dns1: '8.8.8.8', internaldns1: '10.0.0.1' };

describe('zones', () => {
  it('creates a Disabled Core zone with CloudStack field types and records ZONE.CREATE', async () => {
    const z = await f.call('createZone', { ...zoneParams, localstorageenabled: 'true', guestcidraddress: '10.1.1.0/24' });
    expect(z).toMatchObject({ name: 'z1', networktype: 'Advanced', allocationstate: 'Disabled', type: 'Core', dns1: '8.8.8.8',
      localstorageenabled: true, securitygroupsenabled: false, guestcidraddress: '10.1.1.0/24', tags: [] });
    expect(z.dns2).toBeUndefined(); // null fields are omitted
    // CloudStack's zonetoken: a random UUID per zone, the same in every answer about the zone.
    expect(z.zonetoken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await f.call('listZones', { id: z.id })).items[0].zonetoken).toBe(z.zonetoken);
    expect(f.events.map((e) => e.type)).toEqual(['ZONE.CREATE']);
    expect(f.events[0]).toMatchObject({ resourceId: z.id, resourceType: 'Zone', userId: 'u-admin' });
    expect((await f.call('createZone', { ...zoneParams, name: 'z1b' })).zonetoken).not.toBe(z.zonetoken);
  });

  it('refuses duplicate names and bad addresses with 431', async () => {
    await f.call('createZone', zoneParams);
    await expect(f.call('createZone', zoneParams)).rejects.toMatchObject({ errorcode: 431, message: 'A zone with name z1 already exists' });
    await expect(f.call('createZone', { ...zoneParams, name: 'z2', dns1: '8.8.8' })).rejects.toMatchObject({ errorcode: 431 });
  });

  it('shows users only Enabled zones, without operator addresses', async () => {
    const z1 = await f.call('createZone', zoneParams);
    await f.call('createZone', { ...zoneParams, name: 'z2' });
    await f.call('updateZone', { id: z1.id, allocationstate: 'Enabled' });
    const admin = await f.call('listZones');
    expect(admin.count).toBe(2);
    const user = await f.call('listZones', {}, plainUser);
    expect(user.count).toBe(1);
    expect(user.items[0]).toMatchObject({ id: z1.id, name: 'z1', allocationstate: 'Enabled' });
    expect(user.items[0].dns1).toBeUndefined();
    expect(user.items[0].zonetoken).toBeUndefined();
    expect((await f.call('listZones', { available: 'false' }, plainUser)).count).toBe(0); // no VMs yet
  });

  it('filters by id, name, keyword and pages with a total count', async () => {
    for (const n of ['alpha', 'beta', 'gamma']) {
      await f.call('createZone', { ...zoneParams, name: n });
      f.clock.advance(1000); // lists are in creation order
    }
    expect((await f.call('listZones', { keyword: 'a' })).count).toBe(3);
    expect((await f.call('listZones', { name: 'beta' })).items.map((z: any) => z.name)).toEqual(['beta']);
    const page = await f.call('listZones', { page: '2', pagesize: '2' });
    expect(page.count).toBe(3);
    expect(page.items.map((z: any) => z.name)).toEqual(['gamma']);
  });

  it('refuses to delete a zone with pods (536), deletes it once empty', async () => {
    const ids = await basicZone(f);
    await expect(f.call('deleteZone', { id: ids.zoneId })).rejects.toMatchObject({ errorcode: 536, message: /there are pods in this zone/ });
    await f.call('deleteCluster', { id: ids.clusterId });
    await f.call('deletePod', { id: ids.podId });
    await f.call('deleteZone', { id: ids.zoneId });
    expect((await f.call('listZones')).count).toBe(0);
    await expect(f.call('updateZone', { id: ids.zoneId, name: 'x' })).rejects.toMatchObject({ errorcode: 431, message: /Invalid parameter id/ });
  });

  it('shows zone capacities on request', async () => {
    const ids = await basicZone(f);
    await addSimHost(f, ids, 'h1', 'cpunumber=4&cpuspeed=1000&memory=4096');
    const z = (await f.call('listZones', { showcapacities: 'true' })).items[0];
    const cpu = z.capacity.find((c: any) => c.type === 1);
    expect(cpu).toMatchObject({ name: 'CPU', capacitytotal: 4000, capacityused: 0, percentused: '0' });
  });
});

describe('pods', () => {
  it('keeps the management IP range and shows it in ipranges and the parallel lists', async () => {
    const z = await f.call('createZone', zoneParams);
    const pod = await f.call('createPod', { name: 'p1', zoneid: z.id, gateway: '10.1.0.1', netmask: '255.255.255.0', startip: '10.1.0.10', endip: '10.1.0.20' });
    expect(pod).toMatchObject({ zonename: 'z1', allocationstate: 'Enabled', gateway: '10.1.0.1', startip: ['10.1.0.10'], endip: ['10.1.0.20'],
      ipranges: [{ startip: '10.1.0.10', endip: '10.1.0.20', gateway: '10.1.0.1', cidr: '10.1.0.0/24', forsystemvms: '0' }] });
    const upd = await f.call('updatePod', { id: pod.id, endip: '10.1.0.30', name: 'p1b' });
    expect(upd).toMatchObject({ name: 'p1b', endip: ['10.1.0.30'] });
    const listed = await f.call('listPods', { zoneid: z.id });
    expect(listed.items[0]).toMatchObject({ name: 'p1b', ipranges: [{ endip: '10.1.0.30' }] });
    // Without endip the range runs to the last usable address of the netmask, as CloudStack does.
    const open = await f.call('createPod', { name: 'p2', zoneid: z.id, gateway: '10.2.0.1', netmask: '255.255.252.0', startip: '10.2.0.10' });
    expect(open).toMatchObject({ startip: ['10.2.0.10'], endip: ['10.2.3.254'] });
  });

  it('rejects ranges outside the subnet and unknown zones', async () => {
    const z = await f.call('createZone', zoneParams);
    await expect(f.call('createPod', { name: 'p', zoneid: z.id, gateway: '10.1.0.1', netmask: '255.255.255.0', startip: '10.2.0.10', endip: '10.2.0.20' }))
      .rejects.toMatchObject({ errorcode: 431, message: /not in the subnet/ });
    await expect(f.call('createPod', { name: 'p', zoneid: '2f2b8c1e-2b6a-4f57-9c3c-000000000000' }))
      .rejects.toMatchObject({ errorcode: 431, message: /Invalid parameter zoneid/ });
  });

  it('refuses to delete a pod with clusters (536)', async () => {
    const ids = await basicZone(f);
    await expect(f.call('deletePod', { id: ids.podId })).rejects.toMatchObject({ errorcode: 536 });
  });
});

describe('clusters', () => {
  it('adds a cluster as a list with string overcommit ratios from the global defaults', async () => {
    const z = await f.call('createZone', zoneParams);
    const pod = await f.call('createPod', { name: 'p1', zoneid: z.id });
    const r = await f.call('addCluster', { clustername: 'c1', clustertype: 'CloudManaged', hypervisor: 'simulator', podid: pod.id, zoneid: z.id });
    expect(r.count).toBe(1);
    expect(r.items[0]).toMatchObject({ name: 'c1', hypervisortype: 'Simulator', podname: 'p1', zonename: 'z1', managedstate: 'Managed',
      cpuovercommitratio: '1.0', memoryovercommitratio: '1.0', allocationstate: 'Enabled' });
    const u = await f.call('updateCluster', { id: r.items[0].id, cpuovercommitratio: '2.5', allocationstate: 'Disabled' });
    expect(u).toMatchObject({ cpuovercommitratio: '2.5', allocationstate: 'Disabled' });
    expect(f.events.map((e) => e.type)).toContain('CLUSTER.UPDATE');
  });

  it('refuses unsupported hypervisors and ratios below one (431)', async () => {
    const z = await f.call('createZone', zoneParams);
    const pod = await f.call('createPod', { name: 'p1', zoneid: z.id });
    const base = { clustername: 'c', clustertype: 'CloudManaged', podid: pod.id, zoneid: z.id };
    await expect(f.call('addCluster', { ...base, hypervisor: 'XenServer' })).rejects.toMatchObject({ errorcode: 431, message: 'Hypervisor type XenServer is not supported' });
    await expect(f.call('addCluster', { ...base, hypervisor: 'Simulator', cpuovercommitratio: '0.5' })).rejects.toMatchObject({ errorcode: 431 });
  });

  it('refuses to delete a cluster with hosts (536) and lists by filters', async () => {
    const ids = await basicZone(f);
    await addSimHost(f, ids, 'h1');
    await expect(f.call('deleteCluster', { id: ids.clusterId })).rejects.toMatchObject({ errorcode: 536, message: "Cluster c1 still has hosts, can't remove" });
    expect((await f.call('listClusters', { hypervisor: 'simulator' })).count).toBe(1);
    expect((await f.call('listClusters', { podid: ids.podId, allocationstate: 'Disabled' })).count).toBe(0);
  });

  it('lists hypervisors, all supported or those of a zone', async () => {
    const ids = await basicZone(f);
    expect(await f.call('listHypervisors', {}, plainUser)).toEqual({ count: 1, items: [{ name: 'Simulator' }] });
    expect((await f.call('listHypervisors', { zoneid: ids.zoneId })).items).toEqual([{ name: 'Simulator' }]);
  });
});

describe('declarations', () => {
  it('keeps infrastructure admin-only except listZones and listHypervisors', () => {
    for (const [name, d] of Object.entries(infraCommands)) {
      if (name === 'listZones' || name === 'listHypervisors') expect(d.authorized).toBe(ALL_ROLES);
      else expect([ADMIN_ONLY, INFRA_ADMINS]).toContain(d.authorized);
    }
    expect(infraCommands.reconnectHost).toMatchObject({ async: true, instanceType: 'Host' });
    expect(infraCommands.addHost.response).toEqual({ kind: 'list', item: 'host' });
  });
});
