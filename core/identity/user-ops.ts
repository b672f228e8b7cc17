// User rows: creation (hashing the password), name checks, and the API objects for users.
import type { Insertable } from 'kysely';
import type { CallContext } from '../kernel/handler';
import type { UserTable } from '../db/schema';
import type { RoleType } from '../contract/roles';
import { invalidParam, permissionDenied } from '../kernel/errors';
import { AccountType } from '../contract/roles';
import { dirOf, roleMap, type UserRow } from './common';
import { hashPassword } from './secrets';
import { userView } from './views';
import type { User } from '../contract/responses';

/** Usernames are unique within a domain (login names the user by username and domain). */
export async function refuseUsername(ctx: CallContext, domainId: string, username: string, self?: string): Promise<void> {
  const found = await ctx.svc.db.selectFrom('users as u').innerJoin('accounts as a', 'a.id', 'u.account_id')
    .select('u.id').where('a.domain_id', '=', domainId).where('u.username', '=', username.trim())
    .where('u.removed', 'is', null).where('a.removed', 'is', null).executeTakeFirst();
  if (found && found.id !== self) throw invalidParam(`The user ${username} already exists in domain ${domainId}`);
}

export function checkNewPassword(password: string): string {
  if (password.length === 0) throw invalidParam('Password must not be empty');
  return password;
}

export interface NewUser {
  username: string; password: string; email: string; firstname: string; lastname: string;
  timezone?: string; userid?: string;
}

export async function newUserRow(ctx: CallContext, accountId: string, a: NewUser): Promise<Insertable<UserTable>> {
  const username = a.username.trim();
  if (!username) throw invalidParam('Username must not be empty');
  if (a.userid) {
    const taken = await ctx.svc.db.selectFrom('users').select('id').where('id', '=', a.userid).executeTakeFirst();
    if (taken) throw invalidParam(`A user with id ${a.userid} already exists`);
  }
  return {
    id: a.userid ?? ctx.svc.newId(), account_id: accountId, username,
    password_hash: await hashPassword(checkNewPassword(a.password)), firstname: a.firstname, lastname: a.lastname,
    email: a.email, state: 'enabled', timezone: a.timezone ?? null, api_key: null, secret_key: null, is_default: 0,
    created: ctx.svc.clock.now(), removed: null,
  };
}

/** Users (role User) act on their own user only; admins on users of the accounts they may access. */
export function refuseOtherUser(ctx: CallContext, userId: string): void {
  const t = ctx.caller.accountType;
  if ((t === AccountType.User || t === AccountType.Project) && userId !== ctx.caller.userId) {
    throw permissionDenied(`Account ${ctx.caller.accountName} may only act on its own user`);
  }
}

/** The caller's own user and the seeded admin user cannot be deleted, disabled or locked. */
export function refuseProtectedUser(ctx: CallContext, user: UserRow, action: string): void {
  if (user.id === ctx.caller.userId) throw permissionDenied(`Cannot ${action} the caller's own user`);
  if (user.is_default === 1) throw permissionDenied(`Cannot ${action} the default admin user`);
}

export type UserWithAccount = UserRow & {
  a_name: string; a_type: number; a_role_id: string; a_domain_id: string; a_state: string;
};

/** A query of live users joined with their live accounts (the columns userViews needs). */
export function usersQuery(ctx: CallContext) {
  return ctx.svc.db.selectFrom('users as u').innerJoin('accounts as a', 'a.id', 'u.account_id')
    .where('u.removed', 'is', null).where('a.removed', 'is', null).where('a.type', '!=', AccountType.Project);
}

export function selectUserColumns(q: ReturnType<typeof usersQuery>) {
  return q.selectAll('u').select(['a.name as a_name', 'a.type as a_type', 'a.role_id as a_role_id',
    'a.domain_id as a_domain_id', 'a.state as a_state']);
}

export async function userViews(ctx: CallContext, rows: UserWithAccount[]): Promise<User[]> {
  if (rows.length === 0) return [];
  const roles = await roleMap(ctx);
  const domains = await dirOf(ctx).domains();
  return rows.map((r) => userView(r, { id: r.account_id, name: r.a_name, type: r.a_type, domainId: r.a_domain_id,
    roleId: r.a_role_id, state: r.a_state, removed: null }, domains.get(r.a_domain_id)!,
  roles.get(r.a_role_id) as { name: string; type: RoleType } | undefined));
}

export async function userObject(ctx: CallContext, userId: string): Promise<User> {
  const row = await selectUserColumns(usersQuery(ctx)).where('u.id', '=', userId).executeTakeFirstOrThrow();
  return (await userViews(ctx, [row]))[0];
}
