// The data path of guest networks on a KVM host, from Debian's own parts (iproute2, dnsmasq, nftables):
// - a Linux bridge per guest network, with the network's VLAN on the host's guest interface as a member, so two
//   hosts' VMs of one network meet on the wire and two networks never do;
// - a tap device per NIC on that bridge (QEMU's virtio-net uses it with the MAC the API reports);
// - the virtual router in a network namespace of the host (not a system VM: a namespace starts in milliseconds where
//   CloudStack boots a router VM in tens of seconds, and needs no image): the network's gateway address on a veth
//   in the bridge, dnsmasq for DHCP (each VM's reserved address and hostname) and DNS by name, and source NAT with
//   nftables from the guest side to the public side (a veth in the zone's public bridge with the source NAT address).
// Everything here needs root (CAP_NET_ADMIN); canManageNetworks() says whether this host has it.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

async function run(cmd: string, args: string[], input?: string): Promise<string> {
  if (input === undefined) return (await exec(cmd, args)).stdout;
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
    child.stdin!.end(input);
  });
}

/** Runs `ip ...`, ignoring "exists" answers when asked (setting up is idempotent). */
async function ip(args: string[], okIfExists = false): Promise<void> {
  try { await run('ip', args); } catch (e) {
    if (okIfExists && /File exists|RTNETLINK answers: File exists/.test(String((e as { stderr?: string }).stderr ?? e))) return;
    throw new Error(`ip ${args.join(' ')}: ${String((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`);
  }
}

let probed: { ok: boolean; why?: string } | undefined;

/**
 * Whether bridges and namespaces can be made here: root, iproute2, dnsmasq and nft installed, and a bridge can
 * really be made (root in a container without CAP_NET_ADMIN cannot). Probed once per process.
 */
export function canManageNetworks(): { ok: boolean; why?: string } {
  if (probed) return probed;
  if (process.getuid?.() !== 0) return (probed = { ok: false, why: 'the management server does not run as root (bridges and namespaces need CAP_NET_ADMIN)' });
  for (const bin of ['/usr/sbin/ip', '/usr/sbin/dnsmasq', '/usr/sbin/nft']) {
    if (!existsSync(bin) && !existsSync(bin.replace('/usr', ''))) return (probed = { ok: false, why: `${bin} is not installed` });
  }
  const name = `sprobe${process.pid % 100000}`;
  const made = spawnSync('ip', ['link', 'add', name, 'type', 'bridge'], { encoding: 'utf8' });
  spawnSync('ip', ['link', 'del', name]);
  if (made.status !== 0) return (probed = { ok: false, why: `bridges cannot be made here: ${(made.stderr || '').trim() || `ip exited with ${made.status}`}` });
  return (probed = { ok: true });
}

/** What a host says of its guest networking (HostInfo.guestNetworking): `bridge`, or why not. */
export const guestNetworkingOf = (c: { ok: boolean; why?: string }) => (c.ok ? 'bridge' : `user-mode (lab-only): ${c.why}`);

/** Interface names have at most 15 characters: every name is a short prefix and an 8-character key of the network. */
export const netKey = (networkId: string) => networkId.replace(/-/g, '').slice(-8);
export const bridgeOf = (key: string) => `sbr${key}`;
const vlanIfOf = (key: string) => `svl${key}`;
export const routerNs = (key: string) => `svr-${key}`;
export const tapOf = (nicId: string) => `stp${nicId.replace(/-/g, '').slice(-8)}`;

/**
 * How a network's traffic is kept apart between hosts, from its physical network's isolation method (CloudStack's
 * broadcast domain type): 'Vlan' (802.1q) or 'Vxlan' (VXLAN over the guest interface's IP network).
 */
export type Isolation = 'Vlan' | 'Vxlan';

export interface GuestBridge { key: string; vlan: number | null; guestIf?: string | null; mtu?: number | null; isolation?: Isolation | null }

/**
 * CloudStack's layout on KVM hosts. VLAN: the guest VLAN is a sub-interface `<pif>.<vlan>` of the physical network's
 * guest interface, in a bridge `br<pif>-<vlan>` (so every network on that VLAN, on any host, meets on that bridge);
 * Linux names have at most 15 characters: with a longer interface name both fall back to names made from the network's
 * key. VXLAN: a `vxlan<vni>` device over the guest interface in a bridge `brvx-<vni>`. A network without a VLAN/VNI or
 * a guest interface gets a bridge of its own that stays on this host.
 */
