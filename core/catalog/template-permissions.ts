// Launch permissions: a template shared with single accounts of its owner's domain (updateTemplatePermissions
// op=add|remove|reset, listTemplatePermissions), which then deploy from it and see it under sharedexecutable.
// The public, featured and extractable flags change here too, with CloudStack's rules.
import type { CallContext } from '../kernel/handler';
import type { ArgsOf } from '../contract/command';
import type { templateDeriveCommands } from '../contract/commands/template-derive';
import type { Db } from '../db/connect';
import type { TemplatePermission } from '../contract/responses';
import type { TemplateRow } from './lookups';
import { isAdmin, isRootAdmin } from '../identity/caller';
import { invalidParam } from '../kernel/errors';
import { recordEvent } from './common';

type C = typeof templateDeriveCommands;

export async function sharedWith(db: Db, templateId: string, accountId: string): Promise<boolean> {
  return (await db.selectFrom('template_permissions').select('account_id').where('template_id', '=', templateId)
    .where('account_id', '=', accountId).executeTakeFirst()) !== undefined;
}

/** Ids of the templates shared with an account (a subquery for listTemplates). */
export const sharedIdsQuery = (db: Db, accountId: string) =>
  db.selectFrom('template_permissions').select('template_id').where('account_id', '=', accountId);

/** The template (not an ISO) the caller may change the permissions of. */
async function permissionTemplate(ctx: CallContext, id: string): Promise<TemplateRow> {
  const t = await ctx.svc.db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!t) throw invalidParam(`unable to find template with id ${id}`);
  if (t.format === 'ISO') throw invalidParam('Please provide a valid template');
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: t.account_id, domainId: t.domain_id });
  if (t.removed !== null) throw invalidParam(`unable to update permissions for template with id ${id} as it is removed`);
  return t;
}

/** Live accounts of the domain by name; the names not found are refused, before anything changes. */
async function accountsByName(ctx: CallContext, t: TemplateRow, names: string[], verb: 'grant' | 'revoke'): Promise<string[]> {
  const rows = names.length === 0 ? [] : await ctx.svc.db.selectFrom('accounts').select(['id', 'name'])
    .where('domain_id', '=', t.domain_id).where('name', 'in', names).where('removed', 'is', null).execute();
  for (const n of names) {
    if (!rows.some((r) => r.name.toLowerCase() === n.toLowerCase())) {
      throw invalidParam(`Unable to ${verb} a launch permission ${verb === 'grant' ? 'to' : 'from'} account ${n} in domain id=${t.domain_id}, ` +
        'account not found.  No permissions updated, please verify the account names and retry.');
    }
  }
  return rows.map((r) => r.id);
}

export async function updateTemplatePermissions(ctx: CallContext, a: ArgsOf<C['updateTemplatePermissions']>): Promise<void> {
  const t = await permissionTemplate(ctx, a.id);
  const op = a.op?.toLowerCase();
  if (a.accounts !== undefined && op !== 'add' && op !== 'remove' && op !== 'reset') {
    throw invalidParam("Invalid operation on accounts, the operation must be either 'add' or 'remove' in order to modify " +
      `launch permissions.  Given operation is: '${a.op ?? 'null'}'`);
  }
  if (a.projectids !== undefined) throw invalidParam('Sharing templates with projects is not supported');
  if (a.isextractable !== undefined && !isRootAdmin(ctx.caller)) throw invalidParam('Only ROOT admins are allowed to modify isExtractable attribute.');
  if (a.isfeatured !== undefined && !isAdmin(ctx.caller)) throw invalidParam('Only admins are allowed to modify isFeatured attribute.');
  const { db } = ctx.svc;
  const ids = op === 'add' || op === 'remove' ? await accountsByName(ctx, t, a.accounts ?? [], op === 'add' ? 'grant' : 'revoke') : [];
  const patch: Partial<TemplateRow> = {};
  if (a.ispublic !== undefined) patch.is_public = a.ispublic ? 1 : 0;
  if (a.isfeatured !== undefined) patch.is_featured = a.isfeatured ? 1 : 0;
  if (a.isextractable !== undefined) patch.is_extractable = a.isextractable ? 1 : 0;
  if (op === 'reset') { patch.is_public = 0; patch.is_featured = 0; }
  const now = ctx.svc.clock.now();
  await db.transaction().execute(async (trx) => {
    if (Object.keys(patch).length > 0) await trx.updateTable('templates').set(patch).where('id', '=', t.id).execute();
    if (op === 'reset') await trx.deleteFrom('template_permissions').where('template_id', '=', t.id).execute();
    if (op === 'remove' && ids.length) {
      await trx.deleteFrom('template_permissions').where('template_id', '=', t.id).where('account_id', 'in', ids).execute();
    }
    if (op === 'add') {
      // The owner always may use its template: no permission row for it.
      for (const id of ids.filter((x) => x !== t.account_id)) {
        const has = await trx.selectFrom('template_permissions').select('account_id').where('template_id', '=', t.id)
          .where('account_id', '=', id).executeTakeFirst();
        if (!has) await trx.insertInto('template_permissions').values({ template_id: t.id, account_id: id, created: now }).execute();
      }
    }
  });
  await recordEvent(ctx, 'TEMPLATE.UPDATE', 'Template', t.id, t.name, `Updated the permissions of template ${t.name}`);
}

export async function listTemplatePermissions(ctx: CallContext, a: ArgsOf<C['listTemplatePermissions']>): Promise<TemplatePermission> {
  const t = await ctx.svc.db.selectFrom('templates').selectAll().where('id', '=', a.id).where('removed', 'is', null).executeTakeFirst();
  if (!t || t.format === 'ISO') throw invalidParam(`unable to find template with id ${a.id}`);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: t.account_id, domainId: t.domain_id });
  const accounts = await ctx.svc.db.selectFrom('template_permissions as p').innerJoin('accounts as a', 'a.id', 'p.account_id')
    .select('a.name').where('p.template_id', '=', t.id).orderBy('a.name').execute();
  return { id: t.id, ispublic: t.is_public === 1, domainid: t.domain_id, account: accounts.map((r) => r.name) };
}
