// createProject, updateProject, activateProject and suspendProject. A new project gets its own PROJECT account
// (type 5, hidden from listAccounts) in the owner's domain; the owner's account joins as its first Admin member.
import type { HandlersFor, CallContext, JobContext } from '../kernel/handler';
import type { projectsCommands } from '../contract/commands/projects';
import { AccountType } from '../contract/roles';
import { invalidParam, permissionDenied } from '../kernel/errors';
import { settingFlag } from '../kernel/settings';
import { isAdmin } from '../identity/caller';
import { stopVm } from '../orchestration/vm/power';
import { vmById } from '../orchestration/vm/vm-rows';
import { formatProject } from './format';
import { managedProject, memberAccount, projectEvent, setProjectState } from './project-admin';
import type { ProjectRow } from './access';

type H = HandlersFor<typeof projectsCommands>;

interface NewProject { projectId: string; accountId: string; ownerAccountId: string; domainId: string; name: string; displaytext: string }

async function refuseTakenName(ctx: CallContext, name: string, domainId: string, except?: string): Promise<void> {
  let q = ctx.svc.db.selectFrom('projects').select('id').where('domain_id', '=', domainId).where('name', '=', name).where('removed', 'is', null);
  if (except) q = q.where('id', '!=', except);
  if (await q.executeTakeFirst()) throw invalidParam(`Project with name ${name} already exists in domain id=${domainId}`);
}

async function ownerOf(ctx: CallContext, a: { account?: string; domainid?: string; accountid?: string }) {
  if (a.accountid) {
    const acc = await ctx.svc.caches.directory.account(a.accountid);
    if (!acc || acc.removed !== null || acc.type === AccountType.Project) throw invalidParam(`Unable to find account by id ${a.accountid}`);
    await ctx.svc.identity.checkAccess(ctx.caller, { accountId: acc.id, domainId: acc.domainId });
    return { accountId: acc.id, domainId: acc.domainId };
  }
  const o = await ctx.svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid });
  return { accountId: o.accountId, domainId: o.domainId };
}

async function insertProject(ctx: JobContext, n: NewProject): Promise<ProjectRow> {
  const db = ctx.svc.db;
  const done = await db.selectFrom('projects').selectAll().where('id', '=', n.projectId).executeTakeFirst();
  if (done) return done;
  await refuseTakenName(ctx, n.name, n.domainId);
  const role = await db.selectFrom('roles').select('id').where('type', '=', 'User').where('removed', 'is', null)
    .orderBy('is_default', 'desc').orderBy('created').executeTakeFirstOrThrow();
  const now = ctx.svc.clock.now();
  const row: ProjectRow = { id: n.projectId, name: n.name, display_text: n.displaytext, account_id: n.accountId,
    domain_id: n.domainId, state: 'Active', created: now, removed: null };
  const number = await ctx.svc.instanceNames.accountNumber();
  await db.transaction().execute(async (tx) => {
    // CloudStack names the hidden account PrjAcct-<project>-<number>; the id's head keeps it unique per domain.
    await tx.insertInto('accounts').values({ id: n.accountId, name: `PrjAcct-${n.name}-${n.projectId.slice(0, 8)}`,
      type: AccountType.Project, domain_id: n.domainId, role_id: role.id, state: 'enabled', network_domain: null,
      created: now, removed: null, number }).execute();
    await tx.insertInto('projects').values(row).execute();
    await tx.insertInto('project_accounts').values({ id: ctx.svc.newId(), project_id: n.projectId, account_id: n.ownerAccountId,
      role: 'Admin', created: now }).execute();
  });
  ctx.svc.caches.directory.changed();
  await projectEvent(ctx, 'PROJECT.CREATE', `Created project ${n.name}`, row);
  return row;
}

/** Stops the project's running VMs one by one (suspendProject), as CloudStack disables the project's account. */
async function stopProjectVms(ctx: JobContext, p: ProjectRow): Promise<void> {
  const ids = await ctx.svc.db.selectFrom('vms').select('id').where('account_id', '=', p.account_id)
    .where('removed', 'is', null).where('state', '=', 'Running').execute();
  for (const { id } of ids) {
    const vm = await vmById(ctx.svc.db, id);
    if (vm && vm.state === 'Running') await stopVm(ctx.svc, vm, { userId: ctx.caller.userId });
  }
}

const projectPlan = (p: { id: string }, locks: string[] = []) =>
  ({ instanceType: 'Project', instanceId: p.id, locks: [`project:${p.id}`, ...locks], payload: null });