export function bridgeLayout(b: GuestBridge): { bridge: string; vlanIf: string | null } {
  if (!b.guestIf || b.vlan === null) return { bridge: bridgeOf(b.key), vlanIf: null };
  if (b.isolation === 'Vxlan') return { bridge: `brvx-${b.vlan}`, vlanIf: `vxlan${b.vlan}` };
  const bridge = `br${b.guestIf}-${b.vlan}`;
  const vlanIf = `${b.guestIf}.${b.vlan}`;
  return bridge.length <= 15 && vlanIf.length <= 15 ? { bridge, vlanIf } : { bridge: bridgeOf(b.key), vlanIf: vlanIfOf(b.key) };
}

/**
 * The multicast group of a VNI, as CloudStack's modifyvxlan.sh derives it (239.<vni's three bytes>): every host of a
 * network joins the same group on its guest interface, so broadcasts (ARP, DHCP) reach all of them without a
 * controller, and the kernel learns the unicast peers from what arrives.
 */
export const vxlanGroup = (vni: number) => `239.${(vni >> 16) & 255}.${(vni >> 8) & 255}.${vni & 255}`;
/** VXLAN's IANA port (Linux's own default, 8472, predates it); every host must use the same one. */
export const VXLAN_PORT = 4789;

/** What VXLAN adds to each frame on the underlay: outer IPv4 (20), UDP (8), VXLAN (8) and the inner Ethernet (14). */
export const VXLAN_OVERHEAD = 50;
/** A network's guest-side MTU when it sets none (CloudStack's default). */
export const DEFAULT_MTU = 1500;

/**
 * The guest-side MTU a network can have on this host: on VXLAN, what fits in the guest interface's MTU once VXLAN
 * has taken its 50 bytes (a 1500 underlay carries 1450-byte guest frames; a larger frame is dropped by the bridge in
 * front of the vxlan device, silently), and never more than the network asks for. Other networks keep theirs.
 */
export function mtuForUnderlay(b: Pick<GuestBridge, 'vlan' | 'guestIf' | 'mtu' | 'isolation'>, underlayMtu: number | null): number | null {
  if (b.isolation !== 'Vxlan' || !b.guestIf || b.vlan === null || !underlayMtu) return b.mtu ?? null;
  return Math.min(b.mtu ?? DEFAULT_MTU, underlayMtu - VXLAN_OVERHEAD);
}

/** The MTU of an interface of this host (its network namespace's /sys), or null when there is no such interface. */
export function linkMtu(dev: string): number | null {
  try { return Number(readFileSync(`/sys/class/net/${dev}/mtu`, 'utf8').trim()) || null; } catch { return null; }
}

/**
 * A NIC's or router's spec with the MTU its network can have here (mtuForUnderlay): the bridge, the vxlan device,
 * the taps, the guests' virtio-net, the router's leg and DHCP option 26 all get this one value.
 */
export function fitToUnderlay<T extends Pick<GuestBridge, 'vlan' | 'guestIf' | 'mtu' | 'isolation'>>(b: T): T {
  if (b.isolation !== 'Vxlan' || !b.guestIf) return b;
  const mtu = mtuForUnderlay(b, linkMtu(b.guestIf));
  return mtu === (b.mtu ?? null) ? b : { ...b, mtu };
}

async function addLowerLink(b: GuestBridge, vlanIf: string): Promise<void> {
  const vni = String(b.vlan);
  if (b.isolation === 'Vxlan') {
    await ip(['link', 'add', vlanIf, 'type', 'vxlan', 'id', vni, 'group', vxlanGroup(b.vlan!), 'ttl', '10', 'dev', b.guestIf!,
      'dstport', String(VXLAN_PORT)], true).catch((e: Error) => {
      throw new Error(`VXLAN ${vni} cannot be made on ${b.guestIf} (the guest interface needs an IPv4 address and multicast): ${e.message}`);
    });
    return;
  }
  await ip(['link', 'add', 'link', b.guestIf!, 'name', vlanIf, 'type', 'vlan', 'id', vni], true).catch((e: Error) => {
    if (/Unknown device type|not supported/i.test(e.message)) {
      throw new Error(`VLAN ${vni} cannot be made on ${b.guestIf}: this host's kernel has no 802.1q support (modprobe 8021q): ${e.message}`);
    }
    throw e;
  });
}

