// createStoragePool, updateStoragePool, deleteStoragePool, listStoragePools (primary storage).
// Scope CLUSTER (the default when clusterid is given) serves one cluster's hosts; ZONE serves every host of the
// zone (of `hypervisor`, when given). HOST scope (local storage) is not offered. States: Up, Disabled
// (updateStoragePool enabled=false: no new allocations), Maintenance (storage maintenance, elsewhere).
import type { Selectable } from 'kysely';
import type { HandlersFor, CallContext } from '../kernel/handler';
import type { infraCommands } from '../contract/commands/infra';
import type { StoragePoolTable } from '../db/schema';
import { notFound, invalidParam, resourceInUse } from '../kernel/errors';
import { compact, csDate } from '../kernel/format';
import { zoneById } from './zones';
import { clusterById } from './clusters';
import { parseStorageUrl, localCapacity, THIN_TYPES, DEFAULT_REMOTE_CAPACITY } from './storage-url';
import { changed, countOf, paged, likeOf, ratio, duplicate } from './util';
import { settingNumber } from '../kernel/settings';
import type { StoragePool } from '../contract/responses';

type Pool = Selectable<StoragePoolTable>;
type H = HandlersFor<typeof infraCommands>;
interface PoolView extends Pool { zone_name: string; pod_name: string | null; cluster_name: string | null }

/** Volume states that hold no data the user still wants (Expunging is a job in progress: it still counts). */
const GONE = ['Destroy', 'Error', 'Expunged'];

export function formatPool(p: PoolView): StoragePool {
  return compact<StoragePool>({
    id: p.id, name: p.name, zoneid: p.zone_id, zonename: p.zone_name, podid: p.pod_id, podname: p.pod_name,
    clusterid: p.cluster_id, clustername: p.cluster_name, type: p.type, scope: p.scope, state: p.state,
    ipaddress: p.host, path: p.path, disksizetotal: p.capacity_bytes, capacitybytes: p.capacity_bytes,
    disksizeallocated: p.allocated_bytes, disksizeused: p.used_bytes, overprovisionfactor: ratio(p.overprovision),
    tags: p.tags || undefined, istagarule: false, provider: p.provider, hypervisor: p.hypervisor, managed: false,
    created: csDate(p.created), hasannotations: false, storagecapabilities: { VOLUME_SNAPSHOT_QUIESCEVM: 'false' },
  });
}

function viewQuery(ctx: CallContext) {
  return ctx.svc.db.selectFrom('storage_pools as s').innerJoin('zones as z', 'z.id', 's.zone_id')
    .leftJoin('pods as p', 'p.id', 's.pod_id').leftJoin('clusters as c', 'c.id', 's.cluster_id');
}
const viewColumns = ['z.name as zone_name', 'p.name as pod_name', 'c.name as cluster_name'] as const;

export async function poolView(ctx: CallContext, id: string): Promise<PoolView> {
  const p = await viewQuery(ctx).selectAll('s').select(viewColumns).where('s.id', '=', id).where('s.removed', 'is', null).executeTakeFirst();
  if (p === undefined) throw notFound(ctx.command, 'id', id);
  return p;
}

const tagText = (tags: string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))].join(',');

async function placement(ctx: CallContext, a: { zoneid: string; scope?: string; podid?: string; clusterid?: string; hypervisor?: string }) {
  const zone = await zoneById(ctx, a.zoneid, 'zoneid');
  const scope = a.scope ?? (a.clusterid !== undefined ? 'CLUSTER' : 'ZONE');
  if (scope === 'HOST') throw invalidParam('HOST scope (local storage) pools are not supported; use CLUSTER or ZONE');
  if (scope === 'ZONE') {
    const hv = a.hypervisor && a.hypervisor.toLowerCase() !== 'any' ? ctx.svc.drivers.get(a.hypervisor).hypervisor : null;
    return { zone, scope, podId: null, clusterId: null, hypervisor: hv };
  }
  if (a.clusterid === undefined) throw invalidParam('clusterid is required for a CLUSTER scope storage pool');
  const c = await clusterById(ctx, a.clusterid, 'clusterid');
  if (c.zone_id !== zone.id) throw invalidParam(`Cluster ${c.name} does not belong to zone ${zone.name}`);
  if (a.podid !== undefined && a.podid !== c.pod_id) throw invalidParam(`Cluster ${c.name} does not belong to the given pod`);
  return { zone, scope, podId: c.pod_id, clusterId: c.id, hypervisor: c.hypervisor };
}

