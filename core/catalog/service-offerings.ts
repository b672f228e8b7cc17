// createServiceOffering / updateServiceOffering / deleteServiceOffering / listServiceOfferings.
import type { Insertable } from 'kysely';
import type { CallContext, ListResult } from '../kernel/handler';
import type { ArgsOf } from '../contract/command';
import type { catalogCommands } from '../contract/commands/catalog';
import type { ServiceOfferingTable } from '../db/schema';
import { isRootAdmin } from '../identity/caller';
import { invalidParam, notFound, permissionDenied } from '../kernel/errors';
import { GiB, flag, mergeMapEntries, requireZones, requireDomains } from './common';
import { checkManageOffering } from './offering-scope';
import { formatServiceOffering, offeringNames } from './offering-format';
import type { ServiceOfferingRow } from './lookups';
import { updateOffering, softDeleteOffering, offeringListPage, recordOfferingEvent, type OfferingKind } from './offering-rows';
import type { ServiceOffering } from '../contract/responses';

type C = typeof catalogCommands;
const INT_MAX = 2147483647;
const SERVICE: OfferingKind<'service_offerings'> = {
  table: 'service_offerings', event: 'SERVICE.OFFERING', resourceType: 'ServiceOffering', label: 'service offering',
  format: formatServiceOffering,
};

/** CPU/memory validation with CloudStack's texts ("Failed to create service offering X: ..."). */
function checkCompute(a: ArgsOf<C['createServiceOffering']>): boolean {
  const fail = (why: string) => invalidParam(`Failed to create service offering ${a.name}: ${why}`);
  if (a.cpunumber !== undefined && a.cpunumber < 1) throw fail(`specify the cpu number value between 1 and ${INT_MAX}`);
  if (a.cpuspeed !== undefined && a.cpuspeed < 0) throw fail(`specify the cpu speed value between 0 and ${INT_MAX}`);
  if (a.memory !== undefined && a.memory < 32) throw fail(`specify the memory value between 32 and ${INT_MAX} MB`);
  const customized = a.customized ?? (a.cpunumber === undefined && a.memory === undefined);
  const bounds = [a.mincpunumber, a.maxcpunumber, a.minmemory, a.maxmemory];
  if (customized) {
    if (a.cpunumber !== undefined || a.memory !== undefined) {
      throw invalidParam('For creating a custom compute offering cpu and memory all should be null');
    }
  } else {
    if (a.cpunumber === undefined || a.memory === undefined) {
      throw fail('cpunumber and memory are required unless customized=true');
    }
    if (bounds.some((v) => v !== undefined)) {
      throw fail('mincpunumber, maxcpunumber, minmemory and maxmemory apply only to customized offerings');
    }
  }
  if ((a.mincpunumber ?? 1) < 1 || (a.minmemory ?? 32) < 32) throw fail('minimum cpu number must be at least 1 and minimum memory at least 32 MB');
  if (a.mincpunumber !== undefined && a.maxcpunumber !== undefined && a.mincpunumber > a.maxcpunumber) {
    throw fail('mincpunumber must not exceed maxcpunumber');
  }
  if (a.minmemory !== undefined && a.maxmemory !== undefined && a.minmemory > a.maxmemory) {
    throw fail('minmemory must not exceed maxmemory');
  }
  if (a.rootdisksize !== undefined && a.rootdisksize < 1) throw fail('rootdisksize must be at least 1 GB');
  return customized;
}

function offeringDetails(a: ArgsOf<C['createServiceOffering']>): string | null {
  const d = mergeMapEntries(a.serviceofferingdetails);
  const bounds = { mincpunumber: a.mincpunumber, maxcpunumber: a.maxcpunumber, minmemory: a.minmemory, maxmemory: a.maxmemory };
  for (const [k, v] of Object.entries(bounds)) if (v !== undefined) d[k] = String(v);
  return Object.keys(d).length > 0 ? JSON.stringify(d) : null;
}

/** CloudStack's system VM types, matched without regard to case. */
export const SYSTEM_VM_TYPES = ['domainrouter', 'consoleproxy', 'secondarystoragevm'] as const;

function systemVmTypeOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = SYSTEM_VM_TYPES.find((x) => x === v.toLowerCase());
  if (t === undefined) throw invalidParam(`Invalid systemvmtype ${v}. Supported types are: ${SYSTEM_VM_TYPES.join(', ')}`);
  return t;
}

