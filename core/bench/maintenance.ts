// Benchmark: a simulator host with 100 running VMs put into maintenance (prepareHostForMaintenance until the host
// is in Maintenance, every VM moved by its own migrateVirtualMachine job, ha.workers at a time). Each run then checks
// where the VMs went (each Running on another Up, Enabled host; none stopped) and fails loudly otherwise. Prints JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore } from '../index';
import { silentLogger } from '../kernel/logger';
import { buildLab } from './lab';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, vms: { type: 'string' }, workers: { type: 'string' } } });
const vmCount = Number(values.vms ?? (values.quick ? 50 : 100));
const runs = values.quick ? 1 : 3;
type Vm = { id: string; name: string; state: string; hostid?: string; hostname?: string };

const dataDir = mkdtempSync(join(tmpdir(), 'strata-bench-maint-'));
const core = await createCore({ dataDir, adminPassword: 'bench', log: silentLogger, hostPingIntervalMs: 0, metrics: { intervalMs: 0 } });
try {
  const admin = await core.admin();
  const call = (c: string, p: Record<string, string>) => core.dispatcher.invoke(admin, c, p) as Promise<any>;
  if (values.workers) await core.svc.db.insertInto('configurations').values({ name: 'ha.workers', value: values.workers }).execute();
  const workers = values.workers ?? '5 (ha.workers default)';
  const lab = await buildLab(core, { hosts: 4, hostsPerCluster: 4, namePrefix: 'mb' });
  const hosts = (await call('listHosts', { zoneid: lab.zoneId })).host as { id: string; name: string }[];
  const results: { ms: number; workers: string; migrated: number }[] = [];
  /** A fast evacuation that stopped VMs would be a wrong one: every VM must run on another Up, Enabled host. */
  const verifyMigrated = async (from: { id: string; name: string }, moved: Vm[]) => {
    const now = ((await call('listVirtualMachines', { listall: 'true', ids: moved.map((v) => v.id).join(',') })).virtualmachine ?? []) as Vm[];
    const up = ((await call('listHosts', { zoneid: lab.zoneId, state: 'Up', resourcestate: 'Enabled' })).host ?? []) as { id: string }[];
    const upHosts = new Set(up.map((h) => h.id));
    const byId = new Map(now.map((v) => [v.id, v]));
    const wrong = moved.map((v) => byId.get(v.id) ?? { ...v, state: 'gone', hostid: undefined })
      .filter((v) => v.state !== 'Running' || !v.hostid || v.hostid === from.id || !upHosts.has(v.hostid));
    if (wrong.length > 0) {
      throw new Error(`evacuating ${from.name}: ${wrong.length} of ${moved.length} VMs were not migrated to another Up host and Running: ` +
        wrong.slice(0, 5).map((v) => `${v.name} is ${v.state} on ${v.hostname ?? 'no host'}`).join('; '));
    }
  };
  for (let r = 0; r < runs; r++) {
    const host = hosts[r % hosts.length];
    // Earlier runs moved VMs onto this host: top it up to vmCount.
    const already = (await call('listVirtualMachines', { listall: 'true', hostid: host.id })).count ?? 0;
    const jobs: string[] = [];
    for (let i = already; i < vmCount; i++) {
      jobs.push((await call('deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, hostid: host.id })).jobid);
    }
    for (const j of jobs) await core.svc.jobs.waitFor(j);
    const moving = ((await call('listVirtualMachines', { listall: 'true', hostid: host.id })).virtualmachine ?? []) as Vm[];
    if (moving.length !== vmCount || moving.some((v) => v.state !== 'Running')) {
      throw new Error(`before the run, host ${host.name} should run ${vmCount} VMs; it has ${moving.length} (${[...new Set(moving.map((v) => v.state))].join(', ')})`);
    }
    const t0 = performance.now();
    const { jobid } = await call('prepareHostForMaintenance', { id: host.id });
    if ((await core.svc.jobs.waitFor(jobid)) !== 1) throw new Error('prepareHostForMaintenance failed');
    const ms = performance.now() - t0;
    const state = (await call('listHosts', { id: host.id })).host[0].resourcestate;
    if (state !== 'Maintenance') throw new Error(`host is ${state}`);
    await verifyMigrated(host, moving);
    results.push({ ms: Math.round(ms), workers, migrated: moving.length });
    await core.svc.jobs.waitFor((await call('cancelHostMaintenance', { id: host.id })).jobid);
  }
  const sorted = results.map((x) => x.ms).sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ evacuateSimulatorHost: { vms: vmCount, runs: results, p50Ms: sorted[Math.floor(sorted.length / 2)], targetMs: 2000 } }, null, 2) + '\n');
} finally {
  await core.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
