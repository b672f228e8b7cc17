// listSnapshots and the `snapshot` response object (fields and JSON types per "Snapshot" in the response types).
import { whereScope } from '../../kernel/list-scope';
import type { Db } from '../../db/connect';
import type { ListScope, Services } from '../../kernel/services';
import type { Caller } from '../../identity/caller';
import type { ListResult } from '../../kernel/handler';
import { csDate, ownerFields } from '../../kernel/format';
import { pageWindow } from '../../kernel/paging';
import { likeExpr } from '../vm/vm-view';
import type { Snapshot, Tags } from '../../contract/responses';
import { tagsOfPage, taggedIdsQuery, type TagPair } from '../../tags/tag-store';

export interface SnapshotFilter {
  scope: ListScope;
  id?: string; ids?: string[]; name?: string; volumeid?: string; snapshottype?: string; intervaltype?: string;
  zoneid?: string; keyword?: string;
  /** Only snapshots carrying every one of these tags (tags[i].key/value). */
  tags?: TagPair[];
}

function filtered(db: Db, f: SnapshotFilter) {
  let q = db.selectFrom('snapshots as s').where('s.removed', 'is', null);
  const sc = f.scope;
  q = whereScope(q, sc, 's.account_id', 's.domain_id');
  if (f.id) q = q.where('s.id', '=', f.id);
  if (f.ids) q = q.where('s.id', 'in', f.ids.length ? f.ids : ['-']);
  if (f.name) q = q.where('s.name', '=', f.name);
  if (f.volumeid) q = q.where('s.volume_id', '=', f.volumeid);
  if (f.snapshottype) q = q.where('s.snapshot_type', '=', f.snapshottype.toUpperCase());
  if (f.intervaltype) q = q.where('s.interval_type', '=', f.intervaltype.toUpperCase());
  if (f.zoneid) q = q.where('s.zone_id', '=', f.zoneid);
  if (f.keyword) q = q.where(likeExpr('s.name', f.keyword));
  if (f.tags && f.tags.length > 0) q = q.where('s.id', 'in', taggedIdsQuery(db, 'Snapshot', f.tags));
  return q;
}

function pageQuery(db: Db, f: SnapshotFilter) {
  return filtered(db, f).leftJoin('volumes as v', 'v.id', 's.volume_id').leftJoin('zones as z', 'z.id', 's.zone_id')
    .selectAll('s').select(['v.name as volume_name', 'v.type as volume_type', 'v.state as volume_state',
      'v.removed as volume_removed', 'z.name as zone_name']);
}

type Row = Awaited<ReturnType<ReturnType<typeof pageQuery>['execute']>>[number];
type Names = { name: string; domainName: string; domainPath: string };

function format(r: Row, acct: Names | undefined, job: string | undefined, tags: Tags[] | undefined): Snapshot {
  const o: Snapshot = { id: r.id, name: r.name, volumeid: r.volume_id, state: r.state };
  if (r.volume_name !== null) { o.volumename = r.volume_name; o.volumetype = r.volume_type!; o.volumestate = r.volume_state!; }
  o.snapshottype = r.snapshot_type;
  o.intervaltype = r.interval_type;
  o.state = r.state;
  o.revertable = r.state === 'BackedUp' && r.volume_removed === null && r.volume_name !== null;
  o.physicalsize = r.physical_size;
  o.virtualsize = r.virtual_size;
  o.zoneid = r.zone_id;
  if (r.zone_name !== null) o.zonename = r.zone_name;
  o.created = csDate(r.created);
  if (acct) { Object.assign(o, ownerFields(acct)); o.domain = acct.domainName; o.domainpath = acct.domainPath; }
  o.domainid = r.domain_id;
  o.locationtype = 'PRIMARY';
  o.tags = tags ?? [];
  if (job) { o.jobid = job; o.jobstatus = 0; }
  return o;
}

async function formatRows(svc: Services, rows: Row[], withJobs: boolean): Promise<Snapshot[]> {
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
  const tags = await tagsOfPage(svc, 'Snapshot', rows.map((r) => r.id));
  return rows.map((r) => format(r, names.get(r.account_id), jobs.get(r.id), tags.get(r.id)));
}

export async function listSnapshots(svc: Services, f: SnapshotFilter, paging: { page?: number; pagesize?: number }, _caller: Caller): Promise<ListResult<Snapshot>> {
  const { offset, limit } = pageWindow(paging, svc.config.maxPageSize);
  let q = pageQuery(svc.db, f).orderBy('s.created').orderBy('s.id');
  if (limit !== null) q = q.limit(limit).offset(offset);
  const countQ = filtered(svc.db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const [rows, c] = await Promise.all([q.execute(), countQ]);
  return { count: Number(c.n), items: await formatRows(svc, rows, true) };
}

export async function snapshotObject(svc: Services, id: string): Promise<Snapshot> {
  const rows = await pageQuery(svc.db, { scope: { kind: 'all' }, id }).clearWhere().where('s.id', '=', id).execute();
  if (!rows.length) throw new Error(`snapshot ${id} does not exist`);
  return (await formatRows(svc, rows, false))[0];
}
