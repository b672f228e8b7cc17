// Hosts through their handlers: add (connects via the simulator), list filters and field types, update,
// reconnect and delete rules.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createFixture, basicZone, addSimHost, insertVm, type Fixture } from '../infrastructure/test-support';

let f: Fixture;
let ids: Awaited<ReturnType<typeof basicZone>>;
beforeEach(async () => {
  f = await createFixture();
  ids = await basicZone(f, { cpuOvercommit: 2 });
});
afterEach(async () => { await f.close(); });

describe('addHost', () => {
  it('connects through the driver and answers an Up, Enabled host with CloudStack JSON types', async () => {
    const h = await addSimHost(f, ids, 'sim-host-1', 'cpunumber=8&cpuspeed=2000&memory=16384', { hosttags: 'ssd,gpu' });
    expect(h).toMatchObject({
      name: 'sim-host-1', type: 'Routing', state: 'Up', resourcestate: 'Enabled', hypervisor: 'Simulator', ipaddress: 'sim-host-1',
      clustername: 'c1', podname: 'p1', zonename: 'z1', clustertype: 'CloudManaged', hosttags: 'ssd,gpu',
      cpunumber: 8, cpuspeed: 2000, cpuallocated: '0.00%', cpuallocatedvalue: 0, cpuwithoverprovisioning: '32000',
      memorytotal: 16384 * 2 ** 20, memoryallocated: 0, memorywithoverprovisioning: String(16384 * 2 ** 20),
      capabilities: 'hvm', hypervisorversion: '4.20.0-sim', cpuused: '0.00%', memoryused: 0,
      hostha: { haenable: false }, outofbandmanagement: { enabled: false },
    });
    expect(typeof h.memorytotal).toBe('number');
    expect(typeof h.cpuwithoverprovisioning).toBe('string');
    expect(h.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    expect(h.events).toContain('PingTimeout');
    expect(f.events.map((e) => e.type)).toContain('HOST.CREATE');
  });

  it('creates a missing cluster given by name, and refuses duplicates and connect failures', async () => {
    const h = await f.call('addHost', { zoneid: ids.zoneId, podid: ids.podId, clustername: 'c2', hypervisor: 'Simulator', url: 'http://h2' });
    expect(h.items[0].clustername).toBe('c2');
    expect((await f.call('listClusters')).count).toBe(2);
    await expect(f.call('addHost', { zoneid: ids.zoneId, podid: ids.podId, clusterid: ids.clusterId, hypervisor: 'Simulator', url: 'http://h2' }))
      .rejects.toMatchObject({ errorcode: 431, message: /already exists/ });
    // Another URL naming the same host (only the query differs) would make a second "h2": refused as well.
    await expect(f.call('addHost', { zoneid: ids.zoneId, podid: ids.podId, clusterid: ids.clusterId, hypervisor: 'Simulator', url: 'http://h2/?cpunumber=8' }))
      .rejects.toMatchObject({ errorcode: 431, message: /^A host named h2 already exists in zone .+ \(URL http:\/\/h2\); use another host name in the URL$/ });
    await expect(f.call('addHost', { zoneid: ids.zoneId, podid: ids.podId, clusterid: ids.clusterId, hypervisor: 'Simulator', url: 'http://h3/?fail=connectHost:1' }))
      .rejects.toMatchObject({ errorcode: 530, message: /Unable to add the host: .*injected/ });
    expect((await f.call('listHosts')).count).toBe(1);
  });
});

describe('listHosts', () => {
  it('pages through every host once, in (created, id) order, the later pages read from the end', async () => {
    for (const n of ['h1', 'h2', 'h3']) await addSimHost(f, ids, n);
    const whole = (await f.call('listHosts', {})).items.map((h: any) => h.name);
    expect([...whole].sort()).toEqual(['h1', 'h2', 'h3']);
    const paged: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const r = await f.call('listHosts', { page: String(page), pagesize: '1' });
      expect(r.count).toBe(3);
      paged.push(...r.items.map((h: any) => h.name));
    }
    expect(paged).toEqual(whole);
  });

  it('filters by state, resourcestate, hypervisor, type, name, keyword and VM', async () => {
    const a = await addSimHost(f, ids, 'alpha');
    const b = await addSimHost(f, ids, 'beta');
    await f.call('updateHost', { id: b.id, allocationstate: 'Disable' });
    const names = async (p: Record<string, string>) => (await f.call('listHosts', p)).items.map((h: any) => h.name).sort();
    expect(await names({ resourcestate: 'Disabled' })).toEqual(['beta']);
    expect(await names({ state: 'Up' })).toEqual(['alpha', 'beta']);
    expect(await names({ hypervisor: 'simulator', type: 'Routing' })).toEqual(['alpha', 'beta']);
    expect(await names({ name: 'alpha' })).toEqual(['alpha']);
    expect(await names({ keyword: 'et' })).toEqual(['beta']);
    expect(await names({ clusterid: ids.clusterId, podid: ids.podId, zoneid: ids.zoneId })).toHaveLength(2);
    const vm = await insertVm(f, { zoneId: ids.zoneId, hostId: a.id, state: 'Running' });
    expect(await names({ virtualmachineid: vm })).toEqual(['alpha']);
    await expect(f.call('listHosts', { hypervisor: 'VMware' })).rejects.toMatchObject({ errorcode: 431 });
  });

  it('reports allocation as percentages and bytes, and honours details=min', async () => {
    const h = await addSimHost(f, ids, 'h1', 'cpunumber=4&cpuspeed=1000&memory=8192');
    expect(await f.svc.planner.reserveOn(h.id, 1000, 2048 * 2 ** 20, 1)).toBe(true);
    const [full] = (await f.call('listHosts', { id: h.id })).items;
    expect(full).toMatchObject({ cpuallocated: '25.00%', cpuallocatedpercentage: '25.00%', cpuallocatedwithoverprovisioning: '12.50%',
      cpuallocatedvalue: 1000, memoryallocated: 2048 * 2 ** 20, memoryallocatedbytes: 2048 * 2 ** 20, memoryallocatedpercentage: '25.00%' });
    const [min] = (await f.call('listHosts', { id: h.id, details: 'min' })).items;
    expect(min.name).toBe('h1');
    expect(min.cpuallocated).toBeUndefined();
    expect(min.cpuused).toBeUndefined();
    // Each detail group alone: only its fields (and the full details map only with details=all).
    expect(full).toMatchObject({ cpuused: expect.any(String), events: expect.any(String), details: expect.any(Object) });
    const [cap] = (await f.call('listHosts', { id: h.id, details: 'capacity' })).items;
    expect([cap.cpuallocated, cap.cpuused, cap.events, cap.details]).toEqual(['25.00%', undefined, undefined, undefined]);
    const [st] = (await f.call('listHosts', { id: h.id, details: 'stats,events' })).items;
    expect([st.cpuallocated, typeof st.cpuused, typeof st.events, st.details]).toEqual([undefined, 'string', 'string', undefined]);
    // Hosts of one page with other details texts: each shows its own (a page's shared text is parsed once).
    const h2 = await addSimHost(f, ids, 'h2');
    await f.svc.db.updateTable('hosts').set({ details: JSON.stringify({ hypervisorVersion: '9.9-other', capabilities: 'hvm,snapshot' }) })
      .where('id', '=', h2.id).execute();
    const page = (await f.call('listHosts', {})).items;
    // (Both hosts may be created in one millisecond: their order is then their ids', so compare by name.)
    expect(page.map((x: any) => [x.name, x.hypervisorversion, x.details.capabilities]).sort()).toEqual([['h1', '4.20.0-sim', 'hvm'], ['h2', '9.9-other', 'hvm,snapshot']]);
    expect((await f.call('listHosts', { id: h.id })).items[0]).toMatchObject({ hypervisorversion: '4.20.0-sim', capabilities: 'hvm' });
  });
});

