// deleteProject: refused while the project owns anything, unless cleanup=true, which removes its VMs (expunged,
// with their data disks), volumes, snapshots, templates and ISOs, and networks first, as CloudStack's cleanup does.
// Then the memberships, invitations and tags go, and the project and its account are marked removed.
import type { HandlersFor, JobContext } from '../kernel/handler';
import type { projectsCommands } from '../contract/commands/projects';
import { internalError } from '../kernel/errors';
import { destroyVm } from '../orchestration/vm/expunge';
import { vmById } from '../orchestration/vm/vm-rows';
import { expungeVolume } from '../orchestration/storage/volume-ops';
import { deleteSnapshotHandler } from '../orchestration/storage/snapshots';
import { prepareDelete, executeDelete } from '../catalog/template-manage';
import { networkHandlers } from '../network/networks';
import { managedProject, projectEvent } from './project-admin';
import { liveProject, type ProjectRow } from './access';

type H = HandlersFor<typeof projectsCommands>;

const live = (ctx: JobContext | Parameters<H['deleteProject']['prepare']>[0], table: 'vms' | 'volumes' | 'snapshots' | 'templates' | 'networks', accountId: string) =>
  ctx.svc.db.selectFrom(table).select('id').where('account_id', '=', accountId).where('removed', 'is', null).execute();

async function owned(ctx: Parameters<H['deleteProject']['prepare']>[0], p: ProjectRow) {
  const [vms, volumes, snapshots, templates, networks] = await Promise.all(
    (['vms', 'volumes', 'snapshots', 'templates', 'networks'] as const).map((t) => live(ctx, t, p.account_id)));
  return { vms, volumes, snapshots, templates, networks };
}

async function cleanup(ctx: JobContext, p: ProjectRow): Promise<void> {
  const db = ctx.svc.db;
  const userId = ctx.caller.userId;
  for (const { id } of await live(ctx, 'vms', p.account_id)) {
    const vm = await vmById(db, id);
    if (!vm) continue;
    const data = await db.selectFrom('volumes').select('id').where('vm_id', '=', id).where('type', '=', 'DATADISK').where('removed', 'is', null).execute();
    await destroyVm(ctx.svc, vm, { expunge: true, deleteVolumeIds: data.map((d) => d.id), userId });
  }
  for (const { id } of await live(ctx, 'snapshots', p.account_id)) await deleteSnapshotHandler.execute(ctx, { id }, null);
  for (const { id } of await live(ctx, 'volumes', p.account_id)) {
    const vol = await db.selectFrom('volumes').selectAll().where('id', '=', id).executeTakeFirst();
    if (vol && vol.removed === null) await expungeVolume(ctx.svc, vol, null, userId);
  }
  const images = await db.selectFrom('templates').select(['id', 'format']).where('account_id', '=', p.account_id).where('removed', 'is', null).execute();
  for (const t of images) {
    const kind = t.format === 'ISO' ? 'iso' : 'template';
    await executeDelete(ctx, { id: t.id }, (await prepareDelete(ctx, { id: t.id }, kind)).payload, kind);
  }
  for (const { id } of await live(ctx, 'networks', p.account_id)) await networkHandlers.deleteNetwork.execute(ctx, { id }, {});
}

async function removeProject(ctx: JobContext, p: ProjectRow): Promise<void> {
  const now = ctx.svc.clock.now();
  await ctx.svc.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('project_accounts').where('project_id', '=', p.id).execute();
    await tx.deleteFrom('project_invitations').where('project_id', '=', p.id).execute();
    await tx.deleteFrom('resource_tags').where('resource_type', '=', 'Project').where('resource_id', '=', p.id).execute();
    await tx.updateTable('projects').set({ removed: now }).where('id', '=', p.id).execute();
    await tx.updateTable('accounts').set({ removed: now, state: 'disabled' }).where('id', '=', p.account_id).execute();
  });
  ctx.svc.caches.directory.changed();
  await projectEvent(ctx, 'PROJECT.DELETE', `Deleted project ${p.name}`, p);
}

export const deleteHandlers: Pick<H, 'deleteProject'> = {
  deleteProject: {
    async prepare(ctx, a) {
      const p = await managedProject(ctx, a.id);
      if (!a.cleanup) {
        const o = await owned(ctx, p);
        const left = Object.entries(o).filter(([, rows]) => rows.length > 0).map(([k, rows]) => `${rows.length} ${k}`);
        if (left.length) throw internalError(`Can't delete the project yet because it has ${left.join(', ')}; delete them first or pass cleanup=true`);
      }
      return { instanceType: 'Project', instanceId: p.id, locks: [`project:${p.id}`], payload: null };
    },
    async execute(ctx, a) {
      const p = await liveProject(ctx.svc.db, a.id);
      if (a.cleanup) await cleanup(ctx, p);
      await removeProject(ctx, p);
    },
    async recover(ctx, a) {
      const p = await ctx.svc.db.selectFrom('projects').selectAll().where('id', '=', a.id).executeTakeFirst();
      if (!p || p.removed !== null) return;
      if (a.cleanup) await cleanup(ctx, p);
      await removeProject(ctx, p);
    },
  },
};
