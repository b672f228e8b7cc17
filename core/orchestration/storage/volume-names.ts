// The names a page of volumes shows from the few rows its volumes share (pools with their cluster and pod, zones,
// disk offerings, templates, the VMs' service offerings): one lookup of each kind's distinct ids per page. Joining
// them to every row cost a b-tree descent per row and table (3,500 for a page of 500, about 4 ms) for a handful of
// distinct rows.
import type { Db } from '../../db/connect';
import type { VolumeTable } from '../../db/schema';
import { precompiledIn } from '../../db/precompiled';

/** A volume's row with what its VM's row says of it (joined per row: VMs are as many as volumes). */
export interface VolumeRowBase extends VolumeTable {
  vm_name: string | null; vm_display: string | null; vm_state: string | null; vm_hypervisor: string | null; vm_offering: string | null;
}

/** The names of the rows a volume points to; null where the row (or its reference) is missing, as a LEFT JOIN gives. */
export interface VolumeNames {
  pool_name: string | null; pool_scope: string | null; pool_hypervisor: string | null; pod_id: string | null; cluster_id: string | null;
  zone_name: string | null; offering_name: string | null; offering_text: string | null; storage_type: string | null;
  template_name: string | null; template_text: string | null; so_id: string | null; so_name: string | null; so_text: string | null;
  cluster_name: string | null; pod_name: string | null;
}

const pools = precompiledIn((db, ids) => db.selectFrom('storage_pools as p').leftJoin('clusters as c', 'c.id', 'p.cluster_id')
  .leftJoin('pods as pd', 'pd.id', 'p.pod_id')
  .select(['p.id', 'p.name', 'p.scope', 'p.hypervisor', 'p.pod_id', 'p.cluster_id', 'c.name as cluster_name', 'pd.name as pod_name'])
  .where('p.id', 'in', ids));
const zones = precompiledIn((db, ids) => db.selectFrom('zones').select(['id', 'name']).where('id', 'in', ids));
const diskOfferings = precompiledIn((db, ids) => db.selectFrom('disk_offerings').select(['id', 'name', 'display_text', 'storage_type']).where('id', 'in', ids));
const templates = precompiledIn((db, ids) => db.selectFrom('templates').select(['id', 'name', 'display_text']).where('id', 'in', ids));
const serviceOfferings = precompiledIn((db, ids) => db.selectFrom('service_offerings').select(['id', 'name', 'display_text']).where('id', 'in', ids));

/** The distinct non-null values of `key` over the rows. */
function distinct<R>(rows: R[], key: (r: R) => string | null): string[] {
  const out = new Set<string>();
  for (const r of rows) { const k = key(r); if (k !== null) out.add(k); }
  return [...out];
}

async function byId<T extends { id: string }>(ids: string[], load: (ids: string[]) => Promise<T[]>): Promise<Map<string, T>> {
  return new Map(ids.length ? (await load(ids)).map((r) => [r.id, r]) : []);
}

/** The rows with their names added (each row object gains the same fields in the same order). */
export async function withNames<R extends VolumeRowBase>(db: Db, rows: R[]): Promise<(R & VolumeNames)[]> {
  const [p, z, d, t, so] = await Promise.all([
    byId(distinct(rows, (r) => r.pool_id), (ids) => pools(db, ids, {})),
    byId(distinct(rows, (r) => r.zone_id), (ids) => zones(db, ids, {})),
    byId(distinct(rows, (r) => r.disk_offering_id), (ids) => diskOfferings(db, ids, {})),
    byId(distinct(rows, (r) => r.template_id), (ids) => templates(db, ids, {})),
    byId(distinct(rows, (r) => r.vm_offering), (ids) => serviceOfferings(db, ids, {})),
  ]);
  const out = rows as (R & VolumeNames)[];
  for (const r of out) {
    const pool = r.pool_id === null ? undefined : p.get(r.pool_id);
    r.pool_name = pool?.name ?? null; r.pool_scope = pool?.scope ?? null; r.pool_hypervisor = pool?.hypervisor ?? null;
    r.pod_id = pool?.pod_id ?? null; r.cluster_id = pool?.cluster_id ?? null;
    r.zone_name = z.get(r.zone_id)?.name ?? null;
    const off = r.disk_offering_id === null ? undefined : d.get(r.disk_offering_id);
    r.offering_name = off?.name ?? null; r.offering_text = off?.display_text ?? null; r.storage_type = off?.storage_type ?? null;
    const tpl = r.template_id === null ? undefined : t.get(r.template_id);
    r.template_name = tpl?.name ?? null; r.template_text = tpl?.display_text ?? null;
    const s = r.vm_offering === null ? undefined : so.get(r.vm_offering);
    r.so_id = s?.id ?? null; r.so_name = s?.name ?? null; r.so_text = s?.display_text ?? null;
    r.cluster_name = pool?.cluster_name ?? null; r.pod_name = pool?.pod_name ?? null;
  }
  return out;
}
