// listVolumes and the `volume` response object (fields and JSON types per "Volume" in the response types). One
// paged query joined by primary keys to the VM, pool, zone, offerings and template rows it names, plus a COUNT.
import { seesEverything, whereScope } from '../../kernel/list-scope';
import type { Db } from '../../db/connect';
import type { ListScope, Services } from '../../kernel/services';
import type { Caller } from '../../identity/caller';
import { isAdmin } from '../../identity/caller';
import type { ListResult } from '../../kernel/handler';
import { csDate } from '../../kernel/format';
import { batchedList, inPageOrder, pageWindow, STREAM_BATCH } from '../../kernel/paging';
import { likeExpr } from '../vm/vm-view';
import type { Tags, Volume } from '../../contract/responses';
import { tagsOfPage, taggedIdsQuery, type TagPair } from '../../tags/tag-store';
import { countAllBut } from '../../db/counts';
import { allColumns, precompiled, selectArrays } from '../../db/precompiled';
import { precompiledPage, rowsOf } from '../../db/list-page';
import type { VolumeTable } from '../../db/schema';
import { withNames, type VolumeNames, type VolumeRowBase } from './volume-names';
import { sql } from 'kysely';

export interface VolumeFilter {
  scope: ListScope;
  id?: string; ids?: string[]; name?: string; type?: string; state?: string; virtualmachineid?: string;
  zoneid?: string; podid?: string; clusterid?: string; storageid?: string; hostid?: string; diskofferingid?: string;
  keyword?: string;
  /** Only volumes carrying every one of these tags (tags[i].key/value). */
  tags?: TagPair[];
}

/** The matching volumes, from `volumes` alone: pod, cluster and host filters are subqueries, not joins, so the
 * COUNT and the page's ids walk a (scope, removed, created, id) index (migration 011) without touching other rows. */
function filtered(db: Db, f: VolumeFilter) {
  let q = db.selectFrom('volumes as vol').where('vol.removed', 'is', null);
  const s = f.scope;
  q = whereScope(q, s, 'vol.account_id', 'vol.domain_id');
  if (f.id) q = q.where('vol.id', '=', f.id);
  if (f.ids) q = q.where('vol.id', 'in', f.ids.length ? f.ids : ['-']);
  if (f.name) q = q.where('vol.name', '=', f.name);
  if (f.type) q = q.where('vol.type', '=', f.type.toUpperCase());
  if (f.state) q = q.where((eb) => eb(eb.fn('lower', ['vol.state']), '=', f.state!.toLowerCase()));
  if (f.virtualmachineid) q = q.where('vol.vm_id', '=', f.virtualmachineid);
  if (f.zoneid) q = q.where('vol.zone_id', '=', f.zoneid);
  if (f.storageid) q = q.where('vol.pool_id', '=', f.storageid);
  if (f.podid) q = q.where('vol.pool_id', 'in', db.selectFrom('storage_pools').select('id').where('pod_id', '=', f.podid));
  if (f.clusterid) q = q.where('vol.pool_id', 'in', db.selectFrom('storage_pools').select('id').where('cluster_id', '=', f.clusterid));
  if (f.hostid) q = q.where('vol.vm_id', 'in', db.selectFrom('vms').select('id').where('host_id', '=', f.hostid));
  if (f.diskofferingid) q = q.where('vol.disk_offering_id', '=', f.diskofferingid);
  if (f.keyword) q = q.where(likeExpr('vol.name', f.keyword));
  if (f.tags && f.tags.length > 0) q = q.where('vol.id', 'in', taggedIdsQuery(db, 'Volume', f.tags));
  return q;
}

const FILTER_KEYS = ['id', 'ids', 'name', 'type', 'state', 'virtualmachineid', 'zoneid', 'podid', 'clusterid', 'storageid',
  'hostid', 'diskofferingid', 'keyword', 'tags'] as const satisfies readonly (keyof VolumeFilter)[];

/** Whether the list is every live volume, unfiltered: its count is the table's, its page may come from the end. */
const everything = (f: VolumeFilter) => seesEverything(f.scope) && FILTER_KEYS.every((k) => f[k] === undefined);

