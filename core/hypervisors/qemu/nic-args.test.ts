// The QEMU arguments of guest NICs: virtio-net with the API's MAC, on a tap device of the network's bridge, or on
// QEMU's user-mode network whose DHCP hands the guest exactly the API's address (the lab-only fallback).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { slirpDns, nicArgs, nicDevice } from './qemu-args';
import { bridgeLayout, ensureBridge, fitToUnderlay, mtuForUnderlay, vxlanGroup } from './guest-net';
import type { VmNicSpec } from '../driver';

const nic: VmNicSpec = { id: 'n1', mac: '02:00:aa:bb:cc:dd', deviceId: 0, networkId: 'net', vlan: 100, guestIf: 'eth1',
  ip: '10.1.1.7', cidr: '10.1.1.0/24', gateway: '10.1.1.1', hostname: 'web1' };

describe('NIC arguments', () => {
  it('puts the NIC on its tap device with the API MAC, in a PCI slot clear of the disks', () => {
    expect(nicArgs([nic, { ...nic, id: 'n2', deviceId: 1, mac: '02:00:00:00:00:02' }], 'tap', (id) => `stp${id}`)).toEqual([
      '-netdev', 'tap,id=net0,ifname=stpn1,script=no,downscript=no',
      '-device', 'virtio-net-pci,netdev=net0,id=nic0,mac=02:00:aa:bb:cc:dd,addr=0x1f',
      '-netdev', 'tap,id=net1,ifname=stpn2,script=no,downscript=no',
      '-device', 'virtio-net-pci,netdev=net1,id=nic1,mac=02:00:00:00:00:02,addr=0x1e',
    ]);
  });

  it("tells the guest the network's MTU through virtio (tap only: user-mode networking has no MTU to honour)", () => {
    expect(nicArgs([{ ...nic, mtu: 1400 }], 'tap', (id) => id)[3]).toBe('virtio-net-pci,netdev=net0,id=nic0,mac=02:00:aa:bb:cc:dd,addr=0x1f,host_mtu=1400');
    expect(nicDevice({ ...nic, mtu: 1400 }, 'tap')).toMatchObject({ driver: 'virtio-net-pci', host_mtu: 1400 });
    expect(nicDevice({ ...nic, mtu: 1400 }, 'user')).not.toHaveProperty('host_mtu');
  });

  it('without root: user-mode networking whose DHCP gives the API address, gateway and hostname', () => {
    expect(nicArgs([nic], 'user', (id) => id)).toEqual([
      '-netdev', 'user,id=net0,hostname=web1,net=10.1.1.0/24,host=10.1.1.1,dns=10.1.1.3,dhcpstart=10.1.1.7',
      '-device', 'virtio-net-pci,netdev=net0,id=nic0,mac=02:00:aa:bb:cc:dd,addr=0x1f',
    ]);
  });

  it("keeps QEMU's DNS address off the guest's own address (QEMU refuses to start when they meet)", () => {
    expect(slirpDns('10.1.1.0/24', '10.1.1.1', '10.1.1.7')).toBe('10.1.1.3');
    expect(slirpDns('10.1.1.0/24', '10.1.1.1', '10.1.1.3')).toBe('10.1.1.2');
    expect(slirpDns('10.1.1.0/24', '10.1.1.2', '10.1.1.3')).toBe('10.1.1.4');
  });
});

describe('bridge layout on the host', () => {
  it("is CloudStack's: VLAN <pif>.<vlan> in bridge br<pif>-<vlan>; a network without VLAN keeps a bridge of its own", () => {
    expect(bridgeLayout({ key: 'abcd1234', vlan: 100, guestIf: 'eth1' })).toEqual({ bridge: 'breth1-100', vlanIf: 'eth1.100' });
    expect(bridgeLayout({ key: 'abcd1234', vlan: 4094, guestIf: 'enp1s0f1' })).toEqual({ bridge: 'brenp1s0f1-4094', vlanIf: 'enp1s0f1.4094' });
    // Past Linux's 15 characters: names from the network's key.
    expect(bridgeLayout({ key: 'abcd1234', vlan: 100, guestIf: 'enp1s0f1np1' })).toEqual({ bridge: 'sbrabcd1234', vlanIf: 'svlabcd1234' });
    expect(bridgeLayout({ key: 'abcd1234', vlan: null, guestIf: 'eth1' })).toEqual({ bridge: 'sbrabcd1234', vlanIf: null });
    expect(bridgeLayout({ key: 'abcd1234', vlan: 100, guestIf: null })).toEqual({ bridge: 'sbrabcd1234', vlanIf: null });
  });
  it("is CloudStack's for VXLAN: vxlan<vni> in bridge brvx-<vni>, broadcasts to the VNI's multicast group", () => {
    expect(bridgeLayout({ key: 'abcd1234', vlan: 16777214, guestIf: 'enp1s0f1np1', isolation: 'Vxlan' }))
      .toEqual({ bridge: 'brvx-16777214', vlanIf: 'vxlan16777214' });
    expect(vxlanGroup(5000)).toBe('239.0.19.136');
    expect(vxlanGroup(16777214)).toBe('239.255.255.254');
  });
});