export async function createServiceOffering(ctx: CallContext, a: ArgsOf<C['createServiceOffering']>): Promise<ServiceOffering> {
  const { db } = ctx.svc;
  const customized = checkCompute(a);
  const domainIds = a.domainid ?? [];
  const zoneIds = a.zoneid ?? [];
  if (a.issystem && !isRootAdmin(ctx.caller)) throw permissionDenied('Only ROOT admins can create system offerings');
  const systemVmType = a.issystem ? systemVmTypeOf(a.systemvmtype) ?? 'domainrouter' : null;
  if (!a.issystem && a.systemvmtype !== undefined) throw invalidParam('systemvmtype is only valid for system offerings (issystem=true)');
  await requireDomains(db, ctx.command, 'domainid', domainIds);
  await requireZones(db, ctx.command, 'zoneid', zoneIds);
  await checkManageOffering(db, ctx.caller, ctx.command, 'domainid', domainIds);
  const row: Insertable<ServiceOfferingTable> = {
    id: ctx.svc.newId(), name: a.name, display_text: a.displaytext,
    cpu_number: a.cpunumber ?? null, cpu_speed: a.cpuspeed ?? null, memory: a.memory ?? null,
    customized: customized ? 1 : 0, offer_ha: flag(a.offerha, false), limit_cpu_use: flag(a.limitcpuuse, false),
    host_tags: a.hosttags ?? '', storage_tags: a.tags ?? '', storage_type: a.storagetype ?? 'shared',
    provisioning_type: a.provisioningtype ?? 'thin',
    root_disk_size: a.rootdisksize !== undefined ? a.rootdisksize * GiB : null,
    is_system: flag(a.issystem, false), dynamic_scaling: flag(a.dynamicscalingenabled, true), state: 'Active',
    domain_ids: domainIds.join(','), zone_ids: zoneIds.join(','), details: offeringDetails(a),
    created: ctx.svc.clock.now(), removed: null, system_vm_type: systemVmType,
  };
  await db.insertInto('service_offerings').values(row).execute();
  await recordOfferingEvent(ctx, SERVICE, 'CREATE', row.id, a.name);
  const saved = row as ServiceOfferingRow;
  return formatServiceOffering(saved, await offeringNames(db, [saved]));
}

export async function updateServiceOffering(ctx: CallContext, a: ArgsOf<C['updateServiceOffering']>): Promise<ServiceOffering> {
  return updateOffering(ctx, SERVICE, a, { host_tags: a.hosttags, storage_tags: a.storagetags });
}

export async function deleteServiceOffering(ctx: CallContext, a: ArgsOf<C['deleteServiceOffering']>): Promise<void> {
  await softDeleteOffering(ctx, SERVICE, a.id);
}

export async function listServiceOfferings(ctx: CallContext, a: ArgsOf<C['listServiceOfferings']>): Promise<ListResult<ServiceOffering>> {
  const { db } = ctx.svc;
  const root = isRootAdmin(ctx.caller);
  if (a.issystem && !root) throw permissionDenied("Only ROOT admins can access system's offering");
  let excludeId: string | undefined;
  if (a.virtualmachineid !== undefined) {
    const vm = await db.selectFrom('vms').select(['service_offering_id', 'account_id', 'domain_id'])
      .where('id', '=', a.virtualmachineid).where('removed', 'is', null).executeTakeFirst();
    if (!vm) throw notFound(ctx.command, 'virtualmachineid', a.virtualmachineid);
    await ctx.svc.identity.checkAccess(ctx.caller, { accountId: vm.account_id, domainId: vm.domain_id });
    excludeId = vm.service_offering_id;
  }
  let q = db.selectFrom('service_offerings').selectAll().where('removed', 'is', null)
    .where('is_system', '=', a.issystem ? 1 : 0);
  if (a.systemvmtype !== undefined) q = q.where('system_vm_type', '=', systemVmTypeOf(a.systemvmtype)!);
  const state = a.state ?? 'Active';
  if (state !== 'all') q = q.where('state', '=', state);
  if (a.id !== undefined) q = q.where('id', '=', a.id);
  if (a.name !== undefined) q = q.where('name', '=', a.name);
  if (a.cpunumber !== undefined) q = q.where('cpu_number', '=', a.cpunumber);
  if (a.cpuspeed !== undefined) q = q.where('cpu_speed', '=', a.cpuspeed);
  if (a.memory !== undefined) q = q.where('memory', '=', a.memory);
  if (a.storagetype !== undefined) q = q.where('storage_type', '=', a.storagetype);
  const rows = await q.orderBy('created').orderBy('id').execute();
  // The VM's current offering is not one it can change to.
  return offeringListPage(ctx, SERVICE, rows.filter((r) => r.id !== excludeId), a);
}
