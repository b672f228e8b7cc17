// The QEMU command line of a VM. Kept pure (spec in, argv out) so it can be read and tested on its own.
// Choices, and why:
// - machine `pc` (i440fx): ACPI PCI hot-plug works on the root bus with no pre-created ports, and the guest
//   kernel (Debian cloud) has the IDE driver for the CD-ROM but no AHCI, which q35 would need.
// - `-nodefaults` and every device explicit, so the guest hardware does not drift with QEMU versions.
// - `-daemonize` + `-pidfile`: QEMU outlives the management server; the pidfile and the QMP socket let the next
//   server process re-adopt it.
// - serial on a unix socket with a logfile: tests and the console can type into it, and the log keeps what was
//   printed while nobody was connected.
// - VNC on a unix socket (or 127.0.0.1) with the password in a secret file, never on the command line.
import path from 'node:path';
import type { VmNicSpec, VmSpec, VolumeSpec } from '../driver';
import type { VmPaths } from './vm-runtime';
import { configDriveIso } from './config-drive';

export const CDROM_ID = 'cd0';
const ISO_NODE = 'iso0';
const CONFIG_DRIVE_NODE = 'configdrive0';

/** QMP node name of a volume: stable across restarts, within QEMU's 31-character limit. */
export const volumeNode = (volumeId: string) => `vol${volumeId.replace(/-/g, '').slice(0, 24)}`;
export const volumeDevice = (volumeId: string) => `dev${volumeId.replace(/-/g, '').slice(0, 24)}`;

/**
 * Fixed PCI slot of a disk from its device id (slots 0-2 are the host bridge, PIIX and VGA). Live migration
 * needs the destination's devices at the same addresses as the source's, including disks hot-plugged later.
 */
export const pciAddr = (deviceId: number): string | undefined =>
  deviceId >= 0 && 4 + deviceId <= 31 ? `0x${(4 + deviceId).toString(16)}` : undefined;

export const volumeFile = (v: VolumeSpec) => {
  if (!v.path) throw new Error(`Volume ${v.id} has no path yet: create it before starting the VM`);
  return path.resolve(v.poolPath, v.path);
};

export interface QemuLaunch {
  accel: string;
  vncListen: 'unix' | 'tcp';
  /** Extra arguments from the VM details (`qemu.extraArgs`, space separated), for experiments. */
  extra?: string[];
  /**
   * How NICs reach their network: `tap` devices on the network's bridge (guest-net.ts; needs root), or QEMU's
   * user-mode networking, which needs nothing but is a lab-only stand-in (no VLAN, guests cannot reach each other;
   * its DHCP hands the guest the API's address).
   */
  nicMode?: 'tap' | 'user';
}

/** PCI slots of NICs count down from the last one, so they never meet the disks' slots counting up from 4. */
export const nicPciAddr = (deviceId: number) => `0x${(31 - deviceId).toString(16)}`;