export const lifecycleHandlers: Pick<H, 'createProject' | 'updateProject' | 'activateProject' | 'suspendProject'> = {
  createProject: {
    async prepare(ctx, a) {
      if (!isAdmin(ctx.caller) && !await settingFlag(ctx.svc, 'allow.user.create.projects', { domain: ctx.caller.domainId })) {
        throw permissionDenied('Regular user is not permitted to create a project');
      }
      if (!a.name.trim()) throw invalidParam('name must not be empty');
      const owner = await ownerOf(ctx, a);
      await refuseTakenName(ctx, a.name, owner.domainId);
      const n: NewProject = { projectId: ctx.svc.newId(), accountId: ctx.svc.newId(), ownerAccountId: owner.accountId,
        domainId: owner.domainId, name: a.name, displaytext: a.displaytext ?? a.name };
      // Two creations of one name in one domain run one after the other; the second then finds the name taken.
      return { instanceType: 'Project', instanceId: n.projectId, createdId: n.projectId,
        locks: [`project-name:${n.domainId}:${n.name}`], payload: n };
    },
    execute: async (ctx, _a, n: NewProject) => formatProject(ctx.svc, await insertProject(ctx, n)),
    recover: async (ctx, _a, n: NewProject) => formatProject(ctx.svc, await insertProject(ctx, n)),
  },

  updateProject: {
    async prepare(ctx, a) {
      const p = await managedProject(ctx, a.id);
      if (a.name !== undefined) await refuseTakenName(ctx, a.name, p.domain_id, p.id);
      if (a.account !== undefined) await memberAccount(ctx, a.account, p.domain_id);
      return projectPlan(p);
    },
    async execute(ctx, a) {
      const p = await managedProject(ctx, a.id);
      const patch: Partial<ProjectRow> = {};
      if (a.name !== undefined) patch.name = a.name;
      if (a.displaytext !== undefined) patch.display_text = a.displaytext;
      if (Object.keys(patch).length) await ctx.svc.db.updateTable('projects').set(patch).where('id', '=', p.id).execute();
      if (a.account !== undefined) {
        // With roletype the member's role changes; without it the account becomes an owner (an Admin member).
        const acc = await memberAccount(ctx, a.account, p.domain_id);
        const role = a.roletype ?? 'Admin';
        const db = ctx.svc.db;
        const had = await db.selectFrom('project_accounts').select('id').where('project_id', '=', p.id).where('account_id', '=', acc.id).executeTakeFirst();
        if (had) await db.updateTable('project_accounts').set({ role }).where('id', '=', had.id).execute();
        else await db.insertInto('project_accounts').values({ id: ctx.svc.newId(), project_id: p.id, account_id: acc.id, role, created: ctx.svc.clock.now() }).execute();
      }
      const now = { ...p, ...patch };
      await projectEvent(ctx, 'PROJECT.UPDATE', `Updated project ${now.name}`, now);
      return formatProject(ctx.svc, now);
    },
  },

  activateProject: {
    prepare: async (ctx, a) => projectPlan(await managedProject(ctx, a.id)),
    async execute(ctx, a) {
      const p = await managedProject(ctx, a.id);
      // Activating an active project answers it as it is (CloudStack logs and returns it).
      if (p.state === 'Active') return formatProject(ctx.svc, p);
      const now = await setProjectState(ctx, p, 'Active');
      await projectEvent(ctx, 'PROJECT.ACTIVATE', `Activated project ${p.name}`, p);
      return formatProject(ctx.svc, now);
    },
  },

  suspendProject: {
    prepare: async (ctx, a) => projectPlan(await managedProject(ctx, a.id)),
    async execute(ctx, a) {
      const p = await managedProject(ctx, a.id);
      // Suspended first, so no new VM starts in it while the running ones are stopped.
      const now = p.state === 'Suspended' ? p : await setProjectState(ctx, p, 'Suspended');
      await stopProjectVms(ctx, p);
      if (p.state !== 'Suspended') await projectEvent(ctx, 'PROJECT.SUSPEND', `Suspended project ${p.name}`, p);
      return formatProject(ctx.svc, now);
    },
    async recover(ctx, a) {
      const p = await managedProject(ctx, a.id);
      await stopProjectVms(ctx, p);
      return formatProject(ctx.svc, { ...p, state: 'Suspended' });
    },
  },
};
