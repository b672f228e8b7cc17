// The first root admin as a caller: for in-process calls (demo seeding, benchmarks) and for the work the server
// starts on its own (HA restarts), which CloudStack runs as its system user.
import type { Services } from '../kernel/services';
import type { Caller } from './caller';

export async function rootAdminCaller(svc: Pick<Services, 'db'>): Promise<Caller> {
  const u = await svc.db.selectFrom('users').innerJoin('accounts', 'accounts.id', 'users.account_id')
    .innerJoin('roles', 'roles.id', 'accounts.role_id').innerJoin('domains', 'domains.id', 'accounts.domain_id')
    .select(['users.id as userId', 'users.username', 'accounts.id as accountId', 'accounts.name as accountName',
      'accounts.type', 'roles.id as roleId', 'roles.type as roleType', 'domains.id as domainId', 'domains.path'])
    .where('accounts.type', '=', 1).where('users.removed', 'is', null).orderBy('users.created').executeTakeFirstOrThrow();
  return { userId: u.userId, username: u.username, accountId: u.accountId, accountName: u.accountName,
    accountType: u.type, roleId: u.roleId, roleType: u.roleType as Caller['roleType'], domainId: u.domainId, domainPath: u.path };
}
