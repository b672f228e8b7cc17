// The router's edge for real, through the API (root and QEMU): two QEMU guests of one isolated network run busybox
// httpd; an "internet" namespace on the zone's public bridge reaches them through the router namespace's haproxy
// (round robin alternates, source stickiness sticks, a dead backend leaves the rotation), port forwarding, static
// NAT and ingress firewall rules (a CIDR outside the list is refused); an egress rule blocks a guest's connection;
// a set the router refuses changes nothing; a rebooted router gets every rule back. Cleans up even when it fails.
import { spawn, spawnSync, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImages, GUEST_READY_BANNER } from '../../hypervisors/qemu/guest-image';
import { canManageNetworks, netKey, removeBridge, routerNs } from '../../hypervisors/qemu/guest-net';
import { isAlive } from '../../hypervisors/qemu/proc';
import { openSerial, type SerialConsole } from '../../hypervisors/qemu/serial';
import { qemuInstalled } from '../../hypervisors/qemu/test-support';
import { applyEdge, stopEdge } from '../../hypervisors/qemu/router-edge';
import { sessionClient, startTestServer, type TestServer } from '../../testing/harness';
import { buildKvmLab, guestTemplateAndOffering, internetSide, job, ok, serveFiles, type Call, type KvmLab } from '../../testing/kvm-fixtures';

const exec = promisify(execFile);
const can = canManageNetworks();
const haproxy = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
const runnable = qemuInstalled && can.ok && haproxy;
if (!runnable) console.warn(`Skipping the router edge test: ${!qemuInstalled ? 'QEMU is not installed' : !can.ok ? can.why : 'haproxy is not installed'}`);
const r = randomBytes(3).toString('hex');
const sh = (cmd: string, args: string[]) => exec(cmd, args).then((o) => o.stdout);
const quiet = (p: Promise<unknown>) => p.catch(() => undefined);
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
let pubNs = '';
let inet: Awaited<ReturnType<typeof internetSide>> | undefined;

/** An HTTP GET from the "internet" namespace: the body, or '' when nothing answered within a second. */
async function get(url: string): Promise<string> {
  return sh('ip', ['netns', 'exec', pubNs, 'timeout', '1', 'busybox', 'wget', '-q', '-O', '-', url]).then((s) => s.trim()).catch(() => '');
}

/** Polls until `f` holds (health checks and reloads take their interval); returns the last value. */
async function until<T>(f: () => Promise<T>, pass: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await f();
  while (!pass(v) && Date.now() < end) { await sleep(200); v = await f(); }
  return v;
}