export const storagePoolHandlers: Pick<H, 'createStoragePool' | 'updateStoragePool' | 'deleteStoragePool' | 'listStoragePools'> = {
  async createStoragePool(ctx, a) {
    if (a.managed) throw invalidParam('Managed storage is not supported');
    // CloudStack names storage providers (DefaultPrimary, plugins such as StorPool or Linstor); Strata has the default.
    if (a.provider !== undefined && a.provider.toLowerCase() !== 'defaultprimary') throw invalidParam(`Storage provider ${a.provider} not found`);
    const where = await placement(ctx, a);
    const loc = parseStorageUrl(a.url);
    const db = ctx.svc.db;
    const dup = await db.selectFrom('storage_pools').select('id').where('zone_id', '=', where.zone.id).where('host', '=', loc.host)
      .where('path', '=', loc.path).where('removed', 'is', null).executeTakeFirst();
    if (dup) throw invalidParam(`A storage pool with URL ${a.url} already exists in zone ${where.zone.name}`);
    const named = await db.selectFrom('storage_pools').select('id').where('zone_id', '=', where.zone.id).where('name', '=', a.name)
      .where('removed', 'is', null).executeTakeFirst();
    if (named) duplicate('storage pool', a.name, ' in this zone');
    const measured = loc.local ? localCapacity(loc.path, loc.type === 'Filesystem') : null;
    const p: Pool = {
      id: ctx.svc.newId(), name: a.name, zone_id: where.zone.id, pod_id: where.podId, cluster_id: where.clusterId,
      scope: where.scope, type: loc.type, url: a.url, host: loc.host, path: loc.path, state: 'Up',
      capacity_bytes: a.capacitybytes ?? measured?.total ?? DEFAULT_REMOTE_CAPACITY, allocated_bytes: 0,
      used_bytes: measured?.used ?? 0, tags: tagText((a.tags ?? '').split(',')), provider: 'DefaultPrimary',
      hypervisor: where.hypervisor,
      overprovision: THIN_TYPES.has(loc.type) ? await settingNumber(ctx.svc, 'storage.overprovisioning.factor') : 1,
      created: ctx.svc.clock.now(), removed: null,
    };
    await db.insertInto('storage_pools').values(p).execute();
    await changed(ctx, 'STORAGE.POOL.CREATE', `Created primary storage ${p.name}`, { id: p.id, type: 'StoragePool', name: p.name });
    return formatPool(await poolView(ctx, p.id));
  },

  async updateStoragePool(ctx, a) {
    const p = await poolView(ctx, a.id);
    const set: Partial<Pool> = {};
    if (a.name !== undefined) set.name = a.name;
    if (a.tags !== undefined) set.tags = tagText(a.tags);
    if (a.capacitybytes !== undefined) {
      if (a.capacitybytes < p.used_bytes) throw invalidParam(`The capacity ${a.capacitybytes} is below the ${p.used_bytes} bytes in use`);
      set.capacity_bytes = a.capacitybytes;
    }
    if (a.enabled !== undefined) {
      const [from, to] = a.enabled ? ['Disabled', 'Up'] : ['Up', 'Disabled'];
      if (p.state !== from && p.state !== to) throw invalidParam(`Storage pool ${p.name} is in state ${p.state}; it cannot be ${a.enabled ? 'enabled' : 'disabled'}`);
      set.state = to;
    }
    if (Object.keys(set).length > 0) await ctx.svc.db.updateTable('storage_pools').set(set).where('id', '=', p.id).execute();
    const name = set.name ?? p.name;
    await changed(ctx, 'STORAGE.POOL.UPDATE', `Updated primary storage ${name}`, { id: p.id, type: 'StoragePool', name });
    return formatPool({ ...p, ...set });
  },

  // Volumes with data (any state but Destroy/Expunged) always keep the pool; volumes in Destroy state keep it
  // unless forced, which expunges them, as CloudStack's forced delete does.
  async deleteStoragePool(ctx, a) {
    const p = await poolView(ctx, a.id);
    const db = ctx.svc.db;
    const n = (states: 'live' | 'destroyed') => countOf(db.selectFrom('volumes').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('pool_id', '=', p.id).where('removed', 'is', null)
      .where('state', states === 'live' ? 'not in' : 'in', GONE));
    const live = await n('live');
    if (live > 0) throw resourceInUse(`Cannot delete storage pool ${p.name}: ${live} volume(s) are on it`);
    const destroyed = await n('destroyed');
    if (destroyed > 0 && !a.forced) {
      throw resourceInUse(`Cannot delete storage pool ${p.name}: ${destroyed} destroyed volume(s) are not expunged yet; use forced=true`);
    }
    const now = ctx.svc.clock.now();
    await db.transaction().execute(async (tx) => {
      if (destroyed > 0) {
        await tx.updateTable('volumes').set({ state: 'Expunged', removed: now }).where('pool_id', '=', p.id)
          .where('removed', 'is', null).where('state', 'in', GONE).execute();
      }
      await tx.updateTable('storage_pools').set({ state: 'Removed', removed: now }).where('id', '=', p.id).execute();
    });
    await changed(ctx, 'STORAGE.POOL.DELETE', `Deleted primary storage ${p.name}`, { id: p.id, type: 'StoragePool', name: p.name });
  },

  async listStoragePools(ctx, a) {
    let q = viewQuery(ctx).where('s.removed', 'is', null);
    if (a.id !== undefined) q = q.where('s.id', '=', a.id);
    if (a.name !== undefined) q = q.where('s.name', '=', a.name);
    if (a.zoneid !== undefined) q = q.where('s.zone_id', '=', a.zoneid);
    if (a.podid !== undefined) q = q.where('s.pod_id', '=', a.podid);
    if (a.clusterid !== undefined) q = q.where('s.cluster_id', '=', a.clusterid);
    if (a.scope !== undefined) q = q.where('s.scope', '=', a.scope.toUpperCase());
    if (a.status !== undefined) q = q.where('s.state', '=', a.status);
    if (a.ipaddress !== undefined) q = q.where('s.host', '=', a.ipaddress);
    if (a.path !== undefined) q = q.where('s.path', '=', a.path);
    if (a.keyword !== undefined) q = q.where('s.name', 'like', likeOf(a.keyword));
    if (a.hostid !== undefined) {
      const h = await ctx.svc.db.selectFrom('hosts').select(['zone_id', 'cluster_id']).where('id', '=', a.hostid)
        .where('removed', 'is', null).executeTakeFirst();
      if (h === undefined) throw notFound(ctx.command, 'hostid', a.hostid);
      q = q.where((eb) => eb.or([eb('s.cluster_id', '=', h.cluster_id), eb.and([eb('s.scope', '=', 'ZONE'), eb('s.zone_id', '=', h.zone_id)])]));
    }
    const count = await countOf(q.select((eb) => eb.fn.countAll<number>().as('n')));
    const rows = await paged(q.selectAll('s').select(viewColumns).orderBy('s.created').orderBy('s.id'), a, ctx.svc.config.maxPageSize).execute();
    return { count, items: rows.map(formatPool) };
  },
};
