// createUser, updateUser, deleteUser, disableUser, enableUser, lockUser, listUsers, registerUserKeys, getUserKeys.
import { sql } from 'kysely';
import { inPageOrder } from '../kernel/paging';
import type { CallContext } from '../kernel/handler';
import { invalidParam } from '../kernel/errors';
import { AccountType } from '../contract/roles';
import { compact } from '../kernel/format';
import {
  dirOf, changed, emit, managedDomain, accessibleUser, endSessionsOf, pageOf, type IdentityHandlers, type UserRow,
} from './common';
import { accountByName, checkAccess } from './scope';
import { hashPassword, verifyPassword, randomKey } from './secrets';
import {
  refuseUsername, newUserRow, refuseOtherUser, refuseProtectedUser, userObject, userViews, usersQuery,
  selectUserColumns, checkNewPassword,
} from './user-ops';
import type { UserKeys } from '../contract/responses';

const liveUsers = (ctx: CallContext) => ctx.svc.db.selectFrom('users as u').where('u.removed', 'is', null);

/** Every live user: the table's rows minus its removed ones, each counted from a b-tree's pages at once. */
async function liveUserCount(ctx: CallContext): Promise<number> {
  const r = await sql<{ n: number }>`select (select count(*) from users) - (select count(*) from users where removed is not null) as n`
    .execute(ctx.svc.db);
  return Number(r.rows[0].n);
}

const countOf = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) =>
  Number((await q.executeTakeFirstOrThrow()).n);

type H = Pick<IdentityHandlers, 'createUser' | 'updateUser' | 'deleteUser' | 'disableUser' | 'enableUser' |
  'lockUser' | 'listUsers' | 'registerUserKeys' | 'getUserKeys'>;

/** 64 random bytes each, URL-safe base64 (86 characters), like CloudStack's keys. */
const API_KEY_BYTES = 64;

async function setUserState(ctx: CallContext, user: UserRow, state: 'enabled' | 'disabled' | 'locked') {
  // Enabling also clears the failed-login count, so a user locked by wrong passwords (login-guard.ts) starts afresh.
  await ctx.svc.db.updateTable('users').set(state === 'enabled' ? { state, login_attempts: 0 } : { state })
    .where('id', '=', user.id).execute();
  if (state !== 'enabled') await endSessionsOf(ctx, [user.id]);
  changed(ctx);
  const type = state === 'enabled' ? 'USER.ENABLE' : state === 'locked' ? 'USER.LOCK' : 'USER.DISABLE';
  await emit(ctx, type, `User ${user.username} ${state}`, { id: user.id, type: 'User', name: user.username });
  return userObject(ctx, user.id);
}

/** The password part of updateUser: users changing their own password prove the current one first. */
async function newPasswordHash(ctx: CallContext, user: UserRow, a: { password?: string; currentpassword?: string }) {
  if (a.password === undefined) return undefined;
  if (user.id === ctx.caller.userId && ctx.caller.accountType !== AccountType.Admin) {
    if (!a.currentpassword) throw invalidParam('Current password is required to change the password');
    if (!(await verifyPassword(a.currentpassword, user.password_hash))) throw invalidParam('Current password is incorrect');
  }
  return hashPassword(checkNewPassword(a.password));
}

/** updateUser's explicit keys: both or neither, and an API key nobody else has. */
async function explicitKeys(ctx: CallContext, user: UserRow, a: { userapikey?: string; usersecretkey?: string }) {
  if (a.userapikey === undefined && a.usersecretkey === undefined) return undefined;
  if (!a.userapikey || !a.usersecretkey) throw invalidParam('Please provide both userapikey and usersecretkey');
  const other = await ctx.svc.db.selectFrom('users').select('id').where('api_key', '=', a.userapikey).executeTakeFirst();
  if (other && other.id !== user.id) throw invalidParam('The api key is already in use by another user');
  return { api_key: a.userapikey, secret_key: a.usersecretkey };
}