describe.skipIf(!runnable)('the virtual router as the edge: load balancer, NAT and firewall (root, QEMU)', () => {
  let t: TestServer;
  let call: Call;
  let lab: KvmLab;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let echo: ChildProcess | undefined;
  let net = '';
  let snat = '';
  const vms: Record<string, { id: string; ip: string; pid: number; con: SerialConsole }> = {};
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sedge-'));

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    t = await startTestServer({ settings: { 'network.kvm.datapath': 'true' } });
    call = (await sessionClient(t.url)).call;
    lab = await buildKvmLab(call, t.dataDir, { host: true });
    web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
    const { templateId, offeringId } = await guestTemplateAndOffering(call, lab.zoneId, web.url);
    // The zone's public network: a host bridge, and a namespace on it standing for the internet, with a TCP
    // server that answers each connection with the address it came from.
    inet = await internetSide('se', r, '198.51.100.1/24');
    pubNs = inet.ns;
    echo = spawn('ip', ['netns', 'exec', pubNs, process.execPath, '-e',
      "require('net').createServer((s) => s.end(s.remoteAddress.replace('::ffff:', '') + '\\n')).listen(9000, '198.51.100.1')"], { stdio: 'ignore' });
    const phys = (await job(call, 'createPhysicalNetwork', { zoneid: lab.zoneId, name: 'phys', vlan: '520-530' })).physicalnetwork;
    await job(call, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Guest' });
    await job(call, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Public', kvmnetworklabel: inet.bridge });
    await ok(call, 'createVlanIpRange', { zoneid: lab.zoneId, forvirtualnetwork: 'true', gateway: '198.51.100.1', netmask: '255.255.255.0',
      startip: '198.51.100.10', endip: '198.51.100.20' });
    const off = (await ok(call, 'listNetworkOfferings', { name: 'DefaultIsolatedNetworkOfferingWithSourceNatService' })).networkoffering[0].id;
    net = (await ok(call, 'createNetwork', { zoneid: lab.zoneId, name: 'edge', networkofferingid: off, gateway: '10.83.1.1', netmask: '255.255.255.0' })).network.id;
    await Promise.all(['web1', 'web2'].map(async (name) => {
      const vm = (await job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId, serviceofferingid: offeringId,
        name, networkids: net, 'details[0].stopTimeoutMs': '2000' }, 180_000)).virtualmachine;
      const con = await openSerial((await t.core.qemu!.consoleEndpoint!(lab.hostId!, vm.id))!.serialSocketPath!);
      vms[name] = { id: vm.id, ip: vm.nic[0].ipaddress, pid: t.core.qemu!.pidOf(vm.id)!, con };
      await con.waitFor(new RegExp(GUEST_READY_BANNER), 180_000);
      // The guest's address (as its DHCP lease would set it), and busybox httpd answering with the VM's name.
      await con.exec(`ip link set eth0 up; ip addr add ${vm.nic[0].ipaddress}/24 dev eth0; ip route add default via 10.83.1.1`);
      await con.exec(`mkdir -p /www && echo ${name} > /www/index.html && httpd -p 80 -h /www`);
    }));
    snat = (await ok(call, 'listPublicIpAddresses', { associatednetworkid: net, issourcenat: 'true' })).publicipaddress[0].ipaddress;
  }, 480_000);

  afterAll(async () => {
    echo?.kill();
    for (const v of Object.values(vms)) v.con.close();
    for (const v of Object.values(vms)) await quiet(job(call, 'destroyVirtualMachine', { id: v.id, expunge: 'true' }));
    if (net) await quiet(job(call, 'deleteNetwork', { id: net }));
    for (const v of Object.values(vms)) if (isAlive(v.pid)) process.kill(v.pid, 'SIGKILL');
    if (t && net) stopEdge(path.join(t.dataDir, 'qemu', 'routers', netKey(net))); // haproxy, if the network's delete failed
    if (net) await quiet(sh('ip', ['netns', 'del', routerNs(netKey(net))]));
    if (net) await removeBridge(netKey(net));
    await web?.close();
    await t?.stop();
    await inet?.remove();
    rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  let lbIp = '';
  let lbId = '';
  const four = async () => { const out: string[] = []; for (let i = 0; i < 4; i++) out.push(await get(`http://${lbIp}/`)); return out; };

  it('balances HTTP across both guests: round robin alternates, source stickiness sticks, a dead backend leaves the rotation', async () => {
    const ip = (await job(call, 'associateIpAddress', { networkid: net })).ipaddress;
    lbIp = ip.ipaddress;
    lbId = (await job(call, 'createLoadBalancerRule', { name: 'web', algorithm: 'roundrobin', publicport: '80', privateport: '80', publicipid: ip.id })).loadbalancer.id;
    await job(call, 'assignToLoadBalancerRule', { id: lbId, virtualmachineids: `${vms.web1.id},${vms.web2.id}` });
    await job(call, 'createLBHealthCheckPolicy', { lbruleid: lbId, pingpath: '/', intervaltime: '1', healthythreshold: '1', unhealthythreshold: '1' });
    const rr = await until(four, (o) => o.every(Boolean) && new Set(o).size === 2);
    expect(new Set(rr)).toEqual(new Set(['web1', 'web2']));
    expect([rr[0] !== rr[1], rr[0] === rr[2], rr[1] === rr[3]]).toEqual([true, true, true]);

    const st = (await job(call, 'createLBStickinessPolicy', { lbruleid: lbId, name: 'src', methodname: 'SourceBased' })).stickinesspolicies;
    const stuck = await four();
    expect(stuck.every(Boolean) && new Set(stuck).size).toBe(1);
    await job(call, 'deleteLBStickinessPolicy', { id: st.stickinesspolicy[0].id });

    // The members' health as the router's haproxy sees it (servicestate, re-read when older than 2 s).
    const health = async () => Object.fromEntries((await ok(call, 'listLoadBalancerRuleInstances', { id: lbId })).loadbalancerruleinstance
      .map((v: { name: string; servicestate?: string }) => [v.name, v.servicestate]));
    expect(await until(health, (h) => h.web1 === 'UP' && h.web2 === 'UP', 5_000)).toEqual({ web1: 'UP', web2: 'UP' });
    const withIps = (await ok(call, 'listLoadBalancerRuleInstances', { id: lbId, lbvmips: 'true' })).lbrulevmidip;
    expect(withIps.map((m: { lbvmipaddresses: string[]; loadbalancerruleinstance: { name: string } }) => `${m.loadbalancerruleinstance.name} ${m.lbvmipaddresses}`)
      .sort()).toEqual([`web1 ${vms.web1.ip}`, `web2 ${vms.web2.ip}`]);
    await vms.web2.con.exec('killall httpd');
    expect(await until(four, (o) => o.every((b) => b === 'web1'), 10_000)).toEqual(['web1', 'web1', 'web1', 'web1']);
    expect(await until(health, (h) => h.web2 === 'DOWN', 5_000)).toEqual({ web1: 'UP', web2: 'DOWN' });
    await vms.web2.con.exec('httpd -p 80 -h /www');
    expect(new Set(await until(four, (o) => new Set(o).size === 2, 10_000))).toEqual(new Set(['web1', 'web2']));
    expect(await until(health, (h) => h.web2 === 'UP', 5_000)).toEqual({ web1: 'UP', web2: 'UP' });
  }, 120_000);

  it('forwards a port to a guest; ingress firewall rules open it to their CIDRs only; a refused set changes nothing', async () => {
    const snatId = (await ok(call, 'listPublicIpAddresses', { ipaddress: snat })).publicipaddress[0].id;
    await job(call, 'createPortForwardingRule', { ipaddressid: snatId, protocol: 'tcp', publicport: '8080', privateport: '80', virtualmachineid: vms.web1.id });
    expect(await get(`http://${snat}:8080/`)).toBe('web1');
    await job(call, 'createPortForwardingRule', { ipaddressid: snatId, protocol: 'tcp', publicport: '8081', privateport: '80',
      virtualmachineid: vms.web2.id, openfirewall: 'false' });
    expect(await get(`http://${snat}:8081/`)).toBe('');
    const outside = (await job(call, 'createFirewallRule', { ipaddressid: snatId, protocol: 'tcp', startport: '8081', cidrlist: '192.0.2.0/24' })).firewallrule;
    expect(outside.state).toBe('Active');
    expect(await get(`http://${snat}:8081/`)).toBe('');
    const inside = (await job(call, 'createFirewallRule', { ipaddressid: snatId, protocol: 'tcp', startport: '8081', cidrlist: '198.51.100.0/24' })).firewallrule;
    expect(await get(`http://${snat}:8081/`)).toBe('web2');
    await job(call, 'deleteFirewallRule', { id: inside.id });
    expect(await get(`http://${snat}:8081/`)).toBe('');

    // A rule set the kernel refuses (a port out of range, which the API never lets through) changes nothing.
    const router = { ns: routerNs(netKey(net)), dir: tmp, publicIp: snat, publicPrefix: 24 };
    const bad = { extraIps: [lbIp], guestCidr: '10.83.1.0/24', staticNat: [], egressDefaultAllow: true, egress: [], portForwards: [], loadBalancers: [],
      ingress: [{ publicIp: snat, protocol: 'tcp', startPort: 70000, cidrs: [] }] };
    await expect(applyEdge(router, bad)).rejects.toThrow(/refused the firewall and NAT rules \(nothing was changed\).*out of range/s);
    expect(await get(`http://${snat}:8080/`)).toBe('web1');
    expect(await get(`http://${lbIp}/`)).toMatch(/^web[12]$/);
  }, 60_000);

  it('static NAT: the guest answers on its own public address and its connections leave from it; an egress rule blocks', async () => {
    // The address the internet server saw the guest's connection come from ('' when it was blocked).
    const seen = () => vms.web2.con.exec('echo | nc -w 2 198.51.100.1 9000', 15_000).then((s) => /198\.51\.100\.\d+/.exec(s)?.[0] ?? '');
    expect(await seen()).toBe(snat);
    const ip = (await job(call, 'associateIpAddress', { networkid: net })).ipaddress;
    await ok(call, 'enableStaticNat', { ipaddressid: ip.id, virtualmachineid: vms.web2.id });
    await job(call, 'createFirewallRule', { ipaddressid: ip.id, protocol: 'tcp', startport: '80' });
    expect(await get(`http://${ip.ipaddress}/`)).toBe('web2');
    expect(await seen()).toBe(ip.ipaddress);
    const eg = (await job(call, 'createEgressFirewallRule', { networkid: net, protocol: 'tcp', startport: '9000' })).firewallrule;
    expect(await seen()).toBe('');
    await job(call, 'deleteEgressFirewallRule', { id: eg.id });
    expect(await seen()).toBe(ip.ipaddress);
  }, 60_000);

  it('a rebooted router gets every rule back from the database', async () => {
    const router = (await ok(call, 'listRouters', { networkid: net })).router[0];
    await job(call, 'rebootRouter', { id: router.id });
    expect(await until(() => get(`http://${snat}:8080/`), (b) => b === 'web1')).toBe('web1');
    expect(await until(() => get(`http://${lbIp}/`), (b) => /^web[12]$/.test(b))).toMatch(/^web[12]$/);
  }, 60_000);
});
