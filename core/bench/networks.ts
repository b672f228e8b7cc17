// Guest networking at scale (issue 17), printed as JSON: simulated VMs are deployed, then 10,000 networks and one NIC
// per VM (100,000) are written straight into the database, and pages of 500 are timed over HTTP from a client
// process: listVirtualMachines before and after the VMs had NICs (each VM object then carries its nic[]),
// listNetworks (random pages) and listNics (one VM).
// Options: --quick (10,000 VMs, 1,000 networks), --out FILE.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, startServer, type Core } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab, deployMany } from './lab';
import { adminSigner, timedGets } from './http-client';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, out: { type: 'string' } } });
const size = values.quick ? { vms: 10_000, networks: 1_000, hosts: 200, requests: 40 } : { vms: 100_000, networks: 10_000, hosts: 1_000, requests: 150 };

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** p50/p95 of `requests` GETs (after 10 warm-up ones), each params set made by `page(i)`. */
async function timed(core: Core, url: string, requests: number, page: (i: number) => [string, string][]) {
  const sign = await adminSigner(core, url);
  const urls = Array.from({ length: requests + 10 }, (_, i) => sign(Object.fromEntries(page(i))));
  const answers = await timedGets(urls, { bodyStats: true });
  if (answers.some((a) => a.status !== 200)) throw new Error(`bad answer: ${JSON.stringify(answers.find((a) => a.status !== 200))}`);
  const ms = answers.slice(10).map((a) => a.ms).sort((a, b) => a - b);
  return { requests, items: answers[10].items, p50Ms: +pct(ms, 50).toFixed(2), p95Ms: +pct(ms, 95).toFixed(2) };
}

/** 10,000 networks (each a /24 of 10.x.y.0) and one NIC per VM, ten VMs a network, written in bulk. */
async function writeNetworks(core: Core, zoneId: string, networks: number) {
  const { db, newId } = core.svc;
  const admin = await core.admin();
  const off = (await db.selectFrom('network_offerings').select('id').where('unique_name', '=', 'DefaultIsolatedNetworkOfferingWithSourceNatService').executeTakeFirstOrThrow()).id;
  const now = Date.now();
  const ids: string[] = [];
  const rows = Array.from({ length: networks }, (_, i) => {
    const id = newId();
    ids.push(id);
    const net = `10.${Math.floor(i / 256)}.${i % 256}`;
    return { id, name: `net-${i}`, display_text: `net-${i}`, zone_id: zoneId, physical_network_id: null, network_offering_id: off,
      guest_type: 'Isolated', traffic_type: 'Guest', state: 'Implemented', cidr: `${net}.0/24`, gateway: `${net}.1`, netmask: '255.255.255.0',
      vlan: String(100 + (i % 3900)), account_id: admin.accountId, domain_id: admin.domainId, acl_type: 'Account', subdomain_access: 1,
      network_domain: null, dns1: null, dns2: null, display_network: 1, restart_required: 0, source_nat_ip: null, created: now + i, removed: null,
      public_mtu: null, private_mtu: null, router_ip: null };
  });
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('networks').values(rows.slice(i, i + 500)).execute();
  const vms = await db.selectFrom('vms').select('id').where('removed', 'is', null).orderBy('created').execute();
  for (let i = 0; i < vms.length; i += 500) {
    await db.insertInto('nics').values(vms.slice(i, i + 500).map((v, k) => {
      const n = i + k;
      const net = Math.floor(n / 10) % networks;
      const mac = (n + 1).toString(16).padStart(8, '0').match(/../g)!.join(':');
      return { id: newId(), vm_id: v.id, network_id: ids[net], ip_address: `10.${Math.floor(net / 256)}.${net % 256}.${2 + (n % 10) + 10 * Math.floor(n / (10 * networks))}`,
        mac_address: `02:00:${mac}`, device_id: 0, is_default: 1, gateway: `10.${Math.floor(net / 256)}.${net % 256}.1`, netmask: '255.255.255.0',
        broadcast_uri: `vlan://${100 + (net % 3900)}`, state: 'Reserved', created: now };
    })).execute();
  }
  return vms.length;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-bench-net-'));
  const core = await createCore({ dataDir, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0, metrics: { intervalMs: 0 } });
  const server = await startServer(core, { port: 0 });
  try {
    const lab = await buildLab(core, { hosts: size.hosts });
    const deploy = await deployMany(core, lab, size.vms);
    const vmPages = Math.max(1, Math.floor(size.vms / 500));
    const vmPage = (i: number): [string, string][] => [['command', 'listVirtualMachines'], ['listall', 'true'], ['pagesize', '500'], ['page', String(1 + (i * 7919) % vmPages)]];
    const before = await timed(core, server.url, size.requests, vmPage);
    const t0 = performance.now();
    const nics = await writeNetworks(core, lab.zoneId, size.networks);
    const writeSeconds = +((performance.now() - t0) / 1000).toFixed(1);
    const after = await timed(core, server.url, size.requests, vmPage);
    const netPages = Math.max(1, Math.floor(size.networks / 500));
    const networks = await timed(core, server.url, size.requests, (i) => [['command', 'listNetworks'], ['listall', 'true'], ['pagesize', '500'], ['page', String(1 + (i * 31) % netPages)]]);
    const someVms = await core.svc.db.selectFrom('vms').select('id').where('removed', 'is', null).limit(size.requests + 10).execute();
    const nicList = await timed(core, server.url, size.requests, (i) => [['command', 'listNics'], ['virtualmachineid', someVms[i].id]]);
    const result = {
      quick: !!values.quick, vms: size.vms, networks: size.networks, nics, deployVmsPerSecond: deploy.perSecond, bulkWriteSeconds: writeSeconds,
      listVirtualMachinesWithoutNics: before, listVirtualMachinesWithNics: after, listNetworks: networks, listNics: nicList,
    };
    const json = JSON.stringify(result, null, 2);
    process.stdout.write(json + '\n');
    if (values.out) writeFileSync(values.out, json + '\n');
  } finally {
    await server.close();
    await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
