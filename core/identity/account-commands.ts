// createAccount, updateAccount, deleteAccount, disableAccount, enableAccount, lockAccount, listAccounts.
import { resourceFields } from '../limits/owner-fields';
import { accountPageRows, listedAccounts } from './account-page';
import type { CallContext } from '../kernel/handler';
import { invalidParam, notFound, permissionDenied } from '../kernel/errors';
import { AccountType, accountTypeOfRoleType, roleTypeOfAccountType, type RoleType } from '../contract/roles';
import type { Selectable } from 'kysely';
import type { AccountTable } from '../db/schema';
import {
  dirOf, changed, emit, managedDomain, accessibleAccount, accountFromArgs, roleMap, endSessionsOf, pageOf,
  type IdentityHandlers,
} from './common';
import type { AccountRec } from './directory';
import { accountView, USER_VIEW_COLUMNS, type UserViewRow } from './views';
import { refuseIfResources, removeAccounts } from './account-ops';
import { newUserRow, refuseUsername } from './user-ops';
import type { Account } from '../contract/responses';

type H = Pick<IdentityHandlers, 'createAccount' | 'updateAccount' | 'deleteAccount' | 'disableAccount' |
  'enableAccount' | 'lockAccount' | 'listAccounts'>;

type AccountRow = Selectable<AccountTable>;

/** (created, id) order, ids compared by code unit as SQL's binary collation does. */
const byCreated = (x: UserViewRow, y: UserViewRow) => x.created - y.created || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

/** Account API objects with their users, roles and domains loaded in three queries for the whole page. */
export async function accountViews(ctx: CallContext, rows: AccountRow[]): Promise<Account[]> {
  if (rows.length === 0) return [];
  // Ordered here, not by SQL: an ORDER BY (created, id) made SQLite walk every user's entry in users_created (the
  // index in that order) testing each against the page's accounts, instead of 500 peeks into users_account.
  const users = (await ctx.svc.db.selectFrom('users').select(USER_VIEW_COLUMNS).where('account_id', 'in', rows.map((r) => r.id))
    .where('removed', 'is', null).execute()).sort(byCreated);
  const byAccount = new Map<string, UserViewRow[]>();
  for (const u of users) {
    const of = byAccount.get(u.account_id);
    if (of) of.push(u); else byAccount.set(u.account_id, [u]);
  }
  const roles = await roleMap(ctx);
  const domains = await dirOf(ctx).domains();
  return rows.map((r) => accountView({
    account: { id: r.id, name: r.name, type: r.type, domainId: r.domain_id, roleId: r.role_id, state: r.state,
      removed: r.removed, created: r.created, networkDomain: r.network_domain },
    domain: domains.get(r.domain_id)!, role: roles.get(r.role_id), users: byAccount.get(r.id) ?? [],
  }));
}

export async function accountObject(ctx: CallContext, id: string): Promise<Account> {
  const row = await ctx.svc.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return (await accountViews(ctx, [row]))[0];
}

/** The role a new account gets: `roleid`, or the built-in role of `accounttype`; both must agree. */
async function roleForNewAccount(ctx: CallContext, a: { roleid?: string; accounttype?: number }) {
  const db = ctx.svc.db;
  let role: { id: string; type: string; is_public: number } | undefined;
  if (a.roleid) {
    role = await db.selectFrom('roles').select(['id', 'type', 'is_public']).where('id', '=', a.roleid)
      .where('removed', 'is', null).executeTakeFirst();
    if (!role) throw notFound(ctx.command, 'roleid', a.roleid);
    if (a.accounttype !== undefined && accountTypeOfRoleType(role.type as RoleType) !== a.accounttype) {
      throw invalidParam('Account type and role type do not match');
    }
  } else if (a.accounttype !== undefined) {
    if (![0, 1, 2, 3].includes(a.accounttype)) throw invalidParam(`Invalid account type ${a.accounttype}`);
    role = await db.selectFrom('roles').select(['id', 'type', 'is_public']).where('is_default', '=', 1)
      .where('type', '=', roleTypeOfAccountType(a.accounttype)).where('removed', 'is', null).executeTakeFirstOrThrow();
  } else {
    throw invalidParam('Both account type and role ID are not provided');
  }
  const type = role.type as RoleType;
  // Domain admins create users and domain admins only, and only with public roles.
  if (ctx.caller.accountType !== AccountType.Admin && (type === 'Admin' || type === 'ResourceAdmin' || !role.is_public)) {
    throw permissionDenied(`Account ${ctx.caller.accountName} cannot create accounts with role type ${type}`);
  }
  return { id: role.id, type };
}

