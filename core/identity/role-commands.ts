// createRole, updateRole, deleteRole, listRoles, importRole. Role permissions are in role-permission-commands.ts.
import type { CallContext } from '../kernel/handler';
import type { MapEntries } from '../contract/params';
import { invalidParam, notFound, permissionDenied, resourceInUse } from '../kernel/errors';
import { AccountType, ROLE_TYPES, type RoleType } from '../contract/roles';
import { changed, emit, pageItems, lc, type IdentityHandlers } from './common';
import { roleView, type RoleRow } from './views';
import { validateRule, validatePermission } from './role-rules';
import { BUILT_IN_ROLES } from './seed';

type H = Pick<IdentityHandlers, 'createRole' | 'updateRole' | 'deleteRole' | 'listRoles' | 'importRole'>;

export function roleTypeOf(v: string | undefined): RoleType | undefined {
  if (v === undefined) return undefined;
  const t = ROLE_TYPES.find((x) => lc(x) === lc(v.trim()));
  if (!t) throw invalidParam(`Invalid role type ${v}: use one of ${ROLE_TYPES.join(', ')}`);
  return t;
}

export async function liveRole(ctx: CallContext, id: string, param: string): Promise<RoleRow> {
  const r = await ctx.svc.db.selectFrom('roles').selectAll().where('id', '=', id).where('removed', 'is', null)
    .executeTakeFirst();
  if (!r) throw notFound(ctx.command, param, id);
  return r;
}

/** The built-in Root Admin role allows everything; its rules are never consulted, so they cannot be edited. */
export const isRootAdminRole = (r: RoleRow) => r.is_default === 1 && r.type === 'Admin';

async function roleByName(ctx: CallContext, name: string): Promise<RoleRow | undefined> {
  const rows = await ctx.svc.db.selectFrom('roles').selectAll().where('removed', 'is', null).execute();
  return rows.find((r) => lc(r.name) === lc(name));
}

function roleName(name: string): string {
  const n = name.trim();
  if (!n) throw invalidParam('Role name must not be empty');
  return n;
}

async function refuseRoleName(ctx: CallContext, name: string, self?: string): Promise<void> {
  const found = await roleByName(ctx, name);
  if (found && found.id !== self) throw invalidParam(`Role with name ${name} already exists`);
}

interface ImportedRule { rule: string; permission: 'allow' | 'deny'; description: string }

function importedRules(entries: MapEntries): ImportedRule[] {
  return entries.map((e) => ({ rule: validateRule(e.rule ?? ''), permission: validatePermission(e.permission),
    description: e.description ?? '' }));
}

/** Non-root admins see public roles no more powerful than their own. */
function visibleTo(ctx: CallContext, r: RoleRow): boolean {
  const t = ctx.caller.accountType;
  if (t === AccountType.Admin) return true;
  const allowed: string[] = t === AccountType.ResourceAdmin ? ['ResourceAdmin', 'DomainAdmin', 'User'] : ['DomainAdmin', 'User'];
  return r.is_public === 1 && allowed.includes(r.type);
}

const builtInRank = (r: RoleRow) => {
  const i = r.is_default === 1 ? BUILT_IN_ROLES.findIndex((b) => b.name === r.name) : -1;
  return i < 0 ? BUILT_IN_ROLES.length : i;
};

