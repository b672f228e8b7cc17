// Public IPs, static NAT, port forwarding, firewall and load balancer rules over the API against a real core (HTTP,
// jobs, SQLite or MariaDB, simulator hosts): CloudStack's fields, types, states and errors, ports claimed once per
// address and protocol even by concurrent requests, and accounts kept to their own addresses and VMs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../../testing/harness';
import { ok, fails, type Call } from '../../testing/api-calls';
import { typeProblems } from '../../testing/response-kinds';

let srv: TestServer;
let admin: Call;
let alice: Call;
let bob: Call;
const lab = { zoneId: '', templateId: '', offeringId: '', net: '', snat: '', vm1: '', vm2: '', bobVm: '', bobNet: '' };

const deploy = (call: Call, name: string) => ok(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId,
  serviceofferingid: lab.offeringId, name }).then((r) => r.virtualmachine);

beforeAll(async () => {
  srv = await startTestServer();
  admin = (await sessionClient(srv.url)).call;
  lab.zoneId = (await ok(admin, 'createZone', { name: 'edge', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone.id;
  await ok(admin, 'addImageStore', { provider: 'NFS', name: 'sec', url: `file://${srv.dataDir}/secondary`, zoneid: lab.zoneId });
  const pod = (await ok(admin, 'createPod', { zoneid: lab.zoneId, name: 'pod' })).pod;
  const cluster = (await ok(admin, 'addCluster', { zoneid: lab.zoneId, podid: pod.id, clustername: 'c0', clustertype: 'CloudManaged', hypervisor: 'Simulator' })).cluster[0];
  await ok(admin, 'createStoragePool', { zoneid: lab.zoneId, podid: pod.id, clusterid: cluster.id, name: 'p0', scope: 'CLUSTER',
    url: `SharedMountPoint://localhost${srv.dataDir}/p0`, capacitybytes: String(2 ** 40) });
  await ok(admin, 'addHost', { zoneid: lab.zoneId, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', username: 'u', password: 'p',
    url: 'http://h0/?cpunumber=64&cpuspeed=2000&memory=262144' });
  await ok(admin, 'updateZone', { id: lab.zoneId, allocationstate: 'Enabled' });
  lab.templateId = (await ok(admin, 'registerTemplate', { name: 'tpl', displaytext: 'tpl', url: 'http://127.0.0.1/x.qcow2', format: 'QCOW2',
    hypervisor: 'Simulator', zoneid: lab.zoneId, ispublic: 'true' })).template[0].id;
  lab.offeringId = (await ok(admin, 'createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '100', memory: '128' })).serviceoffering.id;
  const phys = (await ok(admin, 'createPhysicalNetwork', { name: 'phys', zoneid: lab.zoneId, vlan: '100-110' })).physicalnetwork;
  await ok(admin, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Guest' });
  await ok(admin, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Public' });
  await ok(admin, 'updatePhysicalNetwork', { id: phys.id, state: 'Enabled' });
  await ok(admin, 'createVlanIpRange', { zoneid: lab.zoneId, forvirtualnetwork: 'true', vlan: 'untagged', gateway: '203.0.113.1',
    netmask: '255.255.255.0', startip: '203.0.113.10', endip: '203.0.113.30' });
  for (const u of ['alice', 'bob']) {
    await ok(admin, 'createAccount', { username: u, password: `${u}-pw`, email: `${u}@x`, firstname: u, lastname: u, accounttype: '0' });
  }
  alice = (await sessionClient(srv.url, 'alice', 'alice-pw')).call;
  bob = (await sessionClient(srv.url, 'bob', 'bob-pw')).call;
  const [v1, v2, b1] = [await deploy(alice, 'web1'), await deploy(alice, 'web2'), await deploy(bob, 'bob1')];
  Object.assign(lab, { vm1: v1.id, vm2: v2.id, bobVm: b1.id, net: v1.nic[0].networkid, bobNet: b1.nic[0].networkid });
}, 60_000);
afterAll(async () => { await srv?.stop(); });

describe('public IP addresses and rules on the virtual router', () => {
  it('lists the source NAT address marked, acquires another, and will not release the source NAT one', async () => {
    const ips = (await ok(alice, 'listPublicIpAddresses', { associatednetworkid: lab.net })).publicipaddress;
    expect(ips).toEqual([expect.objectContaining({ ipaddress: '203.0.113.10', issourcenat: true, isstaticnat: false, state: 'Allocated',
      associatednetworkid: lab.net, account: 'alice', zoneid: lab.zoneId })]);
    lab.snat = ips[0].id;
    expect(typeProblems('PublicIpAddress', ips[0])).toEqual([]);
    const got = await ok(alice, 'associateIpAddress', { networkid: lab.net });
    expect(got.ipaddress).toMatchObject({ id: got.id, issourcenat: false, state: 'Allocated', associatednetworkname: 'alice-network' });
    expect(typeProblems('PublicIpAddress', got.ipaddress)).toEqual([]);
    expect((await ok(alice, 'listPublicIpAddresses', { issourcenat: 'true' })).publicipaddress.map((i: { id: string }) => i.id)).toEqual([lab.snat]);
    expect(await fails(alice, 'disassociateIpAddress', { id: lab.snat }))
      .toEqual({ code: 431, text: 'IP address 203.0.113.10 is the source NAT address of its network and can\'t be released' });
    const taken = await fails(bob, 'associateIpAddress', { networkid: lab.bobNet, ipaddress: got.ipaddress.ipaddress });
    expect(taken.code).toBe(431);
  });

  it('lists the free addresses of the ranges too with allocatedonly=false (state Free, the id the address keeps when acquired)', async () => {
    // 203.0.113.10-30: alice holds .10 and .12, bob .11 (neither hers to see nor free).
    const all = await ok(alice, 'listPublicIpAddresses', { allocatedonly: 'false', zoneid: lab.zoneId });
    expect(all.count).toBe(20);
    expect(all.publicipaddress.slice(0, 3).map((i: { ipaddress: string; state: string }) => `${i.ipaddress} ${i.state}`))
      .toEqual(['203.0.113.10 Allocated', '203.0.113.12 Allocated', '203.0.113.13 Free']);
    const free = all.publicipaddress[2];
    expect(free).toMatchObject({ issourcenat: false, isstaticnat: false, zoneid: lab.zoneId, forvirtualnetwork: true });
    expect(free.account).toBeUndefined();
    expect(typeProblems('PublicIpAddress', free)).toEqual([]);
    const page = await ok(alice, 'listPublicIpAddresses', { allocatedonly: 'false', state: 'Free', page: '2', pagesize: '5' });
    expect([page.count, page.publicipaddress.map((i: { ipaddress: string }) => i.ipaddress)])
      .toEqual([18, ['203.0.113.18', '203.0.113.19', '203.0.113.20', '203.0.113.21', '203.0.113.22']]);
    expect((await ok(admin, 'listPublicIpAddresses', { allocatedonly: 'false', listall: 'true' })).count).toBe(21);
    expect((await ok(alice, 'listPublicIpAddresses', { allocatedonly: 'false', issourcenat: 'true' })).count).toBe(1);
    const got = await ok(alice, 'associateIpAddress', { networkid: lab.net, ipaddress: free.ipaddress });
    expect(got.id).toBe(free.id);
    expect((await ok(alice, 'listPublicIpAddresses', { allocatedonly: 'false', id: free.id })).publicipaddress[0].state).toBe('Allocated');
    await ok(alice, 'disassociateIpAddress', { id: free.id });
    expect((await ok(alice, 'listPublicIpAddresses', { allocatedonly: 'false', id: free.id })).publicipaddress[0].state).toBe('Free');
  });

  it('creates, lists and deletes ingress and egress firewall rules (Add -> Active), with clear errors for bad input', async () => {
    const fw = (await ok(alice, 'createFirewallRule', { ipaddressid: lab.snat, protocol: 'tcp', startport: '22', cidrlist: '192.0.2.0/24' })).firewallrule;
    expect(fw).toMatchObject({ protocol: 'tcp', startport: 22, endport: 22, state: 'Active', cidrlist: '192.0.2.0/24', ipaddress: '203.0.113.10', traffictype: 'Ingress' });
    expect(typeProblems('FirewallRule', fw)).toEqual([]);
    expect(await fails(alice, 'createFirewallRule', { ipaddressid: lab.snat, protocol: 'tcp', startport: '22', cidrlist: '192.0.2.0/33' }))
      .toEqual({ code: 431, text: 'Please enter a valid CIDR for the field cidrlist: 192.0.2.0/33' });
    expect((await fails(alice, 'createFirewallRule', { ipaddressid: lab.snat, protocol: 'icmp', startport: '1' })).text).toContain('ICMP');
    expect((await fails(alice, 'createFirewallRule', { ipaddressid: lab.snat, protocol: 'tcp', startport: '90', endport: '80' })).text)
      .toContain('Start port can\'t be bigger than end port');
    expect((await fails(alice, 'createFirewallRule', { ipaddressid: lab.snat, protocol: 'sctp' })).code).toBe(431);
    const eg = (await ok(alice, 'createEgressFirewallRule', { networkid: lab.net, protocol: 'tcp', startport: '25', destcidrlist: '0.0.0.0/0' })).firewallrule;
    expect(eg).toMatchObject({ traffictype: 'Egress', networkid: lab.net, cidrlist: '10.1.1.0/24', destcidrlist: '0.0.0.0/0', state: 'Active' });
    expect((await ok(alice, 'listEgressFirewallRules', { networkid: lab.net })).firewallrule.map((r: { id: string }) => r.id)).toEqual([eg.id]);
    expect((await ok(alice, 'listFirewallRules', { ipaddressid: lab.snat })).firewallrule.map((r: { id: string }) => r.id)).toEqual([fw.id]);
    await ok(alice, 'deleteFirewallRule', { id: fw.id });
    await ok(alice, 'deleteEgressFirewallRule', { id: eg.id });
    expect((await ok(alice, 'listFirewallRules', { ipaddressid: lab.snat })).count ?? 0).toBe(0);
    expect((await fails(alice, 'deleteEgressFirewallRule', { id: fw.id })).code).toBe(431);
  });

  it('forwards ports: each public port of an address and protocol once, even for concurrent requests; it opens the firewall', async () => {
    const pf = { ipaddressid: lab.snat, protocol: 'tcp', publicport: '8080', privateport: '80', virtualmachineid: lab.vm1 };
    const replies = await Promise.all([0, 1, 2, 3].map(() => alice('createPortForwardingRule', pf)));
    const outcomes = await Promise.all(replies.map(async (r) => {
      const inner = r.json.createportforwardingruleresponse;
      return r.status === 200 ? (await waitJob(alice, inner.jobid)).jobstatus : r.status;
    }));
    expect(outcomes.filter((o) => o === 1)).toHaveLength(1);
    expect(outcomes.filter((o) => o === 537)).toHaveLength(3);
    const clash = await fails(alice, 'createPortForwardingRule', { ...pf, publicport: '8070', publicendport: '8080', privateport: '70', privateendport: '80' });
    expect(clash.code).toBe(537);
    expect(clash.text).toContain('conflicts with rule');
    const udp = (await ok(alice, 'createPortForwardingRule', { ...pf, protocol: 'udp', virtualmachineid: lab.vm2 })).portforwardingrule;
    expect(udp).toMatchObject({ protocol: 'udp', publicport: '8080', privateport: '80', state: 'Active', virtualmachinename: 'web2', ipaddress: '203.0.113.10' });
    expect(typeProblems('PortForwardingRule', udp)).toEqual([]);
    const opened = (await ok(alice, 'listFirewallRules', { ipaddressid: lab.snat })).firewallrule;
    expect(opened.map((r: { protocol: string; startport: number }) => `${r.protocol}/${r.startport}`).sort()).toEqual(['tcp/8080', 'udp/8080']);
    expect((await fails(alice, 'createPortForwardingRule', { ...pf, publicport: '9000', publicendport: '9001' })).text)
      .toBe('Private port range and public port range must be of the same size');
    await ok(alice, 'deletePortForwardingRule', { id: udp.id });
    expect((await ok(alice, 'listFirewallRules', { ipaddressid: lab.snat })).firewallrule).toHaveLength(1);
    await ok(alice, 'createPortForwardingRule', { ...pf, protocol: 'udp' }); // the port is free again
  });

  it("refuses overlapping rules with CloudStack's texts, also for concurrent requests, and only where CloudStack does", async () => {
    const ip = (await ok(alice, 'associateIpAddress', { networkid: lab.net })).ipaddress.id;
    const fw = (a: Record<string, string>) => ok(alice, 'createFirewallRule', { ipaddressid: ip, protocol: 'tcp', ...a }).then((r) => r.firewallrule);
    const first = await fw({ startport: '100', endport: '200', cidrlist: '192.0.2.0/24' });
    expect(await fails(alice, 'createFirewallRule', { ipaddressid: ip, protocol: 'tcp', startport: '150', endport: '250', cidrlist: '10.0.0.0/8,192.0.2.0/24' }))
      .toEqual({ code: 537, text: `The range specified, 150-250, conflicts with rule ${first.id} which has 100-200` });
    await fw({ startport: '150', endport: '250', cidrlist: '198.51.100.0/24' }); // other sources
    await ok(alice, 'createFirewallRule', { ipaddressid: ip, protocol: 'udp', startport: '150' }); // other protocol
    await fw({});
    expect((await fails(alice, 'createFirewallRule', { ipaddressid: ip, protocol: 'tcp' })).text)
      .toBe('There is already a firewall rule specified with protocol = tcp and no ports');
    const ping = (await ok(alice, 'createFirewallRule', { ipaddressid: ip, protocol: 'icmp', icmptype: '8', icmpcode: '0' })).firewallrule;
    expect(await fails(alice, 'createFirewallRule', { ipaddressid: ip, protocol: 'icmp', icmptype: '8', icmpcode: '0' }))
      .toEqual({ code: 431, text: `New rule conflicts with existing rule id=${ping.id}` });
    // Concurrent identical requests: the address's row lock lets exactly one in.
    const replies = await Promise.all([0, 1, 2].map(() => alice('createFirewallRule', { ipaddressid: ip, protocol: 'tcp', startport: '443' })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 537, 537]);
    await waitJob(alice, replies.find((r) => r.status === 200)!.json.createfirewallruleresponse.jobid);
    const eg = { networkid: lab.net, protocol: 'tcp', startport: '25', endport: '30' };
    const egress = (await ok(alice, 'createEgressFirewallRule', eg)).firewallrule;
    expect((await fails(alice, 'createEgressFirewallRule', { ...eg, startport: '30', endport: '40' })).text)
      .toBe(`The range specified, 30-40, conflicts with rule ${egress.id} which has 25-30`);
    await ok(alice, 'deleteEgressFirewallRule', { id: egress.id });
    // Port ranges of forwarding rules: any overlapping port; a load balancer rule's port for every protocol.
    const pf = (await ok(alice, 'createPortForwardingRule', { ipaddressid: ip, protocol: 'tcp', publicport: '7000', publicendport: '7010',
      privateport: '7000', privateendport: '7010', virtualmachineid: lab.vm1, openfirewall: 'false' })).portforwardingrule;
    const lbArgs = { name: 'x', algorithm: 'roundrobin', publicport: '7010', privateport: '80', publicipid: ip, protocol: 'udp', openfirewall: 'false' };
    expect(await fails(alice, 'createLoadBalancerRule', lbArgs))
      .toEqual({ code: 537, text: `The range specified, 7010-7010, conflicts with rule ${pf.id} which has 7000-7010` });
    const lb = (await ok(alice, 'createLoadBalancerRule', { ...lbArgs, publicport: '53', protocol: 'tcp' })).loadbalancer;
    expect((await fails(alice, 'createPortForwardingRule', { ipaddressid: ip, protocol: 'udp', publicport: '50', publicendport: '60', privateport: '50',
      privateendport: '60', virtualmachineid: lab.vm1 })).text).toBe(`The range specified, 50-60, conflicts with rule ${lb.id} which has 53-53`);
    // A forwarding rule whose opened firewall rule would clash leaves nothing behind.
    expect((await fails(alice, 'createPortForwardingRule', { ipaddressid: ip, protocol: 'tcp', publicport: '180', privateport: '80',
      virtualmachineid: lab.vm1, cidrlist: '192.0.2.0/24' })).code).toBe(537);
    expect((await ok(alice, 'listPortForwardingRules', { ipaddressid: ip })).portforwardingrule.map((r: { id: string }) => r.id)).toEqual([pf.id]);
    await ok(alice, 'createPortForwardingRule', { ipaddressid: ip, protocol: 'tcp', publicport: '180', privateport: '80', virtualmachineid: lab.vm1,
      openfirewall: 'false' });
    await ok(alice, 'disassociateIpAddress', { id: ip });
  });

  it('maps an address to a VM with static NAT, once per VM, never on an address with forwarding rules', async () => {
    const ip = (await ok(alice, 'associateIpAddress', { networkid: lab.net })).ipaddress;
    expect((await fails(alice, 'enableStaticNat', { ipaddressid: lab.snat, virtualmachineid: lab.vm1 })).text).toContain('source NAT');
    expect(await ok(alice, 'enableStaticNat', { ipaddressid: ip.id, virtualmachineid: lab.vm1 })).toMatchObject({ success: true });
    const listed = (await ok(alice, 'listPublicIpAddresses', { isstaticnat: 'true' })).publicipaddress;
    expect(listed).toEqual([expect.objectContaining({ id: ip.id, isstaticnat: true, virtualmachineid: lab.vm1, virtualmachinename: 'web1', vmipaddress: '10.1.1.2' })]);
    const other = (await ok(alice, 'associateIpAddress', { networkid: lab.net })).ipaddress;
    expect((await fails(alice, 'enableStaticNat', { ipaddressid: other.id, virtualmachineid: lab.vm1 })).text).toContain('already has a static NAT address');
    expect((await fails(alice, 'createPortForwardingRule', { ipaddressid: ip.id, protocol: 'tcp', publicport: '1', privateport: '1',
      virtualmachineid: lab.vm1 })).text).toContain('static NAT enabled');
    await ok(alice, 'disableStaticNat', { ipaddressid: ip.id });
    expect((await fails(alice, 'disableStaticNat', { ipaddressid: ip.id })).code).toBe(431);
    await ok(alice, 'disassociateIpAddress', { id: ip.id });
    await ok(alice, 'disassociateIpAddress', { id: other.id });
  });

  it('balances load: rule, members, policies, update and delete, with CloudStack objects', async () => {
    expect((await fails(alice, 'createLoadBalancerRule', { name: 'x', algorithm: 'random', publicport: '80', privateport: '80', publicipid: lab.snat })).code).toBe(431);
    const created = await ok(alice, 'createLoadBalancerRule', { name: 'web', algorithm: 'roundrobin', publicport: '80', privateport: '8000', networkid: lab.net });
    const lb = created.loadbalancer;
    expect(lb).toMatchObject({ id: created.id, name: 'web', algorithm: 'roundrobin', publicport: '80', privateport: '8000', protocol: 'tcp', state: 'Active',
      networkid: lab.net, account: 'alice', zoneid: lab.zoneId });
    expect(lb.publicipid).not.toBe(lab.snat);
    expect(typeProblems('LoadBalancerRule', lb)).toEqual([]);
    expect((await fails(alice, 'createPortForwardingRule', { ipaddressid: lb.publicipid, protocol: 'tcp', publicport: '80', privateport: '80',
      virtualmachineid: lab.vm1 })).code).toBe(537);
    await ok(alice, 'assignToLoadBalancerRule', { id: lb.id, virtualmachineids: `${lab.vm1},${lab.vm2}` });
    expect((await fails(alice, 'assignToLoadBalancerRule', { id: lb.id, virtualmachineids: lab.vm1 })).text).toContain('already assigned');
    const inst = await ok(alice, 'listLoadBalancerRuleInstances', { id: lb.id });
    expect(inst.loadbalancerruleinstance.map((v: { name: string }) => v.name).sort()).toEqual(['web1', 'web2']);
    expect((await ok(alice, 'listLoadBalancerRules', { virtualmachineid: lab.vm2 })).loadbalancerrule.map((r: { id: string }) => r.id)).toEqual([lb.id]);
    const st = (await ok(alice, 'createLBStickinessPolicy', { lbruleid: lb.id, name: 'src', methodname: 'SourceBased',
      'param[0].name': 'expire', 'param[0].value': '10m' })).stickinesspolicies;
    expect(st).toMatchObject({ lbruleid: lb.id, stickinesspolicy: [expect.objectContaining({ methodname: 'SourceBased', params: { expire: '10m' }, state: 'Active' })] });
    expect(typeProblems('LBStickinessPolicy', st)).toEqual([]);
    expect((await fails(alice, 'createLBStickinessPolicy', { lbruleid: lb.id, name: 'again', methodname: 'LbCookie' })).text).toContain('already has one');
    const hc = (await ok(alice, 'createLBHealthCheckPolicy', { lbruleid: lb.id, pingpath: '/', intervaltime: '3', unhealthythreshold: '1' })).healthcheckpolicies;
    expect(hc.healthcheckpolicy[0]).toMatchObject({ pingpath: '/', healthcheckinterval: 3, unhealthcheckthresshold: 1, healthcheckthresshold: 2, state: 'Active' });
    expect(typeProblems('LBHealthCheckPolicy', hc)).toEqual([]);
    expect((await ok(alice, 'listLBHealthCheckPolicies', { lbruleid: lb.id })).healthcheckpolicies[0].healthcheckpolicy).toHaveLength(1);
    await ok(alice, 'deleteLBStickinessPolicy', { id: st.stickinesspolicy[0].id });
    expect((await ok(alice, 'listLBStickinessPolicies', { lbruleid: lb.id })).stickinesspolicies[0].stickinesspolicy).toEqual([]);
    expect((await ok(alice, 'updateLoadBalancerRule', { id: lb.id, algorithm: 'leastconn', name: 'web2', cidrlist: '192.0.2.0/24' })).loadbalancer)
      .toMatchObject({ algorithm: 'leastconn', name: 'web2', cidrlist: '192.0.2.0/24' });
    expect((await ok(alice, 'listFirewallRules', { ipaddressid: lb.publicipid })).firewallrule[0].cidrlist).toBe('192.0.2.0/24');
    expect((await fails(alice, 'updateLoadBalancerRule', { id: lb.id, cidrlist: '192.0.2.0/40' })).code).toBe(431);
    await ok(alice, 'removeFromLoadBalancerRule', { id: lb.id, virtualmachineids: lab.vm2 });
    expect((await ok(alice, 'listLoadBalancerRuleInstances', { id: lb.id, applied: 'false' })).loadbalancerruleinstance.map((v: { name: string }) => v.name))
      .toEqual(['web2']);
    await ok(alice, 'deleteLoadBalancerRule', { id: lb.id });
    expect((await ok(alice, 'listLoadBalancerRules', { id: lb.id })).count ?? 0).toBe(0);
    // Its port is free again.
    await ok(alice, 'createPortForwardingRule', { ipaddressid: lb.publicipid, protocol: 'tcp', publicport: '80', privateport: '80', virtualmachineid: lab.vm1 });
  });

  it("keeps accounts apart: bob can neither use alice's addresses nor point his rules at her VMs", async () => {
    const denied = await fails(bob, 'createFirewallRule', { ipaddressid: lab.snat, protocol: 'tcp', startport: '1' });
    expect(denied.code).toBe(531);
    expect((await fails(bob, 'enableStaticNat', { ipaddressid: lab.snat, virtualmachineid: lab.bobVm })).code).toBe(531);
    expect((await fails(bob, 'associateIpAddress', { networkid: lab.net })).code).toBe(531);
    const bobSnat = (await ok(bob, 'listPublicIpAddresses')).publicipaddress;
    expect(bobSnat.map((i: { associatednetworkid: string }) => i.associatednetworkid)).toEqual([lab.bobNet]);
    const aimed = await fails(bob, 'createPortForwardingRule', { ipaddressid: bobSnat[0].id, protocol: 'tcp', publicport: '22', privateport: '22',
      virtualmachineid: lab.vm1 });
    expect(aimed.code).toBe(531);
    const lb = await ok(bob, 'createLoadBalancerRule', { name: 'b', algorithm: 'source', publicport: '443', privateport: '443', publicipid: bobSnat[0].id });
    expect((await fails(bob, 'assignToLoadBalancerRule', { id: lb.id, virtualmachineids: lab.vm2 })).code).toBe(531);
    // An admin cannot put alice's VM behind bob's rule either: the VM is not on bob's network and not bob's.
    expect((await fails(admin, 'assignToLoadBalancerRule', { id: lb.id, virtualmachineids: lab.vm2 })).code).toBe(531);
    expect((await ok(bob, 'listPortForwardingRules')).count ?? 0).toBe(0);
    expect((await ok(bob, 'listLoadBalancerRules')).loadbalancerrule.map((r: { name: string }) => r.name)).toEqual(['b']);
    expect((await ok(admin, 'listLoadBalancerRules', { listall: 'true' })).loadbalancerrule.map((r: { name: string }) => r.name)).toEqual(['b']);
  });

  it('dedicates public ranges to an account or a project (createVlanIpRange account= / projectid=); only their owner takes from them', async () => {
    const domainid = (await ok(alice, 'listAccounts')).account[0].domainid;
    const range = { zoneid: lab.zoneId, forvirtualnetwork: 'true', vlan: 'untagged', gateway: '198.51.100.1', netmask: '255.255.255.0' };
    const mine = (await ok(admin, 'createVlanIpRange', { ...range, startip: '198.51.100.10', endip: '198.51.100.11', account: 'alice', domainid })).vlaniprange;
    expect(mine).toMatchObject({ account: 'alice', domainid, domain: 'ROOT', startip: '198.51.100.10' });
    expect(typeProblems('VlanIpRange', mine)).toEqual([]);
    const project = (await ok(admin, 'createProject', { name: 'edge-p', displaytext: 'edge' })).project;
    const theirs = (await ok(admin, 'createVlanIpRange', { ...range, startip: '198.51.100.20', endip: '198.51.100.20', projectid: project.id })).vlaniprange;
    expect(theirs).toMatchObject({ project: 'edge-p', projectid: project.id });
    expect(theirs.account).toBeUndefined();
    expect((await fails(admin, 'createVlanIpRange', { ...range, startip: '198.51.100.30', projectid: project.id, account: 'alice' })).text)
      .toBe('Account and projectId are mutually exclusive');
    expect((await fails(admin, 'createVlanIpRange', { ...range, startip: '198.51.100.30', account: 'nobody', domainid })).text).toBe('Please specify a valid account.');
    expect((await ok(alice, 'associateIpAddress', { networkid: lab.net })).ipaddress.ipaddress).toBe('198.51.100.10');
    expect((await ok(bob, 'associateIpAddress', { networkid: lab.bobNet })).ipaddress.ipaddress).toMatch(/^203\.0\.113\./);
  });

  it('concurrent acquisitions pass the public IP limit by none', async () => {
    const held = (await ok(bob, 'listPublicIpAddresses')).count as number;
    await ok(admin, 'updateResourceLimit', { account: 'bob', domainid: (await ok(bob, 'listAccounts')).account[0].domainid, resourcetype: '1',
      max: String(held + 2) });
    // What a server that died between reserving and releasing leaves: swept, it does not count against bob for ever.
    const bobAccount = (await ok(bob, 'listAccounts')).account[0];
    await srv.core.svc.db.insertInto('resource_reservations').values({ id: 'sync-left-by-a-dead-server:1', account_id: bobAccount.id,
      domain_id: bobAccount.domainid, resource_type: 1, amount: 100, created: Date.now() - 3_600_000 }).execute();
    const runs = await Promise.all(Array.from({ length: 8 }, () => bob('associateIpAddress', { networkid: lab.bobNet })));
    const outcomes = await Promise.all(runs.map(async (r) => (r.status === 200
      ? (await waitJob(bob, r.json.associateipaddressresponse.jobid)).jobstatus : r.status)));
    expect(outcomes.filter((x) => x === 1)).toHaveLength(2);
    expect(outcomes.filter((x) => x === 535)).toHaveLength(6);
    expect((await ok(bob, 'listPublicIpAddresses')).count).toBe(held + 2);
  });
});
