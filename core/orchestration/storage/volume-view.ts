// listVolumes and the `volume` response object (fields and JSON types per "Volume" in the response types). One
// paged query joined by primary keys to the VM, pool, zone, offerings and template rows it names, plus a COUNT.
import { seesEverything, whereScope } from '../../kernel/list-scope';
import type { Db } from '../../db/connect';
import type { ListScope, Services } from '../../kernel/services';
import type { Caller } from '../../identity/caller';
import { isAdmin } from '../../identity/caller';
import type { ListResult } from '../../kernel/handler';
import { csDate, ownerFields } from '../../kernel/format';
import { batchedList, inPageOrder, pageWindow, STREAM_BATCH } from '../../kernel/paging';
import { likeExpr } from '../vm/vm-view';
import type { Tags, Volume } from '../../contract/responses';
import { tagsOfPage, taggedIdsQuery, type TagPair } from '../../tags/tag-store';
import { countAllBut } from '../../db/counts';

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

/** Total matches; the unfiltered everything-view counts the table (db/counts.ts) rather than walking an index. */
async function countOf(db: Db, f: VolumeFilter): Promise<number> {
  if (seesEverything(f.scope) && FILTER_KEYS.every((k) => f[k] === undefined)) return countAllBut(db, 'volumes', 'removed');
  return Number((await filtered(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

/** Volume rows with the names their response objects carry (joined by primary keys). */
function rowsQuery(db: Db) {
  return db.selectFrom('volumes as vol').leftJoin('vms as v', 'v.id', 'vol.vm_id')
    .leftJoin('storage_pools as p', 'p.id', 'vol.pool_id')
    .leftJoin('zones as z', 'z.id', 'vol.zone_id')
    .leftJoin('disk_offerings as d', 'd.id', 'vol.disk_offering_id')
    .leftJoin('templates as t', 't.id', 'vol.template_id')
    .leftJoin('service_offerings as so', 'so.id', 'v.service_offering_id')
    .leftJoin('clusters as c', 'c.id', 'p.cluster_id')
    .leftJoin('pods as pd', 'pd.id', 'p.pod_id')
    .selectAll('vol')
    .select(['v.name as vm_name', 'v.display_name as vm_display', 'v.state as vm_state', 'v.hypervisor as vm_hypervisor',
      'p.name as pool_name', 'p.scope as pool_scope', 'p.hypervisor as pool_hypervisor', 'p.pod_id', 'p.cluster_id',
      'z.name as zone_name', 'd.name as offering_name', 'd.display_text as offering_text', 'd.storage_type',
      't.name as template_name', 't.display_text as template_text', 'so.id as so_id', 'so.name as so_name',
      'so.display_text as so_text', 'c.name as cluster_name', 'pd.name as pod_name']);
}

/**
 * The page: its ids first, by the filter and the (created, id) order alone, so OFFSET steps over index entries;
 * then only those volumes are joined to the rows they name. A derived table's order does not survive the join,
 * so the rows are put back in page order here.
 */
async function pageRows(db: Db, f: VolumeFilter, window: { offset: number; limit: number | null }): Promise<Row[]> {
  let ids = filtered(db, f).select('vol.id').orderBy('vol.created').orderBy('vol.id');
  if (window.limit !== null) ids = ids.limit(window.limit).offset(window.offset);
  return inPageOrder(await rowsQuery(db).innerJoin(ids.as('page'), 'page.id', 'vol.id').execute());
}

type Row = Awaited<ReturnType<ReturnType<typeof rowsQuery>['execute']>>[number];
type Names = { name: string; domainName: string; domainPath: string; project?: { id: string; name: string } };

// Joined names (`!`) are NOT NULL in their tables: present whenever the joined row is, which the `if` tests.
function format(r: Row, acct: Names | undefined, admin: boolean, job: string | undefined, tags: Tags[] | undefined): Volume {
  const o: Volume = { id: r.id, name: r.name, type: r.type, state: r.state, size: r.size, virtualsize: r.size, zoneid: r.zone_id };
  if (r.path) o.physicalsize = r.size;
  if (r.zone_name !== null) o.zonename = r.zone_name;
  if (acct) { Object.assign(o, ownerFields(acct)); o.domain = acct.domainName; o.domainpath = acct.domainPath; }
  o.domainid = r.domain_id;
  o.created = csDate(r.created);
  if (r.vm_id) {
    o.virtualmachineid = r.vm_id;
    if (r.vm_name !== null) { o.vmname = r.vm_name; o.vmdisplayname = r.vm_display || r.vm_name; o.vmstate = r.vm_state!; o.vmtype = 'User'; }
    if (r.device_id !== null) o.deviceid = r.device_id;
    if (r.attached !== null) o.attached = csDate(r.attached);
  }
  if (r.disk_offering_id) {
    o.diskofferingid = r.disk_offering_id;
    if (r.offering_name !== null) { o.diskofferingname = r.offering_name; o.diskofferingdisplaytext = r.offering_text!; }
  }
  if (r.type === 'ROOT' && r.so_id !== null) { o.serviceofferingid = r.so_id; o.serviceofferingname = r.so_name!; o.serviceofferingdisplaytext = r.so_text!; }
  if (r.template_id) {
    o.templateid = r.template_id;
    if (r.template_name !== null) { o.templatename = r.template_name; o.templatedisplaytext = r.template_text!; }
  }
  if (r.pool_id) {
    o.storageid = r.pool_id;
    if (r.pool_name !== null) o.storage = r.pool_name;
    if (admin && r.cluster_id) { o.clusterid = r.cluster_id; o.clustername = r.cluster_name!; }
    if (admin && r.pod_id) { o.podid = r.pod_id; o.podname = r.pod_name!; }
  }
  o.storagetype = r.pool_scope === 'HOST' || (!r.pool_scope && r.storage_type === 'local') ? 'local' : 'shared';
  const hv = r.vm_hypervisor || r.pool_hypervisor;
  if (hv) o.hypervisor = hv;
  o.provisioningtype = r.provisioning_type;
  if (admin && r.path) o.path = r.path;
  o.destroyed = r.state === 'Destroy';
  o.displayvolume = true;
  o.isextractable = false;
  o.quiescevm = false;
  o.supportsstoragesnapshot = false;
  o.tags = tags ?? [];
  if (job) { o.jobid = job; o.jobstatus = 0; }
  return o;
}

async function formatRows(svc: Services, rows: Row[], caller: Caller, withJobs: boolean): Promise<Volume[]> {
  const ids = [...new Set(rows.map((r) => r.account_id))];
  const infos = await Promise.all(ids.map((id) => svc.identity.accountInfo(id).catch(() => null)));
  const names = new Map<string, Names>();
  ids.forEach((id, i) => { const a = infos[i]; if (a) names.set(id, a); });
  const jobs = new Map<string, string>();
  if (withJobs && rows.length) {
    const js = await svc.db.selectFrom('async_jobs').select(['id', 'instance_id'])
      .where('instance_id', 'in', rows.map((r) => r.id)).where('status', '=', 0).execute();
    for (const j of js) if (j.instance_id) jobs.set(j.instance_id, j.id);
  }
  const admin = isAdmin(caller);
  const tags = await tagsOfPage(svc, 'Volume', rows.map((r) => r.id));
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
    const [rows, count] = await Promise.all([pageRows(svc.db, f, window), countOf(svc.db, f)]);
    return { count, items: await formatRows(svc, rows, caller, true) };
  }
  // pagesize=-1 and big pages: the ids at once, the rows one batch at a time as they are written.
  const [ids, count] = await Promise.all([pageIds(svc.db, f, window), countOf(svc.db, f)]);
  return batchedList(count, ids, async (batch) =>
    formatRows(svc, inPageOrder(await rowsQuery(svc.db).where('vol.id', 'in', batch).execute()), caller, true));
}

/** The `volume` object of one volume (also a removed one, for results of deletes). */
export async function volumeObject(svc: Services, caller: Caller, id: string): Promise<Volume> {
  const rows = await rowsQuery(svc.db).where('vol.id', '=', id).execute();
  if (!rows.length) throw new Error(`volume ${id} does not exist`);
  return (await formatRows(svc, rows, caller, false))[0];
}
