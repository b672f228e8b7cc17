// The rows of a listHosts page: the page's ids from a (filter, removed, created, id) index, then only those hosts,
// read as arrays (db/list-page.ts); the names of their zones, pods, clusters and management servers are looked up
// once per distinct id (a page of 500 hosts names a handful of each: joining them cost four b-tree descents per
// host). The unfiltered page is compiled once and, in the list's second half, read counted from the end.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/connect';
import type { Database, HostOwnerColumn, HostTable } from '../db/schema';
import { allColumns, precompiledIn, selectArrays } from '../db/precompiled';
import { precompiledPage, rowsOf } from '../db/list-page';
import { inPageOrder } from '../kernel/paging';
import type { HostView } from './host-format';

/** A host's own columns, named (not `h.*`): rows are read as arrays, by position. */
const HOST_COLUMNS = allColumns<HostTable & HostOwnerColumn>()(['id', 'name', 'zone_id', 'pod_id', 'cluster_id', 'hypervisor', 'type',
  'state', 'resource_state', 'ip_address', 'url', 'cpu_number', 'cpu_speed', 'memory_total', 'cpu_allocated', 'memory_allocated',
  'cpu_cores_allocated', 'host_tags', 'version', 'details', 'created', 'last_pinged', 'disconnected', 'removed', 'ms_id']);
type HostRow = Omit<HostView, 'ms_name' | 'zone_name' | 'pod_name' | 'cluster_name' | 'cluster_type' | 'cpu_overcommit' | 'memory_overcommit'>;

type HostIds = SelectQueryBuilder<Database & { h: Database['hosts'] }, 'h', { id: string }>;
const rowsOfPage = (db: Db, ids: HostIds) => db.selectFrom('hosts as h').innerJoin(ids.as('page'), 'page.id', 'h.id')
  .select(HOST_COLUMNS.map((c) => `h.${c}` as const));

const zones = precompiledIn((db, ids) => db.selectFrom('zones').select(['id', 'name']).where('id', 'in', ids));
const pods = precompiledIn((db, ids) => db.selectFrom('pods').select(['id', 'name']).where('id', 'in', ids));
const clusters = precompiledIn((db, ids) => db.selectFrom('clusters')
  .select(['id', 'name', 'cluster_type', 'cpu_overcommit', 'memory_overcommit']).where('id', 'in', ids));
const servers = precompiledIn((db, ids) => db.selectFrom('management_servers').select(['id', 'name']).where('id', 'in', ids));

async function byId<T extends { id: string }>(ids: Set<string>, load: (ids: string[]) => Promise<T[]>): Promise<Map<string, T>> {
  return new Map(ids.size ? (await load([...ids])).map((r) => [r.id, r]) : []);
}

/**
 * The hosts with their zone, pod, cluster and server names, as hostViewQuery's joins give them: a host whose zone,
 * pod or cluster row is missing is left out (an inner join), a missing server is a null name (a left join).
 */
async function withNames(db: Db, rows: HostRow[]): Promise<HostView[]> {
  const ids = { z: new Set<string>(), p: new Set<string>(), c: new Set<string>(), m: new Set<string>() };
  for (const r of rows) {
    ids.z.add(r.zone_id); ids.p.add(r.pod_id); ids.c.add(r.cluster_id);
    if (r.ms_id !== null) ids.m.add(r.ms_id);
  }
  const [z, p, c, m] = await Promise.all([byId(ids.z, (l) => zones(db, l, {})), byId(ids.p, (l) => pods(db, l, {})),
    byId(ids.c, (l) => clusters(db, l, {})), byId(ids.m, (l) => servers(db, l, {}))]);
  const out: HostView[] = [];
  for (const r of rows) {
    const zone = z.get(r.zone_id);
    const pod = p.get(r.pod_id);
    const cluster = c.get(r.cluster_id);
    if (!zone || !pod || !cluster) continue;
    out.push({ ...r, ms_name: (r.ms_id === null ? undefined : m.get(r.ms_id)?.name) ?? null, zone_name: zone.name, pod_name: pod.name,
      cluster_name: cluster.name, cluster_type: cluster.cluster_type, cpu_overcommit: cluster.cpu_overcommit,
      memory_overcommit: cluster.memory_overcommit });
  }
  return out;
}

/** Every live host: all rows minus the removed ones, each counted from its b-tree at once (db/counts.ts). */
const LIVE_HOSTS = sql<number>`((select count(*) from hosts) - (select count(*) from hosts where removed is not null))`;
const everyHostPage = precompiledPage(LIVE_HOSTS, (db, reversed, { limit, offset }) => {
  const dir = reversed ? 'desc' : 'asc';
  return rowsOfPage(db, db.selectFrom('hosts as h').where('h.removed', 'is', null).select('h.id').orderBy('h.created', dir)
    .orderBy('h.id', dir).limit(limit).offset(offset));
});

/**
 * The page's hosts in (created, id) order. `ids` are the filtered hosts' ids in that order with the page's
 * limit/offset applied; `every` (with the unfiltered window and count) takes the precompiled page instead.
 */
export async function hostPageRows(db: Db, ids: HostIds, every?: { window: { offset: number; limit: number }; count: number }): Promise<HostView[]> {
  const arrays = every ? await everyHostPage(db, every.window, every.count) : await selectArrays(db, rowsOfPage(db, ids));
  return inPageOrder(await withNames(db, rowsOf<HostRow>(HOST_COLUMNS, arrays)));
}
