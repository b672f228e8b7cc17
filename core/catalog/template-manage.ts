// updateTemplate / updateIso and the async deleteTemplate / deleteIso.
import type { CallContext, JobContext, AsyncPlan } from '../kernel/handler';
import type { ArgsOf } from '../contract/command';
import type { catalogCommands } from '../contract/commands/catalog';
import type { Db } from '../db/connect';
import { isRootAdmin } from '../identity/caller';
import { invalidParam, notFound, permissionDenied, resourceInUse } from '../kernel/errors';
import { mergeMapEntries, parseDetails, recordEvent } from './common';
import { checkFormat, checkOsType } from './template-validate';
import { imageResponses } from './template-format';
import type { TemplateRow } from './lookups';
import { removeImageFiles } from './template-download';
import type { Template } from '../contract/responses';

type C = typeof catalogCommands;
export type Kind = 'template' | 'iso';
const label = (k: Kind) => (k === 'iso' ? 'ISO' : 'template');

/** A live template (or ISO, by kind) the caller may act on; 431 for unknown ids, 531 for foreign ones. */
export async function ownedImage(ctx: CallContext, id: string, kind: Kind): Promise<TemplateRow> {
  const t = await ctx.svc.db.selectFrom('templates').selectAll().where('id', '=', id).where('removed', 'is', null)
    .executeTakeFirst();
  if (!t || (t.format === 'ISO') !== (kind === 'iso')) throw notFound(ctx.command, 'id', id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: t.account_id, domainId: t.domain_id });
  return t;
}

type UpdateArgs = ArgsOf<C['updateTemplate']> | ArgsOf<C['updateIso']>;

export async function updateImage(ctx: CallContext, a: UpdateArgs, kind: Kind): Promise<Template> {
  const { db } = ctx.svc;
  const cur = await ownedImage(ctx, a.id, kind);
  const patch: Partial<TemplateRow> = {};
  if ('templatetype' in a && a.templatetype !== undefined) {
    if (!isRootAdmin(ctx.caller)) throw permissionDenied('Only root admins may change the template type');
    patch.template_type = a.templatetype;
  }
  if ('format' in a && a.format !== undefined) patch.format = checkFormat(a.format);
  if ('templatetag' in a && a.templatetag !== undefined) patch.template_tag = a.templatetag;
  if (a.ostypeid !== undefined) patch.ostype_id = await checkOsType(ctx.svc.caches.osTypes, ctx.command, a.ostypeid);
  if (a.name !== undefined) patch.name = a.name;
  if (a.displaytext !== undefined) patch.display_text = a.displaytext;
  if (a.bootable !== undefined && kind === 'iso') patch.bootable = a.bootable ? 1 : 0;
  if (a.passwordenabled !== undefined) patch.password_enabled = a.passwordenabled ? 1 : 0;
  if (a.sshkeyenabled !== undefined) patch.ssh_key_enabled = a.sshkeyenabled ? 1 : 0;
  if (a.isdynamicallyscalable !== undefined) patch.dynamic_scaling = a.isdynamicallyscalable ? 1 : 0;
  if (a.requireshvm !== undefined && kind === 'template') patch.requires_hvm = a.requireshvm ? 1 : 0;
  if (a.cleanupdetails) patch.details = '{}';
  else if (a.details !== undefined) patch.details = JSON.stringify({ ...parseDetails(cur.details), ...mergeMapEntries(a.details) });
  if (Object.keys(patch).length > 0) await db.updateTable('templates').set(patch).where('id', '=', a.id).execute();
  const name = patch.name ?? cur.name;
  await recordEvent(ctx, 'TEMPLATE.UPDATE', kind === 'iso' ? 'Iso' : 'Template', a.id, name, `Updated ${label(kind)} ${name}`);
  const [first] = await imageResponses(ctx.svc, ctx.caller, a.id);
  return first;
}

/** Names of live VMs using the image (as template or attached ISO), optionally only in one zone. */
async function usersOf(db: Db, t: TemplateRow, zoneId: string | undefined): Promise<string[]> {
  let q = db.selectFrom('vms').select('name').where(t.format === 'ISO' ? 'iso_id' : 'template_id', '=', t.id)
    .where('removed', 'is', null);
  if (zoneId !== undefined) q = q.where('zone_id', '=', zoneId);
  return (await q.limit(10).execute()).map((r) => r.name);
}

interface DeletePayload { zoneId: string | null }
type DeleteArgs = ArgsOf<C['deleteTemplate']> | ArgsOf<C['deleteIso']>;
const forcedOf = (a: DeleteArgs) => ('forced' in a ? a.forced === true : false);

async function checkDeletable(ctx: CallContext, t: TemplateRow, a: DeleteArgs, kind: Kind): Promise<void> {
  if (forcedOf(a)) return;
  const users = await usersOf(ctx.svc.db, t, a.zoneid);
  if (users.length > 0) {
    throw resourceInUse(`Unable to delete ${label(kind)} ${t.name} (id ${t.id}): it is used by VM(s) ${users.join(', ')}` +
      (kind === 'template' ? '; pass forced=true to delete it anyway' : '; detach it first'));
  }
}

export async function prepareDelete(ctx: CallContext, a: DeleteArgs, kind: Kind): Promise<AsyncPlan<DeletePayload>> {
  const t = await ownedImage(ctx, a.id, kind);
  if (t.template_type === 'SYSTEM' && !('issystem' in a && a.issystem)) {
    throw invalidParam(`Template ${t.name} is a system template; pass issystem=true to delete it`);
  }
  if (a.zoneid !== undefined) {
    const copy = await ctx.svc.db.selectFrom('template_zones').select('zone_id').where('template_id', '=', t.id)
      .where('zone_id', '=', a.zoneid).executeTakeFirst();
    if (!copy) throw invalidParam(`The ${label(kind)} ${t.name} has no copy in zone ${a.zoneid}`);
  }
  await checkDeletable(ctx, t, a, kind);
  return {
    instanceType: kind === 'iso' ? 'Iso' : 'Template', instanceId: t.id, locks: [`template:${t.id}`],
    payload: { zoneId: a.zoneid ?? null },
  };
}

/** Removes the zone copy (or all copies); the row itself is only marked removed, since VMs refer to it. */
export async function executeDelete(ctx: JobContext, a: DeleteArgs, payload: DeletePayload, kind: Kind): Promise<void> {
  const { db } = ctx.svc;
  const t = await db.selectFrom('templates').selectAll().where('id', '=', a.id).executeTakeFirst();
  if (!t || t.removed !== null) return; // already gone: a resumed job finishes quietly
  await checkDeletable(ctx, t, a, kind);
  // Files first, so a download still running cannot write its status into a copy that is gone.
  await removeImageFiles(ctx.svc, t.id, payload.zoneId);
  await db.transaction().execute(async (trx) => {
    let del = trx.deleteFrom('template_zones').where('template_id', '=', t.id);
    if (payload.zoneId !== null) del = del.where('zone_id', '=', payload.zoneId);
    await del.execute();
    const left = await trx.selectFrom('template_zones').select('zone_id').where('template_id', '=', t.id).executeTakeFirst();
    if (!left) await trx.updateTable('templates').set({ removed: ctx.svc.clock.now() }).where('id', '=', t.id).execute();
  });
  const where = payload.zoneId !== null ? ` from zone ${payload.zoneId}` : '';
  await recordEvent(ctx, kind === 'iso' ? 'ISO.DELETE' : 'TEMPLATE.DELETE', kind === 'iso' ? 'Iso' : 'Template', t.id, t.name,
    `Deleted ${label(kind)} ${t.name}${where}`);
}
