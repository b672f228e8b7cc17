// Guest networks end to end on the local KVM host, through the API (root and QEMU): VMs of one isolated network get
// their API addresses by DHCP from the router namespace, resolve and ping each other by name; a VM of another
// network cannot reach them; a VM reaches a "public" namespace through source NAT from the network's public address.
// Then, on the same guests: a NIC on a shared network is hot-plugged into a running VM (the network's MTU reaches the
// guest, which gets the API's address by DHCP from the shared network's router) and unplugged; and a router on a
// `strata agent` host (an agent in this process, driving its own QEMU driver over the agent protocol) is started,
// found crashed (dnsmasq killed), restarted with an alert, and stopped.
import { spawn, spawnSync, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImages, GUEST_MIN_MEMORY_MB, GUEST_READY_BANNER } from '../hypervisors/qemu/guest-image';
import { canManageNetworks, netKey, removeBridge, routerAlive, tapOf } from '../hypervisors/qemu/guest-net';
import { isAlive } from '../hypervisors/qemu/proc';
import { openSerial, type SerialConsole } from '../hypervisors/qemu/serial';
import { qemuInstalled, tempDir } from '../hypervisors/qemu/test-support';
import { startAgent, type Agent } from '../agent/agent';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { buildKvmLab, internetSide, job, ok, serveFiles, waitDownload, type Call, type KvmLab } from '../testing/kvm-fixtures';

const can = canManageNetworks();
const runnable = qemuInstalled && can.ok;
if (!runnable) console.warn(`Skipping the KVM guest network API test: ${qemuInstalled ? can.why : 'QEMU is not installed'}`);
const r = randomBytes(3).toString('hex');
const quiet = (p: Promise<unknown>) => p.catch(() => undefined);
const exec = promisify(execFile);
const sh = (cmd: string, args: string[]) => exec(cmd, args).then((o) => o.stdout);

