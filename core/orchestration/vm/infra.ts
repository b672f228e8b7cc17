// Facts about hosts and storage pools that VM and volume orchestration need on every operation. The cached ones
// never change for a given id (a host's hypervisor and cluster, a pool's path and scope), so the hot deploy path
// does not re-read them; names, states and capacity are always read fresh.
import { sql } from 'kysely';
import type { Services } from '../../kernel/services';
import type { VolumeTable } from '../../db/schema';
import type { VolumeSpec } from '../../hypervisors/driver';
import { ApiError, resourceUnavailable } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { reservePoolBytes, releasePoolBytes } from '../../hosts/host-capacity';
import { driverForHost } from '../../hypervisors/registry';
import { localPoolPath } from '../../infrastructure/storage-url';

export interface HostFacts { id: string; hypervisor: string; zoneId: string; podId: string; clusterId: string; url: string }
export interface PoolFacts { id: string; path: string; zoneId: string; podId: string | null; clusterId: string | null; scope: string }

/**
 * The cached facts of one core (core-caches.ts). No invalidation: what is kept never changes for an id, on this
 * server or another one (a host moved to another cluster, or a pool to another path, is a new row with a new id);
 * an id whose row is gone is never asked for again.
 */
export interface InfraFacts { hosts: Map<string, HostFacts>; pools: Map<string, PoolFacts> }
export const createInfraFacts = (): InfraFacts => ({ hosts: new Map(), pools: new Map() });

export async function hostFacts(svc: Services, hostId: string): Promise<HostFacts> {
  const c = svc.caches.infraFacts;
  const hit = c.hosts.get(hostId);
  if (hit) return hit;
  const h = await svc.db.selectFrom('hosts').select(['id', 'hypervisor', 'zone_id', 'pod_id', 'cluster_id', 'url'])
    .where('id', '=', hostId).executeTakeFirst();
  if (!h) throw resourceUnavailable(`Host ${hostId} does not exist`);
  const f = { id: h.id, hypervisor: h.hypervisor, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id, url: h.url };
  c.hosts.set(hostId, f);
  return f;
}

export async function poolFacts(svc: Services, poolId: string): Promise<PoolFacts> {
  const c = svc.caches.infraFacts;
  const hit = c.pools.get(poolId);
  if (hit) return hit;
  const p = await svc.db.selectFrom('storage_pools').select(['id', 'path', 'zone_id', 'pod_id', 'cluster_id', 'scope', 'type', 'host'])
    .where('id', '=', poolId).executeTakeFirst();
  if (!p) throw resourceUnavailable(`Storage pool ${poolId} does not exist`);
  // `path` is the folder hosts use: an NFS export's mount point rather than the export path.
  const f = { id: p.id, path: localPoolPath(p), zoneId: p.zone_id, podId: p.pod_id, clusterId: p.cluster_id, scope: p.scope };
  c.pools.set(poolId, f);
  return f;
}

/** The driver serving a host (by its url first: agent hosts; then its hypervisor). */
export async function driverFor(svc: Services, hostId: string) {
  return driverForHost(svc.drivers, await hostFacts(svc, hostId));
}

type VolumeForSpec = Pick<VolumeTable, 'id' | 'type' | 'size' | 'pool_id' | 'path' | 'device_id' | 'template_id'>;

/** What a driver is told about a volume; `poolId` overrides the row's pool (a volume being created). */
export async function volumeSpec(svc: Services, v: VolumeForSpec, poolId = v.pool_id): Promise<VolumeSpec> {
  if (!poolId) throw new ApiError(ErrorCode.InternalError, `Volume ${v.id} has no storage pool`, CsErrorCode.InternalError);
  const pool = await poolFacts(svc, poolId);
  const spec: VolumeSpec = { id: v.id, type: v.type === 'ROOT' ? 'ROOT' : 'DATADISK', sizeBytes: v.size, poolId, poolPath: pool.path,
    path: v.path, deviceId: v.device_id ?? 0, templateId: v.template_id ?? undefined };
  // A ROOT disk still to be created is cloned from the template's file in the zone's image store.
  if (!v.path && v.template_id && spec.type === 'ROOT') spec.templateSourcePath = await svc.caches.imageFiles.file(v.template_id, pool.zoneId);
  return spec;
}

/**
 * A host that can reach a pool, for volume work that is not tied to a running VM (creating a data disk for a
 * stopped VM, deleting a volume, snapshots). Prefers the given host when it is in the pool's cluster.
 */
export async function hostForPool(svc: Services, poolId: string, prefer?: string | null): Promise<string> {
  const pool = await poolFacts(svc, poolId);
  if (prefer) {
    const h = await hostFacts(svc, prefer).catch(() => null);
    if (h && (pool.clusterId === null ? h.zoneId === pool.zoneId : h.clusterId === pool.clusterId)) return prefer;
  }
  let q = svc.db.selectFrom('hosts').select('id').where('state', '=', 'Up').where('removed', 'is', null);
  q = pool.clusterId ? q.where('cluster_id', '=', pool.clusterId) : q.where('zone_id', '=', pool.zoneId);
  // Any Up host can reach the pool; Enabled ones first (a Disabled host still works but is being drained).
  const h = await q.orderBy(sql`case when resource_state = 'Enabled' then 0 else 1 end`).limit(1).executeTakeFirst();
  if (!h) throw resourceUnavailable(`No host that can reach storage pool ${poolId} is Up`);
  return h.id;
}

const tagList = (s: string | null | undefined) => (s ? s.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean) : []);

/**
 * Chooses a primary storage pool for new volumes and reserves `sizeBytes` on it: Up, in the zone, in the given
 * cluster (cluster-wide pools) or zone-wide, carrying every storage tag; the least filled pool that still has room
 * wins. The reservation is a conditional update, so a pool filled meanwhile is skipped. 533 when none fits.
 */
export async function allocateOnPool(svc: Services, req: { zoneId: string; clusterId?: string | null; sizeBytes: number; tags: string[] }): Promise<string> {
  let q = svc.db.selectFrom('storage_pools').select(['id', 'capacity_bytes', 'allocated_bytes', 'overprovision', 'tags'])
    .where('zone_id', '=', req.zoneId).where('state', '=', 'Up').where('removed', 'is', null);
  if (req.clusterId) {
    const cid = req.clusterId;
    q = q.where((eb) => eb.or([eb('cluster_id', '=', cid), eb('scope', '=', 'ZONE')]));
  } else {
    q = q.where('scope', '=', 'ZONE');
  }
  const want = req.tags.map((t) => t.toLowerCase());
  const fits = (await q.execute())
    .filter((p) => want.every((t) => tagList(p.tags).includes(t)))
    .map((p) => ({ id: p.id, cap: p.capacity_bytes * (p.overprovision || 1), alloc: p.allocated_bytes }))
    .filter((p) => p.alloc + req.sizeBytes <= p.cap)
    .sort((x, y) => x.alloc / (x.cap || 1) - y.alloc / (y.cap || 1));
  for (const p of fits) if (await reservePoolBytes(svc.db, p.id, req.sizeBytes)) return p.id;
  throw new ApiError(ErrorCode.InsufficientCapacity,
    `Unable to find suitable primary storage with ${Math.ceil(req.sizeBytes / MB)} MB free${want.length ? ` and tags [${want.join(',')}]` : ''}` +
    `${req.clusterId ? ` reachable from cluster ${req.clusterId}` : ''} in zone ${req.zoneId}`,
    CsErrorCode.InsufficientStorageCapacity);
}

export { reservePoolBytes, releasePoolBytes };

export const GB = 1024 * 1024 * 1024;
export const MB = 1024 * 1024;
