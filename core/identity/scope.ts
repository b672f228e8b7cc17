// Who may see and act on what (reference section 4.4). Root admins reach everything; domain and resource admins
// reach the subtree of their domain; users reach their own account only.
import type { Db } from '../db/connect';
import type { Caller } from './caller';
import type { ListScope, Owner } from '../kernel/services';
import { AccountType } from '../contract/roles';
import { ApiError, invalidParam, permissionDenied } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import type { Directory, DomainRec, AccountRec } from './directory';
import { liveProject, checkProjectAccess, visibleProjectAccounts, projectOfAccount, memberRole } from '../projects/access';

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

const bothAccountAndProject = () => invalidParam("Account and projectId can't be specified together");

/**
 * projectid=<id>: that project's account (the caller a member or an admin over it). -1: the projects' accounts the
 * caller may see; with listall also everything else it may list (root: all rows; others: their own account too).
 */
async function projectScope(db: Db, dir: Directory, caller: Caller, projectid: string, listall: boolean): Promise<ListScope> {
  if (projectid === '-1') {
    if (isRoot(caller) && listall) return { kind: 'all' };
    // Everyone but the root admin: the projects the caller is a member of (CloudStack's listPermittedProjectAccounts),
    // a domain admin too; other projects of its domains it reaches by their id.
    const accountIds = await visibleProjectAccounts(db, caller, isRoot(caller) ? 'all' : null);
    return { kind: 'accounts', accountIds: listall ? [...accountIds, caller.accountId] : accountIds };
  }
  const p = await liveProject(db, projectid);
  await checkProjectAccess(db, caller, p, (await liveDomain(dir, p.domain_id)).path);
  return { kind: 'account', accountId: p.account_id };
}

/** Without projectid, project resources are left out of the wider scopes (CloudStack's SkipProjectResources). */
async function skippingProjects(db: Db, s: ListScope): Promise<ListScope> {
  if (s.kind !== 'all' && s.kind !== 'domains') return s;
  const accounts = (await db.selectFrom('projects').select('account_id').execute()).map((r) => r.account_id);
  return accounts.length ? { ...s, exceptAccounts: accounts } : s;
}

export async function listScope(db: Db, dir: Directory, caller: Caller, a: ScopeArgs): Promise<ListScope> {
  if (a.projectid) {
    if (a.account) throw bothAccountAndProject();
    return projectScope(db, dir, caller, a.projectid, a.listall === true);
  }
  const s = await ownerScope(dir, caller, a);
  // An id names one row: CloudStack finds it even when a project owns it.
  return a.id ? s : skippingProjects(db, s);
}

async function ownerScope(dir: Directory, caller: Caller, a: ScopeArgs): Promise<ListScope> {
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

/** checkAccess for resources: members of a project also act on the project's resources (its account's). */
export async function checkResourceAccess(db: Db, dir: Directory, caller: Caller, owner: { accountId: string; domainId: string }): Promise<void> {
  try {
    await checkAccess(dir, caller, owner);
  } catch (e) {
    const acc = await dir.account(owner.accountId);
    if (acc?.type !== AccountType.Project) throw e;
    const p = await projectOfAccount(db, owner.accountId);
    if (!p || p.removed !== null || await memberRole(db, p.id, caller.accountId) === null) throw e;
  }
}

/** The owner of what a create command makes for `projectid`: the project's account, if the project is active. */
async function projectOwner(db: Db, dir: Directory, caller: Caller, projectid: string): Promise<Owner> {
  const p = await liveProject(db, projectid);
  await checkProjectAccess(db, caller, p, (await liveDomain(dir, p.domain_id)).path);
  if (p.state !== 'Active') {
    throw permissionDenied(`Can't add resources to the project id=${p.id} in state=${p.state} as it's no longer active`);
  }
  const acc = await dir.account(p.account_id);
  return { accountId: p.account_id, domainId: p.domain_id, userId: caller.userId, accountName: acc?.name ?? p.name };
}

export async function resolveOwner(db: Db, dir: Directory, caller: Caller, a: { account?: string; domainid?: string; projectid?: string }): Promise<Owner> {
  if (a.projectid) {
    if (a.account) throw bothAccountAndProject();
    return projectOwner(db, dir, caller, a.projectid);
  }
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
