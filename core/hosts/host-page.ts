// The rows of a listHosts page: the page's ids from a (filter, removed, created, id) index, then only those hosts
// joined to their zone, pod, cluster and management server, read as arrays (db/list-page.ts). The unfiltered
// page is compiled once and, in the list's second half, read counted from the end.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/connect';
import type { Database, HostOwnerColumn, HostTable } from '../db/schema';
import { allColumns, selectArrays } from '../db/precompiled';
import { precompiledPage, rowsOf } from '../db/list-page';
import { inPageOrder } from '../kernel/paging';
import { hostViewColumns, hostViewQuery, type HostView } from './host-format';

/** A host's own columns, named (not `h.*`): rows are read as arrays, by position. */
const HOST_COLUMNS = allColumns<HostTable & HostOwnerColumn>()(['id', 'name', 'zone_id', 'pod_id', 'cluster_id', 'hypervisor', 'type',
  'state', 'resource_state', 'ip_address', 'url', 'cpu_number', 'cpu_speed', 'memory_total', 'cpu_allocated', 'memory_allocated',
  'cpu_cores_allocated', 'host_tags', 'version', 'details', 'created', 'last_pinged', 'disconnected', 'removed', 'ms_id']);
/** The select list of rowsOfPage, in order (hostViewColumns by their aliases). */
const VIEW_COLUMNS = [...HOST_COLUMNS, ...hostViewColumns.map((c) => c.split(' as ')[1] ?? c.split('.')[1])];

type HostIds = SelectQueryBuilder<Database & { h: Database['hosts'] }, 'h', { id: string }>;
const rowsOfPage = (db: Db, ids: HostIds) => hostViewQuery(db).innerJoin(ids.as('page'), 'page.id', 'h.id')
  .select(HOST_COLUMNS.map((c) => `h.${c}` as const)).select(hostViewColumns);

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
  return inPageOrder(rowsOf<HostView>(VIEW_COLUMNS, arrays));
}
