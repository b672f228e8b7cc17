// addCluster, updateCluster, deleteCluster, listClusters, listHypervisors. A cluster's overcommit factors
// (cpuovercommitratio, memoryovercommitratio) default to the global cpu/mem.overprovisioning.factor settings and
// multiply its hosts' capacity for the planner and listCapacity.
import type { Selectable } from 'kysely';
import type { HandlersFor, CallContext } from '../kernel/handler';
import type { ClusterTable } from '../db/schema';
import type { infraCommands } from '../contract/commands/infra';
import { notFound, invalidParam, resourceInUse } from '../kernel/errors';
import { compact } from '../kernel/format';
import { computeCapacities, type Capacity } from './capacity';
import { zoneById } from './zones';
import { podById } from './pods';
import { changed, countOf, paged, likeOf, ratio, duplicate } from './util';
import { settingNumber } from '../kernel/settings';
import type { Cluster as ClusterResponse } from '../contract/responses';

type Cluster = Selectable<ClusterTable>;
type H = HandlersFor<typeof infraCommands>;

export function formatCluster(c: Cluster, names: { zone: string; pod: string }, capacity?: Capacity[]): ClusterResponse {
  return compact<ClusterResponse>({
    id: c.id, name: c.name, podid: c.pod_id, podname: names.pod, zoneid: c.zone_id, zonename: names.zone,
    hypervisortype: c.hypervisor, clustertype: c.cluster_type, allocationstate: c.allocation_state,
    managedstate: c.managed_state, cpuovercommitratio: ratio(c.cpu_overcommit), memoryovercommitratio: ratio(c.memory_overcommit),
    arch: 'x86_64', hasannotations: false,
    resourcedetails: { cpuOvercommitRatio: ratio(c.cpu_overcommit), memoryOvercommitRatio: ratio(c.memory_overcommit) },
    capacity: capacity?.map(({ clusterid: _c, clustername: _n, ...x }) => x),
  });
}

export async function clusterById(ctx: CallContext, id: string, param = 'id'): Promise<Cluster> {
  const c = await ctx.svc.db.selectFrom('clusters').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (c === undefined) throw notFound(ctx.command, param, id);
  return c;
}

function checkRatio(name: string, v: number | undefined): void {
  if (v !== undefined && !(v >= 1)) throw invalidParam(`${name} should be greater than or equal to one`);
}

async function checkName(ctx: CallContext, podId: string, name: string, exceptId?: string): Promise<void> {
  const hit = await ctx.svc.db.selectFrom('clusters').select('id').where('pod_id', '=', podId).where('name', '=', name)
    .where('removed', 'is', null).$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!)).executeTakeFirst();
  if (hit) duplicate('cluster', name, ' in this pod');
}

/** Creates a cluster row (addCluster, and addHost with a new clustername). */
export async function insertCluster(ctx: CallContext, a: {
  zoneId: string; podId: string; name: string; hypervisor: string; clusterType: string; allocationState?: string;
  cpuOvercommit?: number; memoryOvercommit?: number;
}): Promise<Cluster> {
  checkRatio('cpuovercommitratio', a.cpuOvercommit);
  checkRatio('memoryovercommitratio', a.memoryOvercommit);
  await checkName(ctx, a.podId, a.name);
  const c: Cluster = {
    id: ctx.svc.newId(), zone_id: a.zoneId, pod_id: a.podId, name: a.name,
    hypervisor: ctx.svc.drivers.get(a.hypervisor).hypervisor, cluster_type: a.clusterType,
    allocation_state: a.allocationState ?? 'Enabled', managed_state: 'Managed',
    cpu_overcommit: a.cpuOvercommit ?? await settingNumber(ctx.svc, 'cpu.overprovisioning.factor'),
    memory_overcommit: a.memoryOvercommit ?? await settingNumber(ctx.svc, 'mem.overprovisioning.factor'),
    created: ctx.svc.clock.now(), removed: null,
  };
  await ctx.svc.db.insertInto('clusters').values(c).execute();
  await changed(ctx, 'CLUSTER.CREATE', `Created cluster ${c.name}`, { id: c.id, type: 'Cluster', name: c.name });
  return c;
}

async function names(ctx: CallContext, c: Cluster) {
  const r = await ctx.svc.db.selectFrom('pods as p').innerJoin('zones as z', 'z.id', 'p.zone_id')
    .select(['p.name as pod', 'z.name as zone']).where('p.id', '=', c.pod_id).executeTakeFirstOrThrow();
  return r;
}

