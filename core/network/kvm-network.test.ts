// Guest networks end to end on the local KVM host, through the API (root and QEMU): VMs of one isolated network get
// their API addresses by DHCP from the router namespace, resolve and ping each other by name; a VM of another
// network cannot reach them; a VM reaches a "public" namespace through source NAT from the network's public address.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImages, GUEST_MIN_MEMORY_MB, GUEST_READY_BANNER } from '../hypervisors/qemu/guest-image';
import { canManageNetworks, netKey, removeBridge } from '../hypervisors/qemu/guest-net';
import { isAlive } from '../hypervisors/qemu/proc';
import { openSerial, type SerialConsole } from '../hypervisors/qemu/serial';
import { qemuInstalled } from '../hypervisors/qemu/test-support';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { buildKvmLab, internetSide, job, ok, serveFiles, waitDownload, type Call, type KvmLab } from '../testing/kvm-fixtures';

const can = canManageNetworks();
const runnable = qemuInstalled && can.ok;
if (!runnable) console.warn(`Skipping the KVM guest network API test: ${qemuInstalled ? can.why : 'QEMU is not installed'}`);
const r = randomBytes(3).toString('hex');
const quiet = (p: Promise<unknown>) => p.catch(() => undefined);

describe.skipIf(!runnable)('guest networks on the local KVM host (root)', () => {
  let t: TestServer;
  let call: Call;
  let lab: KvmLab;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let server: ChildProcess | undefined;
  let inet: Awaited<ReturnType<typeof internetSide>> | undefined;
  const nets: Record<string, string> = {};
  const vms: Record<string, { id: string; ip: string; pid: number; con: SerialConsole }> = {};

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    t = await startTestServer({ settings: { 'network.kvm.datapath': 'true' } });
    call = (await sessionClient(t.url)).call;
    lab = await buildKvmLab(call, t.dataDir, { host: true });
    web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
    const templateId = (await ok(call, 'registerTemplate', { name: 'guest', displaytext: 'guest', format: 'QCOW2', hypervisor: 'KVM',
      zoneid: lab.zoneId, url: `${web.url}/guest.qcow2`, ispublic: 'true' })).template[0].id;
    await waitDownload(call, 'template', templateId);
    const offeringId = (await ok(call, 'createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '500',
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
    for (const v of Object.values(vms)) await quiet(job(call, 'destroyVirtualMachine', { id: v.id, expunge: 'true' }));
    for (const id of Object.values(nets)) await quiet(job(call, 'deleteNetwork', { id }));
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
});
