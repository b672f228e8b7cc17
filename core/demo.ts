// `strata serve --demo`: a simulated lab so a newcomer sees a working cloud at once. Built through the API
// itself (as the root admin), so it exercises the same paths an operator's scripts would. Idempotent.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Core } from './index';

export const DEMO_ZONE = 'Lab Zone 1';

type Obj = Record<string, any>;

type Invoke = (command: string, params?: Record<string, string>) => Promise<Obj>;

/**
 * Seeds the demo lab once. The zone is enabled last, so an enabled demo zone means a complete lab; a disabled one is
 * what an interrupted seeding left (a crash, a database error) and is removed and seeded again. A seeding that
 * fails removes what it made before it reports the error, so the next start never says "already present" of half a lab.
 */
export async function seedDemoLab(core: Core, o: { invoke?: Invoke } = {}): Promise<{ created: boolean; zoneId: string }> {
  const admin = await core.admin();
  const call: Invoke = o.invoke ?? ((command, params = {}) => core.dispatcher.invoke(admin, command, params) as Promise<Obj>);
  const existing = (await call('listZones', { name: DEMO_ZONE })).zone as Obj[] | undefined;
  const complete = existing?.find((z) => z.allocationstate === 'Enabled');
  if (complete) return { created: false, zoneId: complete.id };
  for (const leftover of existing ?? []) await removeDemoZone(core, call, leftover.id);
  const zone = (await call('createZone', {
    name: DEMO_ZONE, networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53', guestcidraddress: '10.1.1.0/24',
  })).zone;
  try {
    await buildDemoZone(core, call, zone.id);
  } catch (e) {
    await removeDemoZone(core, call, zone.id).catch((undo: Error) => {
      throw new Error(`${(e as Error).message} (and removing the half-seeded demo lab failed: ${undo.message})`);
    });
    throw e;
  }
  return { created: true, zoneId: zone.id };
}

async function buildDemoZone(core: Core, call: Invoke, zoneId: string): Promise<void> {
  const secondary = join(core.svc.config.dataDir, 'demo', 'secondary');
  mkdirSync(secondary, { recursive: true });
  await call('addImageStore', { provider: 'NFS', name: 'lab-secondary', url: `file://${secondary}`, zoneid: zoneId });
  let hostNo = 0;
  for (let podNo = 1; podNo <= 2; podNo++) {
    const pod = (await call('createPod', {
      zoneid: zoneId, name: `Pod ${podNo}`, gateway: `192.168.${podNo}.1`, netmask: '255.255.255.0',
      startip: `192.168.${podNo}.10`, endip: `192.168.${podNo}.250`,
    })).pod;
    for (let c = 1; c <= 2; c++) {
      const cluster = (await call('addCluster', {
        zoneid: zoneId, podid: pod.id, clustername: `Cluster ${podNo}-${c}`, clustertype: 'CloudManaged', hypervisor: 'Simulator',
      })).cluster[0];
      const primary = join(core.svc.config.dataDir, 'demo', `primary-${podNo}-${c}`);
      mkdirSync(primary, { recursive: true });
      await call('createStoragePool', {
        zoneid: zoneId, podid: pod.id, clusterid: cluster.id, name: `Primary ${podNo}-${c}`, scope: 'CLUSTER',
        url: `SharedMountPoint://localhost${primary}`, capacitybytes: String(10 * 2 ** 40),
      });
      for (let h = 1; h <= 4; h++) {
        hostNo++;
        await call('addHost', {
          zoneid: zoneId, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', username: 'root', password: 'sim',
          url: `http://sim-host-${hostNo}/?cpunumber=32&cpuspeed=2400&memory=262144`,
        });
      }
    }
  }
  const { ensureBuiltinTemplate } = await import('./catalog/index');
  await ensureBuiltinTemplate(core.svc, zoneId);
  await buildDemoNetworks(core, call, zoneId);
  await call('updateZone', { id: zoneId, allocationstate: 'Enabled' });
}

/** Runs an async command to its end (seeding waits for each step). */
async function job(core: Core, call: Invoke, command: string, params: Record<string, string>): Promise<Obj> {
  const r = await call(command, params);
  if (r.jobid && (await core.svc.jobs.waitFor(r.jobid as string)) !== 1) throw new Error(`demo lab: ${command} failed`);
  return r;
}

/**
 * Guest networking of the demo zone: a physical network carrying Guest (VLANs 100-999) and Public traffic, a public
 * range in TEST-NET-3 for source NAT, and the admin's default isolated network, so a first VM gets an address (other
 * accounts get theirs on their first deploy).
 */