/** Whether a link of this host is up with the MTU asked (none asked: any) and, when given, in that bridge. */
function linkReady(dev: string, mtu: number | null | undefined, master?: string): boolean {
  try {
    if ((Number(readFileSync(`/sys/class/net/${dev}/flags`, 'utf8')) & 1) !== 1) return false;
    if (master && !readlinkSync(`/sys/class/net/${dev}/master`).endsWith(`/${master}`)) return false;
    return !mtu || linkMtu(dev) === mtu;
  } catch { return false; }
}

/** The network's bridge on this host, with its VLAN (or VXLAN) link on the guest interface as a member. Idempotent. */
export async function ensureBridge(b: GuestBridge): Promise<string> {
  const { bridge: br, vlanIf } = bridgeLayout(b);
  // Already as asked (the router's start made it, or another VM of the network): no process started (each costs
  // milliseconds on a quiet host, far more on a loaded one, and a VM's start wires every NIC through here).
  if (linkReady(br, b.mtu) && (!vlanIf || linkReady(vlanIf, b.mtu, br))) return br;
  await ip(['link', 'add', br, 'type', 'bridge'], true);
  if (vlanIf) {
    await addLowerLink(b, vlanIf);
    if (b.mtu) await ip(['link', 'set', vlanIf, 'mtu', String(b.mtu)]);
    await ip(['link', 'set', vlanIf, 'master', br, 'up']);
  }
  if (b.mtu) await ip(['link', 'set', br, 'mtu', String(b.mtu)]);
  await ip(['link', 'set', br, 'up']);
  return br;
}

/** Removes the bridge and its VLAN member (a key alone: the host-local bridge of a network without a VLAN). */
export async function removeBridge(b: GuestBridge | string): Promise<void> {
  const { bridge, vlanIf } = bridgeLayout(typeof b === 'string' ? { key: b, vlan: null } : b);
  for (const dev of [vlanIf, bridge]) if (dev) await ip(['link', 'del', dev]).catch(() => undefined);
}

/** A tap device for a NIC, on the network's bridge (with the network's MTU when it has one). */
export async function ensureTap(nicId: string, bridge: string, mtu?: number | null): Promise<string> {
  const tap = tapOf(nicId);
  // One process for a new tap; one left behind (a VM that died) makes the batch stop at its first line, and the
  // steps then run one by one, tolerating it.
  const steps = [`tuntap add dev ${tap} mode tap`, ...(mtu ? [`link set ${tap} mtu ${mtu}`] : []), `link set ${tap} master ${bridge} up`];
  if (await run('ip', ['-batch', '-'], steps.join('\n') + '\n').then(() => true, () => false)) return tap;
  await ip(['tuntap', 'add', 'dev', tap, 'mode', 'tap'], true);
  if (mtu) await ip(['link', 'set', tap, 'mtu', String(mtu)]);
  await ip(['link', 'set', tap, 'master', bridge, 'up']);
  return tap;
}

export async function removeTap(nicId: string): Promise<void> {
  await ip(['link', 'del', tapOf(nicId)]).catch(() => undefined);
}

/**
 * One change at a time per bridge in this process (the one driver of this host): a bridge being pruned is never one
 * a NIC or a router leg is being wired to at that moment. Not nested: a body never takes its own bridge again.
 */
const bridgeQueues = new Map<string, Promise<unknown>>();
export function withBridge<T>(bridge: string, fn: () => Promise<T>): Promise<T> {
  const next = (bridgeQueues.get(bridge) ?? Promise.resolve()).then(fn, fn);
  const tail = next.catch(() => undefined);
  bridgeQueues.set(bridge, tail);
  void tail.then(() => { if (bridgeQueues.get(bridge) === tail) bridgeQueues.delete(bridge); });
  return next;
}

