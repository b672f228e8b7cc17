// What the project commands share: who administers a project (an Admin member, or an admin over its domain), the
// project events, and the owner account a new project is made for.
import type { CallContext } from '../kernel/handler';
import type { Caller } from '../identity/caller';
import { AccountType } from '../contract/roles';
import { invalidParam, permissionDenied } from '../kernel/errors';
import { liveProject, managesProjectDomain, memberRole, checkProjectAccess, type ProjectRow } from './access';

export async function domainPathOf(ctx: CallContext, domainId: string): Promise<string> {
  const d = await ctx.svc.caches.directory.domain(domainId);
  if (!d) throw invalidParam(`Unable to find domain by id ${domainId}`);
  return d.path;
}

/** A live project the caller may see (a member or an admin over it), or 431/531. */
export async function visibleProject(ctx: CallContext, id: string): Promise<ProjectRow> {
  const p = await liveProject(ctx.svc.db, id);
  await checkProjectAccess(ctx.svc.db, ctx.caller, p, await domainPathOf(ctx, p.domain_id));
  return p;
}

export const notProjectAdmin = (caller: Caller, p: ProjectRow) =>
  permissionDenied(`Account ${caller.accountName} does not have permission to manage project id=${p.id}: only project admins may`);

/** A live project the caller administers: an Admin member, or an admin over the project's domain. */
export async function managedProject(ctx: CallContext, id: string): Promise<ProjectRow> {
  const p = await visibleProject(ctx, id);
  if (managesProjectDomain(ctx.caller, await domainPathOf(ctx, p.domain_id))) return p;
  if (await memberRole(ctx.svc.db, p.id, ctx.caller.accountId) !== 'Admin') throw notProjectAdmin(ctx.caller, p);
  return p;
}

export async function projectEvent(ctx: CallContext, type: string, description: string, p: Pick<ProjectRow, 'id' | 'name'>): Promise<void> {
  await ctx.svc.events.record({
    type, description, state: 'Completed', resourceId: p.id, resourceType: 'Project', resourceName: p.name,
    userId: ctx.caller.userId, accountId: ctx.caller.accountId, domainId: ctx.caller.domainId,
  });
}

/** A live, non-project account by name in a domain (members are ordinary accounts), or 431. */
export async function memberAccount(ctx: CallContext, name: string, domainId: string): Promise<{ id: string; name: string; domainId: string }> {
  const dir = ctx.svc.caches.directory;
  const id = await dir.accountIdByName(name, domainId);
  const acc = id ? await dir.account(id) : undefined;
  if (!acc || acc.removed !== null || acc.type === AccountType.Project) {
    throw invalidParam(`Unable to find account name=${name} in domain id=${domainId}`);
  }
  return { id: acc.id, name: acc.name, domainId: acc.domainId };
}

/** Sets the state of a project and returns the row as it is now. */
export async function setProjectState(ctx: CallContext, p: ProjectRow, state: string): Promise<ProjectRow> {
  await ctx.svc.db.updateTable('projects').set({ state }).where('id', '=', p.id).execute();
  return { ...p, state };
}