export const roleHandlers: H = {
  async createRole(ctx, a) {
    const name = roleName(a.name);
    await refuseRoleName(ctx, name);
    if (a.roleid && a.type) throw invalidParam('Either role type or role ID should be specified, not both');
    const source = a.roleid ? await liveRole(ctx, a.roleid, 'roleid') : undefined;
    const type = source ? (source.type as RoleType) : roleTypeOf(a.type);
    if (!type) throw invalidParam('Either role type or role ID must be provided');
    const id = ctx.svc.newId();
    const db = ctx.svc.db;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('roles').values({ id, name, type, description: a.description ?? '', is_default: 0,
        is_public: a.ispublic === false ? 0 : 1, state: 'ENABLED', created: ctx.svc.clock.now(), removed: null }).execute();
      if (!source) return;
      const perms = await trx.selectFrom('role_permissions').selectAll().where('role_id', '=', source.id).execute();
      for (const p of perms) await trx.insertInto('role_permissions').values({ ...p, id: ctx.svc.newId(), role_id: id }).execute();
    });
    changed(ctx);
    await emit(ctx, 'ROLE.CREATE', `Role ${name} created`, { id, type: 'Role', name });
    return roleView(await liveRole(ctx, id, 'id'));
  },

  async updateRole(ctx, a) {
    const role = await liveRole(ctx, a.id, 'id');
    if (role.is_default === 1) throw permissionDenied('Default roles cannot be updated');
    const set: Partial<RoleRow> = {};
    if (a.name !== undefined) { set.name = roleName(a.name); await refuseRoleName(ctx, set.name, role.id); }
    const type = roleTypeOf(a.type);
    if (type && type !== role.type) {
      const user = await ctx.svc.db.selectFrom('accounts').select('id').where('role_id', '=', role.id)
        .where('removed', 'is', null).executeTakeFirst();
      if (user) throw invalidParam('The role type cannot be changed while accounts use the role');
      set.type = type;
    }
    if (a.description !== undefined) set.description = a.description;
    if (a.ispublic !== undefined) set.is_public = a.ispublic ? 1 : 0;
    if (Object.keys(set).length > 0) await ctx.svc.db.updateTable('roles').set(set).where('id', '=', role.id).execute();
    changed(ctx);
    await emit(ctx, 'ROLE.UPDATE', `Role ${role.name} updated`, { id: role.id, type: 'Role', name: role.name });
    return roleView(await liveRole(ctx, role.id, 'id'));
  },

  async deleteRole(ctx, a) {
    const role = await liveRole(ctx, a.id, 'id');
    if (role.is_default === 1) throw permissionDenied('Default roles cannot be deleted');
    const users = await ctx.svc.db.selectFrom('accounts').select('id').where('role_id', '=', role.id)
      .where('removed', 'is', null).execute();
    if (users.length > 0) throw resourceInUse(`Role ${role.name} is in use by ${users.length} account(s)`);
    await ctx.svc.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('role_permissions').where('role_id', '=', role.id).execute();
      await trx.updateTable('roles').set({ removed: ctx.svc.clock.now() }).where('id', '=', role.id).execute();
    });
    changed(ctx);
    await emit(ctx, 'ROLE.DELETE', `Role ${role.name} deleted`, { id: role.id, type: 'Role', name: role.name });
  },

  async listRoles(ctx, a) {
    const type = roleTypeOf(a.type);
    if (a.id) await liveRole(ctx, a.id, 'id');
    const rows = (await ctx.svc.db.selectFrom('roles').selectAll().where('removed', 'is', null).execute())
      .filter((r) => visibleTo(ctx, r) && (!a.id || r.id === a.id) && (!a.name || lc(r.name) === lc(a.name)) &&
        (!type || r.type === type) && (!a.state || lc(r.state) === lc(a.state)) &&
        (!a.keyword || lc(r.name).includes(lc(a.keyword)) || lc(r.description).includes(lc(a.keyword))))
      .sort((x, y) => builtInRank(x) - builtInRank(y) || x.created - y.created || x.name.localeCompare(y.name));
    return { count: rows.length, items: pageItems(rows, a, ctx.svc.config.maxPageSize).map(roleView) };
  },

  async importRole(ctx, a) {
    const name = roleName(a.name);
    const rules = importedRules(a.rules);
    const existing = await roleByName(ctx, name);
    if (existing && !a.forced) throw invalidParam(`Role with name ${name} already exists`);
    if (existing && existing.is_default === 1) throw permissionDenied('Default roles cannot be replaced');
    const type = roleTypeOf(a.type) ?? (existing?.type as RoleType | undefined);
    if (!type) throw invalidParam('A role type is required');
    const id = existing?.id ?? ctx.svc.newId();
    const now = ctx.svc.clock.now();
    await ctx.svc.db.transaction().execute(async (trx) => {
      if (existing) {
        await trx.updateTable('roles').set({ type, description: a.description ?? existing.description,
          is_public: a.ispublic === undefined ? existing.is_public : a.ispublic ? 1 : 0 }).where('id', '=', id).execute();
        await trx.deleteFrom('role_permissions').where('role_id', '=', id).execute();
      } else {
        await trx.insertInto('roles').values({ id, name, type, description: a.description ?? '', is_default: 0,
          is_public: a.ispublic === false ? 0 : 1, state: 'ENABLED', created: now, removed: null }).execute();
      }
      for (const [i, r] of rules.entries()) {
        await trx.insertInto('role_permissions').values({ id: ctx.svc.newId(), role_id: id, rule: r.rule,
          permission: r.permission, description: r.description, sort_order: i }).execute();
      }
    });
    changed(ctx);
    await emit(ctx, 'ROLE.IMPORT', `Role ${name} imported with ${rules.length} rule(s)`, { id, type: 'Role', name });
    return roleView(await liveRole(ctx, id, 'id'));
  },
};
