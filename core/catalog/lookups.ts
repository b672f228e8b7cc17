// Row lookups other modules use. (Listings join offering and template names in their own queries, so nothing
// here is cached.)
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
