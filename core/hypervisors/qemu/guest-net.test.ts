// The guest network data path with real parts (iproute2, dnsmasq, nftables, busybox's DHCP client): two network
// bridges on VLANs of one guest interface, a router namespace per network, and client namespaces standing in for
// guests. Needs root; every namespace, link and process it makes is removed afterwards, also when a check fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { canManageNetworks, ensureBridge, removeBridge, startRouter, stopRouter, routerAlive, plugTap, unplugTap, pruneBridge, tapOf } from './guest-net';

const exec = promisify(execFile);
const can = canManageNetworks();
const r = randomBytes(3).toString('hex');
const keyA = `a${r}0`.slice(0, 8);
const keyB = `b${r}0`.slice(0, 8);
const dummy = `sgd${r}`;
const pubBr = `sbp${r}`;
const pubNs = `spub-${r}`;
const clients = { c1: `sc1-${r}`, c2: `sc2-${r}`, c3: `sc3-${r}` };
const dir = mkdtempSync(join(tmpdir(), 'strata-guestnet-'));
const domain = 'cs1cloud.internal';
let server: ChildProcess | undefined;
const otherHost = `sh2-${r}`;

/** Whether this kernel can make 802.1q VLAN links (containers and some kernels lack the 8021q module). */
function vlanSupport(): boolean {
  if (!can.ok) return false;
  const probe = `sgq${r}`;
  spawnSync('ip', ['link', 'add', probe, 'type', 'veth', 'peer', 'name', `${probe}p`]);
  const made = spawnSync('ip', ['link', 'add', 'link', probe, 'name', `${probe}.9`, 'type', 'vlan', 'id', '9']).status === 0;
  spawnSync('ip', ['link', 'del', probe]);
  return made;
}
const vlans = vlanSupport();
if (can.ok && !vlans) console.warn('802.1q tagging untested: this kernel cannot make VLAN links (no 8021q module); the bridges are tested without their VLAN member');

