// Guest networks over the API against a real core (HTTP, jobs, SQLite or MariaDB, simulator hosts): physical
// networks, offerings, isolated/shared/L2 networks, VLANs, addresses and NICs, routers, and who may use what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { ok, fails, type Call } from '../testing/api-calls';
import { typeProblems } from '../testing/response-kinds';

let srv: TestServer;
let admin: Call;
let alice: Call;
let bob: Call;
const lab = { zoneId: '', templateId: '', offeringId: '', physId: '' };

const deploy = (call: Call, p: Record<string, string> = {}) =>
  ok(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, ...p })
    .then((r) => r.virtualmachine);

beforeAll(async () => {
  srv = await startTestServer();
  admin = (await sessionClient(srv.url)).call;
  const z = await ok(admin, 'createZone', { name: 'net', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' });
  lab.zoneId = z.zone.id;
  await ok(admin, 'addImageStore', { provider: 'NFS', name: 'sec', url: `file://${srv.dataDir}/secondary`, zoneid: lab.zoneId });
  const pod = (await ok(admin, 'createPod', { zoneid: lab.zoneId, name: 'pod' })).pod;
  const cluster = (await ok(admin, 'addCluster', { zoneid: lab.zoneId, podid: pod.id, clustername: 'c0', clustertype: 'CloudManaged', hypervisor: 'Simulator' })).cluster[0];
  await ok(admin, 'createStoragePool', { zoneid: lab.zoneId, podid: pod.id, clusterid: cluster.id, name: 'p0', scope: 'CLUSTER',
    url: `SharedMountPoint://localhost${srv.dataDir}/p0`, capacitybytes: String(2 ** 40) });
  for (const h of ['h0', 'h1']) {
    await ok(admin, 'addHost', { zoneid: lab.zoneId, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', username: 'u', password: 'p',
      url: `http://${h}/?cpunumber=64&cpuspeed=2000&memory=262144` });
  }
  await ok(admin, 'updateZone', { id: lab.zoneId, allocationstate: 'Enabled' });
  const tpl = await ok(admin, 'registerTemplate', { name: 'tpl', displaytext: 'tpl', url: 'http://127.0.0.1/x.qcow2', format: 'QCOW2',
    hypervisor: 'Simulator', zoneid: lab.zoneId, ispublic: 'true' });
  lab.templateId = tpl.template[0].id;
  lab.offeringId = (await ok(admin, 'createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '100', memory: '128' })).serviceoffering.id;
  for (const u of ['alice', 'bob']) {
    await ok(admin, 'createAccount', { username: u, password: `${u}-pw`, email: `${u}@x`, firstname: u, lastname: u, accounttype: '0' });
  }
  alice = (await sessionClient(srv.url, 'alice', 'alice-pw')).call;
  bob = (await sessionClient(srv.url, 'bob', 'bob-pw')).call;
}, 60_000);
afterAll(async () => { await srv?.stop(); });

describe('guest networks', () => {
  it('a zone without a physical network deploys VMs without NICs (labs made before networking)', async () => {
    const vm = await deploy(alice);
    expect(vm.nic).toEqual([]);
    await ok(alice, 'destroyVirtualMachine', { id: vm.id });
  });

  it('sets up a physical network with a guest VLAN range, traffic types and a public range', async () => {
    const bad = await fails(admin, 'createPhysicalNetwork', { name: 'x', zoneid: lab.zoneId, vlan: '300-200' });
    expect(bad).toMatchObject({ code: 431 });
    expect(bad.text).toContain('300-200');
    const phys = (await ok(admin, 'createPhysicalNetwork', { name: 'phys', zoneid: lab.zoneId, vlan: '100-102', isolationmethods: 'VLAN' })).physicalnetwork;
    lab.physId = phys.id;
    expect(phys).toMatchObject({ name: 'phys', state: 'Disabled', vlan: '100-102', isolationmethods: 'VLAN', zoneid: lab.zoneId });
    await ok(admin, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Guest', kvmnetworklabel: 'eth1' });
    await ok(admin, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Public' });
    expect((await fails(admin, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Guest' })).text)
      .toBe('Traffic type Guest is already added to the physical network phys');
    await ok(admin, 'updatePhysicalNetwork', { id: phys.id, state: 'Enabled' });
    const list = await ok(admin, 'listPhysicalNetworks', { zoneid: lab.zoneId });
    expect(list.physicalnetwork).toEqual([expect.objectContaining({ id: phys.id, state: 'Enabled', zonename: 'net' })]);
    expect((await ok(admin, 'listTrafficTypes', { physicalnetworkid: phys.id })).traffictype.map((t: { traffictype: string }) => t.traffictype))
      .toEqual(['Guest', 'Public']);
    const range = (await ok(admin, 'createVlanIpRange', { zoneid: lab.zoneId, forvirtualnetwork: 'true', vlan: 'untagged',
      gateway: '203.0.113.1', netmask: '255.255.255.0', startip: '203.0.113.10', endip: '203.0.113.20' })).vlaniprange;
    expect(range).toMatchObject({ forvirtualnetwork: true, startip: '203.0.113.10', cidr: '203.0.113.0/24' });
    expect(typeProblems('PhysicalNetwork', phys)).toEqual([]);
    expect(typeProblems('VlanIpRange', range)).toEqual([]);
    expect((await alice('listPhysicalNetworks')).status).toBe(432);
    // One isolation method; a VXLAN one takes VNIs past 4094, a VLAN one does not.
    expect((await fails(admin, 'createPhysicalNetwork', { name: 'x', zoneid: lab.zoneId, isolationmethods: 'VLAN,VXLAN' })).text)
      .toBe('Only one isolationMethod can be specified for a physical network at this time');
    expect((await fails(admin, 'createPhysicalNetwork', { name: 'x', zoneid: lab.zoneId, vlan: '5000-5001' })).text).toContain('1-4094');
    const vx = (await ok(admin, 'createPhysicalNetwork', { name: 'vx', zoneid: lab.zoneId, vlan: '5000-16777214', isolationmethods: 'vxlan' })).physicalnetwork;
    expect(vx).toMatchObject({ isolationmethods: 'VXLAN', vlan: '5000-16777214' });
    await ok(admin, 'deletePhysicalNetwork', { id: vx.id });
  });

  it('lists the default offerings; new offerings start Disabled', async () => {
    const offs = (await ok(alice, 'listNetworkOfferings')).networkoffering as Record<string, unknown>[];
    expect(offs.map((o) => o.name)).toEqual(expect.arrayContaining(['DefaultIsolatedNetworkOfferingWithSourceNatService',
      'DefaultSharedNetworkOffering', 'DefaultL2NetworkOffering']));
    for (const o of offs) expect(typeProblems('NetworkOffering', o)).toEqual([]);
    const iso = offs.find((o) => o.name === 'DefaultIsolatedNetworkOfferingWithSourceNatService')!;
    expect(iso).toMatchObject({ guestiptype: 'Isolated', traffictype: 'Guest', isdefault: true, availability: 'Required', state: 'Enabled' });
    expect((iso.service as { name: string }[]).map((s) => s.name)).toEqual(expect.arrayContaining(['Dhcp', 'Dns', 'SourceNat']));
    const mine = (await ok(admin, 'createNetworkOffering', { name: 'iso2', displaytext: 'iso2', guestiptype: 'Isolated', traffictype: 'GUEST',
      supportedservices: 'Dhcp,Dns' })).networkoffering;
    expect(mine.state).toBe('Disabled');
    expect((await ok(admin, 'updateNetworkOffering', { id: mine.id, state: 'Enabled' })).networkoffering.state).toBe('Enabled');
    expect((await fails(admin, 'createNetworkOffering', { name: 'l2', displaytext: 'l2', guestiptype: 'L2', traffictype: 'GUEST', supportedservices: 'Dhcp' })).text)
      .toBe('L2 network offering cannot have services.');
  });

  it("a user's first VM gets the account's network, a VLAN, a router and an address; lists show it", async () => {
    const vm = await deploy(alice, { name: 'a1' });
    expect(vm.nic).toHaveLength(1);
    const nic = vm.nic[0];
    expect(nic).toMatchObject({ ipaddress: '10.1.1.2', gateway: '10.1.1.1', netmask: '255.255.255.0', isdefault: true,
      networkname: 'alice-network', traffictype: 'Guest', type: 'Isolated', deviceid: '0' });
    expect(nic.macaddress).toMatch(/^02:00(:[0-9a-f]{2}){4}$/);
    expect(typeProblems('VirtualMachine', vm)).toEqual([]);
    const net = (await ok(alice, 'listNetworks')).network;
    expect(net).toEqual([expect.objectContaining({ id: nic.networkid, name: 'alice-network', type: 'Isolated', state: 'Implemented',
      cidr: '10.1.1.0/24', account: 'alice' })]);
    expect(net[0].vlan).toBeUndefined(); // operator detail
    expect(typeProblems('Network', net[0])).toEqual([]);
    const seen = (await ok(admin, 'listNetworks', { id: nic.networkid, listall: 'true' })).network[0];
    expect(seen).toMatchObject({ vlan: '100', broadcasturi: 'vlan://100', physicalnetworkid: lab.physId });
    const routers = (await ok(admin, 'listRouters', { networkid: nic.networkid })).router;
    expect(routers).toEqual([expect.objectContaining({ state: 'Running', guestipaddress: '10.1.1.1', publicip: '203.0.113.10',
      guestnetworkid: nic.networkid, role: 'VIRTUAL_ROUTER' })]);
    expect(typeProblems('Router', routers[0])).toEqual([]);
    const nics = (await ok(alice, 'listNics', { virtualmachineid: vm.id })).nic;
    expect(nics).toEqual([expect.objectContaining({ id: nic.id, ipaddress: '10.1.1.2', virtualmachineid: vm.id })]);
    expect((await ok(admin, 'listVirtualMachines', { id: vm.id })).virtualmachine[0].nic[0].ipaddress).toBe('10.1.1.2');
  });

  it('hands out each address once under concurrent deploys, and an expunged VM frees its address', async () => {
    const net = (await ok(alice, 'listNetworks')).network[0].id;
    const vms = await Promise.all(Array.from({ length: 12 }, (_, i) => deploy(alice, { name: `c${i}`, networkids: net })));
    const ips = vms.map((v) => v.nic[0].ipaddress);
    expect(new Set(ips).size).toBe(12);
    expect(ips).not.toContain('10.1.1.2');
    expect(new Set(vms.map((v) => v.nic[0].macaddress)).size).toBe(12);
    const freed = vms[0].nic[0].ipaddress;
    const taken = await fails(alice, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId,
      serviceofferingid: lab.offeringId, networkids: net, ipaddress: freed });
    expect(taken).toMatchObject({ code: 431, text: `IP address ${freed} is already in use in network alice-network` });
    await ok(admin, 'destroyVirtualMachine', { id: vms[0].id, expunge: 'true' });
    const again = await deploy(alice, { name: 'reuse', networkids: net, ipaddress: freed });
    expect(again.nic[0].ipaddress).toBe(freed);
  });

  it("keeps accounts to their own networks: bob can neither see nor use alice's network", async () => {
    const aliceNet = (await ok(alice, 'listNetworks')).network[0].id;
    expect((await ok(bob, 'listNetworks', { id: aliceNet })).count ?? 0).toBe(0);
    const denied = await fails(bob, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId,
      serviceofferingid: lab.offeringId, networkids: aliceNet });
    expect(denied).toEqual({ code: 531, text: `Unable to use network with id= ${aliceNet}, permission denied` });
    const bobVm = await deploy(bob, { name: 'b1' });
    expect(bobVm.nic[0]).toMatchObject({ networkname: 'bob-network', ipaddress: '10.1.1.2' });
    const nic = await fails(bob, 'addNicToVirtualMachine', { virtualmachineid: bobVm.id, networkid: aliceNet });
    expect(nic).toEqual({ code: 531, text: `Unable to use network with id= ${aliceNet}, permission denied` });
    // Even an admin cannot put bob's VM on alice's isolated network.
    expect((await fails(admin, 'addNicToVirtualMachine', { virtualmachineid: bobVm.id, networkid: aliceNet })).code).toBe(531);
    const bobNet = (await ok(admin, 'listNetworks', { id: bobVm.nic[0].networkid, listall: 'true' })).network[0];
    expect(bobNet.vlan).toBe('101');
  });

  it('serves a shared network from its range to many accounts; its VLAN is its own', async () => {
    const offs = (await ok(admin, 'listNetworkOfferings', { name: 'DefaultSharedNetworkOffering' })).networkoffering;
    const shared = (await ok(admin, 'createNetwork', { name: 'shared', zoneid: lab.zoneId, networkofferingid: offs[0].id, vlan: '200',
      gateway: '192.168.50.1', netmask: '255.255.255.0', startip: '192.168.50.10', endip: '192.168.50.12', privatemtu: '1400' })).network;
    expect(shared).toMatchObject({ type: 'Shared', state: 'Setup', acltype: 'Domain', vlan: '200', privatemtu: 1400, publicmtu: 1500 });
    const bad = (p: Record<string, string>) => fails(admin, 'createNetwork', { name: 'bad', zoneid: lab.zoneId, networkofferingid: offs[0].id,
      vlan: '209', gateway: '192.168.59.1', netmask: '255.255.255.0', startip: '192.168.59.10', endip: '192.168.59.20', ...p });
    expect(await bad({ routerip: '192.168.59.30' })).toEqual({ code: 431, text: 'Router IP 192.168.59.30 is not within the IP range 192.168.59.10-192.168.59.20 of the network' });
    expect(await bad({ privatemtu: '9000' })).toEqual({ code: 431, text: 'Private MTU value must be between 68 and 1500: 9000' });
    const dup = await fails(admin, 'createNetwork', { name: 'shared2', zoneid: lab.zoneId, networkofferingid: offs[0].id, vlan: '200',
      gateway: '192.168.60.1', netmask: '255.255.255.0', startip: '192.168.60.10' });
    expect(dup.text).toContain('vlan 200 already exists');
    expect((await fails(bob, 'createNetwork', { name: 's', zoneid: lab.zoneId, networkofferingid: offs[0].id })).code).toBe(531);
    expect((await ok(bob, 'listNetworks', { id: shared.id })).network).toHaveLength(1);
    const a = await deploy(alice, { networkids: shared.id });
    const b = await deploy(bob, { networkids: shared.id, ipaddress: '192.168.50.10' }).catch((e) => e);
    // The network's router (DHCP and DNS; the gateway is the operator's) took the first address of the range.
    expect((await ok(admin, 'listRouters', { networkid: shared.id })).router[0]).toMatchObject({ guestipaddress: '192.168.50.10', state: 'Running' });
    expect(a.nic[0]).toMatchObject({ ipaddress: '192.168.50.11', gateway: '192.168.50.1', type: 'Shared' });
    expect(String(b)).toContain('IP address 192.168.50.10 is already in use in network shared');
    await deploy(bob, { networkids: shared.id });
    const full = await fails(bob, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId,
      serviceofferingid: lab.offeringId, networkids: shared.id });
    expect(full).toEqual({ code: 533, text: 'Unable to allocate an IP address in network shared: all of its addresses are in use' });
    await ok(admin, 'createVlanIpRange', { networkid: shared.id, startip: '192.168.50.20', endip: '192.168.50.29' });
    expect((await deploy(bob, { networkids: shared.id })).nic[0].ipaddress).toBe('192.168.50.20');
    // The network's VMs (the console's network page lists them): alice's and bob's two, nothing of other networks.
    const onShared = await ok(admin, 'listVirtualMachines', { networkid: shared.id, listall: 'true' });
    expect([onShared.count, onShared.virtualmachine.every((v: { nic: { networkid: string }[] }) => v.nic.some((n) => n.networkid === shared.id))]).toEqual([3, true]);
    // A big range (10,000 addresses of a /16) is drawn from at random, each address still once.
    const big = (await ok(admin, 'createNetwork', { name: 'big', zoneid: lab.zoneId, networkofferingid: offs[0].id, vlan: '201',
      gateway: '172.16.0.1', netmask: '255.255.0.0', startip: '172.16.0.10', endip: '172.16.39.25' })).network;
    const bigIps = (await Promise.all([0, 1, 2, 3].map(() => deploy(bob, { networkids: big.id })))).map((v) => v.nic[0].ipaddress as string);
    expect(new Set(bigIps).size).toBe(4);
    expect(bigIps.every((ip) => /^172\.16\.\d+\.\d+$/.test(ip) && ip !== '172.16.0.1')).toBe(true);
  });

  it('adds, switches and removes NICs; L2 NICs have no address; the last VLAN of the range runs out', async () => {
    const l2off = (await ok(alice, 'listNetworkOfferings', { guestiptype: 'L2' })).networkoffering[0];
    const l2 = (await ok(alice, 'createNetwork', { name: 'l2', zoneid: lab.zoneId, networkofferingid: l2off.id })).network;
    expect(l2).toMatchObject({ type: 'L2', state: 'Allocated' });
    const vm = await deploy(alice, { name: 'multi' });
    const withNic = (await ok(alice, 'addNicToVirtualMachine', { virtualmachineid: vm.id, networkid: l2.id })).virtualmachine;
    expect(withNic.nic).toHaveLength(2);
    const l2nic = withNic.nic.find((n: { networkid: string }) => n.networkid === l2.id);
    expect(l2nic).toMatchObject({ isdefault: false, deviceid: '1', type: 'L2' });
    expect(l2nic.ipaddress).toBeUndefined();
    expect((await ok(admin, 'listNetworks', { id: l2.id, listall: 'true' })).network[0]).toMatchObject({ state: 'Implemented', vlan: '102' });
    const dflt = withNic.nic.find((n: { isdefault: boolean }) => n.isdefault);
    expect((await fails(alice, 'removeNicFromVirtualMachine', { virtualmachineid: vm.id, nicid: dflt.id })).text).toContain('nic is default');
    const switched = (await ok(alice, 'updateDefaultNicForVirtualMachine', { virtualmachineid: vm.id, nicid: l2nic.id })).virtualmachine;
    expect(switched.nic.find((n: { id: string }) => n.id === l2nic.id).isdefault).toBe(true);
    const removed = (await ok(alice, 'removeNicFromVirtualMachine', { virtualmachineid: vm.id, nicid: dflt.id })).virtualmachine;
    expect(removed.nic.map((n: { id: string }) => n.id)).toEqual([l2nic.id]);
    const off = (await ok(alice, 'listNetworkOfferings', { name: 'DefaultIsolatedNetworkOfferingWithSourceNatService' })).networkoffering[0];
    const third = (await ok(alice, 'createNetwork', { name: 'third', zoneid: lab.zoneId, networkofferingid: off.id })).network;
    const out = await fails(alice, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, networkids: third.id });
    expect(out).toMatchObject({ code: 533 });
    expect(out.text).toContain('Unable to allocate a guest VLAN for network third');
  });

  it('restartNetwork cleanup=true recreates the router; deleteNetwork refuses a network with VMs', async () => {
    const net = (await ok(alice, 'listNetworks', { name: 'alice-network' })).network[0];
    const before = (await ok(admin, 'listRouters', { networkid: net.id })).router[0];
    await ok(admin, 'stopRouter', { id: before.id });
    expect((await ok(admin, 'listRouters', { networkid: net.id })).router[0].state).toBe('Stopped');
    await ok(alice, 'restartNetwork', { id: net.id, cleanup: 'true' });
    const after = (await ok(admin, 'listRouters', { networkid: net.id })).router;
    expect(after).toHaveLength(1);
    expect(after[0].id).not.toBe(before.id);
    expect(after[0]).toMatchObject({ state: 'Running', publicip: '203.0.113.10' });
    expect((await fails(alice, 'deleteNetwork', { id: net.id })).code).toBe(536);
    const third = (await ok(alice, 'listNetworks', { name: 'third' })).network[0];
    await ok(alice, 'deleteNetwork', { id: third.id });
    expect((await ok(alice, 'listNetworks', { id: third.id })).count ?? 0).toBe(0);
    expect((await ok(bob, 'deleteNetwork', { id: net.id }).catch((e) => String(e)))).toContain('531');
  });
});
