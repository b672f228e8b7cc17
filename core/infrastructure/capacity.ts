// Capacity per zone, pod or cluster (listCapacity, showcapacities). Host capacity comes from one row per cluster
// (cluster_capacity, kept by triggers on every host write: migration 011c, as CloudStack keeps op_host_capacity), or
// for fetchlatest=true from a recount of the host counters; storage from the pool and image store rows (one per pool
// or store). So its cost grows with clusters and pools, never with hosts or VMs. Totals include the
// overcommit factors: CPU and memory of each host x its cluster's factor, storage allocated x the pool's factor.
import { sql } from 'kysely';
import type { Db } from '../db/connect';
import { num2 } from './util';

export const CapacityType = { Memory: 0, Cpu: 1, Storage: 2, StorageAllocated: 3, SecondaryStorage: 6, CpuCore: 90 } as const;
const NAMES: Record<number, string> = { 0: 'MEMORY', 1: 'CPU', 2: 'STORAGE', 3: 'STORAGE_ALLOCATED', 6: 'SECONDARY_STORAGE', 90: 'CPU_CORE' };

export type Level = 'zone' | 'pod' | 'cluster';

export interface CapacityFilter {
  level: Level; zoneId?: string; podId?: string; clusterId?: string; type?: number;
  /** fetchlatest=true: recount the hosts instead of reading the kept per-cluster rows. */
  latest?: boolean;
}

export interface Capacity {
  type: number; name: string; capacitytotal: number; capacityused: number; capacityallocated: number;
  percentused: string; zoneid: string; zonename?: string; podid?: string; podname?: string;
  clusterid?: string; clustername?: string;
}

interface Group { zone: string; pod: string | null; cluster: string | null }
interface Sum { g: Group; type: number; total: number; used: number; allocated: number }

function groupCols(level: Level, t: string) {
  const cols = [sql.ref(`${t}.zone_id`)];
  if (level !== 'zone') cols.push(sql.ref(`${t}.pod_id`));
  if (level === 'cluster') cols.push(sql.ref(`${t}.cluster_id`));
  return cols;
}

/** The group key columns; levels above the grouping select NULL so strict SQL modes accept the query. */
function keyCols(level: Level, t: string) {
  return [
    sql<string>`${sql.ref(`${t}.zone_id`)}`.as('z'),
    (level === 'zone' ? sql<string | null>`NULL` : sql<string | null>`${sql.ref(`${t}.pod_id`)}`).as('p'),
    (level === 'cluster' ? sql<string | null>`${sql.ref(`${t}.cluster_id`)}` : sql<string | null>`NULL`).as('c'),
  ];
}

const groupOf = (level: Level, r: { z: string; p?: string | null; c?: string | null }): Group =>
  ({ zone: r.z, pod: level === 'zone' ? null : r.p ?? null, cluster: level === 'cluster' ? r.c ?? null : null });

/** The host counters' sums per cluster, as columns `c`, `p`, `z` and the seven sums of 011c's cluster_capacity. */
type ClusterRows = ReturnType<typeof keptClusterRows>;

/** Host capacity per cluster from the rows the hosts' triggers keep (migration 011c): one row per cluster. */
function keptClusterRows(db: Db) {
  return db.selectFrom('cluster_capacity as k').where('k.hosts', '>', 0)
    .select(['k.cluster_id as c', 'k.pod_id as p', 'k.zone_id as z', 'k.memory_total as mem', 'k.memory_allocated as memUsed',
      'k.cpu_total as cpu', 'k.cpu_allocated as cpuUsed', 'k.cores_total as cores', 'k.cores_allocated as coresUsed']);
}

/**
 * The same sums recounted from every host row (fetchlatest=true, as CloudStack recalculates its capacity rows then):
 * a read of the host rows (a rare admin call: the index 011b made for it cost every reservation; dropped in 011w).
 */
