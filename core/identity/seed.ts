// First start: the ROOT domain, the built-in roles and the admin account. Safe to run on every start.
import type { Db } from '../db/connect';
import type { RoleType } from '../contract/roles';
import { hashPassword, generatePassword } from './secrets';

export const BUILT_IN_ROLES: readonly { name: string; type: RoleType; description: string }[] = [
  { name: 'Root Admin', type: 'Admin', description: 'Default root admin role' },
  { name: 'Resource Admin', type: 'ResourceAdmin', description: 'Default resource admin role' },
  { name: 'Domain Admin', type: 'DomainAdmin', description: 'Default domain admin role' },
  { name: 'User', type: 'User', description: 'Default user role' },
];

export interface SeedDeps { db: Db; now: number; newId: () => string }

export async function seedIdentity(deps: SeedDeps, adminPassword?: string): Promise<{ generatedPassword?: string }> {
  const { db, now, newId } = deps;
  let root = await db.selectFrom('domains').select('id').where('path', '=', '/').where('removed', 'is', null)
    .executeTakeFirst();
  if (!root) {
    root = { id: newId() };
    await db.insertInto('domains').values({ id: root.id, name: 'ROOT', parent_id: null, path: '/', level: 0,
      state: 'Active', network_domain: null, created: now, removed: null }).execute();
  }
  const roleIds = new Map<string, string>();
  for (const r of BUILT_IN_ROLES) {
    const found = await db.selectFrom('roles').select('id').where('name', '=', r.name).where('is_default', '=', 1)
      .where('removed', 'is', null).executeTakeFirst();
    const id = found?.id ?? newId();
    if (!found) {
      await db.insertInto('roles').values({ id, name: r.name, type: r.type, description: r.description,
        is_default: 1, is_public: 1, state: 'ENABLED', created: now, removed: null }).execute();
    }
    roleIds.set(r.type, id);
  }
  const admin = await db.selectFrom('accounts').select('id').where('domain_id', '=', root.id)
    .where('name', '=', 'admin').where('removed', 'is', null).executeTakeFirst();
  if (admin) return {};
  const password = adminPassword ?? generatePassword();
  const hash = await hashPassword(password);
  const accountId = newId();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('accounts').values({ id: accountId, name: 'admin', type: 1, domain_id: root.id,
      role_id: roleIds.get('Admin')!, state: 'enabled', network_domain: null, created: now, removed: null }).execute();
    // is_default marks the seeded admin user: it can be neither deleted nor disabled.
    await trx.insertInto('users').values({ id: newId(), account_id: accountId, username: 'admin', password_hash: hash,
      firstname: 'Admin', lastname: 'User', email: '', state: 'enabled', timezone: null, api_key: null,
      secret_key: null, is_default: 1, created: now, removed: null }).execute();
  });
  return adminPassword === undefined ? { generatedPassword: password } : {};
}