describe.skipIf(!runnable)('guest networks on the local KVM host (root)', () => {
  let t: TestServer;
  let call: Call;
  let lab: KvmLab;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let server: ChildProcess | undefined;
  let inet: Awaited<ReturnType<typeof internetSide>> | undefined;
  const nets: Record<string, string> = {};
  const vms: Record<string, { id: string; ip: string; pid: number; con: SerialConsole }> = {};
  const stoppedVms: string[] = [];
  const agentDir = tempDir('snag-');
  let agent: Agent | undefined;
  let templateId = '';
  let offeringId = '';

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    t = await startTestServer({ settings: { 'network.kvm.datapath': 'true' } });
    call = (await sessionClient(t.url)).call;
    lab = await buildKvmLab(call, t.dataDir, { host: true });
    web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
    templateId = (await ok(call, 'registerTemplate', { name: 'guest', displaytext: 'guest', format: 'QCOW2', hypervisor: 'KVM',
      zoneid: lab.zoneId, url: `${web.url}/guest.qcow2`, ispublic: 'true' })).template[0].id;
    await waitDownload(call, 'template', templateId);
    offeringId = (await ok(call, 'createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '500',
      memory: String(GUEST_MIN_MEMORY_MB) })).serviceoffering.id;
    // The zone's public network: a host bridge, and a namespace on it standing for the internet.
    inet = await internetSide('sq', r, '198.51.100.1/24');
    const phys = (await job(call, 'createPhysicalNetwork', { zoneid: lab.zoneId, name: 'phys', vlan: '500-510' })).physicalnetwork;
    await job(call, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Guest' });
    await job(call, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Public', kvmnetworklabel: inet.bridge });
    await ok(call, 'createVlanIpRange', { zoneid: lab.zoneId, forvirtualnetwork: 'true', gateway: '198.51.100.1', netmask: '255.255.255.0',
      startip: '198.51.100.10', endip: '198.51.100.20' });
    const off = (await ok(call, 'listNetworkOfferings', { name: 'DefaultIsolatedNetworkOfferingWithSourceNatService' })).networkoffering[0].id;
    for (const n of ['A', 'B']) nets[n] = (await ok(call, 'createNetwork', { zoneid: lab.zoneId, name: `net${n}`, networkofferingid: off,
      gateway: n === 'A' ? '10.81.1.1' : '10.82.1.1', netmask: '255.255.255.0' })).network.id;
    await Promise.all([['a1', 'A'], ['a2', 'A'], ['b1', 'B']].map(async ([name, n]) => {
      const vm = (await job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId, serviceofferingid: offeringId,
        name, networkids: nets[n], 'details[0].stopTimeoutMs': '2000' }, 180_000)).virtualmachine;
      const ep = await t.core.qemu!.consoleEndpoint!(lab.hostId!, vm.id);
      const con = await openSerial(ep!.serialSocketPath!);
      vms[name] = { id: vm.id, ip: vm.nic[0].ipaddress, pid: t.core.qemu!.pidOf(vm.id)!, con };
      await con.waitFor(new RegExp(GUEST_READY_BANNER), 180_000);
    }));
  }, 480_000);

  afterAll(async () => {
    server?.kill();
    for (const v of Object.values(vms)) v.con.close();
    for (const id of [...Object.values(vms).map((v) => v.id), ...stoppedVms]) await quiet(job(call, 'destroyVirtualMachine', { id, expunge: 'true' }));
    for (const id of Object.values(nets)) await quiet(job(call, 'deleteNetwork', { id }));
    // What a failed check may have left: routers' namespaces and dnsmasq (the agent's included).
    for (const id of Object.values(nets)) {
      for (const dir of [join(t.dataDir, 'qemu', 'routers', netKey(id)), join(agentDir.dir, 'routers', netKey(id))]) {
        const pid = Number(existsSync(join(dir, 'dnsmasq.pid')) ? readFileSync(join(dir, 'dnsmasq.pid'), 'utf8') : 0);
        if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      await quiet(sh('ip', ['netns', 'del', `svr-${netKey(id)}`]));
    }
    await agent?.stop();
    agentDir.cleanup();
    for (const v of Object.values(vms)) if (isAlive(v.pid)) process.kill(v.pid, 'SIGKILL');
    for (const id of Object.values(nets)) await removeBridge(netKey(id));
    await web?.close();
    await t?.stop();
    await inet?.remove();
  }, 120_000);

  /** DHCP in the guest (it has no udhcpc script, so the lease is applied by hand, as a script would). */
  async function lease(name: string, gateway: string): Promise<string> {
    const con = vms[name].con;
    const out = await con.exec('ip link set eth0 up; udhcpc -i eth0 -n -q -t 10 -T 2 -s /bin/true 2>&1 | grep lease', 60_000);
    const ip = /lease of (\S+) obtained/.exec(out)?.[1] ?? '';
    await con.exec(`ip addr add ${ip}/24 dev eth0; ip route add default via ${gateway}; echo nameserver ${gateway} > /etc/resolv.conf`);
    return ip;
  }

  it('gives each VM its API address by DHCP; VMs of a network find each other by name; other networks stay apart; source NAT', async () => {
    const routers = (await ok(call, 'listRouters', { networkid: nets.A })).router;
    expect(routers[0]).toMatchObject({ state: 'Running', hostid: lab.hostId, publicip: '198.51.100.10' });
    expect(await lease('a1', '10.81.1.1')).toBe(vms.a1.ip);
    expect(await lease('a2', '10.81.1.1')).toBe(vms.a2.ip);
    expect(await lease('b1', '10.82.1.1')).toBe(vms.b1.ip);
    expect(await vms.a1.con.exec('nslookup a2 10.81.1.1 2>&1', 20_000)).toContain(vms.a2.ip);
    expect(await vms.a1.con.exec(`ping -c 1 -W 5 $(nslookup a2 10.81.1.1 2>/dev/null | awk '/^Address/ {a=$NF} END {print a}')`, 30_000))
      .toContain('1 packets received');
    expect(await vms.b1.con.exec(`ping -c 1 -W 2 ${vms.a1.ip}`, 30_000)).toContain('0 packets received');

    server = spawn('ip', ['netns', 'exec', inet!.ns, process.execPath, '-e',
      "require('net').createServer((s) => { console.log(s.remoteAddress); s.end('hi'); }).listen(9000, '198.51.100.1', () => console.log('listening'))"]);
    const lines: string[] = [];
    server.stdout!.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
    for (let i = 0; i < 100 && !lines.includes('listening'); i++) await new Promise((res) => setTimeout(res, 50));
    expect(await vms.a1.con.exec('echo | nc -w 3 198.51.100.1 9000', 20_000)).toContain('hi');
    for (let i = 0; i < 40 && lines.length < 2; i++) await new Promise((res) => setTimeout(res, 50));
    expect(lines.filter((l) => l !== 'listening').map((l) => l.replace(/^::ffff:/, ''))).toEqual(['198.51.100.10']);
  }, 240_000);

  /** The guest's interface with this MAC, once the hot-plugged device shows up ('' when it does not). */
  const ifaceOf = (name: string, mac: string) => vms[name].con.exec(
    `for n in $(seq 50); do for i in /sys/class/net/*; do grep -qi ${mac} $i/address && basename $i && break 2; done; sleep 0.2; done`, 30_000).then((o) => o.trim());

  it("hot-plugs a NIC on a shared network into a running VM: the network's MTU, DHCP from the shared network's router", async () => {
    const off = (await ok(call, 'listNetworkOfferings', { name: 'DefaultSharedNetworkOffering' })).networkoffering[0].id;
    nets.S = (await ok(call, 'createNetwork', { zoneid: lab.zoneId, name: 'shared', networkofferingid: off, vlan: '509',
      gateway: '10.85.1.1', netmask: '255.255.255.0', startip: '10.85.1.10', endip: '10.85.1.20', privatemtu: '1400' })).network.id;
    const vm = (await job(call, 'addNicToVirtualMachine', { virtualmachineid: vms.a2.id, networkid: nets.S })).virtualmachine;
    const nic = vm.nic.find((n: { networkid: string }) => n.networkid === nets.S);
    const router = (await ok(call, 'listRouters', { networkid: nets.S })).router[0];
    expect(router).toMatchObject({ state: 'Running', guestipaddress: '10.85.1.10' });
    expect(nic.ipaddress).toBe('10.85.1.11');
    const dev = await ifaceOf('a2', nic.macaddress);
    expect(dev).toMatch(/^eth\d$/);
    expect((await vms.a2.con.exec(`cat /sys/class/net/${dev}/mtu`)).trim()).toBe('1400');
    const out = await vms.a2.con.exec(`ip link set ${dev} up; udhcpc -i ${dev} -n -q -t 10 -T 2 -s /bin/true 2>&1 | grep lease`, 60_000);
    expect(out).toMatch(/lease of 10\.85\.1\.11 obtained from 10\.85\.1\.10/);
    await job(call, 'removeNicFromVirtualMachine', { virtualmachineid: vms.a2.id, nicid: nic.id });
    expect(await vms.a2.con.exec(`for n in $(seq 50); do [ -e /sys/class/net/${dev} ] || break; sleep 0.2; done; ls /sys/class/net`, 30_000))
      .not.toContain(dev);
  }, 180_000);

  it('runs a router on a strata agent host; a crashed router is restarted there, with an alert', async () => {
    // Placement takes the first Up host of the zone by name: "agent0" comes before "localhost".
    const host = (await ok(call, 'addHost', { zoneid: lab.zoneId, podid: lab.podId, clusterid: lab.clusterId, hypervisor: 'KVM',
      url: 'agent://agent0?accel=tcg' })).host[0];
    agent = startAgent({ server: t.url, token: host.details.agenttoken, name: 'agent0', workDir: agentDir.dir, accel: 'tcg' });
    for (let i = 0; i < 300 && (await ok(call, 'listHosts', { id: host.id })).host[0].state !== 'Up'; i++) await new Promise((res) => setTimeout(res, 100));
    nets.C = (await ok(call, 'createNetwork', { zoneid: lab.zoneId, name: 'netC', networkofferingid:
      (await ok(call, 'listNetworkOfferings', { name: 'DefaultIsolatedNetworkOfferingWithSourceNatService' })).networkoffering[0].id,
    gateway: '10.84.1.1', netmask: '255.255.255.0' })).network.id;
    const d1 = (await job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId, serviceofferingid: offeringId,
      name: 'd1', networkids: nets.C, startvm: 'false' })).virtualmachine;
    stoppedVms.push(d1.id);
    const r0 = (await ok(call, 'listRouters', { networkid: nets.C })).router[0];
    expect(r0.hostid).toBe(host.id);
    await job(call, 'rebootRouter', { id: r0.id });
    const dir = join(agentDir.dir, 'routers', netKey(nets.C));
    const pid = () => Number(readFileSync(join(dir, 'dnsmasq.pid'), 'utf8'));
    expect(await sh('ip', ['netns', 'list'])).toContain(`svr-${netKey(nets.C)}`);
    expect(readFileSync(join(dir, 'dhcp-hosts'), 'utf8')).toContain(`${d1.nic[0].macaddress},${d1.nic[0].ipaddress},d1`);
    expect(await t.core.routerCheck.tick()).toEqual({ restarted: [], failed: [] });

    const first = pid();
    process.kill(first, 'SIGKILL');
    for (let i = 0; i < 50 && routerAlive(dir); i++) await new Promise((res) => setTimeout(res, 50));
    const round = await t.core.routerCheck.tick();
    expect(round.restarted).toContain(r0.id);
    expect(pid()).not.toBe(first);
    expect(routerAlive(dir)).toBe(true);
    const alerts = (await ok(call, 'listAlerts', { type: '9' })).alert ?? [];
    expect(alerts.map((a: { description: string }) => a.description).join('\n')).toContain(`Virtual router ${r0.name} on host agent0 is not running`);
    expect((await ok(call, 'listRouters', { id: r0.id })).router[0]).toMatchObject({ state: 'Running', hostid: host.id, healthchecksfailed: false });

    await job(call, 'stopRouter', { id: r0.id });
    expect(await sh('ip', ['netns', 'list'])).not.toContain(`svr-${netKey(nets.C)}`);
  }, 120_000);

  it('leaves nothing on the host once a network and its last VM are gone: no tap, bridge or router namespace', async () => {
    const key = netKey(nets.B);
    const nic = (await ok(call, 'listNics', { virtualmachineid: vms.b1.id })).nic.find((n: { networkid: string }) => n.networkid === nets.B);
    const present = (dev: string) => spawnSync('ip', ['link', 'show', dev]).status === 0;
    expect([present(`sbr${key}`), present(tapOf(nic.id))]).toEqual([true, true]);
    vms.b1.con.close();
    await job(call, 'destroyVirtualMachine', { id: vms.b1.id, expunge: 'true' });
    await job(call, 'deleteNetwork', { id: nets.B });
    expect([present(`sbr${key}`), present(tapOf(nic.id))]).toEqual([false, false]);
    expect(await sh('ip', ['netns', 'list'])).not.toContain(`svr-${key}`);
  }, 60_000);
});
