// Guest network figures on the local KVM host with real parts (issue 17), printed as JSON. Needs root and QEMU.
// Each sample makes a new isolated network and deploys its first VM (the network is implemented: VLAN, source NAT
// address, router namespace with dnsmasq and nftables, bridge and tap), then:
//   deployToRunningMs  deployVirtualMachine until its job says Running (network setup included)
//   sameNetworkDeployToRunningMs  the same for a VM on a network already implemented, its router running (deployed
//                      just before, with no guest booting meanwhile)
//   networkSetupAddsMs what the new network adds to a deploy: the difference of the two (the aim: <= 300 ms)
//   deployToLeaseMs    until the guest holds its DHCP lease from the router (guest boot under TCG included)
//   guestBootMs        of which the guest's boot to its shell (not networking's)
//   dhcpMs             the DHCP exchange itself, from the guest's shell
//   routerStartMs      a rebootRouter job: the router's namespace, legs, nftables and dnsmasq made afresh via the API
//   routerDirectMs     the same router start without the API (guest-net.ts startRouter on a bridge of its own), 10 times
// Options: --quick (1 sample; default 3), --out FILE.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canManageNetworks, ensureBridge, netKey, removeBridge, startRouter, stopRouter } from '../hypervisors/qemu/guest-net';
import { ensureGuestImages, GUEST_READY_BANNER } from '../hypervisors/qemu/guest-image';
import { openSerial } from '../hypervisors/qemu/serial';
import { qemuAvailable } from '../hypervisors/kvm-local';
import { sessionClient, startTestServer } from '../testing/harness';
import { buildKvmLab, guestTemplateAndOffering, job, ok, serveFiles } from '../testing/kvm-fixtures';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, out: { type: 'string' } } });
const samples = values.quick ? 1 : 3;
const p50 = (xs: number[]) => +[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0);

async function main(): Promise<object> {
  const can = canManageNetworks();
  if (!can.ok) return { skipped: can.why };
  if (!qemuAvailable()) return { skipped: 'qemu-system-x86_64 is not installed' };
  const guest = await ensureGuestImages();
  const t = await startTestServer({ settings: { 'network.kvm.datapath': 'true' } });
  const web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
  const runs: Record<string, number>[] = [];
  const made: string[] = [];
  try {
    const { call } = await sessionClient(t.url);
    const lab = await buildKvmLab(call, t.dataDir, { host: true });
    const { templateId, offeringId } = await guestTemplateAndOffering(call, lab.zoneId, web.url);
    const phys = (await job(call, 'createPhysicalNetwork', { zoneid: lab.zoneId, name: 'phys', vlan: '600-699' })).physicalnetwork;
    await job(call, 'addTrafficType', { physicalnetworkid: phys.id, traffictype: 'Guest' });
    const off = (await ok(call, 'listNetworkOfferings', { name: 'DefaultIsolatedNetworkOfferingWithSourceNatService' })).networkoffering[0].id;
    const deploy = (name: string, networkids: string) => job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId,
      serviceofferingid: offeringId, name, networkids, 'details[0].stopTimeoutMs': '2000' }, 300_000).then((r) => r.virtualmachine);
    const expunge = (id: string) => job(call, 'destroyVirtualMachine', { id, expunge: 'true' }, 120_000);
    // A network implemented once (its router running) for the comparison deploys; the template is in the pool by then.
    const warm = (await ok(call, 'createNetwork', { zoneid: lab.zoneId, name: 'warm', networkofferingid: off, gateway: '10.89.0.1', netmask: '255.255.255.0' })).network.id;
    await expunge((await deploy('warm0', warm)).id);
    for (let i = 0; i < samples; i++) {
      const s0 = performance.now();
      const other = await deploy(`same${i}`, warm);
      const same = performance.now() - s0;
      await expunge(other.id);
      const gateway = `10.90.${i}.1`;
      const net = (await ok(call, 'createNetwork', { zoneid: lab.zoneId, name: `lease-${i}`, networkofferingid: off, gateway, netmask: '255.255.255.0' })).network.id;
      const t0 = performance.now();
      const vm = await deploy(`lease${i}`, net);
      const running = performance.now();
      const con = await openSerial((await t.core.qemu!.consoleEndpoint!(lab.hostId!, vm.id))!.serialSocketPath!);
      await con.waitFor(new RegExp(GUEST_READY_BANNER), 300_000);
      const booted = performance.now();
      const out = await con.exec('ip link set eth0 up; udhcpc -i eth0 -n -q -t 20 -T 1 -s /bin/true 2>&1 | grep lease', 60_000);
      const leased = performance.now();
      con.close();
      if (!out.includes(`lease of ${vm.nic[0].ipaddress} obtained`)) throw new Error(`no lease of ${vm.nic[0].ipaddress}: ${out}`);
      const router = (await ok(call, 'listRouters', { networkid: net })).router[0].id;
      const r0 = performance.now();
      await job(call, 'rebootRouter', { id: router });
      const r1 = performance.now();
      runs.push({ deployToRunningMs: running - t0, sameNetworkDeployToRunningMs: same, networkSetupAddsMs: running - t0 - same, deployToLeaseMs: leased - t0, guestBootMs: booted - t0, dhcpMs: leased - booted, routerStartMs: r1 - r0 });
      await expunge(vm.id);
      await job(call, 'deleteNetwork', { id: net });
      made.push(net);
    }
    await job(call, 'deleteNetwork', { id: warm });
    made.push(warm);
  } finally {
    await web.close();
    await t.stop();
    // deleteNetwork leaves the network's bridge on the host (a bridge is only made, never taken down): the bench's own go here.
    for (const id of made) await removeBridge(netKey(id));
  }
  const keys = Object.keys(runs[0]);
  return { samples, accel: 'tcg', ...Object.fromEntries(keys.map((k) => [`${k}P50`, p50(runs.map((r) => r[k]))])), routerDirectMsP50: await routerDirect(),
    // Each sample's figures too: a difference of two deploys is noisy on a busy machine, and a p50 of three hides it.
    runs: runs.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)]))) };
}

/** p50 of starting a router (namespace, guest leg, dnsmasq) straight through guest-net.ts, on a bridge of its own. */
async function routerDirect(): Promise<number> {
  const key = `bn${process.pid % 1000000}`.slice(0, 8);
  const dir = mkdtempSync(join(tmpdir(), 'sbr-'));
  const ms: number[] = [];
  try {
    const bridge = await ensureBridge({ key, vlan: null });
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await startRouter({ key, bridge, gateway: '10.91.0.1', prefix: 24, network: '10.91.0.0', netmask: '255.255.255.0', domain: 'bench.internal',
        hosts: [{ mac: '02:00:00:00:00:01', ip: '10.91.0.2', name: 'vm' }], dir });
      ms.push(performance.now() - t0);
      await stopRouter(key, dir);
    }
  } finally {
    await stopRouter(key, dir);
    await removeBridge(key);
    rmSync(dir, { recursive: true, force: true });
  }
  return p50(ms);
}

const result = JSON.stringify(await main(), null, 2);
process.stdout.write(result + '\n');
if (values.out) writeFileSync(values.out, result + '\n');
