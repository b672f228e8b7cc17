// Loading VM and volume rows for handlers, with the not-found and access rules of the API.
import type { Db } from '../../db/connect';
import type { VmTable, VolumeTable } from '../../db/schema';
import type { CallContext } from '../../kernel/handler';
import type { Services } from '../../kernel/services';
import { invalidParam, notFound, permissionDenied } from '../../kernel/errors';
import { isAdmin } from '../../identity/caller';
import { MB } from './infra';
import { offeringVisibility } from '../../catalog/offering-scope';

/** A live VM the caller may act on; unknown or removed ids give CloudStack's 431 not-found text. */
export async function loadVm(ctx: CallContext, id: string, param = 'id'): Promise<VmTable> {
  const vm = await vmById(ctx.svc.db, id);
  if (!vm) throw notFound(ctx.command, param, id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: vm.account_id, domainId: vm.domain_id });
  return vm;
}

export function vmById(db: Db, id: string): Promise<VmTable | undefined> {
  return db.selectFrom('vms').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
}

/** Live volumes attached to a VM, ROOT first. */
export function volumesOf(db: Db, vmId: string): Promise<VolumeTable[]> {
  return db.selectFrom('volumes').selectAll().where('vm_id', '=', vmId).where('removed', 'is', null)
    .orderBy('device_id').execute();
}

/** What a VM reserves on its host: CPU in MHz (cores x speed) and memory in bytes. */
export const cpuMhzOf = (vm: Pick<VmTable, 'cpu_number' | 'cpu_speed'>) => vm.cpu_number * vm.cpu_speed;
export const memBytesOf = (vm: Pick<VmTable, 'memory'>) => vm.memory * MB;

export function parseDetails(s: string | null | undefined): Record<string, string> {
  if (!s || s === '{}') return {};
  try { return JSON.parse(s) as Record<string, string>; } catch { return {}; }
}

/** Merges `details[i].k=v` map entries into one record (CloudStack sends one entry per index). */
export function mergeMap(entries: Record<string, string>[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries ?? []) {
    // Two shapes are in use: details[0].cpuNumber=2 and details[0].key=cpuNumber&details[0].value=2.
    if ('key' in e && 'value' in e && Object.keys(e).length === 2) out[e.key] = e.value;
    else Object.assign(out, e);
  }
  return out;
}

/** CloudStack lets users expunge or recover VMs only when allow.user.expunge.recover.vm is set; it is not here. */
export function requireAdminFor(ctx: CallContext, what: 'expunge' | 'recover'): void {
  if (isAdmin(ctx.caller)) return;
  throw what === 'expunge'
    ? permissionDenied('Parameter expunge can be passed by Admin only. Or when the allow.user.expunge.recover.vm key is set.')
    : permissionDenied('Recovering a vm can only be done by an Admin. Or when the allow.user.expunge.recover.vm key is set.');
}

const HOSTNAME = /^[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** VM names are host names (RFC 1123 label, not starting with a digit), as CloudStack checks them. */
export function checkVmName(name: string): void {
  if (!HOSTNAME.test(name)) {
    throw invalidParam('Invalid name. Vm name can contain ASCII letters \'a\' through \'z\', the digits \'0\' through ' +
      '\'9\', and the hyphen (\'-\'), must be between 1 and 63 characters long, and can\'t start or end with "-" and ' +
      'can\'t start with digit');
  }
}

/** 431 when another live VM of the account already has this name. */
export async function checkNameFree(svc: Services, accountId: string, name: string, exceptId?: string): Promise<void> {
  let q = svc.db.selectFrom('vms').select('id').where('name', '=', name).where('account_id', '=', accountId)
    .where('removed', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) {
    throw invalidParam(`A virtual machine with name ${name} already exists in this account`);
  }
}

const idList = (s: string | null | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

/**
 * Offerings restricted to domains or zones (domain_ids / zone_ids, comma-separated, empty = everywhere) may only be
 * used by callers of those domains (or below) and in those zones.
 */
export async function checkOfferingUsable(ctx: CallContext, kind: 'Service' | 'Disk',
  o: { id: string; name: string; domain_ids: string; zone_ids: string }, zoneId?: string): Promise<void> {
  const zones = idList(o.zone_ids);
  if (zoneId && zones.length && !zones.includes(zoneId)) {
    throw invalidParam(`${kind} offering ${o.name} is not available in zone ${zoneId}`);
  }
  const domains = idList(o.domain_ids);
  if (!domains.length || ctx.caller.accountType === 1) return;
  const visible = await offeringVisibility(ctx.svc.db, ctx.caller);
  if (!visible(domains)) throw permissionDenied(`${kind} offering ${o.name} is not available to account ${ctx.caller.accountName}`);
}
