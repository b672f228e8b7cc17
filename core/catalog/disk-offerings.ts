// createDiskOffering / updateDiskOffering / deleteDiskOffering / listDiskOfferings.
import type { CallContext, ListResult } from '../api/handler';
import type { ArgsOf } from '../contract/command';
import type { catalogCommands } from '../contract/commands/catalog';
import { invalidParam, notFound } from '../api/errors';
import { GiB, flag, splitIds, pageOf, containsText, requireZones, requireDomains, recordEvent } from './common';
import { checkManageOffering, offeringVisibility, parseRestrictionUpdate } from './offering-scope';
import { formatDiskOffering, offeringNames } from './offering-format';
import { invalidateName, type DiskOfferingRow } from './lookups';

type C = typeof catalogCommands;
/** CloudStack's custom.diskoffering.size.max default, also used as the upper bound for fixed sizes. */
const MAX_DISK_GB = 1024 * 1024;

export async function createDiskOffering(ctx: CallContext, a: ArgsOf<C['createDiskOffering']>): Promise<object> {
  const { db } = ctx.svc;
  const customized = a.customized ?? false;
  if (!customized && a.disksize === undefined) throw invalidParam('Disksize is required for a non-customized disk offering');
  if (customized && a.disksize !== undefined) throw invalidParam('Disksize must not be specified for a customized disk offering');
  if (a.disksize !== undefined && (a.disksize < 1 || a.disksize > MAX_DISK_GB)) {
    throw invalidParam(`Please specify a disk size between 1 and ${MAX_DISK_GB} GB`);
  }
  const domainIds = a.domainid ?? [];
  const zoneIds = a.zoneid ?? [];
  await requireDomains(db, ctx.command, 'domainid', domainIds);
  await requireZones(db, ctx.command, 'zoneid', zoneIds);
  await checkManageOffering(db, ctx.caller, ctx.command, 'domainid', domainIds);
  const row: DiskOfferingRow = {
    id: ctx.svc.newId(), name: a.name, display_text: a.displaytext,
    disk_size: (a.disksize ?? 0) * GiB, customized: flag(customized, false), tags: a.tags ?? '',
    storage_type: a.storagetype ?? 'shared', provisioning_type: a.provisioningtype ?? 'thin', state: 'Active',
    domain_ids: domainIds.join(','), zone_ids: zoneIds.join(','), created: ctx.svc.clock.now(), removed: null,
  };
  await db.insertInto('disk_offerings').values(row).execute();
  await recordEvent(ctx, 'DISK.OFFERING.CREATE', 'DiskOffering', row.id, a.name, `Created disk offering ${a.name}`);
  return formatDiskOffering(row, await offeringNames(db, [row]));
}

async function liveOffering(ctx: CallContext, id: string): Promise<DiskOfferingRow> {
  const r = await ctx.svc.db.selectFrom('disk_offerings').selectAll().where('id', '=', id)
    .where('removed', 'is', null).executeTakeFirst();
  if (!r) throw notFound(ctx.command, 'id', id);
  return r;
}

export async function updateDiskOffering(ctx: CallContext, a: ArgsOf<C['updateDiskOffering']>): Promise<object> {
  const { db } = ctx.svc;
  const cur = await liveOffering(ctx, a.id);
  await checkManageOffering(db, ctx.caller, ctx.command, 'domainid', splitIds(cur.domain_ids));
  const domainIds = await parseRestrictionUpdate(ctx, 'domainid', a.domainid);
  const zoneIds = await parseRestrictionUpdate(ctx, 'zoneid', a.zoneid);
  if (domainIds !== undefined) await checkManageOffering(db, ctx.caller, ctx.command, 'domainid', splitIds(domainIds));
  const patch: Partial<DiskOfferingRow> = {};
  if (a.name !== undefined) patch.name = a.name;
  if (a.displaytext !== undefined) patch.display_text = a.displaytext;
  if (a.state !== undefined) patch.state = a.state;
  if (a.tags !== undefined) patch.tags = a.tags;
  if (domainIds !== undefined) patch.domain_ids = domainIds;
  if (zoneIds !== undefined) patch.zone_ids = zoneIds;
  if (Object.keys(patch).length > 0) {
    await db.updateTable('disk_offerings').set(patch).where('id', '=', a.id).execute();
    invalidateName(db, 'disk_offerings', a.id);
  }
  const saved = { ...cur, ...patch };
  await recordEvent(ctx, 'DISK.OFFERING.EDIT', 'DiskOffering', a.id, saved.name, `Updated disk offering ${saved.name}`);
  return formatDiskOffering(saved, await offeringNames(db, [saved]));
}

export async function deleteDiskOffering(ctx: CallContext, a: ArgsOf<C['deleteDiskOffering']>): Promise<void> {
  const { db } = ctx.svc;
  const cur = await liveOffering(ctx, a.id);
  await checkManageOffering(db, ctx.caller, ctx.command, 'domainid', splitIds(cur.domain_ids));
  // Marked removed, not deleted: volumes created from it keep pointing at the row.
  await db.updateTable('disk_offerings').set({ removed: ctx.svc.clock.now(), state: 'Inactive' })
    .where('id', '=', a.id).execute();
  invalidateName(db, 'disk_offerings', a.id);
  await recordEvent(ctx, 'DISK.OFFERING.DELETE', 'DiskOffering', a.id, cur.name, `Deleted disk offering ${cur.name}`);
}

export async function listDiskOfferings(ctx: CallContext, a: ArgsOf<C['listDiskOfferings']>): Promise<ListResult> {
  const { db } = ctx.svc;
  let q = db.selectFrom('disk_offerings').selectAll().where('removed', 'is', null);
  const state = a.state ?? 'Active';
  if (state !== 'all') q = q.where('state', '=', state);
  if (a.id !== undefined) q = q.where('id', '=', a.id);
  if (a.name !== undefined) q = q.where('name', '=', a.name);
  if (a.storagetype !== undefined) q = q.where('storage_type', '=', a.storagetype);
  const rows = await q.orderBy('created').orderBy('id').execute();
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
  return { count: matches.length, items: page.map((r) => formatDiskOffering(r, names)) };
}