describe('updateHost', () => {
  it('disables, re-enables, renames and retags through the resource state machine', async () => {
    const h = await addSimHost(f, ids, 'h1');
    expect(await f.call('updateHost', { id: h.id, allocationstate: 'Disable', hosttags: 'a,b', name: 'renamed' }))
      .toMatchObject({ resourcestate: 'Disabled', hosttags: 'a,b', name: 'renamed' });
    expect((await f.call('updateHost', { id: h.id, allocationstate: 'Enable' })).resourcestate).toBe('Enabled');
    await f.svc.db.updateTable('hosts').set({ resource_state: 'PrepareForMaintenance' }).where('id', '=', h.id).execute();
    await expect(f.call('updateHost', { id: h.id, allocationstate: 'Disable' })).rejects.toMatchObject({ errorcode: 431 });
  });
});

describe('reconnectHost', () => {
  it('reconnects an Alert host to Up, and leaves an unreachable one in Alert with a failed job', async () => {
    const h = await addSimHost(f, ids, 'h1');
    await f.svc.db.updateTable('hosts').set({ state: 'Alert' }).where('id', '=', h.id).execute();
    expect((await f.call('reconnectHost', { id: h.id })).state).toBe('Up');
    f.sim.setHostDown(h.id, true);
    await expect(f.call('reconnectHost', { id: h.id })).rejects.toMatchObject({ errorcode: 530, message: /Failed to reconnect host h1/ });
    expect((await f.call('listHosts', { id: h.id })).items[0].state).toBe('Alert');
    expect(f.events.filter((e) => e.type === 'HOST.RECONNECT')).toHaveLength(2);
  });
});

describe('deleteHost', () => {
  it('needs an Up+Enabled host disabled first or forced, and refuses VMs on it (536) unless forced', async () => {
    const h = await addSimHost(f, ids, 'h1');
    await expect(f.call('deleteHost', { id: h.id })).rejects.toMatchObject({ errorcode: 431, message: /disable it or put it in maintenance/ });
    await f.call('updateHost', { id: h.id, allocationstate: 'Disable' });
    const vm = await insertVm(f, { zoneId: ids.zoneId, hostId: h.id, state: 'Running' });
    await expect(f.call('deleteHost', { id: h.id })).rejects.toMatchObject({ errorcode: 536, message: /1 virtual machine/ });
    await f.call('deleteHost', { id: h.id, forced: 'true' });
    expect((await f.call('listHosts')).count).toBe(0);
    const row = await f.svc.db.selectFrom('vms').select(['state', 'host_id', 'last_host_id']).where('id', '=', vm).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'Stopped', host_id: null, last_host_id: null });
    expect(await f.sim.pingHost(h.id)).toBe(false); // disconnected from the driver
  });

  it('deletes a disabled host without VMs, after which its cluster can go', async () => {
    const h = await addSimHost(f, ids, 'h1');
    await f.call('updateHost', { id: h.id, allocationstate: 'Disable' });
    await insertVm(f, { zoneId: ids.zoneId, hostId: null, state: 'Stopped' });
    await f.call('deleteHost', { id: h.id });
    await f.call('deleteCluster', { id: ids.clusterId });
    expect((await f.call('listClusters')).count).toBe(0);
  });
});
