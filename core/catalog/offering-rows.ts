// What disk and service offerings do alike: find a live row, update it, soft-delete it, filter and page a
// list. Each handler file describes its table with an OfferingKind and keeps what only it has to itself.
import type { Kysely, Updateable } from 'kysely';
import type { CallContext, ListResult } from '../kernel/handler';
import type { DiskOfferingTable } from '../db/schema';
import { notFound } from '../kernel/errors';
import { splitIds, pageOf, containsText, recordEvent } from './common';
import { checkManageOffering, offeringVisibility, parseRestrictionUpdate } from './offering-scope';
import { offeringNames, type OfferingNames } from './offering-format';
import type { DiskOfferingRow, ServiceOfferingRow } from './lookups';
import type { DiskOffering, ServiceOffering } from '../contract/responses';

interface OfferingRows { disk_offerings: DiskOfferingRow; service_offerings: ServiceOfferingRow }
/** The response object of each kind of offering. */
interface OfferingResponses { disk_offerings: DiskOffering; service_offerings: ServiceOffering }
export type OfferingTable = keyof OfferingRows;

/** What differs between the two kinds of offering in the shared flows. */
export interface OfferingKind<T extends OfferingTable> {
  table: T;
  /** Event type prefix: 'DISK.OFFERING' -> 'DISK.OFFERING.EDIT'. */
  event: string;
  resourceType: string;
  /** As it reads in event descriptions: 'Updated disk offering X'. */
  label: string;
  format(r: OfferingRows[T], names: OfferingNames): OfferingResponses[T];
}

/**
 * Kysely cannot type a query whose table name is a type parameter, so the queries here go through a view
 * of the database holding only the columns both tables share; rows are handed back as the caller's type.
 */
type SharedColumns = Pick<DiskOfferingTable, 'id' | 'name' | 'display_text' | 'state' | 'domain_ids' | 'zone_ids' | 'removed'>;
type SharedDb = Kysely<{ [K in OfferingTable]: SharedColumns }>;
const sharedDb = (ctx: CallContext) => ctx.svc.db as unknown as SharedDb;

const VERBS = { CREATE: 'Created', EDIT: 'Updated', DELETE: 'Deleted' } as const;

/** 'DISK.OFFERING.CREATE' with 'Created disk offering X', and so on. */
export function recordOfferingEvent<T extends OfferingTable>(ctx: CallContext, kind: OfferingKind<T>,
  verb: keyof typeof VERBS, id: string, name: string) {
  return recordEvent(ctx, `${kind.event}.${verb}`, kind.resourceType, id, name, `${VERBS[verb]} ${kind.label} ${name}`);
}

/** The offering `id` unless removed, else the not-found error for `id`. */
export async function liveOffering<T extends OfferingTable>(ctx: CallContext, kind: OfferingKind<T>, id: string): Promise<OfferingRows[T]> {
  const table: OfferingTable = kind.table;
  const r = await sharedDb(ctx).selectFrom(table).selectAll().where('id', '=', id).where('removed', 'is', null)
    .executeTakeFirst();
  if (!r) throw notFound(ctx.command, 'id', id);
  return r as OfferingRows[T];
}

/** `set` may hold the kind's own columns too: the shared view types only the common ones, SQL takes them all. */
async function writeRow(ctx: CallContext, table: OfferingTable, id: string, set: Updateable<SharedColumns>): Promise<void> {
  await sharedDb(ctx).updateTable(table).set(set).where('id', '=', id).execute();
}

/** Args both update commands take; domainid/zoneid are comma-separated ids or "public"/"all". */
interface OfferingUpdateArgs { id: string; name?: string; displaytext?: string; state?: string; domainid?: string; zoneid?: string }

/**
 * updateDiskOffering / updateServiceOffering: the caller must manage the offering both as it is and as it will
 * be restricted. `own` holds the command's own columns; its undefined entries are left unchanged.
 */
export async function updateOffering<T extends OfferingTable>(ctx: CallContext, kind: OfferingKind<T>,
  a: OfferingUpdateArgs, own: Partial<OfferingRows[T]>): Promise<OfferingResponses[T]> {
  const { db } = ctx.svc;
  const cur = await liveOffering(ctx, kind, a.id);
  await checkManageOffering(db, ctx.caller, ctx.command, 'domainid', splitIds(cur.domain_ids));
  const domainIds = await parseRestrictionUpdate(ctx, 'domainid', a.domainid);
  const zoneIds = await parseRestrictionUpdate(ctx, 'zoneid', a.zoneid);
  if (domainIds !== undefined) await checkManageOffering(db, ctx.caller, ctx.command, 'domainid', splitIds(domainIds));
  const given = { name: a.name, display_text: a.displaytext, state: a.state, domain_ids: domainIds, zone_ids: zoneIds, ...own };
  // Dropped, not sent as undefined: the merge below would otherwise blank the current values.
  const patch = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<OfferingRows[T]>;
  if (Object.keys(patch).length > 0) await writeRow(ctx, kind.table, a.id, patch as Updateable<SharedColumns>);
  const saved: OfferingRows[T] = { ...cur, ...patch };
  await recordOfferingEvent(ctx, kind, 'EDIT', a.id, saved.name);
  return kind.format(saved, await offeringNames(db, [saved]));
}

/** deleteDiskOffering / deleteServiceOffering. */
export async function softDeleteOffering<T extends OfferingTable>(ctx: CallContext, kind: OfferingKind<T>, id: string): Promise<void> {
  const cur = await liveOffering(ctx, kind, id);
  await checkManageOffering(ctx.svc.db, ctx.caller, ctx.command, 'domainid', splitIds(cur.domain_ids));
  // Marked removed, not deleted: the VMs and volumes created from it keep pointing at the row.
  await writeRow(ctx, kind.table, id, { removed: ctx.svc.clock.now(), state: 'Inactive' });
  await recordOfferingEvent(ctx, kind, 'DELETE', id, cur.name);
}

/** Args both list commands filter on after the query. */
interface OfferingListArgs { keyword?: string; zoneid?: string; domainid?: string; page?: number; pagesize?: number }

/**
 * Offerings are few (tens) and their restrictions live in comma-separated text, so zone, domain, keyword and
 * visibility are filtered here rather than in SQL; one page of the matches is formatted.
 */
export async function offeringListPage<T extends OfferingTable>(ctx: CallContext, kind: OfferingKind<T>,
  rows: OfferingRows[T][], a: OfferingListArgs): Promise<ListResult<OfferingResponses[T]>> {
  const { db } = ctx.svc;
  const visible = await offeringVisibility(db, ctx.caller);
  const matches = rows.filter((r) => {
    const zones = splitIds(r.zone_ids);
    const domains = splitIds(r.domain_ids);
    if (a.keyword !== undefined && !containsText([r.name, r.display_text], a.keyword)) return false;
    if (a.zoneid !== undefined && zones.length > 0 && !zones.includes(a.zoneid)) return false;
    if (a.domainid !== undefined && !domains.includes(a.domainid)) return false;
    return visible(domains);
  });
  const page = pageOf(matches, a, ctx.svc.config.maxPageSize);
  const names = await offeringNames(db, page);
  return { count: matches.length, items: page.map((r) => kind.format(r, names)) };
}