function recountedClusterRows(db: Db): ClusterRows {
  return db.selectFrom('hosts as h')
    .select(['h.cluster_id as c', 'h.pod_id as p', 'h.zone_id as z',
      sql<number>`sum(h.memory_total)`.as('mem'), sql<number>`sum(h.memory_allocated)`.as('memUsed'),
      sql<number>`sum(h.cpu_number * h.cpu_speed)`.as('cpu'), sql<number>`sum(h.cpu_allocated)`.as('cpuUsed'),
      sql<number>`sum(h.cpu_number)`.as('cores'), sql<number>`sum(h.cpu_cores_allocated)`.as('coresUsed')])
    .where('h.removed', 'is', null).where('h.type', '=', 'Routing')
    .groupBy(['h.cluster_id', 'h.pod_id', 'h.zone_id']) as unknown as ClusterRows;
}

/**
 * Host capacity: the sums per cluster (kept rows, or recounted for fetchlatest), each cluster's overcommit factors
 * applied to its sums and the clusters rolled up to the asked level, all inside the database: one row per zone (pod,
 * cluster) comes back, whatever the number of clusters (at 25,000 hosts, 250 cluster rows read into JS and summed
 * there cost as much as the rest of the call). Kept and recounted sums take the same arithmetic, so they agree.
 */
async function hostSums(db: Db, f: CapacityFilter, out: Sum[]): Promise<void> {
  const perCluster = (f.latest ? recountedClusterRows(db) : keptClusterRows(db))
    .$if(f.zoneId !== undefined, (q) => q.where('zone_id', '=', f.zoneId!))
    .$if(f.podId !== undefined, (q) => q.where('pod_id', '=', f.podId!))
    .$if(f.clusterId !== undefined, (q) => q.where('cluster_id', '=', f.clusterId!));
  // A cluster row of a deleted cluster (kept rows) counts nowhere; a recounted host whose cluster is gone, unscaled.
  const base = db.selectFrom(perCluster.as('k'));
  const joined = f.latest ? base.leftJoin('clusters as c', 'c.id', 'k.c') : base.innerJoin('clusters as c', 'c.id', 'k.c');
  const rows = await joined.select([
    sql<string>`k.z`.as('z'),
    (f.level === 'zone' ? sql<string | null>`NULL` : sql<string | null>`k.p`).as('p'),
    (f.level === 'cluster' ? sql<string | null>`k.c` : sql<string | null>`NULL`).as('c'),
    sql<number>`sum(k.mem * coalesce(c.memory_overcommit, 1))`.as('mem'), sql<number>`sum(k.memUsed)`.as('memUsed'),
    sql<number>`sum(k.cpu * coalesce(c.cpu_overcommit, 1))`.as('cpu'), sql<number>`sum(k.cpuUsed)`.as('cpuUsed'),
    sql<number>`sum(k.cores)`.as('cores'), sql<number>`sum(k.coresUsed)`.as('coresUsed'),
  ]).groupBy(f.level === 'zone' ? [sql`k.z`] : f.level === 'pod' ? [sql`k.z`, sql`k.p`] : [sql`k.z`, sql`k.p`, sql`k.c`]).execute();
  for (const r of rows) {
    const g = groupOf(f.level, r);
    const memUsed = Number(r.memUsed);
    const cpuUsed = Number(r.cpuUsed);
    const coresUsed = Number(r.coresUsed);
    out.push({ g, type: 0, total: Number(r.mem), used: memUsed, allocated: memUsed });
    out.push({ g, type: 1, total: Number(r.cpu), used: cpuUsed, allocated: cpuUsed });
    out.push({ g, type: 90, total: Number(r.cores), used: coresUsed, allocated: coresUsed });
  }
}