export const masterOf = (dev: string): string | null => {
  try { return basename(readlinkSync(`/sys/class/net/${dev}/master`)); } catch { return null; }
};
/** The bridges bridgeLayout makes (never an operator's public bridge), and the uplinks ensureBridge puts in them. */
const isGuestBridge = (dev: string) => /^(sbr[0-9a-f]{8}|brvx-\d+|br.+-\d+)$/.test(dev);
const isUplink = (dev: string) => /^(vxlan\d+|svl[0-9a-f]{8}|.+\.\d+)$/.test(dev);

/**
 * Removes a guest bridge (and its VLAN or VXLAN uplink) once no tap and no router leg is in it, as CloudStack's KVM
 * agent drops a vnet bridge nothing uses: a deleted network leaves nothing behind on its hosts. The network's next
 * VM or router on this host makes it again. Answers whether it removed the bridge.
 */
export function pruneBridge(bridge: string): Promise<boolean> {
  if (!isGuestBridge(bridge)) return Promise.resolve(false);
  return withBridge(bridge, async () => {
    let members: string[];
    try { members = readdirSync(`/sys/class/net/${bridge}/brif`); } catch { return false; }
    if (members.some((m) => !isUplink(m))) return false;
    for (const dev of [...members, bridge]) await ip(['link', 'del', dev]).catch(() => undefined);
    return true;
  });
}

/** A NIC's tap on its network's bridge, the bridge made first when missing (under the bridge's turn). */
export function plugTap(b: GuestBridge, nicId: string): Promise<string> {
  return withBridge(bridgeLayout(b).bridge, async () => ensureTap(nicId, await ensureBridge(b), b.mtu));
}

/** Removes a NIC's tap, then its bridge if nothing else is left in it. */
export async function unplugTap(nicId: string): Promise<void> {
  const bridge = masterOf(tapOf(nicId));
  await removeTap(nicId);
  if (bridge) await pruneBridge(bridge);
}

export interface DhcpHost { mac: string; ip: string; name: string }
export interface RouterSpec {
  key: string;
  /** The network's bridge on this host (ensureBridge). */
  bridge: string;
  /** The network's gateway, handed to guests as their router. */
  gateway: string;
  /** The router's own address on the guest side: the gateway (isolated networks), or an address of the network's
   *  range on a shared network, whose gateway is the operator's router (the virtual router then serves DHCP and DNS). */
  address?: string;
  prefix: number;
  /** The network's MTU: the router's guest leg, and DHCP option 26 for the guests. */
  mtu?: number | null;
  /** First address of the network (10.1.1.0) and its netmask, for dnsmasq's static range. */
  network: string;
  netmask: string;
  domain: string;
  hosts: DhcpHost[];
  /** Source NAT: the zone's public bridge, the network's public address and the public gateway. */
  public?: { bridge: string; ip: string; prefix: number; gateway: string };
  /** Folder for dnsmasq's files (pid, hosts, leases, log). */
  dir: string;
}

const nsRun = (ns: string, cmd: string, args: string[], input?: string) => run('ip', ['netns', 'exec', ns, cmd, ...args], input);

function writeHosts(r: RouterSpec): void {
  writeFileSync(join(r.dir, 'dhcp-hosts'), r.hosts.map((h) => `${h.mac},${h.ip},${h.name},infinite`).join('\n') + '\n');
  // DNS by name from the start, not only once a VM holds its lease.
  writeFileSync(join(r.dir, 'names'), r.hosts.map((h) => `${h.ip} ${h.name}.${r.domain} ${h.name}`).join('\n') + '\n');
}

