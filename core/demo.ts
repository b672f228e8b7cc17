// `strata serve --demo`: a simulated lab so a newcomer sees a working cloud at once. Built through the API
// itself (as the root admin), so it exercises the same paths an operator's scripts would. Idempotent.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Core } from './index';

export const DEMO_ZONE = 'Lab Zone 1';

type Obj = Record<string, any>;

export async function seedDemoLab(core: Core): Promise<{ created: boolean; zoneId: string }> {
  const admin = await core.admin();
  const call = (command: string, params: Record<string, string> = {}) => core.dispatcher.invoke(admin, command, params) as Promise<Obj>;
  const existing = await call('listZones', { name: DEMO_ZONE });
  if (existing.zone?.length) return { created: false, zoneId: existing.zone[0].id };

  const zone = (await call('createZone', {
    name: DEMO_ZONE, networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53', guestcidraddress: '10.1.1.0/24',
  })).zone;
  const secondary = join(core.svc.config.dataDir, 'demo', 'secondary');
  mkdirSync(secondary, { recursive: true });
  await call('addImageStore', { provider: 'NFS', name: 'lab-secondary', url: `file://${secondary}`, zoneid: zone.id });
  let hostNo = 0;
  for (let podNo = 1; podNo <= 2; podNo++) {
    const pod = (await call('createPod', {
      zoneid: zone.id, name: `Pod ${podNo}`, gateway: `192.168.${podNo}.1`, netmask: '255.255.255.0',
      startip: `192.168.${podNo}.10`, endip: `192.168.${podNo}.250`,
    })).pod;
    for (let c = 1; c <= 2; c++) {
      const cluster = (await call('addCluster', {
        zoneid: zone.id, podid: pod.id, clustername: `Cluster ${podNo}-${c}`, clustertype: 'CloudManaged', hypervisor: 'Simulator',
      })).cluster[0];
      const primary = join(core.svc.config.dataDir, 'demo', `primary-${podNo}-${c}`);
      mkdirSync(primary, { recursive: true });
      await call('createStoragePool', {
        zoneid: zone.id, podid: pod.id, clusterid: cluster.id, name: `Primary ${podNo}-${c}`, scope: 'CLUSTER',
        url: `SharedMountPoint://localhost${primary}`, capacitybytes: String(10 * 2 ** 40),
      });
      for (let h = 1; h <= 4; h++) {
        hostNo++;
        await call('addHost', {
          zoneid: zone.id, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', username: 'root', password: 'sim',
          url: `http://sim-host-${hostNo}/?cpunumber=32&cpuspeed=2400&memory=262144`,
        });
      }
    }
  }
  await call('updateZone', { id: zone.id, allocationstate: 'Enabled' });
  const { ensureBuiltinTemplate } = await import('./catalog/index');
  await ensureBuiltinTemplate(core.svc, zone.id);
  return { created: true, zoneId: zone.id };
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
