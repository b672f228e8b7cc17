// Who may reach a project (CloudStack's ProjectManager.canAccessProjectAccount): root admins, admins of the
// project's domain tree, and the member accounts. Read from the database at every use (no cache), so a membership
// added on one management server counts at once on every other.
import type { Db } from '../db/connect';
import type { Caller } from '../identity/caller';
import type { ProjectTable } from '../db/schema';
import { AccountType } from '../contract/roles';
import { ApiError, invalidParam } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';

export type ProjectRow = ProjectTable;

const isAdminCaller = (c: Caller) => c.accountType === AccountType.Admin || c.accountType === AccountType.DomainAdmin
  || c.accountType === AccountType.ResourceAdmin;

/** A live project by id, or CloudStack's 431. */
export async function liveProject(db: Db, id: string): Promise<ProjectRow> {
  const p = await db.selectFrom('projects').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!p) throw invalidParam(`Unable to find project by id ${id}`);
  return p;
}

/** The project a PROJECT account belongs to (null for any other account). */
export async function projectOfAccount(db: Db, accountId: string): Promise<ProjectRow | null> {
  return (await db.selectFrom('projects').selectAll().where('account_id', '=', accountId).executeTakeFirst()) ?? null;
}

/** The member's role in the project (Admin or Regular), or null when the account is no member. */
export async function memberRole(db: Db, projectId: string, accountId: string): Promise<string | null> {
  const r = await db.selectFrom('project_accounts').select('role').where('project_id', '=', projectId)
    .where('account_id', '=', accountId).executeTakeFirst();
  return r?.role ?? null;
}

/** True when the caller administers the project's domain (root admins: every domain). */
export function managesProjectDomain(caller: Caller, projectDomainPath: string): boolean {
  if (caller.accountType === AccountType.Admin) return true;
  return isAdminCaller(caller) && projectDomainPath.startsWith(caller.domainPath);
}

export const projectDenied = (caller: Caller, projectId: string) => new ApiError(ErrorCode.AccountError,
  `Account ${caller.accountName} can't access project id=${projectId}`, CsErrorCode.PermissionDenied, [projectId]);

/** 531 unless the caller is a member of the project or an admin over its domain. */
export async function checkProjectAccess(db: Db, caller: Caller, p: ProjectRow, domainPath: string): Promise<void> {
  if (managesProjectDomain(caller, domainPath)) return;
  if (await memberRole(db, p.id, caller.accountId) === null) throw projectDenied(caller, p.id);
}

/** The accounts of the live projects the caller may see (projectid=-1): members see theirs, admins their tree's. */
export async function visibleProjectAccounts(db: Db, caller: Caller, domainIds: string[] | 'all' | null): Promise<string[]> {
  const member = db.selectFrom('project_accounts').select('project_id').where('account_id', '=', caller.accountId);
  let q = db.selectFrom('projects').select('account_id').where('removed', 'is', null);
  if (domainIds === 'all') return (await q.execute()).map((r) => r.account_id);
  q = q.where((eb) => eb.or([eb('id', 'in', member),
    ...(domainIds && domainIds.length ? [eb('domain_id', 'in', domainIds)] : [])]));
  return (await q.execute()).map((r) => r.account_id);
}
