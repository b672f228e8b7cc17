// Who may see and act on what (reference section 4.4). Root admins reach everything; domain and resource admins
// reach the subtree of their domain; users reach their own account only.
import type { Db } from '../db/connect';
import type { Caller } from './caller';
import type { ListScope, Owner } from '../kernel/services';
import { AccountType } from '../contract/roles';
import { ApiError, invalidParam, permissionDenied } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import type { Directory, DomainRec, AccountRec } from './directory';

export interface ScopeArgs {
  account?: string; domainid?: string; isrecursive?: boolean; listall?: boolean; projectid?: string; id?: string;
}

const isRoot = (c: Caller) => c.accountType === AccountType.Admin;
const isUser = (c: Caller) => c.accountType === AccountType.User || c.accountType === AccountType.Project;

/** True when the caller administers the domain at `path` (root admins: every domain). */
export function managesDomain(caller: Caller, path: string): boolean {
  if (isRoot(caller)) return true;
  if (isUser(caller)) return false;
  return path.startsWith(caller.domainPath);
}

export const domainDenied = (caller: Caller, domainId: string) => new ApiError(ErrorCode.AccountError,
  `Account ${caller.accountName} does not have permission to operate within domain id=${domainId}`,
  CsErrorCode.PermissionDenied, [domainId]);

export const accountDenied = (caller: Caller, accountId: string) => new ApiError(ErrorCode.AccountError,
  `Account ${caller.accountName} does not have permission to access account id=${accountId}`,
  CsErrorCode.PermissionDenied, [accountId]);

export const projectsUnsupported = () => invalidParam('Projects are not supported');

/** A live domain by id, or 431. */
export async function liveDomain(dir: Directory, id: string): Promise<DomainRec> {
  const d = await dir.domain(id);
  if (!d || d.removed !== null) throw invalidParam(`Unable to find domain by id ${id}`);
  return d;
}

/** A live account by name in a domain, or 431. */
export async function accountByName(dir: Directory, name: string, domainId: string): Promise<AccountRec> {
  const id = await dir.accountIdByName(name, domainId);
  const acc = id && (await dir.account(id));
  if (!acc) throw invalidParam(`Unable to find account by name ${name} in domain ${domainId}`);
  return acc;
}

const domainsScope = (ds: DomainRec[]): ListScope => ({ kind: 'domains', domainIds: ds.map((d) => d.id) });

export async function listScope(db: Db, dir: Directory, caller: Caller, a: ScopeArgs): Promise<ListScope> {
  if (a.projectid) throw projectsUnsupported();
  const own: ListScope = { kind: 'account', accountId: caller.accountId };
  if (isUser(caller)) return own;
  if (a.domainid) {
    const d = await liveDomain(dir, a.domainid);
    if (!managesDomain(caller, d.path)) throw domainDenied(caller, d.id);
    if (a.account) return { kind: 'account', accountId: (await accountByName(dir, a.account, d.id)).id };
    if (!a.isrecursive) return { kind: 'domains', domainIds: [d.id] };
    if (d.path === '/') return { kind: 'all' };
    return domainsScope(await dir.subtree(d.path));
  }
  if (a.account) return { kind: 'account', accountId: (await accountByName(dir, a.account, caller.domainId)).id };
  if (a.listall || a.id) return isRoot(caller) ? { kind: 'all' } : domainsScope(await dir.subtree(caller.domainPath));
  return own;
}

export async function checkAccess(dir: Directory, caller: Caller, owner: { accountId: string; domainId: string }): Promise<void> {
  if (isRoot(caller) || owner.accountId === caller.accountId) return;
  if (isUser(caller)) throw accountDenied(caller, owner.accountId);
  const d = await dir.domain(owner.domainId);
  if (!d || !managesDomain(caller, d.path)) throw domainDenied(caller, owner.domainId);
  // Domain admins never act for root admin accounts, even ones placed inside their subtree.
  const acc = await dir.account(owner.accountId);
  if (acc && acc.type === AccountType.Admin) throw accountDenied(caller, owner.accountId);
}

export async function resolveOwner(db: Db, dir: Directory, caller: Caller, a: { account?: string; domainid?: string }): Promise<Owner> {
  const own: Owner = { accountId: caller.accountId, domainId: caller.domainId, userId: caller.userId, accountName: caller.accountName };
  const domainId = a.domainid ?? caller.domainId;
  if (!a.account) {
    if (domainId === caller.domainId) return own;
    throw invalidParam('Account must be specified with domainId parameter');
  }
  if (a.account === caller.accountName && domainId === caller.domainId) return own;
  if (isUser(caller)) throw permissionDenied(`Account ${caller.accountName} does not have permission to act for account ${a.account}`);
  const d = await liveDomain(dir, domainId);
  if (!managesDomain(caller, d.path)) throw domainDenied(caller, d.id);
  const acc = await accountByName(dir, a.account, d.id);
  await checkAccess(dir, caller, { accountId: acc.id, domainId: d.id });
  const userId = await dir.firstUserOf(acc.id);
  return { accountId: acc.id, domainId: d.id, userId: userId ?? caller.userId, accountName: acc.name };
}