async function buildDemoNetworks(core: Core, call: Invoke, zoneId: string): Promise<void> {
  const phys = await job(core, call, 'createPhysicalNetwork', { zoneid: zoneId, name: 'Lab Physical Network', vlan: '100-999', isolationmethods: 'VLAN' });
  await job(core, call, 'addTrafficType', { physicalnetworkid: phys.id as string, traffictype: 'Guest' });
  await job(core, call, 'addTrafficType', { physicalnetworkid: phys.id as string, traffictype: 'Public' });
  await job(core, call, 'updatePhysicalNetwork', { id: phys.id as string, state: 'Enabled' });
  await call('createVlanIpRange', { zoneid: zoneId, forvirtualnetwork: 'true', vlan: 'untagged', gateway: '203.0.113.1',
    netmask: '255.255.255.0', startip: '203.0.113.10', endip: '203.0.113.250' });
  const offering = ((await call('listNetworkOfferings', { name: 'DefaultIsolatedNetworkOfferingWithSourceNatService' })).networkoffering as Obj[])[0];
  await call('createNetwork', { zoneid: zoneId, name: 'Lab Network', displaytext: 'Default isolated network of the lab', networkofferingid: offering.id });
}

/** Removes a demo zone and everything seeding put in it (it holds no VMs: those come after the zone is enabled). */
async function removeDemoZone(core: Core, call: Invoke, zoneId: string): Promise<void> {
  const list = async (command: string, key: string, params: Record<string, string> = {}) =>
    ((await call(command, { zoneid: zoneId, ...params }))[key] ?? []) as Obj[];
  for (const t of await list('listTemplates', 'template', { templatefilter: 'all' })) {
    const { jobid } = await call('deleteTemplate', { id: t.id, zoneid: zoneId });
    if (jobid) await core.svc.jobs.waitFor(jobid as string);
  }
  for (const h of await list('listHosts', 'host')) await call('deleteHost', { id: h.id, forced: 'true' });
  for (const sp of await list('listStoragePools', 'storagepool')) await call('deleteStoragePool', { id: sp.id, forced: 'true' });
  for (const c of await list('listClusters', 'cluster')) await call('deleteCluster', { id: c.id });
  for (const p of await list('listPods', 'pod')) await call('deletePod', { id: p.id });
  for (const st of await list('listImageStores', 'imagestore')) await call('deleteImageStore', { id: st.id });
  for (const n of await list('listNetworks', 'network', { listall: 'true' })) await job(core, call, 'deleteNetwork', { id: n.id });
  for (const r of await list('listVlanIpRanges', 'vlaniprange')) await call('deleteVlanIpRange', { id: r.id });
  for (const pn of await list('listPhysicalNetworks', 'physicalnetwork')) await job(core, call, 'deletePhysicalNetwork', { id: pn.id });
  await call('deleteZone', { id: zoneId });
}

/** The demo's simulated workload: name prefix, how many, offering, and whether they are left running. */
const DEMO_VMS = [
  { prefix: 'web', count: 8, offering: 'Small Instance', running: true },
  { prefix: 'db', count: 3, offering: 'Medium Instance', running: true },
  { prefix: 'build', count: 6, offering: 'Medium Instance', running: true },
  { prefix: 'test', count: 5, offering: 'Small Instance', running: false },
] as const;

/**
 * A few simulated VMs in the new demo lab, some running and some stopped, so the dashboard, the topology map and
 * the instance list show a working cloud on first start. Deployed through the API like any other VM.
 */
export async function seedDemoVms(core: Core, zoneId: string): Promise<number> {
  const admin = await core.admin();
  const call = (command: string, params: Record<string, string> = {}) => core.dispatcher.invoke(admin, command, params) as Promise<Obj>;
  const { ensureBuiltinTemplate } = await import('./catalog/index');
  const templateId = await ensureBuiltinTemplate(core.svc, zoneId);
  const offerings = new Map<string, string>(((await call('listServiceOfferings')).serviceoffering ?? []).map((o: Obj) => [o.name, o.id]));
  const jobs: string[] = [];
  for (const g of DEMO_VMS) {
    const serviceofferingid = offerings.get(g.offering);
    if (!serviceofferingid) continue;
    for (let i = 1; i <= g.count; i++) {
      const name = `${g.prefix}-${String(i).padStart(2, '0')}`;
      const r = await call('deployVirtualMachine', { zoneid: zoneId, templateid: templateId, serviceofferingid, name,
        displayname: name, startvm: String(g.running) });
      jobs.push(r.jobid as string);
    }
  }
  const ok = await Promise.all(jobs.map((j) => core.svc.jobs.waitFor(j)));
  return ok.filter((status) => status === 1).length;
}
