// enableStorageMaintenance and cancelStorageMaintenance (reference §6.4): Up -> PrepareForMaintenance, the VMs
// with a volume on the pool stopped (each by its own stopVirtualMachine job, ha.workers at a time) -> Maintenance,
// or ErrorInMaintenance with the VMs that would not stop. Cancel: CancelMaintenance, the VMs the maintenance
// stopped (storage_pool_work) started again -> Up. The planner places nothing on a pool that is not Up.
import type { AsyncHandler, CallContext, JobContext } from '../kernel/handler';
import type { maintenanceCommands } from '../contract/commands/maintenance';
import type { Services } from '../kernel/services';
import { invalidParam } from '../kernel/errors';
import { settingNumber } from '../kernel/settings';
import { formatPool, poolView } from '../infrastructure/storage-pools';
import { runVmJob, withConcurrency } from './vm-jobs';

type C = typeof maintenanceCommands;
const ENTERABLE = ['Up', 'Disabled', 'ErrorInMaintenance'];
const CANCELLABLE = ['PrepareForMaintenance', 'Maintenance', 'ErrorInMaintenance'];
const STORAGE_ALERT = { type: 12, name: 'ALERT.STORAGE.MISC' };

async function movePool(svc: Services, id: string, from: string[], to: string): Promise<boolean> {
  const r = await svc.db.updateTable('storage_pools').set({ state: to }).where('id', '=', id).where('state', 'in', from)
    .where('removed', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  svc.caches.infraVersion.changed();
  svc.events.notify({ kind: 'state', resourceType: 'StoragePool', resourceId: id, state: to });
  return true;
}

async function poolEvent(ctx: CallContext, p: { id: string; name: string }, type: string, description: string, level: 'INFO' | 'WARN' | 'ERROR' = 'INFO') {
  await ctx.svc.events.record({ type, description, level, state: 'Completed', resourceId: p.id, resourceType: 'StoragePool',
    resourceName: p.name, userId: ctx.caller.userId, accountId: ctx.caller.accountId, domainId: ctx.caller.domainId });
}

const answer = async (ctx: CallContext, id: string) => formatPool(await poolView(ctx, id));

async function enter(ctx: JobContext, id: string) {
  const svc = ctx.svc;
  const p = await poolView(ctx, id);
  if (p.state !== 'PrepareForMaintenance') return answer(ctx, id);
  const vms = await svc.db.selectFrom('vms as m').innerJoin('volumes as v', 'v.vm_id', 'm.id').select(['m.id', 'm.name']).distinct()
    .where('v.pool_id', '=', id).where('v.removed', 'is', null).where('m.removed', 'is', null)
    .where('m.state', 'in', ['Running', 'Starting', 'Stopping', 'Migrating']).execute();
  const failed: string[] = [];
  let done = 0;
  await withConcurrency(vms, await settingNumber(svc, 'ha.workers'), async (vm) => {
    // Recorded before the stop: a crash in between still restarts the VM on cancel.
    await svc.db.insertInto('storage_pool_work').values({ pool_id: id, vm_id: vm.id, created: svc.clock.now() })
      .execute().catch(() => undefined); // already recorded (a recovered job)
    const r = await runVmJob(ctx, 'stopVirtualMachine', { id: vm.id });
    if (!r.ok) failed.push(`VM ${vm.name}: ${r.error}`);
    await ctx.progress((++done / vms.length) * 99);
  });
  if (failed.length === 0) {
    await movePool(svc, id, ['PrepareForMaintenance'], 'Maintenance');
    await poolEvent(ctx, p, 'MAINT.PREPARE.PS', `Primary storage ${p.name} is in Maintenance: ${vms.length} VM(s) stopped`);
  } else {
    const text = `Primary storage ${p.name} could not enter maintenance: ${failed.join('; ')}`;
    await movePool(svc, id, ['PrepareForMaintenance'], 'ErrorInMaintenance');
    await poolEvent(ctx, p, 'MAINT.PREPARE.PS', text, 'ERROR');
    await svc.events.alert({ ...STORAGE_ALERT, zoneId: p.zone_id, podId: p.pod_id, clusterId: p.cluster_id, description: text });
  }
  return answer(ctx, id);
}

async function leave(ctx: JobContext, id: string) {
  const svc = ctx.svc;
  const p = await poolView(ctx, id);
  if (p.state !== 'CancelMaintenance') return answer(ctx, id);
  // Up first: the VMs' volumes must be usable for them to start.
  await movePool(svc, id, ['CancelMaintenance'], 'Up');
  const work = await svc.db.selectFrom('storage_pool_work as w').innerJoin('vms as m', 'm.id', 'w.vm_id').select(['m.id', 'm.name', 'm.state'])
    .where('w.pool_id', '=', id).where('m.removed', 'is', null).execute();
  const failed: string[] = [];
  await withConcurrency(work.filter((vm) => vm.state === 'Stopped'), await settingNumber(svc, 'ha.workers'), async (vm) => {
    const r = await runVmJob(ctx, 'startVirtualMachine', { id: vm.id });
    if (!r.ok) failed.push(`VM ${vm.name}: ${r.error}`);
  });
  await svc.db.deleteFrom('storage_pool_work').where('pool_id', '=', id).execute();
  await poolEvent(ctx, p, 'MAINT.CANCEL.PS', `Cancelled the maintenance of primary storage ${p.name}: ` +
    `${work.length - failed.length} VM(s) started again${failed.length ? `; not started: ${failed.join('; ')}` : ''}`, failed.length ? 'WARN' : 'INFO');
  return answer(ctx, id);
}

export const enableStorageMaintenanceHandler: AsyncHandler<C['enableStorageMaintenance']> = {
  async prepare(ctx, a) {
    const p = await poolView(ctx, a.id);
    if (!ENTERABLE.includes(p.state) || !(await movePool(ctx.svc, p.id, [p.state], 'PrepareForMaintenance'))) {
      throw invalidParam(`Primary storage ${p.name} is ${p.state}; only an Up, Disabled or ErrorInMaintenance pool can enter maintenance`);
    }
    return { instanceType: 'StoragePool', instanceId: p.id, locks: [`pool:${p.id}`], payload: {} };
  },
  execute: (ctx, a) => enter(ctx, a.id),
  recover: (ctx, a) => enter(ctx, a.id),
};

export const cancelStorageMaintenanceHandler: AsyncHandler<C['cancelStorageMaintenance']> = {
  async prepare(ctx, a) {
    const p = await poolView(ctx, a.id);
    if (!CANCELLABLE.includes(p.state) || !(await movePool(ctx.svc, p.id, [p.state], 'CancelMaintenance'))) {
      throw invalidParam(`Primary storage ${p.name} is ${p.state}, not in maintenance; there is nothing to cancel`);
    }
    return { instanceType: 'StoragePool', instanceId: p.id, locks: [`pool:${p.id}`], payload: {} };
  },
  execute: (ctx, a) => leave(ctx, a.id),
  recover: (ctx, a) => leave(ctx, a.id),
};
