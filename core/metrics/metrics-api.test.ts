// The metrics API over HTTP on a simulated lab: list*Metrics carry the plugin's fields with CloudStack's JSON
// types, usage history answers sampled series, and a user sees only their own VMs' metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../testing/harness';
import { seedDemoLab, seedDemoVms } from '../demo';
import { checkUsageAlerts } from './alerts';

// The metrics plugin's own fields and their JSON types, from CloudStack's response types (shared/reference).
const TYPES: Record<string, Record<string, string>> = {"VirtualMachinesMetric": {"cpuused": "string", "cputotal": "string", "memorytotal": "string", "memorykbs": "int64", "networkread": "string", "networkwrite": "string", "diskread": "string", "diskwrite": "string", "diskiopstotal": "int64", "diskkbsread": "int64", "diskioread": "int64"}, "HostsMetric": {"cpuallocateddisablethreshold": "bool", "cpuallocatedghz": "string", "cpuallocatedthreshold": "bool", "cpudisablethreshold": "bool", "cputhreshold": "bool", "cputotalghz": "string", "cpuusedghz": "string", "instances": "string", "memoryallocateddisablethreshold": "bool", "memoryallocatedgb": "string", "memoryallocatedthreshold": "bool", "memorydisablethreshold": "bool", "memorythreshold": "bool", "memorytotalgb": "string", "memoryusedgb": "string", "networkread": "string", "networkwrite": "string", "powerstate": "string", "systeminstances": "string"}, "ClustersMetric": {"cpuallocated": "string", "cpuallocateddisablethreshold": "bool", "cpuallocatedthreshold": "bool", "cpudisablethreshold": "bool", "cpumaxdeviation": "string", "cputhreshold": "bool", "cputotal": "string", "cpuused": "string", "drsimbalance": "string", "hosts": "string", "memoryallocated": "string", "memoryallocateddisablethreshold": "bool", "memoryallocatedthreshold": "bool", "memorydisablethreshold": "bool", "memorymaxdeviation": "string", "memorythreshold": "bool", "memorytotal": "string", "memoryused": "string", "state": "string"}, "ZonesMetric": {"clusters": "string", "cpuallocated": "string", "cpuallocateddisablethreshold": "bool", "cpuallocatedthreshold": "bool", "cpudisablethreshold": "bool", "cpumaxdeviation": "string", "cputhreshold": "bool", "cputotal": "string", "cpuused": "string", "memoryallocated": "string", "memoryallocateddisablethreshold": "bool", "memoryallocatedthreshold": "bool", "memorydisablethreshold": "bool", "memorymaxdeviation": "string", "memorythreshold": "bool", "memorytotal": "string", "memoryused": "string", "state": "string"}, "StoragePoolsMetric": {"disksizeallocatedgb": "string", "disksizetotalgb": "string", "disksizeunallocatedgb": "string", "disksizeusedgb": "string", "storageallocateddisablethreshold": "bool", "storageallocatedthreshold": "bool", "storageusagedisablethreshold": "bool", "storageusagethreshold": "bool"}, "VolumesMetric": {"diskiopstotal": "int64", "sizegb": "string"}, "VirtualMachinesUsageHistoryStats": {"cpuused": "string", "diskiopstotal": "int64", "diskioread": "int64", "diskiowrite": "int64", "diskkbsread": "int64", "diskkbswrite": "int64", "memoryintfreekbs": "int64", "memorykbs": "int64", "memorytargetkbs": "int64", "networkkbsread": "int64", "networkkbswrite": "int64", "networkread": "string", "networkwrite": "string", "timestamp": "string"}};

// Strata's extension fields (README, "API extensions"), typed as CloudStack would type them.
const EXT: Record<string, Record<string, string>> = {
  VirtualMachinesMetric: { diskreadrate: 'int64', diskwriterate: 'int64', networkreadrate: 'int64', networkwriterate: 'int64', networkpacketsreadrate: 'int64', networkpacketswriterate: 'int64' },
  HostsMetric: { diskreadrate: 'int64', diskwriterate: 'int64', networkreadrate: 'int64', networkwriterate: 'int64' },
  VolumesMetric: { diskreadrate: 'int64', diskwriterate: 'int64', diskioreadrate: 'int64', diskiowriterate: 'int64' },
  VirtualMachinesUsageHistoryStats: { networkpacketsread: 'int64', networkpacketswrite: 'int64' },
  ZonesUsageHistoryStats: { timestamp: 'string', cpuused: 'string', cpuusedmax: 'string', cputotalmhz: 'int64', memoryusedkbs: 'int64', memoryusedkbsmax: 'int64',
    memorytotalkbs: 'int64', storageusedkbs: 'int64', storageusedkbsmax: 'int64', storagetotalkbs: 'int64' },
};

