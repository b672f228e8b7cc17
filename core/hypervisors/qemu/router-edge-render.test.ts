// Every construct the router's edge can render is accepted by the real tools: nftables (checked with `nft -c` in a
// namespace made here) and haproxy (`haproxy -c`). UDP balancing, shifted port ranges, ICMP types, egress default
// deny and cookie stickiness are not reached by the QEMU test, so their syntax is held here.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { RouterEdgeSpec } from '../driver';
import { renderHaproxy, renderNft } from './router-edge-render';
import { parseStat } from './router-edge';
import { serviceStateOf } from '../../network/edge/lb-health';

const exec = promisify(execFile);
const root = process.getuid?.() === 0;
const tools = ['nft', 'haproxy'].every((t) => spawnSync('which', [t], { stdio: 'ignore' }).status === 0);
if (!root || !tools) console.warn('Skipping the edge render check: it needs root (a namespace), nft and haproxy');

const members = [{ vmId: 'a1b2c3d4-0000-0000-0000-000000000001', ip: '10.1.1.11' }, { vmId: 'b1b2c3d4-0000-0000-0000-000000000002', ip: '10.1.1.12' }];
const spec: RouterEdgeSpec = {
  extraIps: ['198.51.100.11', '198.51.100.12'], guestCidr: '10.1.1.0/24', egressDefaultAllow: false,
  staticNat: [{ publicIp: '198.51.100.12', vmIp: '10.1.1.13' }],
  ingress: [
    { publicIp: '198.51.100.10', protocol: 'tcp', startPort: 80, endPort: 90, cidrs: ['0.0.0.0/0'] },
    { publicIp: '198.51.100.10', protocol: 'icmp', icmpType: 8, icmpCode: 0, cidrs: ['192.0.2.0/24', '203.0.113.7/32'] },
    { publicIp: '198.51.100.12', protocol: 'icmp', icmpType: -1, icmpCode: -1, cidrs: [] },
    { publicIp: '198.51.100.12', protocol: 'all', cidrs: [] },
    { publicIp: '198.51.100.11', protocol: 'udp', cidrs: [] },
  ],
  egress: [
    { protocol: 'tcp', startPort: 443, endPort: 443, cidrs: [], destCidrs: ['0.0.0.0/0'] },
    { protocol: 'all', cidrs: ['10.1.1.0/25'], destCidrs: [] },
  ],
  portForwards: [
    { publicIp: '198.51.100.10', protocol: 'tcp', publicPort: 8000, publicEndPort: 8002, vmIp: '10.1.1.11', privatePort: 9000, privateEndPort: 9002 },
    { publicIp: '198.51.100.10', protocol: 'udp', publicPort: 5000, publicEndPort: 5010, vmIp: '10.1.1.11', privatePort: 5000, privateEndPort: 5010 },
    { publicIp: '198.51.100.10', protocol: 'tcp', publicPort: 2222, publicEndPort: 2222, vmIp: '10.1.1.12', privatePort: 22, privateEndPort: 22 },
  ],
  loadBalancers: [
    { id: 'rr', publicIp: '198.51.100.11', publicPort: 53, privatePort: 5353, protocol: 'udp', algorithm: 'roundrobin', members },
    { id: 'src', publicIp: '198.51.100.11', publicPort: 54, privatePort: 54, protocol: 'udp', algorithm: 'source', members },
    { id: 'cookie', publicIp: '198.51.100.11', publicPort: 80, privatePort: 8080, protocol: 'tcp', algorithm: 'leastconn', members,
      stickiness: { method: 'LbCookie', params: { cookiename: 'S' } }, healthCheck: { pingPath: '/health', intervalS: 2, timeoutS: 1, rise: 2, fall: 3 } },
    { id: 'stick', publicIp: '198.51.100.11', publicPort: 443, privatePort: 443, protocol: 'tcp-proxy', algorithm: 'source', members,
      stickiness: { method: 'SourceBased', params: { expire: '10m' } } },
  ],
};

describe.skipIf(!root || !tools)('the edge renderer against the real nft and haproxy', () => {
  const ns = `sedr-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sedr-'));
  afterAll(async () => {
    await exec('ip', ['netns', 'del', ns]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders a ruleset nft accepts and an haproxy configuration haproxy accepts', async () => {
    await exec('ip', ['netns', 'add', ns]);
    writeFileSync(path.join(dir, 'edge.nft'), renderNft(spec, '198.51.100.10'));
    await exec('ip', ['netns', 'exec', ns, 'nft', '-c', '-f', path.join(dir, 'edge.nft')]);
    const cfg = renderHaproxy(spec, path.join(dir, 'haproxy.sock'))!;
    writeFileSync(path.join(dir, 'haproxy.cfg'), cfg);
    await exec('haproxy', ['-c', '-q', '-f', path.join(dir, 'haproxy.cfg')]);
    expect(cfg).toContain('balance leastconn');
    expect(cfg).toContain('option httpchk GET /health');
    expect(cfg).not.toContain(':53'); // UDP is balanced by nftables
    expect(renderNft(spec, '198.51.100.10')).toContain('numgen inc mod 2');
    expect(renderHaproxy({ ...spec, loadBalancers: spec.loadBalancers.filter((l) => l.protocol === 'udp') })).toBeNull();
    expect(cfg).toContain(`stats socket ${path.join(dir, 'haproxy.sock')} mode 600 level user`);
  });

  it("reads each member's health off haproxy's show stat", () => {
    const csv = '# pxname,svname,qcur,status,weight\nlb-r1,FRONTEND,,OPEN,\nlb-r1,vm-a,0,UP,1\nlb-r1,vm-b,0,DOWN 1/2,1\nlb-r1,BACKEND,0,UP,2\n';
    expect(parseStat(csv)).toEqual([{ ruleId: 'r1', vmId: 'a', status: 'UP' }, { ruleId: 'r1', vmId: 'b', status: 'DOWN 1/2' }]);
    expect(['UP', 'UP 1/2', 'DOWN 1/2', 'MAINT', 'no check'].map(serviceStateOf)).toEqual(['UP', 'UP', 'DOWN', 'DOWN', 'NO CHECK']);
  });
});
