// listVMSnapshot and the `vmsnapshot` object (fields and JSON types per "VMSnapshot" in the response types).
// Snapshots of expunged VMs are gone with the VM's volumes, so they are not listed.
import { whereScope } from '../../kernel/list-scope';
import type { Db } from '../../db/connect';
import type { ListScope, Services } from '../../kernel/services';
import type { ListResult } from '../../kernel/handler';
import type { VMSnapshot } from '../../contract/responses';
import { csDate } from '../../kernel/format';
import { pageWindow } from '../../kernel/paging';
import { likeExpr } from '../vm/vm-view';

export interface VmSnapshotFilter {
  scope: ListScope;
  virtualmachineid?: string; vmsnapshotid?: string; vmsnapshotids?: string[]; name?: string; state?: string; keyword?: string;
}

function filtered(db: Db, f: VmSnapshotFilter) {
  let q = db.selectFrom('vm_snapshots as s').innerJoin('vms as v', 'v.id', 's.vm_id')
    .where('s.removed', 'is', null).where('v.removed', 'is', null);
  const sc = f.scope;
  q = whereScope(q, sc, 's.account_id', 's.domain_id');
  if (f.virtualmachineid) q = q.where('s.vm_id', '=', f.virtualmachineid);
  if (f.vmsnapshotid) q = q.where('s.id', '=', f.vmsnapshotid);
  if (f.vmsnapshotids) q = q.where('s.id', 'in', f.vmsnapshotids.length ? f.vmsnapshotids : ['-']);
  if (f.name) { const n = f.name; q = q.where((eb) => eb.or([eb('s.name', '=', n), eb('s.display_name', '=', n)])); }
  if (f.state) q = q.where('s.state', '=', f.state);
  if (f.keyword) q = q.where(likeExpr('s.display_name', f.keyword));
  return q;
}

const pageQuery = (db: Db, f: VmSnapshotFilter) => filtered(db, f)
  .leftJoin('vm_snapshots as p', 'p.id', 's.parent_id').leftJoin('zones as z', 'z.id', 's.zone_id')
  .selectAll('s').select(['v.display_name as vm_name', 'v.hypervisor', 'p.name as parent_name', 'z.name as zone_name']);

type Row = Awaited<ReturnType<ReturnType<typeof pageQuery>['execute']>>[number];

async function formatRows(svc: Services, rows: Row[]): Promise<VMSnapshot[]> {
  const ids = [...new Set(rows.map((r) => r.account_id))];
  const infos = new Map(await Promise.all(ids.map(async (id) => [id, await svc.identity.accountInfo(id).catch(() => null)] as const)));
  return rows.map((r) => {
    const o: VMSnapshot = { id: r.id, name: r.name, displayname: r.display_name, state: r.state, type: r.type,
      current: r.current === 1, virtualmachineid: r.vm_id, virtualmachinename: r.vm_name, hypervisor: r.hypervisor,
      zoneid: r.zone_id, created: csDate(r.created), domainid: r.domain_id };
    if (r.description !== null) o.description = r.description;
    if (r.parent_id) { o.parent = r.parent_id; if (r.parent_name) o.parentName = r.parent_name; }
    if (r.zone_name !== null) o.zonename = r.zone_name;
    const a = infos.get(r.account_id);
    if (a) { o.account = a.name; o.domain = a.domainName; o.domainpath = a.domainPath; }
    return o;
  });
}

export async function listVmSnapshots(svc: Services, f: VmSnapshotFilter, paging: { page?: number; pagesize?: number }): Promise<ListResult<VMSnapshot>> {
  const { offset, limit } = pageWindow(paging, svc.config.maxPageSize);
  let q = pageQuery(svc.db, f).orderBy('s.created').orderBy('s.id');
  if (limit !== null) q = q.limit(limit).offset(offset);
  const countQ = filtered(svc.db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const [rows, c] = await Promise.all([q.execute(), countQ]);
  return { count: Number(c.n), items: await formatRows(svc, rows) };
}

export async function vmSnapshotObject(svc: Services, id: string): Promise<VMSnapshot> {
  const rows = await pageQuery(svc.db, { scope: { kind: 'all' } }).where('s.id', '=', id).execute();
  if (!rows.length) throw new Error(`VM snapshot ${id} does not exist`);
  return (await formatRows(svc, rows))[0];
}
