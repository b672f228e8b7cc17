// Host and storage maintenance and the HA settings, on simulator hosts through the dispatcher (a real core on a
// SQLite file, the job manager running every migration, stop and start as its own job).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../index';
import { silentLogger } from '../kernel/logger';
import { testDatabaseUrl } from '../testing/test-db';
import { buildLab, type Lab } from '../bench/lab';
import type { Caller } from '../identity/caller';

let core: Core;
let dir: string;
let admin: Caller;
let lab: Lab;
const call = (c: string, p: Record<string, string> = {}) => core.dispatcher.invoke(admin, c, p) as Promise<any>;
async function job(c: string, p: Record<string, string>): Promise<any> {
  const r = await call(c, p);
  const status = await core.svc.jobs.waitFor(r.jobid);
  const q = await call('queryAsyncJobResult', { jobid: r.jobid });
  if (status !== 1) throw new Error(`${c} failed: ${JSON.stringify(q.jobresult)}`);
  return q.jobresult;
}
const hostsOf = async (clusterName: string) => (await call('listHosts', { keyword: clusterName })).host as any[];
const vmsOn = async (hostId: string) => ((await call('listVirtualMachines', { listall: 'true', hostid: hostId })).virtualmachine ?? []) as any[];
const setting = (name: string, value: string) => core.svc.db.insertInto('configurations').values({ name, value }).execute();
const clearSetting = (name: string) => core.svc.db.deleteFrom('configurations').where('name', '=', name).execute();

