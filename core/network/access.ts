// Who may see, use and manage a guest network. An isolated or L2 network belongs to one account: only that
// account's VMs get NICs on it (an admin deploying for another account cannot put that VM on it either). A shared
// network with acltype Domain serves every account of its domain (and of its subdomains with subdomainaccess); with
// acltype Account, only its account. Managing (update, restart, delete) is for the owner and its admins; shared
// networks are managed by admins.
import type { Selectable } from 'kysely';
import type { CallContext } from '../kernel/handler';
import type { NetworkTable } from '../db/schema';
import type { Db } from '../db/connect';
import type { Owner } from '../kernel/services';
import { isAdmin, isRootAdmin } from '../identity/caller';
import { notFound, permissionDenied } from '../kernel/errors';

export type NetworkRow = Selectable<NetworkTable>;

export async function networkById(ctx: CallContext, id: string, param = 'id'): Promise<NetworkRow> {
  const n = await ctx.svc.db.selectFrom('networks').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!n) throw notFound(ctx.command, param, id);
  return n;
}

/** Ids of a domain and its ancestors (paths are prefixes of one another: '/', '/Child/', '/Child/Sub/'). */
export async function domainAndAncestors(db: Db, domainId: string): Promise<{ id: string; self: boolean }[]> {
  const d = await db.selectFrom('domains').select('path').where('id', '=', domainId).executeTakeFirst();
  if (!d) return [];
  const paths: string[] = ['/'];
  const parts = d.path.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) paths.push(`/${parts.slice(0, i).join('/')}/`);
  const rows = await db.selectFrom('domains').select(['id', 'path']).where('path', 'in', paths).where('removed', 'is', null).execute();
  return rows.map((r) => ({ id: r.id, self: r.id === domainId }));
}

/** Whether a VM owned by `owner` may have a NIC on the network. */
export async function usableBy(db: Db, n: NetworkRow, owner: Pick<Owner, 'accountId' | 'domainId'>): Promise<boolean> {
  if (n.acl_type === 'Account') return n.account_id === owner.accountId;
  const chain = await domainAndAncestors(db, owner.domainId);
  return chain.some((d) => d.id === n.domain_id && (d.self || n.subdomain_access === 1));
}

export async function checkUsable(ctx: CallContext, n: NetworkRow, owner: Pick<Owner, 'accountId' | 'domainId'>): Promise<void> {
  if (!(await usableBy(ctx.svc.db, n, owner))) throw permissionDenied(`Unable to use network with id= ${n.id}, permission denied`);
}

/** update, restart, delete: the owning account (or an admin over it); shared networks: admins. */
export async function checkManage(ctx: CallContext, n: NetworkRow): Promise<void> {
  if (isRootAdmin(ctx.caller)) return;
  if (n.acl_type === 'Domain' || n.account_id === null) {
    if (!isAdmin(ctx.caller)) throw permissionDenied(`Account ${ctx.caller.accountName} does not have permission to operate on network ${n.name}`);
    await ctx.svc.identity.checkAccess(ctx.caller, { accountId: ctx.caller.accountId, domainId: n.domain_id });
    return;
  }
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: n.account_id, domainId: n.domain_id });
}