/** Starts (or restarts) the router of a network: namespace, guest and public legs, source NAT, dnsmasq. */
export async function startRouter(r: RouterSpec): Promise<void> {
  const ns = routerNs(r.key);
  await stopRouter(r.key, r.dir);
  mkdirSync(r.dir, { recursive: true });
  // Few processes (each costs milliseconds, far more on a loaded host): the legs are made with their inner end already
  // in the namespace and named there, and everything inside the namespace is one `ip -batch`.
  await ip(['netns', 'add', ns]);
  await ip(['link', 'add', `vg${r.key}`, ...(r.mtu ? ['mtu', String(r.mtu)] : []), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await ip(['link', 'set', `vg${r.key}`, 'master', r.bridge, 'up']);
  const self = r.address ?? r.gateway;
  const inside = ['link set lo up', ...(r.mtu ? [`link set eth0 mtu ${r.mtu}`] : []), `addr add ${self}/${r.prefix} dev eth0`, 'link set eth0 up'];
  if (r.public) {
    await ip(['link', 'add', `vp${r.key}`, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', ns]);
    await ip(['link', 'set', `vp${r.key}`, 'master', r.public.bridge, 'up']);
    inside.push(`addr add ${r.public.ip}/${r.public.prefix} dev eth1`, 'link set eth1 up', `route add default via ${r.public.gateway}`);
  }
  await run('ip', ['-n', ns, '-batch', '-'], inside.join('\n') + '\n');
  if (r.public) {
    // Guests leave through the public leg from the network's source NAT address.
    await nsRun(ns, 'sh', ['-c', 'sysctl -qw net.ipv4.ip_forward=1 && exec nft -f -'], [
      'table ip strata_nat {',
      '  chain postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      `    ip saddr ${r.network}/${r.prefix} oifname "eth1" snat to ${r.public.ip}`,
      '  }',
      '}',
    ].join('\n') + '\n');
  }
  writeHosts(r);
  await nsRun(ns, 'dnsmasq', [
    // As root (as in CloudStack's router): its files live in the server's data folder, which other users may not read.
    '--conf-file=/dev/null', '--user=root', '--no-resolv', '--no-hosts', '--bind-interfaces', '--interface=eth0', '--except-interface=lo',
    `--pid-file=${join(r.dir, 'dnsmasq.pid')}`, `--dhcp-leasefile=${join(r.dir, 'leases')}`, `--log-facility=${join(r.dir, 'dnsmasq.log')}`,
    `--dhcp-range=${r.network},static,${r.netmask},infinite`, `--dhcp-hostsfile=${join(r.dir, 'dhcp-hosts')}`,
    `--addn-hosts=${join(r.dir, 'names')}`, `--domain=${r.domain}`, `--local=/${r.domain}/`, '--expand-hosts', '--dhcp-authoritative',
    `--dhcp-option=option:router,${r.gateway}`, `--dhcp-option=option:dns-server,${self}`, `--dhcp-option=option:domain-name,${r.domain}`,
    ...(r.mtu ? [`--dhcp-option=option:mtu,${r.mtu}`] : []),
  ]);
}

/** New DHCP reservations and names without a restart (dnsmasq re-reads both files on SIGHUP). */
export function updateRouterHosts(r: RouterSpec): void {
  writeHosts(r);
  const pid = Number(readFileSync(join(r.dir, 'dnsmasq.pid'), 'utf8').trim());
  if (pid > 0) process.kill(pid, 'SIGHUP');
}

/** Stops dnsmasq and removes the namespace and both legs. Idempotent. */
export async function stopRouter(key: string, dir: string): Promise<void> {
  const pidFile = join(dir, 'dnsmasq.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try { if (pid > 0) process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    rmSync(pidFile, { force: true });
  }
  // Only what exists is removed (a fresh start then costs no process); the namespace's going takes the legs with it.
  if (existsSync(`/run/netns/${routerNs(key)}`)) await ip(['netns', 'del', routerNs(key)]).catch(() => undefined);
  for (const dev of [`vg${key}`, `vp${key}`]) if (existsSync(`/sys/class/net/${dev}`)) await ip(['link', 'del', dev]).catch(() => undefined);
}

/**
 * Whether the router's dnsmasq still runs: its pid file names a dnsmasq (not a recycled pid) that is not a zombie (a
 * killed daemon stays one until init reaps it, which in a container may take a while).
 */
export function routerAlive(dir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dir, 'dnsmasq.pid'), 'utf8').trim());
    const stat = pid > 0 ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    return /^\d+ \(dnsmasq\) [^ZX]/.test(stat);
  } catch { return false; }
}

/** Whether the whole router is there: its namespace and its dnsmasq (a crashed router misses one of them). */
export const routerRunning = (key: string, dir: string) => existsSync(`/run/netns/${routerNs(key)}`) && routerAlive(dir);
