// The QEMU arguments of guest NICs: virtio-net with the API's MAC, on a tap device of the network's bridge, or on
// QEMU's user-mode network whose DHCP hands the guest exactly the API's address (the lab-only fallback).
import { describe, expect, it } from 'vitest';
import { slirpDns, nicArgs } from './qemu-args';
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
