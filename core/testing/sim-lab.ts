// Test fixture: a zone with one cluster of simulator hosts, a template and a tiny offering, made through the
// dispatcher as the root admin (no HTTP session, so tests may move a fake clock by hours).
import type { Core } from '../index';

export interface SimLab { zoneId: string; templateId: string; offeringId: string }

export async function buildSimLab(core: Core, hosts: number, name = 'sim-lab'): Promise<SimLab> {
  const admin = await core.admin();
  const c = (command: string, p: Record<string, string>) => core.dispatcher.invoke(admin, command, p) as Promise<any>;
  const zoneId = (await c('createZone', { name, networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone.id;
  await c('addImageStore', { provider: 'NFS', name: 'sec', url: `file:///tmp/strata-${name}-secondary`, zoneid: zoneId });
  const pod = (await c('createPod', { zoneid: zoneId, name: 'pod' })).pod;
  const cluster = (await c('addCluster', { zoneid: zoneId, podid: pod.id, clustername: 'c0', clustertype: 'CloudManaged', hypervisor: 'Simulator' })).cluster[0];
  await c('createStoragePool', { zoneid: zoneId, podid: pod.id, clusterid: cluster.id, name: 'p0', scope: 'CLUSTER',
    url: `SharedMountPoint://localhost/tmp/strata-${name}-p0`, capacitybytes: String(2 ** 40) });
  for (let h = 0; h < hosts; h++) {
    await c('addHost', { zoneid: zoneId, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', username: 'u', password: 'p',
      url: `http://${name}-h${h}/?cpunumber=8&cpuspeed=2000&memory=16384` });
  }
  await c('updateZone', { id: zoneId, allocationstate: 'Enabled' });
  const tpl = await c('registerTemplate', { name: 'tpl', displaytext: 'tpl', url: 'http://127.0.0.1/x.qcow2', format: 'QCOW2', hypervisor: 'Simulator', zoneid: zoneId, ispublic: 'true' });
  const so = (await c('createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '100', memory: '128' })).serviceoffering;
  return { zoneId, templateId: tpl.template[0].id, offeringId: so.id };
}