/** Every field the reference types names has the JSON type it names (strings stay strings, numbers numbers). */
function expectTypes(obj: Record<string, unknown>, typeName: string) {
  const want = { ...TYPES[typeName], ...EXT[typeName] };
  for (const k of Object.keys(EXT[typeName] ?? {})) expect(obj[k], `${typeName}.${k}`).toBeDefined();
  for (const [k, v] of Object.entries(obj)) {
    const t = want[k];
    if (t === undefined || v === undefined || v === null) continue;
    const js = t === 'string' ? 'string' : t === 'bool' ? 'boolean' : /^(u?int|float)/.test(t) ? 'number' : null;
    if (js) expect(typeof v, `${typeName}.${k}`).toBe(js);
  }
}

let t: TestServer;
let offset = 0;
const clock = { now: () => Date.now() + offset };
const tick = async (n = 1) => { for (let i = 0; i < n; i++) { offset += 10_000; await t.core.metrics.collector.tick(); } };

beforeAll(async () => {
  t = await startTestServer({ clock });
  const { zoneId } = await seedDemoLab(t.core);
  await seedDemoVms(t.core, zoneId);
  await tick(3);
}, 120_000);
afterAll(async () => { await t.stop(); });

describe('metrics API', () => {
  it('lists VMs, hosts, clusters, zones, pools and volumes with the metrics fields', async () => {
    const admin = await sessionClient(t.url);
    const vms = (await admin.call('listVirtualMachinesMetrics', { state: 'Running' })).json.listvirtualmachinesmetricsresponse;
    expect(vms.count).toBeGreaterThan(0);
    const vm = vms.virtualmachine[0];
    expect(vm.cpuused).toMatch(/^\d+\.\d{2}%$/);
    expect(vm.cputotal).toMatch(/Ghz$/);
    expect(vm.memorytotal).toMatch(/GB$/);
    expect(typeof vm.memorykbs).toBe('number');
    expectTypes(vm, 'VirtualMachinesMetric');
    const hosts = (await admin.call('listHostsMetrics')).json.listhostsmetricsresponse.host;
    expect(hosts.length).toBe(16);
    expect(hosts.some((h: any) => parseFloat(h.cpuused) > 0)).toBe(true);
    expect(hosts[0].instances).toMatch(/^\d+ \/ \d+$/);
    for (const h of hosts) expectTypes(h, 'HostsMetric');
    const clusters = (await admin.call('listClustersMetrics')).json.listclustersmetricsresponse.cluster;
    expect(clusters[0].hosts).toBe('4 / 4');
    for (const c of clusters) expectTypes(c, 'ClustersMetric');
    const zones = (await admin.call('listZonesMetrics')).json.listzonesmetricsresponse.zone;
    expect(zones[0].cpuused).toMatch(/%$/);
    expectTypes(zones[0], 'ZonesMetric');
    const pools = (await admin.call('listStoragePoolsMetrics')).json.liststoragepoolsmetricsresponse.storagepool;
    expect(pools[0].disksizetotalgb).toBe('10240.00 GB');
    expectTypes(pools[0], 'StoragePoolsMetric');
    const vols = (await admin.call('listVolumesMetrics', { virtualmachineid: vm.id })).json.listvolumesmetricsresponse.volume;
    expect(vols[0].sizegb).toMatch(/ GB$/);
    expectTypes(vols[0], 'VolumesMetric');
    // The rates of the lists' columns: bytes and packets per second now (the simulator's VMs move both).
    expect(vm.diskreadrate + vm.networkreadrate + vm.networkpacketsreadrate).toBeGreaterThan(0);
    expect(hosts.some((h: any) => h.networkreadrate > 0 && h.diskwriterate > 0)).toBe(true);
  });

  it('answers a VM\'s and a host\'s usage history from the samples', async () => {
    const admin = await sessionClient(t.url);
    const vm = (await admin.call('listVirtualMachines', { state: 'Running', pagesize: '1', page: '1' })).json.listvirtualmachinesresponse.virtualmachine[0];
    const h = (await admin.call('listVirtualMachinesUsageHistory', { id: vm.id })).json.listvirtualmachinesusagehistoryresponse;
    expect(h.count).toBe(1);
    // CloudStack's history object: identity and the series only, not the whole VM.
    expect(Object.keys(h.virtualmachine[0]).sort()).toEqual(['displayname', 'id', 'name', 'stats']);
    const stats = h.virtualmachine[0].stats;
    expect(stats.length).toBe(3);
    expect(stats[0].cpuused).toMatch(/%$/);
    for (const s of stats) expectTypes(s, 'VirtualMachinesUsageHistoryStats');
    // I/O needs two samples for a rate: the later points carry it; packets as bytes do.
    expect(stats[2].diskkbsread).toBeGreaterThan(0);
    expect(stats[2].networkpacketsread).toBeGreaterThan(0);
    expect(stats[2].networkpacketswrite).toBeGreaterThan(0);
    // Each volume has its own series: the VM's root volume moved part of what the VM did.
    const root = (await admin.call('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' })).json.listvolumesresponse.volume[0];
    const vh = (await admin.call('listVolumesUsageHistory', { id: root.id })).json.listvolumesusagehistoryresponse.volume[0].stats;
    expect(vh).toHaveLength(3);
    expect(vh[2].diskkbsread).toBeGreaterThan(0);
    expect(vh[2].diskkbsread).toBeLessThanOrEqual(stats[2].diskkbsread);
    const hh = (await admin.call('listHostsUsageHistory', { id: vm.hostid })).json.listhostsusagehistoryresponse;
    expect(hh.host[0].stats).toHaveLength(3);
    expect(parseFloat(hh.host[0].stats[0].cpuused)).toBeGreaterThan(0);
    // listHosts has no `ids`, so the history picks them itself (it used to answer every host).
    const two = (await admin.call('listHostsMetrics', { pagesize: '2', page: '1' })).json.listhostsmetricsresponse.host.map((x: any) => x.id);
    const byIds = (await admin.call('listHostsUsageHistory', { ids: two.join(',') })).json.listhostsusagehistoryresponse;
    expect(byIds.count).toBe(2);
    expect(byIds.host.map((x: any) => x.id).sort()).toEqual([...two].sort());
    const bad = await admin.call('listVirtualMachinesUsageHistory', { id: vm.id, startdate: '2030-01-02', enddate: '2030-01-01' });
    expect(bad.status).toBe(431);
  });

  it('sorts VMs and hosts by current CPU and memory use across pages, not within one', async () => {
    const admin = await sessionClient(t.url);
    const L = async (cmd: string, key: string, args: Record<string, string>) => {
      const r = (await admin.call(cmd, args)).json[`${cmd.toLowerCase()}response`];
      return { count: r.count, rows: (r[key] ?? []) as any[] };
    };
    const all = await L('listVirtualMachinesMetrics', 'virtualmachine', { sortby: 'cpuused', sortorder: 'desc' });
    const running = all.rows.filter((v) => v.state === 'Running');
    const cpus = running.map((v) => parseFloat(v.cpuused));
    expect(cpus.length).toBeGreaterThan(4);
    expect(cpus).toEqual([...cpus].sort((a, b) => b - a));
    // Not running: no current use, last in either order.
    expect(all.rows.slice(running.length).every((v) => v.state !== 'Running')).toBe(true);
    // Page 2 of 3 is the next three of that order, over the whole list (the busiest VM is on page 1 whatever it was created as).
    const p2 = await L('listVirtualMachinesMetrics', 'virtualmachine', { sortby: 'cpuused', sortorder: 'desc', page: '2', pagesize: '3' });
    expect(p2.count).toBe(all.count);
    expect(p2.rows.map((v) => v.id)).toEqual(all.rows.slice(3, 6).map((v) => v.id));
    const asc = await L('listVirtualMachinesMetrics', 'virtualmachine', { sortby: 'memoryused', state: 'Running' });
    const memPct = asc.rows.map((v) => v.memorykbs / (v.memory * 1024));
    expect(memPct).toEqual([...memPct].sort((a, b) => a - b));
    const hosts = await L('listHostsMetrics', 'host', { sortby: 'cpuused', sortorder: 'desc', page: '1', pagesize: '4' });
    const everyHost = await L('listHostsMetrics', 'host', {});
    const top = [...everyHost.rows].sort((a, b) => parseFloat(b.cpuused) - parseFloat(a.cpuused)).slice(0, 4).map((h) => parseFloat(h.cpuused));
    expect(hosts.rows.map((h) => parseFloat(h.cpuused))).toEqual(top);
    expect(hosts.count).toBe(16);
    expect((await admin.call('listHostsMetrics', { sortby: 'ram' })).status).toBe(431);
    // The disk and network columns sort the same way: by the current read + write rate.
    const byNet = await L('listVirtualMachinesMetrics', 'virtualmachine', { sortby: 'networkrate', sortorder: 'desc', state: 'Running' });
    const net = byNet.rows.map((v) => v.networkreadrate + v.networkwriterate);
    expect(net).toEqual([...net].sort((a, b) => b - a));
    const byDisk = await L('listHostsMetrics', 'host', { sortby: 'diskrate', sortorder: 'desc' });
    const disk = byDisk.rows.filter((h) => h.diskreadrate !== undefined).map((h) => h.diskreadrate + h.diskwriterate);
    expect(disk.length).toBeGreaterThan(1);
    expect(disk).toEqual([...disk].sort((a, b) => b - a));
  });

  it('shows a user only their own VMs\' metrics', async () => {
    const admin = await sessionClient(t.url);
    await admin.call('createAccount', { username: 'metrics-user', password: 'pw-metrics-1', email: 'u@example.org', firstname: 'U', lastname: 'M', accounttype: '0' });
    const user = await sessionClient(t.url, 'metrics-user', 'pw-metrics-1');
    const theirs = (await admin.call('listVirtualMachines', { state: 'Running', pagesize: '1', page: '1' })).json.listvirtualmachinesresponse.virtualmachine[0];
    const zone = (await user.call('listZones')).json.listzonesresponse.zone[0];
    const tpl = (await user.call('listTemplates', { templatefilter: 'executable', zoneid: zone.id })).json.listtemplatesresponse.template[0];
    const so = (await user.call('listServiceOfferings')).json.listserviceofferingsresponse.serviceoffering[0];
    const dep = await user.call('deployVirtualMachine', { zoneid: zone.id, templateid: tpl.id, serviceofferingid: so.id, name: 'mine' });
    const job = await waitJob(user.call, dep.json.deployvirtualmachineresponse.jobid);
    expect(job.jobstatus).toBe(1);
    await tick(2);
    const mine = (await user.call('listVirtualMachinesMetrics')).json.listvirtualmachinesmetricsresponse;
    expect(mine.virtualmachine.map((v: any) => v.name)).toEqual(['mine']);
    const byId = (await user.call('listVirtualMachinesMetrics', { id: theirs.id })).json.listvirtualmachinesmetricsresponse;
    expect(byId.virtualmachine ?? []).toEqual([]);
    const hist = await user.call('listVirtualMachinesUsageHistory', { id: theirs.id });
    expect(hist.json.listvirtualmachinesusagehistoryresponse?.virtualmachine ?? []).toEqual([]);
    const own = (await user.call('listVirtualMachinesUsageHistory', {})).json.listvirtualmachinesusagehistoryresponse;
    expect(own.virtualmachine.map((v: any) => v.name)).toEqual(['mine']);
    expect(own.virtualmachine[0].stats.length).toBeGreaterThan(0);
    // Host metrics are for admins, as listHosts is (the same refusal).
    const refused = await user.call('listHostsMetrics');
    expect(refused.status).toBe((await user.call('listHosts')).status);
    expect(refused.status).toBeGreaterThanOrEqual(400);
  });

  it('derives a zone\'s usage over time from its hosts and pools, one series per zone', async () => {
    const admin = await sessionClient(t.url);
    await tick(4);
    await t.core.metrics.maintain();
    const zones = (await admin.call('listZonesUsageHistory', {})).json.listzonesusagehistoryresponse;
    expect(zones.count).toBeGreaterThan(0);
    const stats = zones.zone[0].stats;
    expect(stats.length).toBeGreaterThan(2);
    for (const s of stats) expectTypes(s, 'ZonesUsageHistoryStats');
    // A tick's figures are its hosts': memory summed, CPU weighted by each host's MHz.
    const last = stats[stats.length - 1];
    const hosts = (await admin.call('listHosts', { zoneid: zones.zone[0].id, type: 'Routing' })).json.listhostsresponse.host;
    const hh = (await admin.call('listHostsUsageHistory', { ids: hosts.map((h: any) => h.id).join(','), startdate: last.timestamp.slice(0, 19).replace('T', ' ') })).json.listhostsusagehistoryresponse.host;
    const at = hh.map((h: any) => ({ h: hosts.find((x: any) => x.id === h.id), s: h.stats.find((x: any) => x.timestamp === last.timestamp) })).filter((x: any) => x.s);
    expect(at.length).toBe(hosts.length);
    const mhz = (h: any) => h.cpunumber * h.cpuspeed;
    const cpu = at.reduce((a: number, x: any) => a + parseFloat(x.s.cpuused) * mhz(x.h), 0) / at.reduce((a: number, x: any) => a + mhz(x.h), 0);
    expect(parseFloat(last.cpuused)).toBeCloseTo(cpu, 1);
    expect(Math.abs(last.memoryusedkbs - at.reduce((a: number, x: any) => a + x.s.memoryusedkbs, 0))).toBeLessThanOrEqual(at.length);
    expect(last.memorytotalkbs).toBe(hosts.reduce((a: number, h: any) => a + h.memorytotal / 1024, 0));
    expect(last.storageusedkbs).toBeGreaterThanOrEqual(0);
    expect(last.storagetotalkbs).toBeGreaterThan(0);
    // Zones are infrastructure: a user is refused as for listHostsUsageHistory.
    await admin.call('createAccount', { username: 'zone-user', password: 'pw-zone-1', email: 'z@example.org', firstname: 'Z', lastname: 'U', accounttype: '0' });
    const user = await sessionClient(t.url, 'zone-user', 'pw-zone-1');
    expect((await user.call('listZonesUsageHistory', {})).status).toBe((await user.call('listHostsUsageHistory', {})).status);
  });

  it('raises a capacity alert once when a cluster crosses its notification threshold, and clears it', async () => {
    const admin = await sessionClient(t.url);
    const db = t.core.svc.db;
    const setting = async (name: string, value: string) => {
      await db.deleteFrom('configurations').where('name', '=', name).execute();
      await db.insertInto('configurations').values({ name, value }).execute();
    };
    const cpuAlerts = async () => ((await admin.call('listAlerts', { type: '1' })).json.listalertsresponse.alert ?? []) as any[];
    await setting('cluster.cpu.allocated.capacity.notificationthreshold', '0.0001');
    const first = await checkUsageAlerts(t.core.svc);
    const busyClusters = first.raised.filter((r) => r.startsWith('ALERT.CPU:')).length;
    expect(busyClusters).toBeGreaterThan(0);
    const open = await cpuAlerts();
    expect(open).toHaveLength(busyClusters);
    expect(open[0].name).toBe('ALERT.CPU');
    expect(open[0].description).toMatch(/allocated CPU is at/);
    // Still over the threshold: nothing new.
    expect((await checkUsageAlerts(t.core.svc)).raised.filter((r) => r.startsWith('ALERT.CPU:'))).toEqual([]);
    expect(await cpuAlerts()).toHaveLength(busyClusters);
    // Back under it: cleared.
    await setting('cluster.cpu.allocated.capacity.notificationthreshold', '0.99');
    const cleared = await checkUsageAlerts(t.core.svc);
    expect(cleared.cleared.filter((r) => r.startsWith('ALERT.CPU:'))).toHaveLength(busyClusters);
    expect(await cpuAlerts()).toEqual([]);
  });
});
