import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createTestEnv, addAccount, rejects, type TestEnv } from './identity-test-env';

describe('role commands', () => {
  let env: TestEnv;
  beforeEach(async () => { env = await createTestEnv(); });
  afterEach(async () => { await env.close(); });
  const builtIn = async (name: string) =>
    (await env.call(env.admin, 'listRoles', { name })).items[0];

  it('lists the built-in roles and what domain admins may see', async () => {
    const all = await env.call(env.admin, 'listRoles', {});
    expect(all.items).toEqual([
      { id: expect.any(String), name: 'Root Admin', type: 'Admin', description: 'Default root admin role', isdefault: true, ispublic: true, state: 'ENABLED' },
      expect.objectContaining({ name: 'Resource Admin', type: 'ResourceAdmin' }),
      expect.objectContaining({ name: 'Domain Admin', type: 'DomainAdmin' }),
      expect.objectContaining({ name: 'User', type: 'User', isdefault: true }),
    ]);
    await env.call(env.admin, 'createRole', { name: 'Hidden', type: 'User', ispublic: false });
    const { caller: dadmin } = await addAccount(env, env.admin, { name: 'da', type: 2 });
    expect((await env.call(dadmin, 'listRoles', {})).items.map((r: any) => r.name)).toEqual(['Domain Admin', 'User']);
    expect((await env.call(env.admin, 'listRoles', { type: 'user' })).items.map((r: any) => r.name)).toEqual(['User', 'Hidden']);
  });

  it('creates, clones, updates and deletes roles', async () => {
    const ops = await env.call(env.admin, 'createRole', { name: 'Ops', type: 'user', description: 'operators' });
    expect(ops).toMatchObject({ name: 'Ops', type: 'User', description: 'operators', isdefault: false, ispublic: true });
    expect(env.events.at(-1)?.type).toBe('ROLE.CREATE');
    await rejects(env.call(env.admin, 'createRole', { name: 'ops', type: 'User' }), 431, 'already exists');
    await rejects(env.call(env.admin, 'createRole', { name: 'NoType' }), 431);
    await env.call(env.admin, 'createRolePermission', { roleid: ops.id, rule: 'list*', permission: 'allow' });
    await env.call(env.admin, 'createRolePermission', { roleid: ops.id, rule: '*', permission: 'deny' });
    const clone = await env.call(env.admin, 'createRole', { name: 'Ops2', roleid: ops.id });
    expect(clone.type).toBe('User');
    const perms = await env.call(env.admin, 'listRolePermissions', { roleid: clone.id });
    expect(perms.items.map((p: any) => [p.rule, p.permission, p.rolename])).toEqual([['list*', 'allow', 'Ops2'], ['*', 'deny', 'Ops2']]);
    expect(await env.call(env.admin, 'updateRole', { id: ops.id, name: 'Operators', ispublic: false }))
      .toMatchObject({ name: 'Operators', ispublic: false });
    const user = await builtIn('User');
    await rejects(env.call(env.admin, 'updateRole', { id: user.id, name: 'Users' }), 531);
    await rejects(env.call(env.admin, 'deleteRole', { id: user.id }), 531);
    await addAccount(env, env.admin, { name: 'opsy', roleid: ops.id });
    await rejects(env.call(env.admin, 'updateRole', { id: ops.id, type: 'DomainAdmin' }), 431);
    await rejects(env.call(env.admin, 'deleteRole', { id: ops.id }), 536, 'in use');
    await env.call(env.admin, 'deleteRole', { id: clone.id });
    expect((await env.call(env.admin, 'listRoles', {})).items.map((r: any) => r.name)).not.toContain('Ops2');
    await rejects(env.call(env.admin, 'listRolePermissions', { roleid: clone.id }), 431);
  });

  it('validates, reorders, changes and deletes role permissions', async () => {
    const r = await env.call(env.admin, 'createRole', { name: 'R', type: 'User' });
    await rejects(env.call(env.admin, 'createRolePermission', { roleid: r.id, rule: 'list-vms', permission: 'allow' }), 431,
      'invalid rule');
    const root = await builtIn('Root Admin');
    await rejects(env.call(env.admin, 'createRolePermission', { roleid: root.id, rule: 'x', permission: 'deny' }), 531);
    const a = await env.call(env.admin, 'createRolePermission', { roleid: r.id, rule: 'listHosts', permission: 'allow', description: 'd' });
    expect(a).toEqual({ id: expect.any(String), roleid: r.id, rolename: 'R', rule: 'listHosts', permission: 'allow', description: 'd' });
    await rejects(env.call(env.admin, 'createRolePermission', { roleid: r.id, rule: 'LISTHOSTS', permission: 'deny' }), 431);
    const b = await env.call(env.admin, 'createRolePermission', { roleid: r.id, rule: 'addHost', permission: 'deny' });
    await env.call(env.admin, 'updateRolePermission', { roleid: r.id, ruleorder: [b.id, a.id] });
    await env.call(env.admin, 'updateRolePermission', { roleid: r.id, ruleid: a.id, permission: 'deny' });
    const rules = async () => (await env.call(env.admin, 'listRolePermissions', { roleid: r.id })).items
      .map((p: any) => `${p.rule}:${p.permission}`);
    expect(await rules()).toEqual(['addHost:deny', 'listHosts:deny']);
    await rejects(env.call(env.admin, 'updateRolePermission', { roleid: r.id, ruleorder: [a.id] }), 431);
    await rejects(env.call(env.admin, 'updateRolePermission', { roleid: r.id }), 431);
    await env.call(env.admin, 'deleteRolePermission', { id: b.id });
    expect(await rules()).toEqual(['listHosts:deny']);
    expect(env.events.slice(-1)[0].type).toBe('ROLE.PERMISSION.DELETE');
  });

  it('imports roles with their rules, replacing only when forced', async () => {
    const rules = [{ rule: 'list*', permission: 'allow', description: 'reads' }, { rule: '*', permission: 'deny' }];
    const role = await env.call(env.admin, 'importRole', { name: 'ReadOnly', type: 'User', rules });
    expect(role).toMatchObject({ name: 'ReadOnly', type: 'User', isdefault: false });
    const list = await env.call(env.admin, 'listRolePermissions', { roleid: role.id });
    expect(list.items.map((p: any) => [p.rule, p.permission, p.description])).toEqual([['list*', 'allow', 'reads'], ['*', 'deny', '']]);
    await rejects(env.call(env.admin, 'importRole', { name: 'readonly', type: 'User', rules }), 431, 'already exists');
    await rejects(env.call(env.admin, 'importRole', { name: 'Bad', type: 'User', rules: [{ rule: 'a b', permission: 'allow' }] }), 431);
    await rejects(env.call(env.admin, 'importRole', { name: 'Bad', type: 'User', rules: [{ rule: 'a', permission: 'maybe' }] }), 431);
    const replaced = await env.call(env.admin, 'importRole', { name: 'ReadOnly', rules: [{ rule: 'listZones', permission: 'allow' }], forced: true });
    expect(replaced.id).toBe(role.id);
    expect((await env.call(env.admin, 'listRolePermissions', { roleid: role.id })).count).toBe(1);
    await rejects(env.call(env.admin, 'importRole', { name: 'User', type: 'User', rules, forced: true }), 531);
  });
});