const ipInt = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const ipText = (n: number) => [24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join('.');

/**
 * The address QEMU's user-mode DNS answers at: its default (.3 of the network) unless that is the guest's own address
 * (the second VM of a network often gets .3, and QEMU then refuses to start), so the first address of the network
 * that is neither the gateway nor the guest's.
 */
export function slirpDns(cidr: string, gateway: string, ip: string): string {
  const base = ipInt(cidr.split('/')[0]);
  const free = (i: number) => ipText(base + i) !== gateway && ipText(base + i) !== ip;
  if (free(3)) return ipText(base + 3);
  let i = 2;
  while (!free(i)) i++;
  return ipText(base + i);
}

/** A NIC's QEMU backend: its type and options (the same for the command line and QMP's netdev_add). */
export function nicNetdev(n: VmNicSpec, mode: 'tap' | 'user', tapOf: (nicId: string) => string): { type: string; opts: Record<string, string> } {
  const id = `net${n.deviceId}`;
  if (mode === 'tap') return { type: 'tap', opts: { id, ifname: tapOf(n.id), script: 'no', downscript: 'no' } };
  const opts: Record<string, string> = { id, hostname: n.hostname };
  if (n.cidr && n.gateway && n.ip) Object.assign(opts, { net: n.cidr, host: n.gateway, dns: slirpDns(n.cidr, n.gateway, n.ip), dhcpstart: n.ip });
  return { type: 'user', opts };
}

/** A NIC's guest device: virtio-net with the MAC the API reports, at a fixed PCI slot; the network's MTU tells the
 *  guest driver its MTU (virtio's host_mtu, which only tap backends honour). */
export function nicDevice(n: VmNicSpec, mode: 'tap' | 'user'): Record<string, string | number> {
  const d: Record<string, string | number> = { driver: 'virtio-net-pci', netdev: `net${n.deviceId}`, id: `nic${n.deviceId}`, mac: n.mac, addr: nicPciAddr(n.deviceId) };
  if (mode === 'tap' && n.mtu) d.host_mtu = n.mtu;
  return d;
}

const optText = (o: Record<string, string | number>) => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(',');

/** -netdev/-device pairs of the NICs. */
export function nicArgs(nics: VmNicSpec[], mode: 'tap' | 'user', tapOf: (nicId: string) => string): string[] {
  const args: string[] = [];
  for (const n of nics) {
    const nd = nicNetdev(n, mode, tapOf);
    const { driver, ...dev } = nicDevice(n, mode);
    args.push('-netdev', `${nd.type},${optText(nd.opts)}`, '-device', `${driver},${optText(dev)}`);
  }
  return args;
}

export function qcow2Blockdev(node: string, file: string, readOnly = false): string {
  return JSON.stringify({ driver: 'qcow2', 'node-name': node, 'read-only': readOnly, file: { driver: 'file', filename: file } });
}

export function isoBlockdev(file: string, node = ISO_NODE): string {
  return JSON.stringify({ driver: 'raw', 'node-name': node, 'read-only': true, file: { driver: 'file', filename: file, 'read-only': true } });
}

export function buildQemuArgs(vm: VmSpec, p: VmPaths, l: QemuLaunch, tapOf: (nicId: string) => string = (id) => id): string[] {
  const args = [
    '-name', `guest=${vm.instanceName},debug-threads=on`,
    '-uuid', vm.id,
    '-machine', 'pc',
    '-accel', l.accel,
    '-cpu', l.accel === 'kvm' ? 'host' : 'max',
    '-m', String(vm.memoryMb),
    '-smp', String(Math.max(1, vm.cpuNumber)),
    '-nodefaults', '-no-user-config',
    '-vga', 'std',
    '-chardev', `socket,id=serial0,path=${p.serial},server=on,wait=off,logfile=${p.serialLog}`,
    '-serial', 'chardev:serial0',
    '-chardev', `socket,id=qmp0,path=${p.qmp},server=on,wait=off`,
    '-mon', 'chardev=qmp0,mode=control',
    '-object', `secret,id=vncpw,file=${p.vncSecret},format=raw`,
    '-vnc', l.vncListen === 'tcp' ? '127.0.0.1:0,to=1000,password-secret=vncpw' : `unix:${p.vnc},password-secret=vncpw`,
    '-pidfile', p.pidfile,
    '-daemonize',
    '-msg', 'timestamp=on',
  ];
  const rank = (v: VolumeSpec) => (v.type === 'ROOT' ? 0 : 1);
  const vols = [...vm.volumes].sort((a, b) => rank(a) - rank(b) || a.deviceId - b.deviceId);
  const root = vols.find((v) => v.type === 'ROOT');
  // A VM deployed from an ISO has a blank ROOT disk (no template): it boots from the CD-ROM first.
  const bootFromIso = Boolean(vm.isoPath) && (root === undefined || !root.templateId);
  for (const v of vols) {
    const node = volumeNode(v.id);
    args.push('-blockdev', qcow2Blockdev(node, volumeFile(v)));
    const boot = v === root ? `,bootindex=${bootFromIso ? 2 : 1}` : '';
    const addr = pciAddr(v.deviceId);
    args.push('-device', `virtio-blk-pci,drive=${node},id=${volumeDevice(v.id)}${addr ? `,addr=${addr}` : ''}${boot}`);
  }
  // The CD-ROM drive always exists (empty without an ISO) so media can be inserted while the VM runs.
  const cdBoot = `,bootindex=${bootFromIso ? 1 : 3}`;
  if (vm.isoPath) {
    args.push('-blockdev', isoBlockdev(vm.isoPath));
    args.push('-device', `ide-cd,id=${CDROM_ID},bus=ide.1,unit=0,drive=${ISO_NODE}${cdBoot}`);
  } else {
    args.push('-device', `ide-cd,id=${CDROM_ID},bus=ide.1,unit=0${cdBoot}`);
  }
  // The config drive (SSH keys, user data) as a second CD-ROM the guest sees as its own read-only disc.
  if (vm.configDrive) {
    args.push('-blockdev', isoBlockdev(configDriveIso(p.dir), CONFIG_DRIVE_NODE));
    args.push('-device', `ide-cd,id=configdrive,bus=ide.1,unit=1,drive=${CONFIG_DRIVE_NODE}`);
  }
  if (vm.nics?.length) args.push(...nicArgs(vm.nics, l.nicMode ?? 'user', tapOf));
  if (l.extra) args.push(...l.extra);
  return args;
}
