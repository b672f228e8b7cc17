// start, stop, reboot, destroy, recover and expunge. prepare checks the state machine against the VM as it is now
// (431 with a clear text); execute re-reads the row because other jobs on the VM may have run in between, and the
// conditional updates of changeVmState catch anything that still races.
import type { AsyncHandler, AsyncPlan, CallContext, JobContext, SyncHandler } from '../../kernel/handler';
import type { computeCommands } from '../../contract/commands/compute';
import type { VmTable } from '../../db/schema';
import type { Services } from '../../kernel/services';
import { ApiError, internalError, invalidParam, notFound, permissionDenied } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { isRootAdmin } from '../../identity/caller';
import { changeVmState, TRANSITIONAL, transitionVm, vmEvent, type VmEvent } from '../vm-states';
import { notifyVolumes, transitionVolume } from '../volume-states';
import { driverFor } from './infra';
import { startVm, stopVm } from './power';
import { destroyVm, expungeVm } from './expunge';
import { loadVm, requireAdminFor, vmById, volumesOf } from './vm-rows';
import { vmObject } from './vm-view';
import { reconcileVm } from './reconcile';
import type { VirtualMachine } from '../../contract/responses';

type C = typeof computeCommands;
const tags = (s: string | null | undefined) => (s ? s.split(',').map((t) => t.trim()).filter(Boolean) : []);

/**
 * prepare's state check. A VM in a transitional state has a job working on it; this command's job is queued
 * behind that one (same lock) and checks the state it then finds, so it is accepted now rather than refused.
 */
function checkNow(vm: VmTable, event: VmEvent): void {
  if (TRANSITIONAL.has(vm.state) && vm.state !== 'Expunging') return;
  transitionVm(vm.state, event, vm.name);
}

const vmPlan = <P>(id: string, payload: P): AsyncPlan<P> =>
  ({ instanceType: 'VirtualMachine', instanceId: id, locks: [`vm:${id}`], payload });

/** The VM row for a job, or a failed job when it was expunged meanwhile. */
async function jobVm(ctx: JobContext, id: string): Promise<VmTable> {
  const vm = await vmById(ctx.svc.db, id);
  if (!vm) throw invalidParam(`Unable to find VM ${id}: it was expunged`);
  return vm;
}

export async function vmResult(svc: Services, ctx: CallContext, id: string): Promise<VirtualMachine> {
  const o = await vmObject(svc, ctx.caller, id, true);
  if (!o) throw internalError(`VM ${id} no longer exists`);
  return o;
}

/** Starts a Stopped VM with its offering's tags; shared by start and the recovery of interrupted starts. */
export async function startRow(ctx: JobContext, vm: VmTable, a: { hostid?: string; clusterid?: string; podid?: string; considerlasthost?: boolean }) {
  const svc = ctx.svc;
  const so = await svc.db.selectFrom('service_offerings').select(['host_tags', 'storage_tags'])
    .where('id', '=', vm.service_offering_id).executeTakeFirst();
  await startVm(svc, { vm, volumes: await volumesOf(svc.db, vm.id), hostTags: tags(so?.host_tags),
    storageTags: tags(so?.storage_tags), hostId: a.hostid, clusterId: a.clusterid, podId: a.podid,
    considerLastHost: a.considerlasthost !== false, userId: ctx.caller.userId, progress: ctx.progress });
}

export const startHandler: AsyncHandler<C['startVirtualMachine']> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.id);
    checkNow(vm, 'StartRequested');
    if ((a.hostid || a.podid || a.clusterid) && !isRootAdmin(ctx.caller)) {
      throw permissionDenied('Parameters hostid, podid and clusterid can only be specified by a Root Admin, permission denied');
    }
    if (a.hostid && !(await ctx.svc.db.selectFrom('hosts').select('id').where('id', '=', a.hostid).where('removed', 'is', null).executeTakeFirst())) {
      throw notFound(ctx.command, 'hostid', a.hostid);
    }
    return vmPlan(vm.id, null);
  },
  async execute(ctx, a) {
    const vm = await jobVm(ctx, a.id);
    // A start queued behind another start finds the VM running: nothing to do.
    if (vm.state !== 'Running') await startRow(ctx, vm, a);
    return vmResult(ctx.svc, ctx, vm.id);
  },
  async recover(ctx, a) {
    const vm = await jobVm(ctx, a.id);
    await reconcileVm(ctx.svc, vm);
    if (vm.state === 'Stopped') await startRow(ctx, vm, a);
    return vmResult(ctx.svc, ctx, vm.id);
  },
};

export const stopHandler: AsyncHandler<C['stopVirtualMachine']> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.id);
    // Stopping a stopped VM succeeds without doing anything, as in CloudStack.
    if (vm.state !== 'Stopped') checkNow(vm, 'StopRequested');
    return vmPlan(vm.id, null);
  },
  async execute(ctx, a) {
    const vm = await jobVm(ctx, a.id);
    await stopVm(ctx.svc, vm, { forced: a.forced, userId: ctx.caller.userId });
    return vmResult(ctx.svc, ctx, vm.id);
  },
  async recover(ctx, a) {
    const vm = await jobVm(ctx, a.id);
    await reconcileVm(ctx.svc, vm);
    if (vm.state === 'Running') await stopVm(ctx.svc, vm, { forced: a.forced, userId: ctx.caller.userId });
    return vmResult(ctx.svc, ctx, vm.id);
  },
};

