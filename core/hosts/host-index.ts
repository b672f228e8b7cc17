// The planner's in-memory view of one zone: the hosts that may take new VMs (Up + Enabled, in Enabled pods and
// clusters) with their capacity after overcommit, and the Up storage pools. Loaded with two queries; refreshed
// when the core's infrastructure version moves (a change here at once, one on another server within a poll of the
// shared cache generations), after a short TTL, and row by row when a reservation loses a race. The view only orders candidates: the
// conditional UPDATE in planner.ts is what guarantees capacity, so a stale view costs a retry, never an overcommit.
import type { Db } from '../db/connect';
import type { SharedCaches } from '../db/shared-caches';
import { tagList } from '../kernel/format';

/**
 * The version of one core's infrastructure views (core-caches.ts): a zone view loaded at an older version is
 * reloaded. Moves when this core changes hosts, clusters, pods, zones or pools (changed), and when another server
 * did (its bump of the 'infrastructure' generation, seen within one poll).
 */
export interface InfraVersion {
  current(): number;
  /** Infrastructure changed here: this core's views reload now, the other servers' within one poll. */
  changed(): void;
}

export function createInfraVersion(shared: SharedCaches): InfraVersion {
  let version = 0;
  shared.onChange('infrastructure', () => { version++; });
  return { current: () => version, changed: () => { void shared.changed('infrastructure'); } };
}

export interface IndexedHost {
  id: string; name: string; podId: string; clusterId: string; hypervisor: string;
  /** Lowercase host tags. */
  tags: string[];
  cpuNumber: number; cpuSpeed: number;
  /** Capacity after the cluster's overcommit factor: MHz and bytes. */
  cpuCap: number; memCap: number;
  cpuAlloc: number; memAlloc: number;
}

export interface IndexedPool {
  id: string; clusterId: string | null; scope: string; hypervisor: string | null;
  tags: string[];
  /** Allocatable bytes: capacity x overprovisioning factor. */
  cap: number; alloc: number;
}

export interface ZoneIndex {
  zoneId: string;
  enabled: boolean;
  loadedAt: number;
  version: number;
  hosts: IndexedHost[];
  hostById: Map<string, IndexedHost>;
  pools: IndexedPool[];
  /**
   * The pools a host of each cluster may use (its cluster's and the zone-wide ones, in `pools` order), filled on
   * first use: a placement then looks at a few pools instead of every pool of a zone of hundreds of clusters.
   */
  poolsByCluster: Map<string, IndexedPool[]>;
}

/** The pools of `idx` a host of `clusterId` can reach by scope (the hypervisor of zone-wide pools still to check). */
export function poolsForCluster(idx: ZoneIndex, clusterId: string): IndexedPool[] {
  let list = idx.poolsByCluster.get(clusterId);
  if (list === undefined) {
    list = idx.pools.filter((p) => (p.scope === 'CLUSTER' ? p.clusterId === clusterId : p.scope === 'ZONE'));
    idx.poolsByCluster.set(clusterId, list);
  }
  return list;
}

const lower = (s: string | null) => tagList(s).map((t) => t.toLowerCase());

/** Loads a zone's view; `version` is the infrastructure version read before loading (InfraVersion.current). */
export async function loadZoneIndex(db: Db, version: number, zoneId: string, now: number): Promise<ZoneIndex> {
  const v = version;
  const zone = await db.selectFrom('zones').select('allocation_state').where('id', '=', zoneId)
    .where('removed', 'is', null).executeTakeFirst();
  const rows = zone === undefined ? [] : await db.selectFrom('hosts as h')
    .innerJoin('clusters as c', 'c.id', 'h.cluster_id').innerJoin('pods as p', 'p.id', 'h.pod_id')
    .select(['h.id', 'h.name', 'h.pod_id', 'h.cluster_id', 'h.hypervisor', 'h.host_tags', 'h.cpu_number', 'h.cpu_speed',
      'h.memory_total', 'h.cpu_allocated', 'h.memory_allocated', 'c.cpu_overcommit', 'c.memory_overcommit'])
    .where('h.zone_id', '=', zoneId).where('h.removed', 'is', null).where('h.type', '=', 'Routing')
    .where('h.state', '=', 'Up').where('h.resource_state', '=', 'Enabled')
    .where('c.allocation_state', '=', 'Enabled').where('c.managed_state', '=', 'Managed').where('c.removed', 'is', null)
    .where('p.allocation_state', '=', 'Enabled').where('p.removed', 'is', null)
    .execute();
  const pools = zone === undefined ? [] : await db.selectFrom('storage_pools')
    .select(['id', 'cluster_id', 'scope', 'hypervisor', 'tags', 'capacity_bytes', 'overprovision', 'allocated_bytes'])
    .where('zone_id', '=', zoneId).where('removed', 'is', null).where('state', '=', 'Up').execute();
  const hosts = rows.map((r): IndexedHost => ({
    id: r.id, name: r.name, podId: r.pod_id, clusterId: r.cluster_id, hypervisor: r.hypervisor.toLowerCase(), tags: lower(r.host_tags),
    cpuNumber: r.cpu_number, cpuSpeed: r.cpu_speed,
    cpuCap: r.cpu_number * r.cpu_speed * r.cpu_overcommit, memCap: Number(r.memory_total) * r.memory_overcommit,
    cpuAlloc: Number(r.cpu_allocated), memAlloc: Number(r.memory_allocated),
  }));
  return {
    zoneId, enabled: zone?.allocation_state === 'Enabled', loadedAt: now, version: v, hosts,
    hostById: new Map(hosts.map((h) => [h.id, h])),
    pools: pools.map((p) => ({
      id: p.id, clusterId: p.cluster_id, scope: p.scope, hypervisor: p.hypervisor?.toLowerCase() ?? null,
      tags: lower(p.tags), cap: Number(p.capacity_bytes) * p.overprovision, alloc: Number(p.allocated_bytes),
    })),
    poolsByCluster: new Map(),
  };
}

/** Re-reads one host's counters after a lost race; drops it from the view when it may no longer take VMs. */
export async function refreshHost(db: Db, idx: ZoneIndex, hostId: string): Promise<void> {
  const h = idx.hostById.get(hostId);
  if (h === undefined) return;
  const r = await db.selectFrom('hosts').select(['cpu_allocated', 'memory_allocated', 'state', 'resource_state', 'removed'])
    .where('id', '=', hostId).executeTakeFirst();
  if (r === undefined || r.removed !== null || r.state !== 'Up' || r.resource_state !== 'Enabled') {
    idx.hostById.delete(hostId);
    idx.hosts = idx.hosts.filter((x) => x.id !== hostId);
    return;
  }
  h.cpuAlloc = Number(r.cpu_allocated);
  h.memAlloc = Number(r.memory_allocated);
}

export async function refreshPool(db: Db, idx: ZoneIndex, poolId: string): Promise<void> {
  const p = idx.pools.find((x) => x.id === poolId);
  if (p === undefined) return;
  const r = await db.selectFrom('storage_pools').select(['allocated_bytes', 'capacity_bytes', 'overprovision', 'state', 'removed'])
    .where('id', '=', poolId).executeTakeFirst();
  if (r === undefined || r.removed !== null || r.state !== 'Up') {
    idx.pools = idx.pools.filter((x) => x.id !== poolId);
    idx.poolsByCluster.clear();
    return;
  }
  p.alloc = Number(r.allocated_bytes);
  p.cap = Number(r.capacity_bytes) * r.overprovision;
}
