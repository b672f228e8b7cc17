// API objects of the identity family, with the field names and JSON types of cloudstack-response-types.json
// ("Domain", "Account", "AccountUser"/"User", "Role", "RolePermission").
import { compact, csDate } from '../kernel/format';
import type { RoleType } from '../contract/roles';
import { apiPath, type DomainRec, type AccountRec } from './directory';
import type { UserRow } from './common';
import type { Account, Domain, Role, RolePermission, User } from '../contract/responses';

/** Domain objects; `haschild` from one pass over the tree, not one per domain. */
export function domainViews(ds: DomainRec[], all: Map<string, DomainRec>): Domain[] {
  const parents = new Set<string>();
  for (const x of all.values()) if (x.removed === null && x.parentId) parents.add(x.parentId);
  return ds.map((d) => {
    const parent = d.parentId ? all.get(d.parentId) : undefined;
    return compact<Domain>({
      id: d.id, name: d.name, level: d.level, parentdomainid: parent?.id, parentdomainname: parent?.name,
      haschild: parents.has(d.id), path: apiPath(d.path), state: d.state, networkdomain: d.networkDomain,
      created: csDate(d.created),
    });
  });
}

type RoleInfo = { name: string; type: RoleType } | undefined;

export interface AccountViewInput {
  account: AccountRec & { created: number; networkDomain: string | null };
  domain: DomainRec;
  role: RoleInfo;
  users: UserViewRow[];
}

/**
 * One object literal with every field in response order, absent ones undefined (JSON and XML leave those out), as
 * the VM page's (vm-format.ts): compact()'s deletes left a slow dictionary-mode object for each account and user.
 */
export function accountView({ account: a, domain, role, users }: AccountViewInput): Account {
  return {
    id: a.id, name: a.name, accounttype: a.type, roleid: a.roleId ?? undefined, rolename: role?.name, roletype: role?.type,
    domainid: domain.id, domain: domain.name, domainpath: apiPath(domain.path), state: a.state,
    created: csDate(a.created), networkdomain: a.networkDomain ?? undefined,
    isdefault: users.some((u) => u.is_default === 1), iscleanuprequired: false,
    user: users.map((u) => userView(u, a, domain, role)),
  };
}

/** The user columns userView shows (list pages read only these: never the password hash or secret key). */
export type UserViewRow = Pick<UserRow, 'id' | 'account_id' | 'username' | 'firstname' | 'lastname' | 'email' | 'state' | 'timezone' |
  'api_key' | 'is_default' | 'created'>;
export const USER_VIEW_COLUMNS = ['id', 'account_id', 'username', 'firstname', 'lastname', 'email', 'state', 'timezone', 'api_key',
  'is_default', 'created'] as const satisfies readonly (keyof UserViewRow)[];

/** A user as listUsers and the account's `user` list show it; never the secret key. One literal, as accountView. */
export function userView(u: UserViewRow, a: AccountRec, domain: DomainRec, role: RoleInfo): User {
  return {
    id: u.id, username: u.username, firstname: u.firstname ?? undefined, lastname: u.lastname ?? undefined, email: u.email ?? undefined,
    created: csDate(u.created), state: u.state, account: a.name, accounttype: a.type, accountid: a.id,
    roleid: a.roleId ?? undefined, rolename: role?.name, roletype: role?.type, domainid: domain.id, domain: domain.name,
    timezone: u.timezone ?? undefined, apikey: u.api_key ?? undefined, isdefault: u.is_default === 1, usersource: 'native',
    is2faenabled: false, is2famandated: false,
  };
}

export interface RoleRow {
  id: string; name: string; type: string; description: string; is_default: number; is_public: number; state: string;
}

export const roleView = (r: RoleRow): Role => compact<Role>({
  id: r.id, name: r.name, type: r.type, description: r.description, isdefault: r.is_default === 1,
  ispublic: r.is_public === 1, state: r.state,
});

export interface PermissionRow { id: string; role_id: string; rule: string; permission: string; description: string }

export const rolePermissionView = (p: PermissionRow, roleName: string | undefined): RolePermission => compact<RolePermission>({
  id: p.id, roleid: p.role_id, rolename: roleName, rule: p.rule, permission: p.permission, description: p.description,
});
