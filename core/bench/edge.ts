// The router's edge (issue 18), printed as JSON. Needs root, nft and haproxy. Everything runs in namespaces made here
// (removed at the end): a router namespace with the real applyEdge (nftables + Debian's haproxy), two backend
// namespaces running busybox httpd on the guest bridge, a client namespace on the public bridge.
//   lb:     HTTP requests per second (one connection per request, 16 at a time, from a node client) through the
//           load balancer from the client namespace, and straight to the same backends from the router namespace;
//           the ratio of the two, same run
//   firstRequest: time from applying a set with a new load balancer rule to the first request it serves
//   rules:  1,000 rules on one router (500 ingress firewall, 300 port forwards, 100 egress, 100 load balancers):
//           the whole set applied, then one rule changed (again a whole, atomic set), median of runs; render time
// Options: --quick (fewer runs, shorter load), --out FILE.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import type { EdgeLoadBalancer, RouterEdgeSpec } from '../hypervisors/driver';
import { applyEdge, stopEdge, type EdgeRouter } from '../hypervisors/qemu/router-edge';
import { renderHaproxy, renderNft } from '../hypervisors/qemu/router-edge-render';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, out: { type: 'string' } } });
const runs = values.quick ? 3 : 7;
const loadSeconds = values.quick ? 2 : 5;
const exec = promisify(execFile);
const sh = (...args: string[]) => exec(args[0], args.slice(1)).then((o) => o.stdout);
const tag = process.pid.toString(36).slice(-4);
const ns = { router: `sbr-${tag}`, client: `sbc-${tag}`, b1: `sb1-${tag}`, b2: `sb2-${tag}` };
const bridges = { guest: `sbg${tag}`, pub: `sbp${tag}` };
const PUBLIC = '198.18.0.2';
const dir = mkdtempSync(join(tmpdir(), 'strata-edge-bench-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function leg(nsName: string, bridge: string, name: string, ifName: string, cidr: string, gw?: string) {
  await sh('ip', 'link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`);
  await sh('ip', 'link', 'set', `${name}p`, 'netns', nsName);
  await sh('ip', '-n', nsName, 'link', 'set', `${name}p`, 'name', ifName);
  await sh('ip', 'link', 'set', name, 'master', bridge, 'up');
  await sh('ip', '-n', nsName, 'addr', 'add', cidr, 'dev', ifName);
  await sh('ip', '-n', nsName, 'link', 'set', ifName, 'up');
  await sh('ip', '-n', nsName, 'link', 'set', 'lo', 'up');
  if (gw) await sh('ip', '-n', nsName, 'route', 'add', 'default', 'via', gw);
}

async function setUp() {
  for (const b of Object.values(bridges)) { await sh('ip', 'link', 'add', b, 'type', 'bridge'); await sh('ip', 'link', 'set', b, 'up'); }
  for (const n of Object.values(ns)) await sh('ip', 'netns', 'add', n);
  await leg(ns.router, bridges.guest, `sbvg${tag}`, 'eth0', '10.90.0.1/24');
  await leg(ns.router, bridges.pub, `sbvp${tag}`, 'eth1', `${PUBLIC}/24`);
  await sh('ip', 'netns', 'exec', ns.router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  await leg(ns.client, bridges.pub, `sbvc${tag}`, 'eth0', '198.18.0.1/24');
  for (const [i, b] of [ns.b1, ns.b2].entries()) {
    await leg(b, bridges.guest, `sbv${i + 1}${tag}`, 'eth0', `10.90.0.1${i + 1}/24`, '10.90.0.1');
    await sh('sh', '-c', `mkdir -p ${dir}/www${i} && echo b${i} > ${dir}/www${i}/index.html`);
    await sh('ip', 'netns', 'exec', b, 'busybox', 'httpd', '-p', '80', '-h', `${dir}/www${i}`);
  }
}

async function tearDown() {
  stopEdge(dir);
  for (const b of [ns.b1, ns.b2]) await sh('ip', 'netns', 'pids', b).then((p) => p.split('\n').filter(Boolean).forEach((pid) => process.kill(Number(pid)))).catch(() => undefined);
  for (const n of Object.values(ns)) await sh('ip', 'netns', 'del', n).catch(() => undefined);
  for (const b of Object.values(bridges)) await sh('ip', 'link', 'del', b).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

const empty = (): RouterEdgeSpec => ({ extraIps: [], guestCidr: '10.90.0.0/24', staticNat: [], ingress: [], egressDefaultAllow: true, egress: [],
  portForwards: [], loadBalancers: [] });
const web = (id: string, port: number): EdgeLoadBalancer => ({ id, publicIp: PUBLIC, publicPort: port, privatePort: 80, protocol: 'tcp',
  algorithm: 'roundrobin', members: [{ vmId: `${id}-1`, ip: '10.90.0.11' }, { vmId: `${id}-2`, ip: '10.90.0.12' }] });

/** Requests per second from a node client inside `nsName`: one connection per request, 16 in flight. */
async function load(nsName: string, urls: string[], seconds: number): Promise<number> {
  const script = `const http=require('http');const urls=${JSON.stringify(urls)};let n=0,err=0,k=0;const end=Date.now()+${seconds * 1000};
function one(){if(Date.now()>end)return;http.get(urls[k++%urls.length],{agent:false},(r)=>{r.resume();r.on('end',()=>{n++;one();});}).on('error',()=>{err++;one();});}
for(let i=0;i<16;i++)one();setTimeout(()=>{console.log(JSON.stringify({n,err}));process.exit(0);},${seconds * 1000 + 500});`;
  const out = await new Promise<string>((resolve) => {
    const child = spawn('ip', ['netns', 'exec', nsName, process.execPath, '-e', script]);
    let s = '';
    child.stdout.on('data', (d) => { s += d; });
    child.on('close', () => resolve(s));
  });
  const { n, err } = JSON.parse(out) as { n: number; err: number };
  if (err > n / 100) throw new Error(`${err} failed requests of ${n + err} to ${urls.join(', ')}`);
  return Math.round(n / seconds);
}

async function firstServed(url: string): Promise<void> {
  for (;;) {
    const ok = await sh('ip', 'netns', 'exec', ns.client, 'timeout', '1', 'busybox', 'wget', '-q', '-O', '-', url).then((b) => b.trim().startsWith('b')).catch(() => false);
    if (ok) return;
  }
}

function thousandRules(): RouterEdgeSpec {
  const s = empty();
  for (let i = 0; i < 500; i++) s.ingress.push({ publicIp: PUBLIC, protocol: 'tcp', startPort: 1000 + i, endPort: 1000 + i, cidrs: [`10.${i % 250}.0.0/16`] });
  for (let i = 0; i < 300; i++) s.portForwards.push({ publicIp: PUBLIC, protocol: 'tcp', publicPort: 10000 + i, publicEndPort: 10000 + i,
    vmIp: '10.90.0.11', privatePort: 80, privateEndPort: 80 });
  for (let i = 0; i < 100; i++) s.egress.push({ protocol: 'tcp', startPort: 2000 + i, endPort: 2000 + i, cidrs: [], destCidrs: ['0.0.0.0/0'] });
  for (let i = 0; i < 100; i++) s.loadBalancers.push(web(`lb${i}`, 20000 + i));
  return s;
}

async function timeApply(router: EdgeRouter, spec: RouterEdgeSpec): Promise<number> {
  const t0 = performance.now();
  await applyEdge(router, spec);
  return performance.now() - t0;
}

async function main() {
  const router: EdgeRouter = { ns: ns.router, dir, publicIp: PUBLIC, publicPrefix: 24 };
  try {
    await setUp();
    const open80 = { publicIp: PUBLIC, protocol: 'tcp', startPort: 80, endPort: 80, cidrs: [] };
    const t0 = performance.now();
    await applyEdge(router, { ...empty(), ingress: [open80], loadBalancers: [web('web', 80)] });
    await firstServed(`http://${PUBLIC}/`);
    const firstRequestMs = +(performance.now() - t0).toFixed(1);
    const viaLb = await load(ns.client, [`http://${PUBLIC}/`], loadSeconds);
    // The same two backends, alternately, from the router namespace (where haproxy itself connects from).
    const direct = await load(ns.router, ['http://10.90.0.11/', 'http://10.90.0.12/'], loadSeconds);

    const big = thousandRules();
    const r0 = performance.now();
    const nftText = renderNft(big, PUBLIC);
    renderHaproxy(big);
    const renderMs = performance.now() - r0;
    const whole: number[] = [];
    const change: number[] = [];
    for (let i = 0; i < runs; i++) {
      await applyEdge(router, empty());
      whole.push(await timeApply(router, big));
      big.portForwards.push({ publicIp: PUBLIC, protocol: 'tcp', publicPort: 30000 + i, publicEndPort: 30000 + i, vmIp: '10.90.0.12', privatePort: 80, privateEndPort: 80 });
      change.push(await timeApply(router, big));
    }
    const result = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      quick: !!values.quick,
      lb: { connectionsInFlight: 16, seconds: loadSeconds, viaLoadBalancerPerSecond: viaLb, directFromRouterPerSecond: direct,
        ratio: +(viaLb / direct).toFixed(2), backends: 'busybox httpd in 2 namespaces', balancer: 'haproxy (Debian), roundrobin, tcp mode' },
      firstRequest: { ms: firstRequestMs, what: 'applyEdge of a set with a new rule (nft + haproxy start) to the first request served' },
      rules: { rules: 1000, nftLines: nftText.split('\n').length, renderMs: +renderMs.toFixed(1), runs,
        wholeSetMedianMs: +median(whole).toFixed(1), singleChangeMedianMs: +median(change).toFixed(1) },
    };
    const text = JSON.stringify(result, null, 2);
    if (values.out) writeFileSync(values.out, text + '\n');
    process.stdout.write(text + '\n');
  } finally {
    await tearDown();
  }
}

if (process.getuid?.() !== 0) process.stdout.write(JSON.stringify({ skipped: 'needs root (network namespaces)' }) + '\n');
else main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exitCode = 1; });
