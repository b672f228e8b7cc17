// Project membership: addAccountToProject (or, with project.invite.required, an invitation the account accepts or
// declines with updateProjectInvitation), deleteAccountFromProject, listProjectAccounts, and the invitations.
import type { HandlersFor, CallContext } from '../kernel/handler';
import type { projectsCommands } from '../contract/commands/projects';
import { invalidParam } from '../kernel/errors';
import { settingFlag } from '../kernel/settings';
import { pageWindow } from '../kernel/paging';
import { isRootAdmin, isAdmin } from '../identity/caller';
import { formatMember, formatInvitation } from './format';
import { managedProject, memberAccount, projectEvent, visibleProject } from './project-admin';
import { liveProject, type ProjectRow } from './access';

type H = HandlersFor<typeof projectsCommands>;

interface AddPlan { accountId: string | null; name: string; role: string; invite: boolean; email: string | null }

async function membership(ctx: CallContext, projectId: string, accountId: string) {
  return ctx.svc.db.selectFrom('project_accounts').selectAll().where('project_id', '=', projectId)
    .where('account_id', '=', accountId).executeTakeFirst();
}

async function addMember(ctx: CallContext, p: ProjectRow, accountId: string, role: string): Promise<void> {
  if (await membership(ctx, p.id, accountId)) return;
  await ctx.svc.db.insertInto('project_accounts').values({ id: ctx.svc.newId(), project_id: p.id, account_id: accountId,
    role, created: ctx.svc.clock.now() }).execute();
}

async function invite(ctx: CallContext, p: ProjectRow, n: AddPlan): Promise<void> {
  const db = ctx.svc.db;
  let pending = db.selectFrom('project_invitations').select('id').where('project_id', '=', p.id).where('state', '=', 'Pending');
  pending = n.accountId ? pending.where('account_id', '=', n.accountId) : pending.where('email', '=', n.email);
  // Inviting again while an invitation waits keeps the one invitation (CloudStack re-sends it).
  if (await pending.executeTakeFirst()) return;
  await db.insertInto('project_invitations').values({ id: ctx.svc.newId(), project_id: p.id, account_id: n.accountId,
    domain_id: p.domain_id, email: n.email, role: n.role, state: 'Pending', created: ctx.svc.clock.now() }).execute();
}

/** The invited account a caller answers for: its own, or (admins) the named one in the project's domain. */
async function inviteeOf(ctx: CallContext, p: ProjectRow, account: string | undefined): Promise<string> {
  if (account === undefined || account === ctx.caller.accountName) return ctx.caller.accountId;
  const acc = await memberAccount(ctx, account, p.domain_id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: acc.id, domainId: acc.domainId });
  return acc.id;
}

const plan = (p: ProjectRow, payload: unknown = null) =>
  ({ instanceType: 'Project', instanceId: p.id, locks: [`project:${p.id}`], payload });