/** Total matches; the unfiltered everything-view counts the table (db/counts.ts) rather than walking an index. */
async function countOf(db: Db, f: VolumeFilter): Promise<number> {
  if (everything(f)) return countAllBut(db, 'volumes', 'removed');
  return Number((await filtered(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

/** A volume's own columns, named (not `vol.*`): rows are read as arrays, by position. */
const VOLUME_COLUMNS = allColumns<VolumeTable>()(['id', 'name', 'type', 'state', 'size', 'vm_id', 'device_id', 'disk_offering_id',
  'pool_id', 'account_id', 'domain_id', 'zone_id', 'template_id', 'path', 'provisioning_type', 'created', 'attached', 'removed']);
/** The select list of rowsQuery, in order. */
const ROW_COLUMNS = [...VOLUME_COLUMNS, 'vm_name', 'vm_display', 'vm_state', 'vm_hypervisor', 'vm_offering'];

/** Volume rows with what their VM's row says (joined by primary key); the other names come from volume-names.ts. */
function rowsQuery(db: Db) {
  return db.selectFrom('volumes as vol').leftJoin('vms as v', 'v.id', 'vol.vm_id')
    .select(VOLUME_COLUMNS.map((c) => `vol.${c}` as const))
    .select(['v.name as vm_name', 'v.display_name as vm_display', 'v.state as vm_state', 'v.hypervisor as vm_hypervisor',
      'v.service_offering_id as vm_offering']);
}

/** Rows read as arrays in ROW_COLUMNS order, with their names, in page order. */
const named = async (db: Db, arrays: unknown[][]): Promise<Row[]> => inPageOrder(await withNames(db, rowsOf<VolumeRowBase>(ROW_COLUMNS, arrays)));

/**
 * The page: its ids first, by the filter and the (created, id) order alone, so OFFSET steps over index entries;
 * then only those volumes are joined to the rows they name. A derived table's order does not survive the join,
 * so the rows are put back in page order here. The unfiltered page is compiled once and may be read from the end
 * (db/list-page.ts).
 */
async function pageRows(db: Db, f: VolumeFilter, window: { offset: number; limit: number | null }, count: number): Promise<Row[]> {
  if (window.limit !== null && everything(f)) return named(db, await everyVolumePage(db, { offset: window.offset, limit: window.limit }, count));
  let ids = filtered(db, f).select('vol.id').orderBy('vol.created').orderBy('vol.id');
  if (window.limit !== null) ids = ids.limit(window.limit).offset(window.offset);
  return named(db, await selectArrays(db, rowsQuery(db).innerJoin(ids.as('page'), 'page.id', 'vol.id')));
}

/** Every live volume (the count's rows: all minus the removed ones, from the b-trees at once). */
const LIVE_VOLUMES = sql<number>`((select count(*) from volumes) - (select count(*) from volumes where removed is not null))`;
const everyVolumePage = precompiledPage(LIVE_VOLUMES, (db, reversed, { limit, offset }) => {
  const live = db.selectFrom('volumes as vol').where('vol.removed', 'is', null).select('vol.id');
  const ids = (reversed ? live.orderBy('vol.created', 'desc').orderBy('vol.id', 'desc') : live.orderBy('vol.created').orderBy('vol.id'))
    .limit(limit).offset(offset);
  return rowsQuery(db).innerJoin(ids.as('page'), 'page.id', 'vol.id');
});

type Row = VolumeRowBase & VolumeNames;
type Names = { name: string; domainName: string; domainPath: string; project?: { id: string; name: string } };

// Joined names (`!`) are NOT NULL in their tables: present whenever the joined row is, which the conditions test.
/**
 * One object literal with every field in response order, absent ones undefined (JSON and XML leave those out), as
 * the VM page's (vm-format.ts): V8 allocates it once at its final size, where 50 fields added one by one regrew it.
 * A field the old field-by-field code set to a NULL column (domainid, provisioningtype) is still sent as null.
 */
function format(r: Row, acct: Names | undefined, admin: boolean, job: string | undefined, tags: Tags[] | undefined): Volume {
  const vm = !!r.vm_id;
  const vmNamed = vm && r.vm_name !== null;
  const offeringNamed = !!r.disk_offering_id && r.offering_name !== null;
  const rootOffering = r.type === 'ROOT' && r.so_id !== null;
  const templateNamed = !!r.template_id && r.template_name !== null;
  const pool = !!r.pool_id;
  const poolCluster = pool && admin && !!r.cluster_id;
  const poolPod = pool && admin && !!r.pod_id;
  const hv = r.vm_hypervisor || r.pool_hypervisor;
  return {
    id: r.id, name: r.name, type: r.type, state: r.state, size: r.size, virtualsize: r.size, zoneid: r.zone_id,
    physicalsize: r.path ? r.size : undefined, zonename: r.zone_name !== null ? r.zone_name : undefined,
    account: acct && !acct.project ? acct.name : undefined, project: acct?.project?.name, projectid: acct?.project?.id,
    domain: acct?.domainName, domainpath: acct?.domainPath,
    domainid: r.domain_id, created: csDate(r.created),
    virtualmachineid: vm ? r.vm_id! : undefined,
    vmname: vmNamed ? r.vm_name! : undefined, vmdisplayname: vmNamed ? r.vm_display || r.vm_name! : undefined,
    vmstate: vmNamed ? r.vm_state! : undefined, vmtype: vmNamed ? 'User' : undefined,
    deviceid: vm && r.device_id !== null ? r.device_id : undefined,
    attached: vm && r.attached !== null ? csDate(r.attached) : undefined,
    diskofferingid: r.disk_offering_id ? r.disk_offering_id : undefined,
    diskofferingname: offeringNamed ? r.offering_name! : undefined, diskofferingdisplaytext: offeringNamed ? r.offering_text! : undefined,
    serviceofferingid: rootOffering ? r.so_id! : undefined, serviceofferingname: rootOffering ? r.so_name! : undefined,
    serviceofferingdisplaytext: rootOffering ? r.so_text! : undefined,
    templateid: r.template_id ? r.template_id : undefined,
    templatename: templateNamed ? r.template_name! : undefined, templatedisplaytext: templateNamed ? r.template_text! : undefined,
    storageid: pool ? r.pool_id! : undefined, storage: pool && r.pool_name !== null ? r.pool_name : undefined,
    clusterid: poolCluster ? r.cluster_id! : undefined, clustername: poolCluster ? r.cluster_name! : undefined,
    podid: poolPod ? r.pod_id! : undefined, podname: poolPod ? r.pod_name! : undefined,
    storagetype: r.pool_scope === 'HOST' || (!r.pool_scope && r.storage_type === 'local') ? 'local' : 'shared',
    hypervisor: hv ? hv : undefined,
    provisioningtype: r.provisioning_type,
    path: admin && r.path ? r.path : undefined,
    destroyed: r.state === 'Destroy', displayvolume: true, isextractable: false, quiescevm: false, supportsstoragesnapshot: false,
    tags: tags ?? [],
    jobid: job ? job : undefined, jobstatus: job ? 0 : undefined,
  };
}

/**
 * Whether any job is pending and any volume has a tag (two index peeks): a page of many volumes skips the lookups
 * its cloud has none of (each an IN of the page's 500 ids, costing about as much as its answer).
 */
const sidePresence = precompiled((db, _p: Record<string, never>) => db.selectNoFrom((eb) => [
  eb.exists(eb.selectFrom('async_jobs').select('id').where('status', '=', 0)).as('jobs'),
  eb.exists(eb.selectFrom('resource_tags').select('id').where('resource_type', '=', 'Volume')).as('tags'),
]));
/** From this many rows on, a page asks sidePresence first (one volume's lookups are cheaper than the question). */
const PRESENCE_FROM_ROWS = 50;

async function formatRows(svc: Services, rows: Row[], caller: Caller, withJobs: boolean): Promise<Volume[]> {
  const ids = [...new Set(rows.map((r) => r.account_id))];
  const infos = await Promise.all(ids.map((id) => svc.identity.accountInfo(id).catch(() => null)));
  const names = new Map<string, Names>();
  ids.forEach((id, i) => { const a = infos[i]; if (a) names.set(id, a); });
  const present = rows.length >= PRESENCE_FROM_ROWS ? await sidePresence.first(svc.db, {}) : undefined;
  const jobs = new Map<string, string>();
  if (withJobs && rows.length && (!present || Number(present.jobs))) {
    const js = await svc.db.selectFrom('async_jobs').select(['id', 'instance_id'])
      .where('instance_id', 'in', rows.map((r) => r.id)).where('status', '=', 0).execute();
    for (const j of js) if (j.instance_id) jobs.set(j.instance_id, j.id);
  }
  const admin = isAdmin(caller);
  const tags = !present || Number(present.tags) ? await tagsOfPage(svc, 'Volume', rows.map((r) => r.id)) : new Map<string, Tags[]>();
  return rows.map((r) => format(r, names.get(r.account_id), admin, jobs.get(r.id), tags.get(r.id)));
}

/** The ids of a page in page order (from the index alone). */
async function pageIds(db: Db, f: VolumeFilter, window: { offset: number; limit: number | null }): Promise<string[]> {
  let q = filtered(db, f).select('vol.id').orderBy('vol.created').orderBy('vol.id');
  if (window.limit !== null) q = q.limit(window.limit).offset(window.offset);
  return (await q.execute()).map((r) => r.id);
}

export async function listVolumes(svc: Services, f: VolumeFilter, paging: { page?: number; pagesize?: number }, caller: Caller): Promise<ListResult<Volume>> {
  const window = pageWindow(paging, svc.config.maxPageSize);
  if (window.limit !== null && window.limit <= STREAM_BATCH) {
    const count = await countOf(svc.db, f);
    return { count, items: await formatRows(svc, await pageRows(svc.db, f, window, count), caller, true) };
  }
  // pagesize=-1 and big pages: the ids at once, the rows one batch at a time as they are written.
  const [ids, count] = await Promise.all([pageIds(svc.db, f, window), countOf(svc.db, f)]);
  return batchedList(count, ids, async (batch) =>
    formatRows(svc, await named(svc.db, await selectArrays(svc.db, rowsQuery(svc.db).where('vol.id', 'in', batch))), caller, true));
}

/** The `volume` object of one volume (also a removed one, for results of deletes). */
export async function volumeObject(svc: Services, caller: Caller, id: string): Promise<Volume> {
  const rows = await withNames(svc.db, await rowsQuery(svc.db).where('vol.id', '=', id).execute());
  if (!rows.length) throw new Error(`volume ${id} does not exist`);
  return (await formatRows(svc, rows, caller, false))[0];
}