describe("a VXLAN network's MTU on the host", () => {
  const vx = { vlan: 5000, guestIf: 'pnet0', isolation: 'Vxlan' as const };
  it('fits 50 bytes under the guest interface: 1450 on a 1500 underlay, never above what the network asks', () => {
    expect(mtuForUnderlay({ ...vx, mtu: null }, 1500)).toBe(1450);
    expect(mtuForUnderlay({ ...vx, mtu: 1400 }, 1500)).toBe(1400);
    // A jumbo underlay carries the default 1500 whole (and no more: the network's MTU stays its own).
    expect(mtuForUnderlay({ ...vx, mtu: null }, 9000)).toBe(1500);
    expect(mtuForUnderlay({ ...vx, mtu: null }, 1550)).toBe(1500);
    // VLAN networks carry their tag in the NIC: no overhead taken. Unknown underlay: unchanged.
    expect(mtuForUnderlay({ ...vx, isolation: 'Vlan', mtu: null }, 1500)).toBeNull();
    expect(mtuForUnderlay({ ...vx, mtu: 1300 }, null)).toBe(1300);
  });
  it("reads the underlay from this host's interface", () => {
    // Loopback's 65536 leaves the default; an interface this host lacks leaves the spec as it was.
    expect(fitToUnderlay({ ...vx, guestIf: 'lo', mtu: null }).mtu).toBe(1500);
    const none = { ...vx, guestIf: 'nosuchif0', mtu: null };
    expect(fitToUnderlay(none)).toBe(none);
  });
});

// This machine's kernel cannot make 802.1q links (README, "802.1q on this machine"), so the VLAN layout's commands
// are checked as issued: a stand-in `ip` first on PATH records them (and can answer as a kernel without 8021q does).
describe('802.1q: the commands a VLAN network issues on the host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-ip-shim-'));
  const log = join(dir, 'log');
  const path = process.env.PATH;
  afterAll(() => { process.env.PATH = path; rmSync(dir, { recursive: true, force: true }); });
  function shim(no8021q: boolean) {
    writeFileSync(join(dir, 'ip'), `#!/bin/sh\necho "$*" >> ${log}\n${no8021q
      ? 'case "$*" in *"type vlan"*) echo "Error: Unknown device type." >&2; exit 2;; esac\n' : ''}exit 0\n`);
    chmodSync(join(dir, 'ip'), 0o755);
    writeFileSync(log, '');
    process.env.PATH = `${dir}:${path}`;
  }

  it('makes <pif>.<vlan> on the guest interface, with the MTU, in bridge br<pif>-<vlan>', async () => {
    shim(false);
    expect(await ensureBridge({ key: 'abcd1234', vlan: 100, guestIf: 'eth1', mtu: 1400, isolation: 'Vlan' })).toBe('breth1-100');
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'link add breth1-100 type bridge',
      'link add link eth1 name eth1.100 type vlan id 100',
      'link set eth1.100 mtu 1400',
      'link set eth1.100 master breth1-100 up',
      'link set breth1-100 mtu 1400',
      'link set breth1-100 up',
    ]);
  });
  it('says plainly when the kernel has no 802.1q', async () => {
    shim(true);
    await expect(ensureBridge({ key: 'abcd1234', vlan: 101, guestIf: 'eth1', isolation: 'Vlan' }))
      .rejects.toThrow(/VLAN 101 cannot be made on eth1: this host's kernel has no 802.1q support \(modprobe 8021q\)/);
  });
});
