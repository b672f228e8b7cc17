// Two real QEMU guests (TCG) on one guest network: virtio-net on tap devices of the network's bridge with the MACs
// the API gave them, each gets its reserved address by DHCP from the router namespace, resolves the other's name and
// pings it (read from the serial consoles). Needs root and QEMU; removes its QEMUs, namespaces and links afterwards.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../kernel/services';
import type { VmNicSpec } from '../driver';
import { ensureGuestImages, GUEST_READY_BANNER } from './guest-image';
import { isAlive } from './proc';
import { createQemuDriver, type QemuDriver } from './qemu-driver';
import { openSerial, type SerialConsole } from './serial';
import { qemuInstalled, rootVolume, tempDir, uuid, vmSpec } from './test-support';
import { canManageNetworks, ensureBridge, netKey, removeBridge, removeTap, startRouter, stopRouter } from './guest-net';

const can = canManageNetworks();
const runnable = qemuInstalled && can.ok;
if (!runnable) console.warn(`Skipping the QEMU guest network test: ${qemuInstalled ? can.why : 'QEMU is not installed'}`);

describe.skipIf(!runnable)('two QEMU guests on a guest network (root)', () => {
  const tmp = tempDir('sqn-');
  const pool = path.join(tmp.dir, 'pool');
  const hostId = uuid();
  const templateId = uuid();
  const networkId = uuid();
  const key = netKey(networkId);
  const routerDir = path.join(tmp.dir, 'router');
  const log: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => log };
  const nics: VmNicSpec[] = [1, 2].map((i) => ({
    id: uuid(), mac: `02:00:${randomBytes(3).toString('hex').match(/../g)!.join(':')}:0${i}`, deviceId: 0, networkId, vlan: null,
    guestIf: null, ip: `10.79.1.1${i}`, cidr: '10.79.1.0/24', gateway: '10.79.1.1', hostname: `vm${i}`,
  }));
  let driver: QemuDriver;
  const pids: number[] = [];
  const consoles: SerialConsole[] = [];

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    driver = createQemuDriver({ workDir: path.join(tmp.dir, 'work'), log, stopTimeoutMs: 3000 });
    await driver.connectHost({ hostId, name: 'kvm-net', url: 'qemu://localhost?accel=tcg', details: {} });
    await driver.ensureTemplate!(hostId, { templateId, sourcePath: guest.qcow2, poolId: 'pool-1', poolPath: pool });
    const bridge = await ensureBridge({ key, vlan: null });
    await startRouter({ key, bridge, gateway: '10.79.1.1', prefix: 24, network: '10.79.1.0', netmask: '255.255.255.0', domain: 'lab.internal',
      hosts: nics.map((n) => ({ mac: n.mac, ip: n.ip!, name: n.hostname })), dir: routerDir });
    await Promise.all(nics.map(async (nic) => {
      const root = rootVolume(pool, templateId);
      root.path = await driver.createVolume(hostId, root);
      const vm = vmSpec([root], { nics: [nic], netMode: 'bridge' });
      await driver.startVm(hostId, vm);
      pids.push(driver.pidOf(vm.id)!);
      const con = await openSerial((await driver.consoleEndpoint!(hostId, vm.id))!.serialSocketPath!);
      consoles.push(con);
      await con.waitFor(new RegExp(GUEST_READY_BANNER), 120_000);
    }));
  }, 300_000);

  afterAll(async () => {
    for (const c of consoles) c.close();
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await driver?.shutdown();
    for (const n of nics) await removeTap(n.id);
    await stopRouter(key, routerDir);
    await removeBridge(key);
    tmp.cleanup();
  }, 60_000);

  it('each guest gets its reserved address by DHCP, resolves the other by name and pings it', async () => {
    for (const [i, con] of consoles.entries()) {
      const mac = (await con.exec('cat /sys/class/net/eth0/address')).trim();
      const nic = nics.find((n) => mac.includes(n.mac))!;
      expect(nic, `guest ${i} has MAC ${mac}`).toBeDefined();
      const lease = await con.exec('ip link set eth0 up; udhcpc -i eth0 -n -q -t 10 -T 2 -s /bin/true 2>&1 | grep lease', 60_000);
      expect(lease).toContain(`lease of ${nic.ip} obtained`);
      // The guest has no udhcpc script: apply the lease as its script would.
      await con.exec(`ip addr add ${nic.ip}/24 dev eth0; echo nameserver 10.79.1.1 > /etc/resolv.conf`);
    }
    const [, con2] = consoles;
    const macOf1 = (await consoles[0].exec('cat /sys/class/net/eth0/address')).trim();
    const first = nics.find((n) => macOf1.includes(n.mac))!;
    const other = nics.find((n) => n !== first)!;
    expect(await consoles[0].exec(`nslookup ${other.hostname} 10.79.1.1 2>&1`, 20_000)).toContain(other.ip!);
    expect(await consoles[0].exec(`ping -c 1 -W 5 $(nslookup ${other.hostname} 10.79.1.1 2>/dev/null | awk '/^Address/ {a=$NF} END {print a}')`, 30_000))
      .toContain('1 packets received');
    expect(await con2.exec('ping -c 1 -W 5 10.79.1.1', 30_000)).toContain('1 packets received');
  }, 240_000);
});