export const clusterHandlers: Pick<H, 'addCluster' | 'updateCluster' | 'deleteCluster' | 'listClusters' | 'listHypervisors'> = {
  async addCluster(ctx, a) {
    const zone = await zoneById(ctx, a.zoneid, 'zoneid');
    const pod = await podById(ctx, a.podid, 'podid');
    if (pod.zone_id !== zone.id) throw invalidParam(`Pod ${pod.name} does not belong to zone ${zone.name}`);
    const c = await insertCluster(ctx, {
      zoneId: zone.id, podId: pod.id, name: a.clustername, hypervisor: a.hypervisor, clusterType: a.clustertype,
      allocationState: a.allocationstate, cpuOvercommit: a.cpuovercommitratio, memoryOvercommit: a.memoryovercommitratio,
    });
    return { count: 1, items: [formatCluster(c, { zone: zone.name, pod: pod.name })] };
  },

  async updateCluster(ctx, a) {
    const c = await clusterById(ctx, a.id);
    if (a.hypervisor !== undefined && a.hypervisor.toLowerCase() !== c.hypervisor.toLowerCase()) {
      throw invalidParam(`The hypervisor of cluster ${c.name} cannot be changed from ${c.hypervisor} to ${a.hypervisor}`);
    }
    checkRatio('cpuovercommitratio', a.cpuovercommitratio);
    checkRatio('memoryovercommitratio', a.memoryovercommitratio);
    if (a.clustername !== undefined && a.clustername !== c.name) await checkName(ctx, c.pod_id, a.clustername, c.id);
    const set: Partial<Cluster> = {};
    if (a.clustername !== undefined) set.name = a.clustername;
    if (a.allocationstate !== undefined) set.allocation_state = a.allocationstate;
    if (a.managedstate !== undefined) set.managed_state = a.managedstate;
    if (a.clustertype !== undefined) set.cluster_type = a.clustertype;
    if (a.cpuovercommitratio !== undefined) set.cpu_overcommit = a.cpuovercommitratio;
    if (a.memoryovercommitratio !== undefined) set.memory_overcommit = a.memoryovercommitratio;
    if (Object.keys(set).length > 0) await ctx.svc.db.updateTable('clusters').set(set).where('id', '=', c.id).execute();
    const updated = { ...c, ...set };
    await changed(ctx, 'CLUSTER.UPDATE', `Updated cluster ${updated.name}`, { id: c.id, type: 'Cluster', name: updated.name });
    return formatCluster(updated, await names(ctx, updated));
  },

  async deleteCluster(ctx, a) {
    const c = await clusterById(ctx, a.id);
    const db = ctx.svc.db;
    const live = (t: 'hosts' | 'storage_pools') =>
      countOf(db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).where('cluster_id', '=', c.id).where('removed', 'is', null));
    if (await live('hosts')) throw resourceInUse(`Cluster ${c.name} still has hosts, can't remove`);
    if (await live('storage_pools')) throw resourceInUse(`Cluster ${c.name} still has storage pools, can't remove`);
    await db.updateTable('clusters').set({ removed: ctx.svc.clock.now() }).where('id', '=', c.id).execute();
    await changed(ctx, 'CLUSTER.DELETE', `Deleted cluster ${c.name}`, { id: c.id, type: 'Cluster', name: c.name });
  },

  async listClusters(ctx, a) {
    const db = ctx.svc.db;
    let q = db.selectFrom('clusters as c').innerJoin('pods as p', 'p.id', 'c.pod_id').innerJoin('zones as z', 'z.id', 'c.zone_id')
      .where('c.removed', 'is', null);
    if (a.id !== undefined) q = q.where('c.id', '=', a.id);
    if (a.name !== undefined) q = q.where('c.name', '=', a.name);
    if (a.zoneid !== undefined) q = q.where('c.zone_id', '=', a.zoneid);
    if (a.podid !== undefined) q = q.where('c.pod_id', '=', a.podid);
    if (a.hypervisor !== undefined) q = q.where('c.hypervisor', '=', ctx.svc.drivers.get(a.hypervisor).hypervisor);
    if (a.clustertype !== undefined) q = q.where('c.cluster_type', '=', a.clustertype);
    if (a.allocationstate !== undefined) q = q.where('c.allocation_state', '=', a.allocationstate);
    if (a.managedstate !== undefined) q = q.where('c.managed_state', '=', a.managedstate);
    if (a.arch !== undefined && a.arch !== 'x86_64') q = q.where('c.id', '=', '');
    if (a.keyword !== undefined) q = q.where('c.name', 'like', likeOf(a.keyword));
    const count = await countOf(q.select((eb) => eb.fn.countAll<number>().as('n')));
    const rows = await paged(q.selectAll('c').select(['z.name as zone_name', 'p.name as pod_name']).orderBy('c.created').orderBy('c.id'),
      a, ctx.svc.config.maxPageSize).execute();
    const caps = a.showcapacities && rows.length > 0 ? await computeCapacities(db, { level: 'cluster', zoneId: a.zoneid, podId: a.podid }) : [];
    return {
      count,
      items: rows.map(({ zone_name, pod_name, ...c }) => formatCluster(c, { zone: zone_name, pod: pod_name },
        a.showcapacities ? caps.filter((x) => x.clusterid === c.id) : undefined)),
    };
  },

  async listHypervisors(ctx, a) {
    let names = ctx.svc.drivers.supported();
    if (a.zoneid !== undefined) {
      await zoneById(ctx, a.zoneid, 'zoneid');
      const rows = await ctx.svc.db.selectFrom('clusters').select('hypervisor').distinct()
        .where('zone_id', '=', a.zoneid).where('removed', 'is', null).execute();
      names = rows.map((r) => r.hypervisor);
    }
    return { count: names.length, items: names.map((name) => ({ name })) };
  },
};