async function deployOn(hostId: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push((await job('deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, hostid: hostId })).virtualmachine.id);
  }
  return ids;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-maint-'));
  core = await createCore({ dataDir: dir, db: await testDatabaseUrl(join(dir, 'strata.db')), adminPassword: 'x', log: silentLogger, hostPingIntervalMs: 0, metrics: { intervalMs: 0 } });
  admin = await core.admin();
  // Two clusters: m-c0 with three hosts (m-h0..2), m-c1 with one (m-h3), host names m-h<i>.
  lab = await buildLab(core, { hosts: 3, hostsPerCluster: 3, namePrefix: 'm' });
  await buildLab(core, { hosts: 1, hostsPerCluster: 1, namePrefix: 'n', zoneId: lab.zoneId });
});
afterAll(async () => {
  await core.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('prepareHostForMaintenance', () => {
  it('live-migrates every running VM to other hosts of the cluster, each by a visible job, then the host is in Maintenance', async () => {
    const [h0, h1, h2] = await hostsOf('m-h');
    const vms = await deployOn(h0.id, 6);
    // The preview (a dry run of the same planner) spreads the six over the two other hosts and changes nothing.
    const plan = (await call('listHostMaintenancePlan', { id: h0.id })).maintenanceplan as any[];
    expect(plan.map((p) => p.virtualmachineid)).toEqual(vms);
    expect(plan.every((p) => p.action === 'Migrate' && p.state === 'Running' && p.reason === undefined)).toBe(true);
    expect(plan.filter((p) => p.hostname === 'm-h1')).toHaveLength(3);
    expect(plan.filter((p) => p.hostname === 'm-h2')).toHaveLength(3);
    expect((await call('listHosts', { id: h0.id })).host[0].resourcestate).toBe('Enabled');
    expect(await vmsOn(h0.id)).toHaveLength(6);
    const r = await job('prepareHostForMaintenance', { id: h0.id });
    expect(r.host).toMatchObject({ id: h0.id, resourcestate: 'Maintenance', state: 'Up' });
    expect(await vmsOn(h0.id)).toEqual([]);
    const moved = [...await vmsOn(h1.id), ...await vmsOn(h2.id)];
    expect(moved.map((v) => v.id).sort()).toEqual([...vms].sort());
    expect(moved.every((v) => v.state === 'Running')).toBe(true);
    const jobs = (await call('listAsyncJobs', { listall: 'true' })).asyncjobs as any[];
    const migrations = jobs.filter((j) => /MigrateVM/.test(j.cmd) && vms.includes(j.jobinstanceid));
    expect(migrations.map((j) => j.jobstatus)).toEqual([1, 1, 1, 1, 1, 1]);
    const events = (await call('listEvents', { type: 'MAINT.PREPARE', listall: 'true' })).event as any[];
    expect(events.map((e) => e.description).join('\n')).toMatch(/is in Maintenance: 6 VM\(s\) moved off/);
    // The planner never places on it, and an explicit migration to it is refused.
    for (let i = 0; i < 4; i++) {
      // In its own cluster, where the host in maintenance would otherwise be a candidate (n-h0 elsewhere is emptier).
      const vm = (await job('deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, clusterid: h0.clusterid })).virtualmachine;
      expect(vm.hostid).not.toBe(h0.id);
    }
    await expect(call('migrateVirtualMachine', { virtualmachineid: vms[0], hostid: h0.id })).rejects.toMatchObject({ errorcode: 431, message: /Maintenance/ });
    await expect(call('prepareHostForMaintenance', { id: h0.id })).rejects.toMatchObject({ errorcode: 431, message: /already in Maintenance/ });
    await expect(call('listHostMaintenancePlan', { id: h0.id })).rejects.toMatchObject({ errorcode: 431, message: /already in Maintenance/ });
    const c = await job('cancelHostMaintenance', { id: h0.id });
    expect(c.host.resourcestate).toBe('Enabled');
    await expect(call('cancelHostMaintenance', { id: h0.id })).rejects.toMatchObject({ errorcode: 431, message: /not in maintenance/ });
  });

  it('prepares one host of a cluster at a time', async () => {
    const [h0, h1] = await hostsOf('m-h');
    await core.svc.db.updateTable('hosts').set({ resource_state: 'PrepareForMaintenance' }).where('id', '=', h1.id).execute();
    try {
      await expect(call('prepareHostForMaintenance', { id: h0.id })).rejects.toMatchObject({ errorcode: 431, message: /m-h1 of cluster m-c0 is being prepared/ });
      await expect(call('listHostMaintenancePlan', { id: h0.id })).rejects.toMatchObject({ errorcode: 431, message: /m-h1 of cluster m-c0 is being prepared/ });
      expect((await call('listHosts', { id: h0.id })).host[0].resourcestate).toBe('Enabled');
    } finally {
      await core.svc.db.updateTable('hosts').set({ resource_state: 'Enabled' }).where('id', '=', h1.id).execute();
    }
  });

  it('a VM with nowhere to go blocks the host in ErrorInMaintenance with the reason, or is stopped, as the setting says', async () => {
    const [n0] = await hostsOf('n-h');
    const [vm] = await deployOn(n0.id, 1);
    const planOf = async () => (await call('listHostMaintenancePlan', { id: n0.id })).maintenanceplan[0];
    expect(await planOf()).toMatchObject({ virtualmachineid: vm, action: 'Stop',
      reason: expect.stringMatching(/no other host of the same hypervisor in cluster n-c0 reaches its storage/) });
    await setting('host.maintenance.unmovable.vm.strategy', 'Error');
    try {
      expect(await planOf()).toMatchObject({ action: 'Block', reason: expect.stringMatching(/would go to ErrorInMaintenance/) });
      const r = await job('prepareHostForMaintenance', { id: n0.id });
      expect(r.host.resourcestate).toBe('ErrorInMaintenance');
      const ev = (await call('listEvents', { type: 'MAINT.PREPARE', listall: 'true' })).event as any[];
      expect(ev[0]).toMatchObject({ level: 'ERROR', description: expect.stringMatching(/could not enter maintenance: VM[- ].+: No suitable host found to migrate/) });
      expect((await call('listVirtualMachines', { id: vm })).virtualmachine[0].state).toBe('Running');
      await job('cancelHostMaintenance', { id: n0.id });
    } finally {
      await clearSetting('host.maintenance.unmovable.vm.strategy');
    }
    const r = await job('prepareHostForMaintenance', { id: n0.id });
    expect(r.host.resourcestate).toBe('Maintenance');
    expect((await call('listVirtualMachines', { id: vm })).virtualmachine[0].state).toBe('Stopped');
    const ev = (await call('listEvents', { type: 'MAINT.PREPARE', listall: 'true' })).event as any[];
    expect(ev.map((e) => e.description).join('\n')).toMatch(/Stopped VM[- ].+ for the maintenance of host n-h0: it could not be migrated/);
    await job('cancelHostMaintenance', { id: n0.id });
  });
});

describe('storage maintenance', () => {
  it('stops the VMs using the pool, and cancel starts them again', async () => {
    const pool = (await call('listStoragePools', { name: 'm-p0' })).storagepool[0];
    const running = ((await call('listVirtualMachines', { listall: 'true', state: 'Running' })).virtualmachine as any[])
      .filter((v) => v.hostname.startsWith('m-'));
    expect(running.length).toBeGreaterThan(0);
    const r = await job('enableStorageMaintenance', { id: pool.id });
    expect(r.storagepool.state).toBe('Maintenance');
    for (const v of running) expect((await call('listVirtualMachines', { id: v.id })).virtualmachine[0].state).toBe('Stopped');
    await expect(call('enableStorageMaintenance', { id: pool.id })).rejects.toMatchObject({ errorcode: 431 });
    const c = await job('cancelStorageMaintenance', { id: pool.id });
    expect(c.storagepool.state).toBe('Up');
    for (const v of running) expect((await call('listVirtualMachines', { id: v.id })).virtualmachine[0].state).toBe('Running');
    const ev = (await call('listEvents', { type: 'MAINT.CANCEL.PS', listall: 'true' })).event as any[];
    expect(ev[0].description).toMatch(new RegExp(`${running.length} VM\\(s\\) started again`));
  });
});

describe('host HA settings', () => {
  it('configure, enable and disable per host, cluster and zone, shown in listHosts hostha; hahost follows ha.tag', async () => {
    const [h0] = await hostsOf('m-h');
    expect((await call('listHostHAProviders', { hypervisor: 'Simulator' })).haprovider).toEqual([{ haprovider: 'simulatorhaprovider' }]);
    await expect(call('enableHAForHost', { hostid: h0.id })).rejects.toMatchObject({ errorcode: 431, message: /configureHAForHost first/ });
    await expect(call('configureHAForHost', { hostid: h0.id, provider: 'kvmhaprovider' })).rejects.toMatchObject({ errorcode: 431 });
    await job('configureHAForHost', { hostid: h0.id, provider: 'simulatorhaprovider' });
    const e = await job('enableHAForHost', { hostid: h0.id });
    expect(e.hostha).toMatchObject({ hostid: h0.id, haenable: true, hastate: 'Available', haprovider: 'simulatorhaprovider' });
    expect((await call('listHosts', { id: h0.id })).host[0].hostha).toMatchObject({ haenable: true, hastate: 'Available' });
    await job('disableHAForCluster', { clusterid: h0.clusterid });
    expect((await call('listHosts', { id: h0.id })).host[0].hostha).toMatchObject({ haenable: true, hastate: 'Disabled' });
    await job('enableHAForCluster', { clusterid: h0.clusterid });
    await job('disableHAForZone', { zoneid: h0.zoneid });
    expect((await call('listHostHAResources', { hostid: h0.id })).hostha[0].hastate).toBe('Disabled');
    await job('enableHAForZone', { zoneid: h0.zoneid });
    expect((await call('listHostHAResources', {})).hostha[0].hastate).toBe('Available');
    await job('disableHAForHost', { hostid: h0.id });
    expect((await call('listHosts', { id: h0.id })).host[0].hostha).toMatchObject({ haenable: false, hastate: 'Disabled' });

    expect((await call('listHosts', { hahost: 'true' })).count ?? 0).toBe(0);
    await call('updateHost', { id: h0.id, hosttags: 'ssd,ha' });
    await setting('ha.tag', 'ha');
    const ha = await call('listHosts', { hahost: 'true' });
    expect(ha.host.map((h: any) => [h.name, h.hahost])).toEqual([['m-h0', true]]);
    expect((await call('listHosts', { hahost: 'false' })).host.every((h: any) => h.hahost === false && h.name !== 'm-h0')).toBe(true);
    await clearSetting('ha.tag');
  });
});

describe('host failure (simulator hosts, simulated storage heartbeat)', () => {
  it('a powered-off host is declared Down; its HA VMs run again elsewhere in priority order, the others are Stopped', async () => {
    const { createHostMonitor } = await import('./host-monitor');
    const sim = core.svc.drivers.get('Simulator') as import('../hypervisors/simulator/index').SimulatorDriver;
    await buildLab(core, { hosts: 3, hostsPerCluster: 3, namePrefix: 'f', zoneId: lab.zoneId });
    const [f0, f1, f2] = await hostsOf('f-h');
    const ha = (await call('createServiceOffering', { name: 'ha', displaytext: 'ha', cpunumber: '1', cpuspeed: '100', memory: '128', offerha: 'true' })).serviceoffering.id;
    const deploy = async (name: string, so: string, extra: Record<string, string> = {}) => (await job('deployVirtualMachine',
      { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: so, hostid: f0.id, name, ...extra })).virtualmachine.id as string;
    const low = await deploy('ha-low', ha);
    const high = await deploy('ha-high', ha, { 'details[0].ha.priority': '5' });
    const plain = await deploy('no-ha', lab.offeringId);
    await setting('ha.workers', '1');
    await setting('kvm.heartbeat.timeout', '0.001');
    try {
      await core.ha.tick(); // the hosts are told to write their heartbeat
      sim.setHostDown(f0.id, true);
      await new Promise((r) => setTimeout(r, 5));
      await createHostMonitor(core.svc, { intervalMs: 1000, timeoutMs: 0 }).tick();
      expect((await call('listHosts', { id: f0.id })).host[0].state).toBe('Alert');
      await core.ha.tick();
      await core.ha.settled();
      expect((await call('listHosts', { id: f0.id })).host[0].state).toBe('Down');
      for (const id of [low, high]) {
        const vm = (await call('listVirtualMachines', { id })).virtualmachine[0];
        expect(vm.state).toBe('Running');
        expect([f1.id, f2.id]).toContain(vm.hostid);
      }
      expect((await call('listVirtualMachines', { id: plain })).virtualmachine[0].state).toBe('Stopped');
      const started = ((await call('listEvents', { type: 'HA.VM.RESTART', listall: 'true' })).event as any[])
        .filter((e) => e.state === 'Started').map((e) => e.resourcename).reverse();
      expect(started).toEqual(['ha-high', 'ha-low']);
      const alerts = ((await call('listAlerts', {})).alert as any[]).map((a) => a.description).join('\n');
      expect(alerts).toMatch(/Host f-h0 is Down: its agent link is gone and its storage heartbeat stopped/);
      expect(alerts).toMatch(/1 VM\(s\) without HA are Stopped: no-ha/);

      // The Down host comes back still running the old processes: each one the database places elsewhere is killed.
      const { fenceReturningHost } = await import('./host-fence');
      const stopped: string[] = [];
      const killed = await fenceReturningHost(core.svc, { id: f0.id, name: 'f-h0', zone_id: lab.zoneId }, async (method, args) => {
        if (method === 'vmPowerStates') return new Map([[low, 'PowerOn'], [plain, 'PowerOn'], [high, 'PowerOff']]);
        stopped.push(`${String(args[1])}:${JSON.stringify(args[2])}`);
        return undefined;
      });
      expect(killed.sort()).toEqual([low, plain].sort());
      expect(stopped.sort()).toEqual([`${low}:{"forced":true}`, `${plain}:{"forced":true}`].sort());
      expect(((await call('listAlerts', {})).alert as any[])[0].description).toMatch(/Host f-h0 came back after it was declared Down: killed 2 VM process/);
    } finally {
      sim.setHostDown(f0.id, false);
      await clearSetting('ha.workers');
      await clearSetting('kvm.heartbeat.timeout');
    }
  });

  it('a VM that keeps dying is restarted max.retries times within time.between.failures, then left Stopped with an alert', async () => {
    const { syncHostVms } = await import('./host-sync');
    const sim = core.svc.drivers.get('Simulator')!;
    const [g0] = await hostsOf('m-h1');
    const ha = (await call('createServiceOffering', { name: 'ha-loop', displaytext: 'ha', cpunumber: '1', cpuspeed: '100', memory: '128', offerha: 'true' })).serviceoffering.id;
    const id = (await job('deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: ha, hostid: g0.id, name: 'dies-often' })).virtualmachine.id as string;
    const vm = async () => (await call('listVirtualMachines', { id })).virtualmachine[0];
    const restarts = async () => ((await call('listEvents', { type: 'HA.VM.RESTART', listall: 'true' })).event as any[] ?? [])
      .filter((e) => e.resourcename === 'dies-often');
    const until = async (f: () => Promise<boolean>) => { for (let i = 0; i < 200 && !(await f()); i++) await new Promise((r) => setTimeout(r, 10)); };
    await setting('max.retries', '2');
    try {
      for (let death = 1; death <= 3; death++) {
        const on = (await vm()).hostid as string;
        await sim.stopVm(on, id, { forced: true }); // the process dies without a stop request
        await syncHostVms(core.svc, on);
        await until(async () => (await restarts()).filter((e) => e.state === 'Completed').length === death);
        if (death <= 2) expect((await vm()).state).toBe('Running');
      }
      expect((await vm()).state).toBe('Stopped');
      const last = (await restarts())[0];
      expect(last).toMatchObject({ level: 'ERROR', state: 'Completed' });
      expect(last.description).toMatch(/HA gave up restarting VM dies-often: it was restarted 2 times within the last 3600 s/);
      expect(((await call('listAlerts', {})).alert as any[])[0].description).toMatch(/HA gave up restarting VM dies-often/);
      expect((await restarts()).filter((e) => e.state === 'Started')).toHaveLength(2);
      // A start by hand is not throttled, and the window lets HA restart it again later.
      await job('startVirtualMachine', { id });
      expect((await vm()).state).toBe('Running');
    } finally {
      await clearSetting('max.retries');
    }
  });
});