const sh = async (cmd: string, args: string[]) => (await exec(cmd, args, { timeout: 15_000 })).stdout;
const inNs = (ns: string, cmd: string, args: string[]) => sh('ip', ['netns', 'exec', ns, cmd, ...args]);
/** A name lookup's answer as printed (busybox nslookup exits 1 when one of its A/AAAA queries finds nothing). */
const lookup = (ns: string, name: string, server: string) => inNs(ns, 'busybox', ['nslookup', '-type=a', name, server])
  .catch((e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`);
const quiet = (p: Promise<unknown>) => p.catch(() => undefined);

/** A namespace standing for a guest: a veth in the bridge, `eth0` inside with the NIC's MAC, and resolv.conf. */
async function guest(ns: string, bridge: string, mac: string, dns: string) {
  await sh('ip', ['netns', 'add', ns]);
  mkdirSync(`/etc/netns/${ns}`, { recursive: true });
  writeFileSync(`/etc/netns/${ns}/resolv.conf`, `nameserver ${dns}\nsearch ${domain}\n`);
  const host = `h${ns.replace(/-/g, '')}`.slice(0, 15);
  await sh('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', `g${host}`.slice(0, 15)]);
  await sh('ip', ['link', 'set', `g${host}`.slice(0, 15), 'netns', ns]);
  await sh('ip', ['-n', ns, 'link', 'set', `g${host}`.slice(0, 15), 'name', 'eth0']);
  await sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'address', mac]);
  await sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await sh('ip', ['link', 'set', host, 'master', bridge, 'up']);
}

/** Busybox's DHCP client, as the test guest runs it: the script applies the lease. */
async function dhcp(ns: string): Promise<string> {
  await inNs(ns, 'busybox', ['udhcpc', '-i', 'eth0', '-n', '-q', '-t', '6', '-T', '1', '-s', join(dir, 'udhcpc.sh')]);
  const out = await sh('ip', ['-n', ns, '-4', '-o', 'addr', 'show', 'eth0']);
  return /inet (\S+)\//.exec(out)?.[1] ?? '';
}

async function cleanup() {
  server?.kill();
  for (const ns of Object.values(clients)) {
    await quiet(sh('ip', ['netns', 'del', ns]));
    rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    await quiet(sh('ip', ['link', 'del', `h${ns.replace(/-/g, '')}`.slice(0, 15)]));
  }
  await stopRouter(keyA, join(dir, 'ra'));
  await stopRouter(keyB, join(dir, 'rb'));
  await quiet(sh('ip', ['netns', 'del', pubNs]));
  await quiet(sh('ip', ['link', 'del', `hp${r}`]));
  await quiet(sh('ip', ['netns', 'del', otherHost]));
  for (const [key, vlan] of [[keyA, 100], [keyB, 101]] as const) await removeBridge(vlans ? { key, vlan, guestIf: dummy } : key);
  for (const dev of [pubBr, dummy]) await quiet(sh('ip', ['link', 'del', dev]));
  rmSync(dir, { recursive: true, force: true });
}

describe.skipIf(!can.ok)('guest network data path (root)', () => {
  beforeAll(async () => {
    try {
      writeFileSync(join(dir, 'udhcpc.sh'), [
        '#!/bin/sh', '[ "$1" = bound ] || exit 0', 'busybox ifconfig "$interface" "$ip" netmask "$subnet"',
        '[ -n "$router" ] && busybox route add default gw "${router%% *}"', 'exit 0', ''].join('\n'));
      chmodSync(join(dir, 'udhcpc.sh'), 0o755);
      // The host's guest interface (one end of a veth pair here). Kernels without 802.1q (some containers) cannot
      // tag: the bridges are then made without their VLAN member, which the log says.
      await sh('ip', ['link', 'add', dummy, 'type', 'veth', 'peer', 'name', `sge${r}`]);
      await sh('ip', ['link', 'set', dummy, 'up']);
      const brA = await ensureBridge({ key: keyA, vlan: 100, guestIf: vlans ? dummy : null });
      const brB = await ensureBridge({ key: keyB, vlan: 101, guestIf: vlans ? dummy : null });
      // The zone's public network, and a namespace on it standing for the internet.
      await sh('ip', ['link', 'add', pubBr, 'type', 'bridge']);
      await sh('ip', ['link', 'set', pubBr, 'up']);
      await sh('ip', ['netns', 'add', pubNs]);
      await sh('ip', ['link', 'add', `hp${r}`, 'type', 'veth', 'peer', 'name', `gp${r}`]);
      await sh('ip', ['link', 'set', `gp${r}`, 'netns', pubNs]);
      await sh('ip', ['link', 'set', `hp${r}`, 'master', pubBr, 'up']);
      await sh('ip', ['-n', pubNs, 'addr', 'add', '198.51.100.1/24', 'dev', `gp${r}`]);
      await sh('ip', ['-n', pubNs, 'link', 'set', `gp${r}`, 'up']);
      await startRouter({ key: keyA, bridge: brA, gateway: '10.77.1.1', prefix: 24, network: '10.77.1.0', netmask: '255.255.255.0', domain,
        hosts: [{ mac: '02:00:0a:00:00:01', ip: '10.77.1.11', name: 'web1' }, { mac: '02:00:0a:00:00:02', ip: '10.77.1.12', name: 'web2' }],
        public: { bridge: pubBr, ip: '198.51.100.10', prefix: 24, gateway: '198.51.100.1' }, dir: join(dir, 'ra') });
      await startRouter({ key: keyB, bridge: brB, gateway: '10.77.2.1', prefix: 24, network: '10.77.2.0', netmask: '255.255.255.0', domain,
        hosts: [{ mac: '02:00:0b:00:00:01', ip: '10.77.2.11', name: 'other' }], dir: join(dir, 'rb') });
      await guest(clients.c1, brA, '02:00:0a:00:00:01', '10.77.1.1');
      await guest(clients.c2, brA, '02:00:0a:00:00:02', '10.77.1.1');
      await guest(clients.c3, brB, '02:00:0b:00:00:01', '10.77.2.1');
    } catch (e) {
      await cleanup();
      throw e;
    }
  }, 60_000);
  afterAll(cleanup, 30_000);

  it('gives each guest its reserved address by DHCP, resolves names, and pings inside the network', async () => {
    expect(routerAlive(join(dir, 'ra'))).toBe(true);
    expect(await dhcp(clients.c1)).toBe('10.77.1.11');
    expect(await dhcp(clients.c2)).toBe('10.77.1.12');
    expect(await dhcp(clients.c3)).toBe('10.77.2.11');
    expect(await lookup(clients.c1, 'web2', '10.77.1.1')).toContain('10.77.1.12');
    expect(await lookup(clients.c2, `web1.${domain}`, '10.77.1.1')).toContain('10.77.1.11');
    expect(await inNs(clients.c1, 'busybox', ['ping', '-c', '1', '-W', '2', '10.77.1.12'])).toContain('1 packets received');
  }, 60_000);

  it('keeps another network apart', async () => {
    const r2 = await inNs(clients.c3, 'busybox', ['ping', '-c', '1', '-W', '1', '10.77.1.12']).then(() => 'reached', () => 'unreachable');
    expect(r2).toBe('unreachable');
    expect(await lookup(clients.c3, 'web1', '10.77.2.1')).not.toContain('10.77.1.11');
  }, 30_000);

  it('sends a guest to the public side from the source NAT address', async () => {
    server = spawn('ip', ['netns', 'exec', pubNs, process.execPath, '-e',
      "require('net').createServer((s) => { console.log(s.remoteAddress); s.end('hi'); }).listen(9000, '198.51.100.1', () => console.log('listening'))"]);
    const lines: string[] = [];
    server.stdout!.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
    for (let i = 0; i < 100 && !lines.includes('listening'); i++) await new Promise((res) => setTimeout(res, 50));
    const reply = await inNs(clients.c1, 'busybox', ['nc', '-w', '2', '198.51.100.1', '9000']).catch((e) => String(e));
    expect(reply).toContain('hi');
    for (let i = 0; i < 40 && lines.length < 2; i++) await new Promise((res) => setTimeout(res, 50));
    expect(lines.filter((l) => l !== 'listening').map((l) => l.replace(/^::ffff:/, ''))).toEqual(['198.51.100.10']);
    // The router of the network without source NAT has no way out.
    const out = await inNs(clients.c3, 'busybox', ['nc', '-w', '1', '198.51.100.1', '9000']).then(() => 'reached', () => 'no route');
    expect(out).toBe('no route');
  }, 30_000);

  // Another host on the same trunk: the veth's other end in a namespace, with VLAN 100 (network A's) on it. Network A's
  // guests reach it; a guest of network B (VLAN 101), even with an address of A's subnet, does not.
  it.skipIf(!vlans)("802.1q: puts each network's VLAN on the guest interface in CloudStack's layout; hosts meet only on their VLAN", async () => {
    expect(await sh('ip', ['-o', 'link', 'show', 'master', `br${dummy}-100`])).toContain(`${dummy}.100@${dummy}`);
    expect(await sh('ip', ['-o', 'link', 'show', 'master', `br${dummy}-101`])).toContain(`${dummy}.101@${dummy}`);
    await sh('ip', ['netns', 'add', otherHost]);
    await sh('ip', ['link', 'set', `sge${r}`, 'netns', otherHost]);
    await sh('ip', ['-n', otherHost, 'link', 'set', `sge${r}`, 'up']);
    await sh('ip', ['-n', otherHost, 'link', 'add', 'link', `sge${r}`, 'name', 'v100', 'type', 'vlan', 'id', '100']);
    await sh('ip', ['-n', otherHost, 'addr', 'add', '10.77.1.50/24', 'dev', 'v100']);
    await sh('ip', ['-n', otherHost, 'link', 'set', 'v100', 'up']);
    expect(await inNs(clients.c1, 'busybox', ['ping', '-c', '1', '-W', '2', '10.77.1.50'])).toContain('1 packets received');
    await sh('ip', ['-n', clients.c3, 'addr', 'add', '10.77.1.99/24', 'dev', 'eth0']);
    const crossed = await inNs(clients.c3, 'busybox', ['ping', '-c', '1', '-W', '1', '10.77.1.50']).then(() => 'reached', () => 'apart');
    expect(crossed).toBe('apart');
  }, 30_000);

  // A deleted network leaves nothing on its hosts: its bridge goes with the last tap or router leg in it.
  it('removes a bridge once its last tap and router leg are gone, never one still in use or not its own', async () => {
    const key = `c${r}0`.slice(0, 8);
    const bridge = `sbr${key}`;
    const exists = (dev: string) => spawnSync('ip', ['link', 'show', dev]).status === 0;
    const [nic1, nic2] = [`0000000000${r}1`, `0000000000${r}2`];
    try {
      expect(await plugTap({ key, vlan: null }, nic1)).toBe(tapOf(nic1));
      await plugTap({ key, vlan: null }, nic2);
      await sh('ip', ['link', 'add', `vg${key}`, 'type', 'veth', 'peer', 'name', `vh${key}`]);
      await sh('ip', ['link', 'set', `vg${key}`, 'master', bridge, 'up']);
      await unplugTap(nic1);
      await unplugTap(nic2);
      expect([exists(tapOf(nic1)), exists(bridge)]).toEqual([false, true]); // the router's leg is still in it
      await sh('ip', ['link', 'del', `vg${key}`]);
      expect(await pruneBridge(pubBr)).toBe(false); // the operator's public bridge is never ours to remove
      expect(await pruneBridge(bridge)).toBe(true);
      expect([exists(bridge), exists(pubBr)]).toEqual([false, true]);
    } finally {
      for (const dev of [`vg${key}`, tapOf(nic1), tapOf(nic2), bridge]) spawnSync('ip', ['link', 'del', dev]);
    }
  }, 30_000);
});

describe.skipIf(can.ok)('guest network data path (without root)', () => {
  it('says why it cannot run', () => {
    console.log(`skipped: ${can.why}`);
    expect(can.why).toBeTruthy();
  });
});
