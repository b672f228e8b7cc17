// registerTemplate / registerIso: validate everything, write the template and its zone copies in one
// transaction, then hand the copies to their downloaders.
import { enforceInTx, limitGuard, RT, type LimitGuard } from '../limits/index';
import type { CallContext, ListResult } from '../kernel/handler';
import type { ArgsOf } from '../contract/command';
import type { catalogCommands } from '../contract/commands/catalog';
import type { Db } from '../db/connect';
import type { Services } from '../kernel/services';
import { isAdmin } from '../identity/caller';
import { flag, mergeMapEntries } from './common';
import { checkFormat, checkUrl, checkUrlHost, checkChecksum, checkHypervisor, checkOsType, resolveZones } from './template-validate';
import { planCopies, startDownloads, type CopyPlan } from './template-download';
import { imageResponses } from './template-format';
import type { TemplateRow } from './lookups';
import type { Template } from '../contract/responses';

type C = typeof catalogCommands;
type RegisterArgs = ArgsOf<C['registerTemplate']> | ArgsOf<C['registerIso']>;

/** The first image store of each zone (copies record where they live; the lab may have none). */
async function storesOf(db: Db, zoneIds: string[]): Promise<Map<string, string>> {
  if (zoneIds.length === 0) return new Map(); // `in ()` is a syntax error on MySQL
  const rows = await db.selectFrom('image_stores').select(['id', 'zone_id']).where('zone_id', 'in', zoneIds)
    .where('removed', 'is', null).orderBy('created').execute();
  const out = new Map<string, string>();
  for (const r of rows) if (r.zone_id && !out.has(r.zone_id)) out.set(r.zone_id, r.id);
  return out;
}

/**
 * Writes a template and one copy per planned zone atomically, then starts the downloads. Used by the register
 * commands and by the built-in template of the demo lab.
 */
export async function insertImage(svc: Pick<Services, 'db' | 'events' | 'log' | 'clock'>, row: TemplateRow, plans: CopyPlan[],
  guard: LimitGuard | null = null): Promise<void> {
  const stores = await storesOf(svc.db, plans.map((p) => p.zoneId));
  const now = svc.clock.now();
  await svc.db.transaction().execute(async (trx) => {
    // The owner's template limit, checked under the count rows' lock in the insert's transaction (core/limits).
    await enforceInTx(trx, guard, row.domain_id);
    await trx.insertInto('templates').values(row).execute();
    if (plans.length === 0) return;
    await trx.insertInto('template_zones').values(plans.map((p) => ({
      template_id: row.id, zone_id: p.zoneId, store_id: stores.get(p.zoneId) ?? null, status: p.status,
      is_ready: 0, download_percent: 0, physical_size: 0, created: now,
    }))).execute();
  });
  await startDownloads(svc, row, plans);
}

function isTemplateArgs(a: RegisterArgs): a is ArgsOf<C['registerTemplate']> {
  return 'format' in a;
}

export async function registerImage(ctx: CallContext, a: RegisterArgs, kind: 'template' | 'iso'): Promise<ListResult<Template>> {
  const { db } = ctx.svc;
  const t = kind === 'template' && isTemplateArgs(a) ? a : null;
  // Pure checks first: a refused registration must not have written anything.
  const format = t ? checkFormat(t.format) : 'ISO';
  const hypervisor = t ? checkHypervisor(ctx.svc.drivers, t.hypervisor) : 'None';
  const url = checkUrl(a.url);
  const checksum = checkChecksum(a.checksum);
  const owner = await ctx.svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid, projectid: a.projectid });
  await checkUrlHost(ctx.svc, ctx.caller, owner.accountId, url);
  const ostypeId = await checkOsType(ctx.svc.caches.osTypes, ctx.command, a.ostypeid);
  const { zoneIds, crossZones } = await resolveZones(db, ctx.command, a.zoneid, t?.zoneids);
  const row: TemplateRow = {
    id: ctx.svc.newId(), name: a.name, display_text: a.displaytext, format, hypervisor, url, checksum,
    template_type: 'USER', is_public: flag(a.ispublic, false),
    // Only admins feature images; CloudStack silently drops the flag for others.
    is_featured: isAdmin(ctx.caller) ? flag(a.isfeatured, false) : 0,
    is_extractable: flag(a.isextractable, false), password_enabled: flag(a.passwordenabled, false),
    bootable: t ? 1 : flag(a.bootable, true), cross_zones: crossZones ? 1 : 0,
    dynamic_scaling: flag(a.isdynamicallyscalable, false), ostype_id: ostypeId,
    account_id: owner.accountId, domain_id: owner.domainId, size: 0,
    details: JSON.stringify(t ? mergeMapEntries(t.details) : {}),
    ssh_key_enabled: flag(a.sshkeyenabled, false), requires_hvm: t ? flag(t.requireshvm, true) : null,
    template_tag: t?.templatetag ?? null, created: ctx.svc.clock.now(), removed: null, userdata_id: null, userdata_policy: null,
  };
  const plans = await planCopies(ctx.svc, row, zoneIds);
  await insertImage(ctx.svc, row, plans, await limitGuard(ctx.svc, owner, { [RT.template]: 1 }));
  await ctx.svc.events.record({
    type: kind === 'iso' ? 'ISO.CREATE' : 'TEMPLATE.CREATE', description: `Registered ${kind} ${row.name}`,
    state: 'Completed', resourceId: row.id, resourceType: kind === 'iso' ? 'Iso' : 'Template', resourceName: row.name,
    userId: ctx.caller.userId, accountId: owner.accountId, domainId: owner.domainId,
  });
  const items = await imageResponses(ctx.svc, ctx.caller, row.id);
  return { count: items.length, items };
}