async function refuseAccountName(ctx: CallContext, domainId: string, name: string, self?: string): Promise<void> {
  const found = await ctx.svc.db.selectFrom('accounts').select('id').where('domain_id', '=', domainId)
    .where('name', '=', name).where('removed', 'is', null).executeTakeFirst();
  if (found && found.id !== self) throw invalidParam(`The specified account: ${name} already exists`);
}

/** Accounts nobody may disable, lock or delete: the caller's own and the seeded admin account. */
async function refuseProtected(ctx: CallContext, acc: AccountRec, action: string): Promise<void> {
  if (acc.id === ctx.caller.accountId) throw permissionDenied(`Cannot ${action} the account of the caller`);
  const def = await ctx.svc.db.selectFrom('users').select('id').where('account_id', '=', acc.id)
    .where('is_default', '=', 1).executeTakeFirst();
  if (def) throw permissionDenied(`Cannot ${action} the default admin account`);
}

async function setAccountState(ctx: CallContext, acc: AccountRec, state: 'enabled' | 'disabled' | 'locked') {
  await ctx.svc.db.updateTable('accounts').set({ state }).where('id', '=', acc.id).execute();
  if (state !== 'enabled') {
    const users = await ctx.svc.db.selectFrom('users').select('id').where('account_id', '=', acc.id).execute();
    await endSessionsOf(ctx, users.map((u) => u.id));
  }
  changed(ctx);
  const type = state === 'enabled' ? 'ACCOUNT.ENABLE' : 'ACCOUNT.DISABLE';
  const verb = state === 'enabled' ? 'enabled' : state === 'locked' ? 'locked' : 'disabled';
  await emit(ctx, type, `Account ${acc.name} ${verb}`, { id: acc.id, type: 'Account', name: acc.name });
  return accountObject(ctx, acc.id);
}