export const memberHandlers: Pick<H, 'addAccountToProject' | 'deleteAccountFromProject' | 'listProjectAccounts' |
  'listProjectInvitations' | 'updateProjectInvitation' | 'deleteProjectInvitation'> = {
  addAccountToProject: {
    async prepare(ctx, a) {
      const p = await managedProject(ctx, a.projectid);
      if (!a.account && !a.email) throw invalidParam('Either accountName or email is required');
      if (a.projectroleid) throw invalidParam('Project roles are not supported');
      const inviteRequired = await settingFlag(ctx.svc, 'project.invite.required');
      if (!a.account && !inviteRequired) throw invalidParam('email invitations need project.invite.required=true; name the account');
      const acc = a.account ? await memberAccount(ctx, a.account, p.domain_id) : null;
      if (acc && await membership(ctx, p.id, acc.id)) throw invalidParam(`The account ${acc.name} is already assigned to the project id=${p.id}`);
      const n: AddPlan = { accountId: acc?.id ?? null, name: acc?.name ?? a.email!, role: a.roletype ?? 'Regular',
        invite: inviteRequired, email: acc ? null : a.email! };
      return plan(p, n);
    },
    async execute(ctx, a, n: AddPlan) {
      const p = await liveProject(ctx.svc.db, a.projectid);
      if (n.invite) await invite(ctx, p, n);
      else await addMember(ctx, p, n.accountId!, n.role);
      await projectEvent(ctx, n.invite ? 'PROJECT.INVITATION.CREATE' : 'PROJECT.ACCOUNT.ADD',
        `${n.invite ? 'Invited' : 'Added'} ${n.name} ${n.invite ? 'to' : 'to'} project ${p.name}`, p);
    },
  },

  deleteAccountFromProject: {
    async prepare(ctx, a) {
      const p = await managedProject(ctx, a.projectid);
      const acc = await memberAccount(ctx, a.account, p.domain_id);
      const m = await membership(ctx, p.id, acc.id);
      if (!m) throw invalidParam(`Account ${a.account} is not assigned to the project id=${p.id}`);
      if (m.role === 'Admin') {
        const admins = await ctx.svc.db.selectFrom('project_accounts').select('id').where('project_id', '=', p.id).where('role', '=', 'Admin').execute();
        if (admins.length === 1) throw invalidParam(`Unable to delete account ${a.account} from the project id=${p.id}: it is the project's only admin`);
      }
      return plan(p, acc.id);
    },
    async execute(ctx, a, accountId: string) {
      const p = await liveProject(ctx.svc.db, a.projectid);
      await ctx.svc.db.deleteFrom('project_accounts').where('project_id', '=', p.id).where('account_id', '=', accountId).execute();
      await projectEvent(ctx, 'PROJECT.ACCOUNT.REMOVE', `Removed ${a.account} from project ${p.name}`, p);
    },
  },

  async listProjectAccounts(ctx, a) {
    const p = await visibleProject(ctx, a.projectid);
    let q = ctx.svc.db.selectFrom('project_accounts').selectAll().where('project_id', '=', p.id);
    if (a.role) q = q.where('role', '=', a.role === 'admin' ? 'Admin' : a.role);
    if (a.account) q = q.where('account_id', '=', (await memberAccount(ctx, a.account, p.domain_id)).id);
    const rows = await q.orderBy('created').orderBy('id').execute();
    const { offset, limit } = pageWindow(a, ctx.svc.config.maxPageSize);
    const page = limit === null ? rows : rows.slice(offset, offset + limit);
    const items = [];
    for (const m of page) items.push(await formatMember(ctx.svc, p, m));
    return { count: rows.length, items };
  },

  async listProjectInvitations(ctx, a) {
    const db = ctx.svc.db;
    let q = db.selectFrom('project_invitations as i').innerJoin('projects as p', 'p.id', 'i.project_id')
      .where('p.removed', 'is', null).selectAll('i').select(['p.name as project_name']);
    if (a.projectid) {
      const p = await visibleProject(ctx, a.projectid);
      q = q.where('i.project_id', '=', p.id);
    }
    if (!(isRootAdmin(ctx.caller) && a.listall)) {
      // Invitations to the caller's account, and those of the projects it administers.
      const admined = db.selectFrom('project_accounts').select('project_id').where('account_id', '=', ctx.caller.accountId).where('role', '=', 'Admin');
      const subtree = isAdmin(ctx.caller) && a.listall
        ? (await ctx.svc.caches.directory.subtree(ctx.caller.domainPath)).map((d) => d.id) : [];
      q = q.where((eb) => eb.or([eb('i.account_id', '=', ctx.caller.accountId), eb('i.project_id', 'in', admined),
        ...(subtree.length ? [eb('p.domain_id', 'in', subtree)] : [])]));
    }
    if (a.id) q = q.where('i.id', '=', a.id);
    if (a.domainid) q = q.where('i.domain_id', '=', a.domainid);
    if (a.account) {
      const id = await ctx.svc.caches.directory.accountIdByName(a.account, a.domainid ?? ctx.caller.domainId);
      q = q.where('i.account_id', '=', id ?? '-');
    }
    if (a.activeonly) q = q.where('i.state', '=', 'Pending');
    if (a.state) q = q.where('i.state', '=', a.state);
    const rows = await q.orderBy('i.created').orderBy('i.id').execute();
    const { offset, limit } = pageWindow(a, ctx.svc.config.maxPageSize);
    const page = limit === null ? rows : rows.slice(offset, offset + limit);
    const items = [];
    for (const r of page) items.push(await formatInvitation(ctx.svc, { id: r.project_id, name: r.project_name }, r));
    return { count: rows.length, items };
  },

  updateProjectInvitation: {
    async prepare(ctx, a) {
      const p = await liveProject(ctx.svc.db, a.projectid);
      const db = ctx.svc.db;
      let q = db.selectFrom('project_invitations').selectAll().where('project_id', '=', p.id).where('state', '=', 'Pending');
      // An email invitation is answered with its token (here: the invitation's id) by whoever received it.
      if (a.token) q = q.where('id', '=', a.token);
      else q = q.where('account_id', '=', await inviteeOf(ctx, p, a.account));
      const inv = await q.executeTakeFirst();
      if (!inv) throw invalidParam(`Unable to find an active invitation to the project id=${p.id} for ${a.token ? 'this token' : `account ${a.account ?? ctx.caller.accountName}`}`);
      return plan(p, { id: inv.id, accountId: inv.account_id ?? ctx.caller.accountId, role: inv.role });
    },
    async execute(ctx, a, inv: { id: string; accountId: string; role: string }) {
      const p = await liveProject(ctx.svc.db, a.projectid);
      const accept = a.accept ?? true;
      if (accept) await addMember(ctx, p, inv.accountId, inv.role);
      await ctx.svc.db.updateTable('project_invitations').set({ state: accept ? 'Completed' : 'Declined', account_id: inv.accountId })
        .where('id', '=', inv.id).execute();
      await projectEvent(ctx, accept ? 'PROJECT.INVITATION.UPDATE' : 'PROJECT.INVITATION.UPDATE',
        `${accept ? 'Accepted' : 'Declined'} the invitation to project ${p.name}`, p);
    },
  },

  deleteProjectInvitation: {
    async prepare(ctx, a) {
      const inv = await ctx.svc.db.selectFrom('project_invitations').selectAll().where('id', '=', a.id).executeTakeFirst();
      if (!inv) throw invalidParam(`Unable to find project invitation by id ${a.id}`);
      const p = await managedProject(ctx, inv.project_id);
      return plan(p, inv.id);
    },
    async execute(ctx, _a, id: string) {
      await ctx.svc.db.deleteFrom('project_invitations').where('id', '=', id).execute();
    },
  },
};

