// Applies a router's edge (RouterEdgeSpec) in its namespace, all or nothing:
// 1. both texts are rendered and checked first (`haproxy -c`, then `nft -f` which is one kernel transaction): a bad
//    set changes nothing and the error says why;
// 2. the public leg answers for the network's extra public addresses (haproxy binds them);
// 3. haproxy is started or reloaded with -sf: the new process takes the listening sockets, the old one finishes
//    the connections it holds, so a reload drops no established connection. If haproxy refuses, the previous
//    ruleset is put back.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LbMemberHealth, RouterEdgeSpec } from '../driver';
import { renderHaproxy, renderNft } from './router-edge-render';

export interface EdgeRouter { ns: string; dir: string; publicIp: string; publicPrefix: number }

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(args[0], args.slice(1), (err, stdout, stderr) =>
      (err ? reject(new Error((stderr || err.message).trim())) : resolve(stdout)));
  });
}
const inNs = (ns: string, args: string[]) => run(['ip', 'netns', 'exec', ns, ...args]);

function pidOf(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim().split('\n')[0]);
    if (pid > 0) { process.kill(pid, 0); return pid; }
  } catch { /* not running */ }
  return null;
}

/**
 * The public leg keeps one MAC address for good (derived from the router's public address): a restarted router's
 * new veth would otherwise leave the neighbours' ARP caches pointing at the old one for a minute.
 */
async function stableMac(r: EdgeRouter): Promise<void> {
  const mac = `02:ed:${r.publicIp.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join(':')}`;
  const now = await run(['ip', '-n', r.ns, '-o', 'link', 'show', 'dev', 'eth1']);
  if (!now.includes(`link/ether ${mac}`)) await run(['ip', '-n', r.ns, 'link', 'set', 'dev', 'eth1', 'address', mac]);
}

/** The public leg's addresses: the router's own plus the extra ones; addresses no longer used are dropped. */
async function syncAddresses(r: EdgeRouter, extra: string[]): Promise<void> {
  const out = await run(['ip', '-n', r.ns, '-4', '-o', 'addr', 'show', 'dev', 'eth1']);
  const have = new Set([...out.matchAll(/inet (\S+)\//g)].map((m) => m[1]));
  for (const ip of extra) if (!have.has(ip)) await run(['ip', '-n', r.ns, 'addr', 'add', `${ip}/${r.publicPrefix}`, 'dev', 'eth1']);
  for (const ip of have) {
    if (ip !== r.publicIp && !extra.includes(ip)) await run(['ip', '-n', r.ns, 'addr', 'del', `${ip}/${r.publicPrefix}`, 'dev', 'eth1']);
  }
}

async function loadNft(r: EdgeRouter, file: string): Promise<void> {
  try { await inNs(r.ns, ['nft', '-f', file]); } catch (e) {
    throw new Error(`the router refused the firewall and NAT rules (nothing was changed): ${(e as Error).message}`);
  }
}

/** Applies the whole edge; throws with the reason when it cannot, leaving the previous set in force. */
export async function applyEdge(r: EdgeRouter, spec: RouterEdgeSpec): Promise<void> {
  const nftFile = join(r.dir, 'edge.nft');
  const cfgFile = join(r.dir, 'haproxy.cfg');
  const pidFile = join(r.dir, 'haproxy.pid');
  // A UNIX socket path longer than sun_path (108 bytes) would make haproxy refuse the whole set: health is then unread.
  const sock = join(r.dir, STATS_SOCKET);
  const cfg = renderHaproxy(spec, Buffer.byteLength(sock) < 100 ? sock : undefined);
  if (cfg !== null) {
    writeFileSync(`${cfgFile}.new`, cfg);
    try { await run(['haproxy', '-c', '-q', '-f', `${cfgFile}.new`]); } catch (e) {
      throw new Error(`the router refused the load balancer configuration (nothing was changed): ${(e as Error).message}`);
    }
  }
  await stableMac(r);
  await syncAddresses(r, spec.extraIps.filter((ip) => ip !== r.publicIp));
  writeFileSync(`${nftFile}.new`, renderNft(spec, r.publicIp));
  await loadNft(r, `${nftFile}.new`);
  const old = pidOf(pidFile);
  if (cfg === null) {
    if (old) process.kill(old, 'SIGUSR1'); // soft stop: established connections finish
    rmSync(pidFile, { force: true });
  } else {
    try {
      await inNs(r.ns, ['haproxy', '-D', '-f', `${cfgFile}.new`, '-p', pidFile, ...(old ? ['-sf', String(old)] : [])]);
    } catch (e) {
      if (existsSync(nftFile)) await loadNft(r, nftFile).catch(() => undefined);
      throw new Error(`the router's load balancer did not start (the previous rules stay): ${(e as Error).message}`);
    }
    renameSync(`${cfgFile}.new`, cfgFile);
  }
  renameSync(`${nftFile}.new`, nftFile);
}

const STATS_SOCKET = 'haproxy.sock';

/**
 * Each TCP load balancer member's health as the router's haproxy sees it (`show stat` on its stats socket: status
 * UP, DOWN, or a transition such as "UP 1/2"); null when haproxy does not run (no TCP rule, or a stopped router).
 */
export function lbHealth(dir: string, timeoutMs = 3_000): Promise<LbMemberHealth[] | null> {
  if (pidOf(join(dir, 'haproxy.pid')) === null || !existsSync(join(dir, STATS_SOCKET))) return Promise.resolve(null);
  return new Promise((resolve) => {
    let text = '';
    const sock = connect(join(dir, STATS_SOCKET));
    const done = (v: LbMemberHealth[] | null) => { sock.destroy(); resolve(v); };
    sock.setTimeout(timeoutMs, () => done(null));
    sock.on('connect', () => sock.end('show stat\n'));
    sock.on('data', (d) => { text += d.toString(); });
    sock.on('error', () => done(null));
    sock.on('end', () => done(parseStat(text)));
  });
}

/** `show stat` CSV: the rows of servers named vm-<VM id> in proxies named lb-<rule id>. */
export function parseStat(csv: string): LbMemberHealth[] {
  const [head, ...rows] = csv.split('\n').filter((l) => l.trim());
  const cols = (head ?? '').replace(/^# /, '').split(',');
  const [px, sv, st] = ['pxname', 'svname', 'status'].map((c) => cols.indexOf(c));
  if (px < 0 || sv < 0 || st < 0) return [];
  return rows.map((l) => l.split(',')).filter((c) => c[px]?.startsWith('lb-') && c[sv]?.startsWith('vm-'))
    .map((c) => ({ ruleId: c[px].slice(3), vmId: c[sv].slice(3), status: c[st] }));
}

/** Stops the router's haproxy (the namespace and its rules go with the router). */
export function stopEdge(dir: string): void {
  const pid = pidOf(join(dir, 'haproxy.pid'));
  if (pid) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
  rmSync(join(dir, 'haproxy.pid'), { force: true });
  rmSync(join(dir, 'edge.nft'), { force: true });
}