export const accountHandlers: H = {
  async createAccount(ctx, a) {
    const domain = await managedDomain(ctx, a.domainid ?? ctx.caller.domainId);
    const role = await roleForNewAccount(ctx, a);
    const name = (a.account ?? a.username).trim();
    if (!name) throw invalidParam('Account name must not be empty');
    await refuseAccountName(ctx, domain.id, name);
    await refuseUsername(ctx, domain.id, a.username);
    const id = a.accountid ?? ctx.svc.newId();
    if (a.accountid && await dirOf(ctx).account(a.accountid)) throw invalidParam(`An account with id ${id} already exists`);
    const user = await newUserRow(ctx, id, a);
    // Its number (instance names i-<number>-<vm>-VM) now, so that its first deploy need not write the row.
    const number = await ctx.svc.instanceNames.accountNumber();
    await ctx.svc.db.transaction().execute(async (trx) => {
      await trx.insertInto('accounts').values({ id, name, type: accountTypeOfRoleType(role.type), domain_id: domain.id,
        role_id: role.id, state: 'enabled', network_domain: a.networkdomain ?? null, created: ctx.svc.clock.now(),
        removed: null, number }).execute();
      await trx.insertInto('users').values(user).execute();
    });
    changed(ctx);
    await emit(ctx, 'ACCOUNT.CREATE', `Account ${name} created`, { id, type: 'Account', name });
    await emit(ctx, 'USER.CREATE', `User ${a.username} created`, { id: user.id, type: 'User', name: a.username });
    return accountObject(ctx, id);
  },

  async updateAccount(ctx, a) {
    const acc = await accountFromArgs(ctx, a);
    const db = ctx.svc.db;
    if (a.newname !== undefined && a.newname.trim() !== acc.name) {
      const name = a.newname.trim();
      if (!name) throw invalidParam('Account name must not be empty');
      await refuseAccountName(ctx, acc.domainId, name, acc.id);
      await db.updateTable('accounts').set({ name }).where('id', '=', acc.id).execute();
    }
    if (a.roleid !== undefined && a.roleid !== acc.roleId) {
      const role = await db.selectFrom('roles').select(['id', 'type']).where('id', '=', a.roleid)
        .where('removed', 'is', null).executeTakeFirst();
      if (!role) throw notFound(ctx.command, 'roleid', a.roleid);
      if (accountTypeOfRoleType(role.type as RoleType) !== acc.type) {
        throw invalidParam('The new role must have the same role type as the account');
      }
      await db.updateTable('accounts').set({ role_id: role.id }).where('id', '=', acc.id).execute();
    }
    if (a.networkdomain !== undefined) {
      await db.updateTable('accounts').set({ network_domain: a.networkdomain || null }).where('id', '=', acc.id).execute();
    }
    changed(ctx);
    await emit(ctx, 'ACCOUNT.UPDATE', `Account ${acc.name} updated`, { id: acc.id, type: 'Account', name: acc.name });
    return accountObject(ctx, acc.id);
  },

  deleteAccount: {
    async prepare(ctx, a) {
      const acc = await accessibleAccount(ctx, a.id);
      await refuseProtected(ctx, acc, 'delete');
      await refuseIfResources(ctx, [acc.id]);
      return { instanceType: 'Account', instanceId: acc.id, locks: [`account:${acc.id}`], payload: {} };
    },
    async execute(ctx, a) {
      const acc = await accessibleAccount(ctx, a.id);
      await refuseIfResources(ctx, [acc.id]);
      await removeAccounts(ctx, [acc.id]);
      await emit(ctx, 'ACCOUNT.DELETE', `Account ${acc.name} deleted`, { id: acc.id, type: 'Account', name: acc.name });
    },
  },

  disableAccount: {
    async prepare(ctx, a) {
      const acc = await accountFromArgs(ctx, a);
      await refuseProtected(ctx, acc, a.lock ? 'lock' : 'disable');
      return { instanceType: 'Account', instanceId: acc.id, locks: [`account:${acc.id}`], payload: { id: acc.id } };
    },
    async execute(ctx, a, payload: { id: string }) {
      const acc = await accessibleAccount(ctx, payload.id);
      return setAccountState(ctx, acc, a.lock ? 'locked' : 'disabled');
    },
  },

  async enableAccount(ctx, a) {
    return setAccountState(ctx, await accountFromArgs(ctx, a), 'enabled');
  },

  async lockAccount(ctx, a) {
    const acc = await accountFromArgs(ctx, a);
    await refuseProtected(ctx, acc, 'lock');
    return setAccountState(ctx, acc, 'locked');
  },

  async listAccounts(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = ctx.svc.db.selectFrom('accounts').where('removed', 'is', null).where('type', '!=', AccountType.Project);
    if (scope.kind === 'account') q = q.where('id', '=', scope.accountId);
    else if (scope.kind === 'accounts') q = q.where('id', 'in', scope.accountIds.length ? scope.accountIds : ['-']);
    if (scope.kind === 'domains') q = q.where('domain_id', 'in', scope.domainIds);
    if (a.id) q = q.where('id', '=', a.id);
    if (a.name) q = q.where('name', '=', a.name);
    if (a.accounttype !== undefined) q = q.where('type', '=', a.accounttype);
    if (a.state) q = q.where('state', '=', a.state.toLowerCase());
    if (a.keyword) q = q.where('name', 'like', `%${a.keyword}%`);
    const unfiltered = scope.kind === 'all' && !a.id && !a.name && a.accounttype === undefined && !a.state && !a.keyword;
    const count = unfiltered ? await listedAccounts(ctx.svc.db)
      : Number((await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()).count);
    const { offset, limit } = pageOf(a, ctx.svc.config.maxPageSize);
    // The page's ids from the (removed, created, id, type) index alone (migration 011), then only those rows.
    const ids = q.select('id').orderBy('created').orderBy('id').limit(limit).offset(offset);
    const rows = await accountPageRows(ctx.svc.db, ids, unfiltered && limit <= 500 ? { window: { offset, limit }, count } : undefined);
    const items = await accountViews(ctx, rows);
    // CloudStack's vmtotal/vmlimit/vmavailable... when one account is asked for (counting costs a few queries).
    if (a.id && rows.length === 1) Object.assign(items[0], await resourceFields(ctx.svc, 'account', rows[0].id, { projects: true }));
    return { count, items };
  },
};
