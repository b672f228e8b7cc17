// Builds simulated infrastructure and deploys VMs in bulk through the dispatcher (the API's own code path,
// without HTTP), for benchmarks and scale tests.
import { readFileSync } from 'node:fs';
import type { Core } from '../index';

export interface Lab { zoneId: string; templateId: string; offeringId: string }

export async function buildLab(core: Core, o: { hosts: number; zoneId?: string; namePrefix?: string; hostsPerCluster?: number }): Promise<Lab> {
  const admin = await core.admin();
  const call = (c: string, p: Record<string, string>) => core.dispatcher.invoke(admin, c, p) as Promise<any>;
  const prefix = o.namePrefix ?? 'bench';
  const perCluster = o.hostsPerCluster ?? 100;
  let zoneId = o.zoneId;
  if (!zoneId) {
    zoneId = (await call('createZone', { name: `${prefix}-zone`, networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone.id as string;
    await call('addImageStore', { provider: 'NFS', name: `${prefix}-secondary`, url: 'file:///tmp/strata-bench-secondary', zoneid: zoneId });
  }
  const pod = (await call('createPod', { zoneid: zoneId, name: `${prefix}-pod` })).pod;
  for (let made = 0, c = 0; made < o.hosts; c++) {
    const cluster = (await call('addCluster', { zoneid: zoneId, podid: pod.id, clustername: `${prefix}-c${c}`, clustertype: 'CloudManaged', hypervisor: 'Simulator' })).cluster[0];
    await call('createStoragePool', { zoneid: zoneId, podid: pod.id, clusterid: cluster.id, name: `${prefix}-p${c}`, scope: 'CLUSTER', url: `SharedMountPoint://localhost/tmp/${prefix}-p${c}`, capacitybytes: String(2 ** 50) });
    for (let h = 0; h < perCluster && made < o.hosts; h++, made++) {
      await call('addHost', { zoneid: zoneId, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', username: 'u', password: 'p',
        url: `http://${prefix}-h${made}/?cpunumber=64&cpuspeed=2400&memory=1048576` });
    }
  }
  await call('updateZone', { id: zoneId, allocationstate: 'Enabled' });
  const tpl = await call('registerTemplate', { name: `${prefix}-tpl`, displaytext: 'bench', url: 'http://192.0.2.1/x.qcow2', format: 'QCOW2', hypervisor: 'Simulator', zoneid: zoneId, ispublic: 'true' });
  const offering = (await call('createServiceOffering', { name: `${prefix}-tiny`, displaytext: 'tiny', cpunumber: '1', cpuspeed: '100', memory: '128' })).serviceoffering;
  return { zoneId, templateId: tpl.template[0].id, offeringId: offering.id };
}

/**
 * Deploys `count` VMs with up to `inFlight` deploy jobs outstanding; returns throughput of finished jobs. `owner`
 * gives the extra params of the i-th deploy (e.g. account= and domainid= to deploy for other accounts).
 */
export async function deployMany(core: Core, lab: Lab, count: number, inFlight = 1000, owner?: (i: number) => Record<string, string>) {
  const admin = await core.admin();
  const cpu0 = mainThreadCpuMs();
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const extra = owner?.(next) ?? {};
      next++;
      const r = await core.dispatcher.invoke(admin, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, ...extra }) as any;
      // waitFor resolves with the status once the job's outcome is committed.
      if ((await core.svc.jobs.waitFor(r.jobid)) !== 1) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = mainThreadCpuMs();
  // The event loop's CPU time per VM: on a machine other work loads, wall time swings with the load, while this
  // stays near what one VM costs (on a quiet machine the loop is saturated, so it is about 1,000 / perSecond).
  const mainThreadCpuMsPerVm = cpu0 === null || cpu1 === null ? null : +((cpu1 - cpu0) / count).toFixed(3);
  return { seconds: +seconds.toFixed(2), perSecond: Math.round(count / seconds), failed, mainThreadCpuMsPerVm };
}

/** CPU time (user + system, ms) of this process's main thread, from Linux's /proc; null elsewhere. */
export function mainThreadCpuMs(): number | null {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime (fields 14 and 15 of stat) in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