export const userHandlers: H = {
  async createUser(ctx, a) {
    const domain = await managedDomain(ctx, a.domainid ?? ctx.caller.domainId);
    const acc = await accountByName(dirOf(ctx), a.account, domain.id);
    await checkAccess(dirOf(ctx), ctx.caller, { accountId: acc.id, domainId: acc.domainId });
    await refuseUsername(ctx, domain.id, a.username);
    const row = await newUserRow(ctx, acc.id, a);
    await ctx.svc.db.insertInto('users').values(row).execute();
    changed(ctx);
    await emit(ctx, 'USER.CREATE', `User ${row.username} created`, { id: row.id, type: 'User', name: row.username });
    return userObject(ctx, row.id);
  },

  async updateUser(ctx, a) {
    const { user, account } = await accessibleUser(ctx, a.id);
    refuseOtherUser(ctx, user.id);
    const set: Partial<UserRow> = {};
    if (a.username !== undefined && a.username.trim() !== user.username) {
      if (!a.username.trim()) throw invalidParam('Username must not be empty');
      await refuseUsername(ctx, account.domainId, a.username, user.id);
      set.username = a.username.trim();
    }
    if (a.firstname !== undefined) set.firstname = a.firstname;
    if (a.lastname !== undefined) set.lastname = a.lastname;
    if (a.email !== undefined) set.email = a.email;
    if (a.timezone !== undefined) set.timezone = a.timezone || null;
    const hash = await newPasswordHash(ctx, user, a);
    if (hash) set.password_hash = hash;
    Object.assign(set, await explicitKeys(ctx, user, a));
    if (Object.keys(set).length > 0) await ctx.svc.db.updateTable('users').set(set).where('id', '=', user.id).execute();
    changed(ctx);
    await emit(ctx, 'USER.UPDATE', `User ${user.username} updated`, { id: user.id, type: 'User', name: user.username });
    return userObject(ctx, user.id);
  },

  async deleteUser(ctx, a) {
    const { user } = await accessibleUser(ctx, a.id);
    refuseProtectedUser(ctx, user, 'delete');
    await ctx.svc.db.updateTable('users').set({ removed: ctx.svc.clock.now(), api_key: null, secret_key: null })
      .where('id', '=', user.id).execute();
    await endSessionsOf(ctx, [user.id]);
    changed(ctx);
    await emit(ctx, 'USER.DELETE', `User ${user.username} deleted`, { id: user.id, type: 'User', name: user.username });
  },

  disableUser: {
    async prepare(ctx, a) {
      const { user } = await accessibleUser(ctx, a.id);
      refuseProtectedUser(ctx, user, 'disable');
      return { instanceType: 'User', instanceId: user.id, locks: [`user:${user.id}`], payload: {} };
    },
    async execute(ctx, a) {
      const { user } = await accessibleUser(ctx, a.id);
      return setUserState(ctx, user, 'disabled');
    },
  },

  async enableUser(ctx, a) {
    const { user } = await accessibleUser(ctx, a.id);
    return setUserState(ctx, user, 'enabled');
  },

  async lockUser(ctx, a) {
    const { user } = await accessibleUser(ctx, a.id);
    refuseProtectedUser(ctx, user, 'lock');
    return setUserState(ctx, user, 'locked');
  },

  async listUsers(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    // The account matters only for a domain scope or an account type. Otherwise the users table alone answers
    // (users_created, users_account): a removed account's users are removed with it (removeAccounts, one
    // transaction) and no project account has users (projects are unsupported), so the join would drop nobody,
    // while it cost a lookup per user counted or skipped over.
    const joined = scope.kind === 'domains' || a.accounttype !== undefined;
    let q = joined ? usersQuery(ctx) : liveUsers(ctx) as unknown as ReturnType<typeof usersQuery>;
    if (scope.kind === 'account') q = q.where('u.account_id', '=', scope.accountId);
    else if (scope.kind === 'accounts') q = q.where('u.account_id', 'in', scope.accountIds.length ? scope.accountIds : ['-']);
    if (scope.kind === 'domains') q = q.where('a.domain_id', 'in', scope.domainIds);
    if (a.id) q = q.where('u.id', '=', a.id);
    if (a.username) q = q.where('u.username', '=', a.username);
    if (a.accounttype !== undefined) q = q.where('a.type', '=', a.accounttype);
    if (a.state) q = q.where('u.state', '=', a.state.toLowerCase());
    if (a.keyword) q = q.where('u.username', 'like', `%${a.keyword}%`);
    const everyone = !joined && scope.kind === 'all' && !a.id && !a.username && !a.state && !a.keyword;
    const { offset, limit } = pageOf(a, ctx.svc.config.maxPageSize);
    // The page's ids first (OFFSET over index entries of users_created), then only those users' columns.
    const ids = q.select('u.id').orderBy('u.created').orderBy('u.id').limit(limit).offset(offset);
    const [count, rows] = await Promise.all([everyone ? liveUserCount(ctx) : countOf(q.select((eb) => eb.fn.countAll<number>().as('n'))),
      selectUserColumns(usersQuery(ctx).innerJoin(ids.as('page'), 'page.id', 'u.id')).execute()]);
    return { count, items: await userViews(ctx, inPageOrder(rows)) };
  },

  async registerUserKeys(ctx, a) {
    const { user } = await accessibleUser(ctx, a.id);
    refuseOtherUser(ctx, user.id);
    const keys = { apikey: randomKey(API_KEY_BYTES), secretkey: randomKey(API_KEY_BYTES) };
    await ctx.svc.db.updateTable('users').set({ api_key: keys.apikey, secret_key: keys.secretkey })
      .where('id', '=', user.id).execute();
    // Drops the cached entry of the old key, so it stops working at once.
    changed(ctx);
    await emit(ctx, 'REGISTER.USER.KEY', `API keys registered for user ${user.username}`,
      { id: user.id, type: 'User', name: user.username });
    return keys;
  },

  async getUserKeys(ctx, a) {
    const { user } = await accessibleUser(ctx, a.id);
    refuseOtherUser(ctx, user.id);
    return compact<UserKeys>({ apikey: user.api_key, secretkey: user.secret_key });
  },
};
