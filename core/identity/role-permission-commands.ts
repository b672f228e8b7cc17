// createRolePermission, updateRolePermission, deleteRolePermission, listRolePermissions.
import type { CallContext } from '../kernel/handler';
import { invalidParam, notFound, permissionDenied } from '../kernel/errors';
import { changed, emit, lc, type IdentityHandlers } from './common';
import { rolePermissionView, type RoleRow } from './views';
import { validateRule, validatePermission } from './role-rules';
import { liveRole, isRootAdminRole } from './role-commands';

type H = Pick<IdentityHandlers, 'createRolePermission' | 'updateRolePermission' | 'deleteRolePermission' |
  'listRolePermissions'>;

async function editableRole(ctx: CallContext, id: string): Promise<RoleRow> {
  const role = await liveRole(ctx, id, 'roleid');
  if (isRootAdminRole(role)) throw permissionDenied('The permissions of the Root Admin role cannot be changed');
  return role;
}

const permsOf = (ctx: CallContext, roleId: string) => ctx.svc.db.selectFrom('role_permissions').selectAll()
  .where('role_id', '=', roleId).orderBy('sort_order').execute();

export const rolePermissionHandlers: H = {
  async createRolePermission(ctx, a) {
    const role = await editableRole(ctx, a.roleid);
    const rule = validateRule(a.rule);
    const permission = validatePermission(a.permission);
    const perms = await permsOf(ctx, role.id);
    if (perms.some((p) => lc(p.rule) === lc(rule))) throw invalidParam(`The role ${role.name} already has a rule ${rule}`);
    const row = { id: ctx.svc.newId(), role_id: role.id, rule, permission, description: a.description ?? '',
      sort_order: perms.length === 0 ? 0 : perms[perms.length - 1].sort_order + 1 };
    await ctx.svc.db.insertInto('role_permissions').values(row).execute();
    changed(ctx);
    await emit(ctx, 'ROLE.PERMISSION.CREATE', `Rule ${permission} ${rule} added to role ${role.name}`,
      { id: row.id, type: 'RolePermission', name: rule });
    return rolePermissionView(row, role.name);
  },

  async updateRolePermission(ctx, a) {
    const role = await editableRole(ctx, a.roleid);
    const perms = await permsOf(ctx, role.id);
    if (a.ruleorder) {
      const ids = new Set(perms.map((p) => p.id));
      if (a.ruleorder.length !== ids.size || new Set(a.ruleorder).size !== ids.size || !a.ruleorder.every((id) => ids.has(id))) {
        throw invalidParam(`ruleorder must list every permission of role ${role.name} exactly once`);
      }
      await ctx.svc.db.transaction().execute(async (trx) => {
        for (const [i, id] of a.ruleorder!.entries()) {
          await trx.updateTable('role_permissions').set({ sort_order: i }).where('id', '=', id).execute();
        }
      });
    } else if (a.ruleid && a.permission) {
      const perm = perms.find((p) => p.id === a.ruleid);
      if (!perm) throw notFound(ctx.command, 'ruleid', a.ruleid);
      await ctx.svc.db.updateTable('role_permissions').set({ permission: validatePermission(a.permission) })
        .where('id', '=', perm.id).execute();
    } else {
      throw invalidParam('Either ruleorder, or ruleid and permission must be provided');
    }
    changed(ctx);
    await emit(ctx, 'ROLE.PERMISSION.UPDATE', `Permissions of role ${role.name} updated`,
      { id: role.id, type: 'Role', name: role.name });
  },

  async deleteRolePermission(ctx, a) {
    const perm = await ctx.svc.db.selectFrom('role_permissions').selectAll().where('id', '=', a.id).executeTakeFirst();
    if (!perm) throw notFound(ctx.command, 'id', a.id);
    const role = await editableRole(ctx, perm.role_id);
    await ctx.svc.db.deleteFrom('role_permissions').where('id', '=', perm.id).execute();
    changed(ctx);
    await emit(ctx, 'ROLE.PERMISSION.DELETE', `Rule ${perm.rule} removed from role ${role.name}`,
      { id: perm.id, type: 'RolePermission', name: perm.rule });
  },

  async listRolePermissions(ctx, a) {
    const db = ctx.svc.db;
    const roles = a.roleid ? [await liveRole(ctx, a.roleid, 'roleid')]
      : await db.selectFrom('roles').selectAll().where('removed', 'is', null).orderBy('created').execute();
    if (roles.length === 0) return { count: 0, items: [] };
    const names = new Map(roles.map((r) => [r.id, r.name]));
    const perms = await db.selectFrom('role_permissions').selectAll().where('role_id', 'in', [...names.keys()])
      .orderBy('role_id').orderBy('sort_order').execute();
    return { count: perms.length, items: perms.map((p) => rolePermissionView(p, names.get(p.role_id))) };
  },
};