function checkRunning(vm: VmTable, action: string, queued = false): void {
  if (queued && (vm.state === 'Starting' || vm.state === 'Migrating')) return;
  if (vm.state !== 'Running') throw invalidParam(`Unable to ${action} VM ${vm.name}: it is ${vm.state}`);
}

export const rebootHandler: AsyncHandler<C['rebootVirtualMachine']> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.id);
    checkRunning(vm, 'reboot', true);
    return vmPlan(vm.id, null);
  },
  async execute(ctx, a) {
    const vm = await jobVm(ctx, a.id);
    checkRunning(vm, 'reboot');
    try {
      await (await driverFor(ctx.svc, vm.host_id!)).rebootVm(vm.host_id!, vm.id);
    } catch (e) {
      throw new ApiError(ErrorCode.ResourceUnavailable, `Unable to reboot VM ${vm.name}: ${(e as Error).message}`, CsErrorCode.ResourceUnavailable);
    }
    await vmEvent(ctx.svc, vm, { type: 'VM.REBOOT', state: 'Completed', description: `Rebooted VM ${vm.name}` }, ctx.caller.userId);
    return vmResult(ctx.svc, ctx, vm.id);
  },
  async recover(ctx, a) {
    const vm = await jobVm(ctx, a.id);
    await reconcileVm(ctx.svc, vm);
    return vmResult(ctx.svc, ctx, vm.id);
  },
};

interface DestroyPayload { expunge: boolean; volumeIds: string[] }

export const destroyHandler: AsyncHandler<C['destroyVirtualMachine'], DestroyPayload> = {
  async prepare(ctx, a) {
    if (a.expunge) requireAdminFor(ctx, 'expunge');
    const vm = await loadVm(ctx, a.id);
    if (vm.state !== 'Running' && !(vm.state === 'Destroyed' && a.expunge)) checkNow(vm, 'DestroyRequested');
    const ids = a.volumeids ?? [];
    if (ids.length) {
      const vols = await volumesOf(ctx.svc.db, vm.id);
      for (const id of ids) {
        const v = vols.find((x) => x.id === id);
        if (!v || v.type !== 'DATADISK') throw invalidParam(`Please specify volumes that are data disks attached to VM ${vm.name}: ${id}`);
      }
    }
    return vmPlan(vm.id, { expunge: !!a.expunge, volumeIds: ids });
  },
  async execute(ctx, a, pl) {
    const vm = await jobVm(ctx, a.id);
    await destroyVm(ctx.svc, vm, { expunge: pl.expunge, deleteVolumeIds: pl.volumeIds, userId: ctx.caller.userId });
    return vmResult(ctx.svc, ctx, vm.id);
  },
  async recover(ctx, a, pl) {
    const vm = await vmById(ctx.svc.db, a.id);
    if (!vm) return vmResult(ctx.svc, ctx, a.id);
    await reconcileVm(ctx.svc, vm);
    if (vm.removed === null && !(vm.state === 'Destroyed' && !pl.expunge)) {
      await destroyVm(ctx.svc, vm, { expunge: pl.expunge, deleteVolumeIds: pl.volumeIds, userId: ctx.caller.userId });
    }
    return vmResult(ctx.svc, ctx, vm.id);
  },
};

export const recoverHandler: SyncHandler<C['recoverVirtualMachine']> = async (ctx, a) => {
  requireAdminFor(ctx, 'recover');
  const vm = await loadVm(ctx, a.id);
  transitionVm(vm.state, 'RecoveryRequested', vm.name);
  const vols = (await volumesOf(ctx.svc.db, vm.id)).filter((v) => v.state === 'Destroy');
  await changeVmState(ctx.svc, vm, 'RecoveryRequested', { userId: ctx.caller.userId, also: async (db) => {
    for (const v of vols) {
      transitionVolume(v.state, 'RecoverRequested', v.name);
      await db.updateTable('volumes').set({ state: 'Ready' }).where('id', '=', v.id).where('state', '=', 'Destroy').execute();
    }
  } });
  notifyVolumes(ctx.svc, vols.map((v) => v.id), 'Ready');
  return vmResult(ctx.svc, ctx, vm.id);
};

const EXPUNGEABLE = new Set(['Destroyed', 'Error', 'Expunging']);

export const expungeHandler: AsyncHandler<C['expungeVirtualMachine']> = {
  async prepare(ctx, a) {
    requireAdminFor(ctx, 'expunge');
    const vm = await loadVm(ctx, a.id);
    if (!EXPUNGEABLE.has(vm.state)) throw invalidParam(`Unable to expunge VM ${vm.name}: it is ${vm.state}; destroy it first`);
    return vmPlan(vm.id, null);
  },
  async execute(ctx, a) {
    const vm = await vmById(ctx.svc.db, a.id);
    if (!vm) return; // expunged by an earlier job: the outcome the caller wants
    if (!EXPUNGEABLE.has(vm.state)) throw invalidParam(`Unable to expunge VM ${vm.name}: it is ${vm.state}; destroy it first`);
    await expungeVm(ctx.svc, vm, ctx.caller.userId);
  },
  async recover(ctx, a) {
    const vm = await vmById(ctx.svc.db, a.id);
    if (vm) await expungeVm(ctx.svc, vm, ctx.caller.userId);
  },
};
