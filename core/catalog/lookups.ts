// Row lookups and name caches other modules use (VM and volume listings show offering and template names on
// every row; caching them avoids a join or N+1 query per page). Caches are per database handle and are
// invalidated by this module's update/delete handlers.
import { sharedCachesOf } from '../db/shared-caches';
import type { Selectable } from 'kysely';
import type { Db } from '../db/connect';
import type { ServiceOfferingTable, DiskOfferingTable, TemplateTable } from '../db/schema';

export type ServiceOfferingRow = Selectable<ServiceOfferingTable>;
export type DiskOfferingRow = Selectable<DiskOfferingTable>;
export type TemplateRow = Selectable<TemplateTable>;

/** Rows are returned even when removed (VMs keep referring to deleted offerings); check `removed` yourself. */
export async function getServiceOffering(db: Db, id: string): Promise<ServiceOfferingRow | null> {
  return (await db.selectFrom('service_offerings').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function getDiskOffering(db: Db, id: string): Promise<DiskOfferingRow | null> {
  return (await db.selectFrom('disk_offerings').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

/** Templates and ISOs (format 'ISO') share the table. */
export async function getTemplate(db: Db, id: string): Promise<TemplateRow | null> {
  return (await db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

/** A template's copy in a zone, or null when it has none. */
export async function getTemplateZone(db: Db, templateId: string, zoneId: string) {
  return (await db.selectFrom('template_zones').selectAll().where('template_id', '=', templateId)
    .where('zone_id', '=', zoneId).executeTakeFirst()) ?? null;
}

export interface NameEntry { name: string; displayText: string }
type Table = 'service_offerings' | 'disk_offerings' | 'templates';
interface Caches { service_offerings: Map<string, NameEntry>; disk_offerings: Map<string, NameEntry>; templates: Map<string, NameEntry> }

const caches = new WeakMap<Db, Caches>();
const MAX_ENTRIES = 10_000;

function cachesOf(db: Db): Caches {
  let c = caches.get(db);
  if (!c) {
    const fresh = (c = { service_offerings: new Map(), disk_offerings: new Map(), templates: new Map() });
    caches.set(db, c);
    // A rename on another server: drop every cached name (renames are rare, the cache refills a page at a time).
    sharedCachesOf(db).onChange('catalog', () => { for (const m of Object.values(fresh)) m.clear(); });
  }
  return c;
}

async function namesOf(db: Db, table: Table, ids: Iterable<string>): Promise<Map<string, NameEntry>> {
  const cache = cachesOf(db)[table];
  const out = new Map<string, NameEntry>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const hit = cache.get(id);
    if (hit) out.set(id, hit);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const rows = await db.selectFrom(table).select(['id', 'name', 'display_text']).where('id', 'in', missing).execute();
    if (cache.size + rows.length > MAX_ENTRIES) cache.clear();
    for (const r of rows) {
      const e = { name: r.name, displayText: r.display_text };
      cache.set(r.id, e);
      out.set(r.id, e);
    }
  }
  return out;
}

/** Batch name lookups for a page of VMs/volumes: one query for the ids not yet cached. */
export const serviceOfferingNames = (db: Db, ids: Iterable<string>) => namesOf(db, 'service_offerings', ids);
export const diskOfferingNames = (db: Db, ids: Iterable<string>) => namesOf(db, 'disk_offerings', ids);
/** Templates and ISOs. */
export const templateNames = (db: Db, ids: Iterable<string>) => namesOf(db, 'templates', ids);

export async function offeringName(db: Db, id: string): Promise<string | undefined> {
  return (await serviceOfferingNames(db, [id])).get(id)?.name;
}
export async function diskOfferingName(db: Db, id: string): Promise<string | undefined> {
  return (await diskOfferingNames(db, [id])).get(id)?.name;
}
export async function templateName(db: Db, id: string): Promise<string | undefined> {
  return (await templateNames(db, [id])).get(id)?.name;
}

/** Called after an update or delete of the row. */
export function invalidateName(db: Db, table: Table, id: string): void {
  cachesOf(db)[table].delete(id);
  void sharedCachesOf(db).changed('catalog');
}
