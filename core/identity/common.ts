// Helpers shared by the identity command handlers: lookups with CloudStack's errors, access checks, paging,
// events and cache invalidation.
import type { CallContext } from '../kernel/handler';
import type { HandlersFor } from '../kernel/handler';
import type { identityCommands } from '../contract/commands/identity';
import type { RoleType } from '../contract/roles';
import { notFound, invalidParam } from '../kernel/errors';
import type { Directory, DomainRec, AccountRec } from './directory';
import { managesDomain, domainDenied, accountByName, checkAccess } from './scope';

export type IdentityHandlers = HandlersFor<typeof identityCommands>;

export const dirOf = (ctx: CallContext): Directory => ctx.svc.caches.directory;

/** Every identity change drops the in-memory views so the next request sees it. */
export const changed = (ctx: CallContext) => ctx.svc.caches.directory.changed();

export async function emit(ctx: CallContext, type: string, description: string,
  resource?: { id: string; type: string; name?: string }): Promise<void> {
  await ctx.svc.events.record({
    type, description, state: 'Completed', resourceId: resource?.id ?? null, resourceType: resource?.type ?? null,
    resourceName: resource?.name ?? null, userId: ctx.caller.userId, accountId: ctx.caller.accountId,
    domainId: ctx.caller.domainId,
  });
}

/** offset/limit of a page: pagesize -1 means everything; default and maximum is config.maxPageSize. */
export function pageOf(args: { page?: number; pagesize?: number }, max: number): { offset: number; limit: number } {
  if (args.pagesize === -1) return { offset: 0, limit: Number.MAX_SAFE_INTEGER };
  const limit = Math.min(args.pagesize ?? max, max);
  return { offset: ((args.page ?? 1) - 1) * limit, limit };
}

export function pageItems<T>(items: T[], args: { page?: number; pagesize?: number }, max: number): T[] {
  const { offset, limit } = pageOf(args, max);
  return items.slice(offset, offset + limit);
}

/** A live domain by id the caller administers: 431 when unknown, 531 when outside the caller's subtree. */
export async function managedDomain(ctx: CallContext, id: string, param = 'domainid'): Promise<DomainRec> {
  const d = await dirOf(ctx).domain(id);
  if (!d || d.removed !== null) throw notFound(ctx.command, param, id);
  if (!managesDomain(ctx.caller, d.path)) throw domainDenied(ctx.caller, d.id);
  return d;
}

/** A live account by id the caller may act on (431 unknown, 531 no access). */
export async function accessibleAccount(ctx: CallContext, id: string, param = 'id'): Promise<AccountRec> {
  const a = await dirOf(ctx).account(id);
  if (!a || a.removed !== null) throw notFound(ctx.command, param, id);
  await checkAccess(dirOf(ctx), ctx.caller, { accountId: a.id, domainId: a.domainId });
  return a;
}

/** The account named by `id`, or by `account`+`domainid` (CloudStack's two ways to name an account). */
export async function accountFromArgs(ctx: CallContext, a: { id?: string; account?: string; domainid?: string }): Promise<AccountRec> {
  if (a.id) return accessibleAccount(ctx, a.id);
  if (!a.account || !a.domainid) throw invalidParam('Either id or account name and domain id must be specified');
  const d = await managedDomain(ctx, a.domainid);
  const acc = await accountByName(dirOf(ctx), a.account, d.id);
  await checkAccess(dirOf(ctx), ctx.caller, { accountId: acc.id, domainId: acc.domainId });
  return acc;
}

export interface UserRow {
  id: string; account_id: string; username: string; password_hash: string; firstname: string; lastname: string;
  email: string; state: string; timezone: string | null; api_key: string | null; secret_key: string | null;
  is_default: number; created: number; removed: number | null;
}

/** A live user by id with its account, checked like the account (users may always reach themselves). */
export async function accessibleUser(ctx: CallContext, id: string): Promise<{ user: UserRow; account: AccountRec }> {
  const user = await ctx.svc.db.selectFrom('users').selectAll().where('id', '=', id).where('removed', 'is', null)
    .executeTakeFirst();
  if (!user) throw notFound(ctx.command, 'id', id);
  const account = await accessibleAccount(ctx, user.account_id);
  return { user, account };
}

/** Role names and types by id (the roles table is small; loaded once per list request). */
export async function roleMap(ctx: CallContext): Promise<Map<string, { name: string; type: RoleType }>> {
  const rows = await ctx.svc.db.selectFrom('roles').select(['id', 'name', 'type']).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, type: r.type as RoleType }]));
}

/** Live session rows of these users end (disabled, locked or removed users). */
export async function endSessionsOf(ctx: CallContext, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await ctx.svc.db.deleteFrom('sessions').where('user_id', 'in', userIds).execute();
  dirOf(ctx).dropSessionsOf(userIds);
  void dirOf(ctx).changed();
}

export const lc = (s: string) => s.toLowerCase();