async function poolSums(db: Db, f: CapacityFilter, out: Sum[]): Promise<void> {
  const rows = await db.selectFrom('storage_pools as s')
    .select([
      ...keyCols(f.level, 's'),
      sql<number>`sum(s.capacity_bytes)`.as('total'), sql<number>`sum(s.used_bytes)`.as('used'),
      sql<number>`sum(s.capacity_bytes * s.overprovision)`.as('allocTotal'), sql<number>`sum(s.allocated_bytes)`.as('alloc'),
    ])
    .where('s.removed', 'is', null)
    .$if(f.zoneId !== undefined, (q) => q.where('s.zone_id', '=', f.zoneId!))
    .$if(f.podId !== undefined, (q) => q.where('s.pod_id', '=', f.podId!))
    .$if(f.clusterId !== undefined, (q) => q.where('s.cluster_id', '=', f.clusterId!))
    // Zone-wide pools belong to no pod or cluster: they only count at zone level.
    .$if(f.level === 'pod', (q) => q.where('s.pod_id', 'is not', null))
    .$if(f.level === 'cluster', (q) => q.where('s.cluster_id', 'is not', null))
    .groupBy(groupCols(f.level, 's')).execute();
  for (const r of rows) {
    const g = groupOf(f.level, r);
    out.push({ g, type: 2, total: Number(r.total), used: Number(r.used), allocated: Number(r.alloc) });
    out.push({ g, type: 3, total: Number(r.allocTotal), used: Number(r.alloc), allocated: Number(r.alloc) });
  }
}

async function secondarySums(db: Db, f: CapacityFilter, out: Sum[]): Promise<void> {
  if (f.level !== 'zone') return;
  const rows = await db.selectFrom('image_stores')
    .select([sql<string>`zone_id`.as('z'), sql<number>`sum(capacity_bytes)`.as('total'), sql<number>`sum(used_bytes)`.as('used')])
    .where('removed', 'is', null).where('zone_id', 'is not', null)
    .$if(f.zoneId !== undefined, (q) => q.where('zone_id', '=', f.zoneId!))
    .groupBy('zone_id').execute();
  for (const r of rows) out.push({ g: { zone: r.z, pod: null, cluster: null }, type: 6, total: Number(r.total), used: Number(r.used), allocated: Number(r.used) });
}

async function names(db: Db, table: 'zones' | 'pods' | 'clusters', ids: Set<string>): Promise<Map<string, string>> {
  if (ids.size === 0) return new Map();
  const rows = await db.selectFrom(table).select(['id', 'name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Capacities grouped at the filter's level, ordered by zone, pod, cluster, then type. */
export async function computeCapacities(db: Db, f: CapacityFilter): Promise<Capacity[]> {
  const sums: Sum[] = [];
  const wants = (...types: number[]) => f.type === undefined || types.includes(f.type);
  if (wants(0, 1, 90)) await hostSums(db, f, sums);
  if (wants(2, 3)) await poolSums(db, f, sums);
  if (wants(6)) await secondarySums(db, f, sums);
  const picked = sums.filter((s) => f.type === undefined || s.type === f.type);
  const zn = await names(db, 'zones', new Set(picked.map((s) => s.g.zone)));
  const pn = await names(db, 'pods', new Set(picked.flatMap((s) => (s.g.pod ? [s.g.pod] : []))));
  const cn = await names(db, 'clusters', new Set(picked.flatMap((s) => (s.g.cluster ? [s.g.cluster] : []))));
  const out = picked.map((s): Capacity => {
    const c: Capacity = {
      type: s.type, name: NAMES[s.type], capacitytotal: Math.round(s.total), capacityused: Math.round(s.used),
      capacityallocated: Math.round(s.allocated), percentused: num2(s.total > 0 ? (s.used / s.total) * 100 : 0),
      zoneid: s.g.zone, zonename: zn.get(s.g.zone),
    };
    if (s.g.pod) Object.assign(c, { podid: s.g.pod, podname: pn.get(s.g.pod) });
    if (s.g.cluster) Object.assign(c, { clusterid: s.g.cluster, clustername: cn.get(s.g.cluster) });
    return c;
  });
  const order = (c: Capacity) => `${c.zonename ?? ''}\u0000${c.podname ?? ''}\u0000${c.clustername ?? ''}`;
  return out.sort((a, b) => order(a).localeCompare(order(b)) || a.type - b.type);
}
