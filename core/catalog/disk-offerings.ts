// createDiskOffering / updateDiskOffering / deleteDiskOffering / listDiskOfferings.
import type { CallContext, ListResult } from '../kernel/handler';
import type { ArgsOf } from '../contract/command';
import type { catalogCommands } from '../contract/commands/catalog';
import { invalidParam } from '../kernel/errors';
import { GiB, flag, requireZones, requireDomains } from './common';
import { checkManageOffering } from './offering-scope';
import { formatDiskOffering, offeringNames } from './offering-format';
import type { DiskOfferingRow } from './lookups';
import { updateOffering, softDeleteOffering, offeringListPage, recordOfferingEvent, type OfferingKind } from './offering-rows';
import type { DiskOffering } from '../contract/responses';

type C = typeof catalogCommands;
/** CloudStack's custom.diskoffering.size.max default, also used as the upper bound for fixed sizes. */
const MAX_DISK_GB = 1024 * 1024;
const DISK: OfferingKind<'disk_offerings'> = {
  table: 'disk_offerings', event: 'DISK.OFFERING', resourceType: 'DiskOffering', label: 'disk offering',
  format: formatDiskOffering,
};

export async function createDiskOffering(ctx: CallContext, a: ArgsOf<C['createDiskOffering']>): Promise<DiskOffering> {
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
  await recordOfferingEvent(ctx, DISK, 'CREATE', row.id, a.name);
  return formatDiskOffering(row, await offeringNames(db, [row]));
}

export async function updateDiskOffering(ctx: CallContext, a: ArgsOf<C['updateDiskOffering']>): Promise<DiskOffering> {
  return updateOffering(ctx, DISK, a, { tags: a.tags });
}

export async function deleteDiskOffering(ctx: CallContext, a: ArgsOf<C['deleteDiskOffering']>): Promise<void> {
  await softDeleteOffering(ctx, DISK, a.id);
}

export async function listDiskOfferings(ctx: CallContext, a: ArgsOf<C['listDiskOfferings']>): Promise<ListResult<DiskOffering>> {
  let q = ctx.svc.db.selectFrom('disk_offerings').selectAll().where('removed', 'is', null);
  const state = a.state ?? 'Active';
  if (state !== 'all') q = q.where('state', '=', state);
  if (a.id !== undefined) q = q.where('id', '=', a.id);
  if (a.name !== undefined) q = q.where('name', '=', a.name);
  if (a.storagetype !== undefined) q = q.where('storage_type', '=', a.storagetype);
  return offeringListPage(ctx, DISK, await q.orderBy('created').orderBy('id').execute(), a);
}
