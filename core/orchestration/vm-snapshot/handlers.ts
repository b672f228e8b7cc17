// createVMSnapshot, revertToVMSnapshot and deleteVMSnapshot. prepare checks what CloudStack checks (431 at once);
// the job re-reads the VM (jobs on it run in order under its lock) and asks the driver of the host that holds
// the VM, or of one that reaches its root volume's pool when it is stopped, to do the work on all its volumes.
import type { AsyncHandler, JobContext } from '../../kernel/handler';
import type { vmSnapshotCommands } from '../../contract/commands/vm-snapshots';
import type { VmSnapshotTable, VmTable } from '../../db/schema';
import type { Services } from '../../kernel/services';
import type { VmSnapshotOp } from '../../hypervisors/driver';
import { ApiError, invalidParam } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { settingNumber } from '../../kernel/settings';
import { driverFor, volumeSpec } from '../vm/infra';
import { loadVm, vmById, volumesOf } from '../vm/vm-rows';
import { errText, hostForVolume } from '../storage/volume-ops';
import { vmResult } from '../vm/lifecycle';
import { vmSnapshotObject } from './view';
import {
  changeVmSnapshotState, checkNoActiveTask, checkRevertState, checkSnapshotState, loadVmSnapshot, markCurrent, vmSnapshotById,
} from './rows';

type C = typeof vmSnapshotCommands;

const pad = (n: number) => String(n).padStart(2, '0');
/** CloudStack's name: <instance name>_VS_<yyyyMMddHHmmss> (GMT). */
function snapshotName(instanceName: string, ms: number): string {
  const d = new Date(ms);
  return `${instanceName}_VS_${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

const locksOf = (s: { id: string; vm_id: string }) => [`vm:${s.vm_id}`, `vmsnapshot:${s.id}`];

async function jobVm(svc: Services, id: string): Promise<VmTable> {
  const vm = await vmById(svc.db, id);
  if (!vm) throw invalidParam(`Unable to find VM ${id}: it was expunged`);
  return vm;
}

/** Runs one operation on every volume of the VM through the driver of the host that can do it. */
async function runOp(svc: Services, vm: VmTable, action: VmSnapshotOp['action'], s: VmSnapshotTable): Promise<void> {
  const vols = (await volumesOf(svc.db, vm.id)).filter((v) => v.path !== null);
  const root = vols.find((v) => v.type === 'ROOT') ?? vols[0];
  if (!root) throw new Error(`VM ${vm.name} has no volume`);
  const host = await hostForVolume(svc, root, vm);
  const driver = await driverFor(svc, host);
  if (!driver.vmSnapshot) throw invalidParam(`VM snapshot is not enabled for hypervisor type: ${vm.hypervisor}`);
  const volumes = await Promise.all(vols.map((v) => volumeSpec(svc, v)));
  await driver.vmSnapshot(host, { action, vmId: vm.id, tag: s.id, memory: s.type === 'DiskAndMemory' && vm.state === 'Running', volumes });
}

async function snapshotEvent(svc: Services, s: VmSnapshotTable, type: string, description: string, userId: string | null, level?: 'ERROR') {
  await svc.events.record({ type, description, level, state: 'Completed', resourceId: s.vm_id, resourceType: 'VirtualMachine',
    resourceName: s.display_name, accountId: s.account_id, domainId: s.domain_id, userId })
    .catch((e) => svc.log.warn('could not record a VM snapshot event', { error: errText(e) }));
}

const failed = (what: string, e: unknown) => e instanceof ApiError ? e
  : new ApiError(ErrorCode.InternalError, `${what}: ${errText(e)}`, CsErrorCode.InternalError);

export const createVmSnapshotHandler: AsyncHandler<C['createVMSnapshot'], { snapshotId: string }> = {
  async prepare(ctx, a) {
    const svc = ctx.svc;
    const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
    const memory = a.snapshotmemory === true;
    if (!svc.drivers.get(vm.hypervisor).vmSnapshot) throw invalidParam(`VM snapshot is not enabled for hypervisor type: ${vm.hypervisor}`);
    const now = svc.clock.now();
    const name = snapshotName(vm.instance_name, now);
    const displayName = a.name ?? name;
    const same = await svc.db.selectFrom('vm_snapshots').select('id').where('vm_id', '=', vm.id).where('display_name', '=', displayName)
      .where('removed', 'is', null).executeTakeFirst();
    if (same) throw invalidParam(`Creating VM snapshot failed due to VM:${vm.id} already has a VM snapshot with name ${displayName}`);
    checkSnapshotState(vm, memory);
    const max = await settingNumber(svc, 'vmsnapshot.max');
    const have = await svc.db.selectFrom('vm_snapshots').select((eb) => eb.fn.countAll<number>().as('n')).where('vm_id', '=', vm.id)
      .where('removed', 'is', null).executeTakeFirstOrThrow();
    if (Number(have.n) >= max) {
      throw new ApiError(ErrorCode.InternalError, `Creating vm snapshot failed due to a VM can just have : ${max} VM snapshots. Please delete old ones`, CsErrorCode.InternalError);
    }
    await checkNoActiveTask(svc, vm.id);
    const parent = await svc.db.selectFrom('vm_snapshots').select('id').where('vm_id', '=', vm.id).where('current', '=', 1)
      .where('removed', 'is', null).executeTakeFirst();
    const id = svc.newId();
    const row: VmSnapshotTable = { id, name, display_name: displayName, description: a.description ?? null, vm_id: vm.id,
      account_id: vm.account_id, domain_id: vm.domain_id, zone_id: vm.zone_id, state: 'Allocated',
      type: memory ? 'DiskAndMemory' : 'Disk', current: 0, parent_id: parent?.id ?? null, created: now, removed: null };
    await svc.db.insertInto('vm_snapshots').values(row).execute();
    return { instanceType: 'VmSnapshot', instanceId: id, createdId: id, locks: locksOf(row), payload: { snapshotId: id } };
  },
  async execute(ctx, _a, pl) {
    const svc = ctx.svc;
    const s = await vmSnapshotById(svc, pl.snapshotId);
    if (!s) throw invalidParam('The VM snapshot of this job was deleted');
    const fail = async (e: unknown) => {
      await changeVmSnapshotState(svc, s, 'OperationFailed').catch(() => undefined);
      await snapshotEvent(svc, s, 'VMSNAPSHOT.CREATE', `Failed to create VM snapshot ${s.display_name}: ${errText(e)}`, ctx.caller.userId, 'ERROR');
      throw failed(`Create vm to snapshot failed due to ${s.display_name}`, e);
    };
    try {
      const vm = await jobVm(svc, s.vm_id);
      checkSnapshotState(vm, s.type === 'DiskAndMemory');
      await changeVmSnapshotState(svc, s, 'CreateRequested');
      await runOp(svc, vm, 'create', s);
    } catch (e) { return fail(e); }
    await changeVmSnapshotState(svc, s, 'OperationSucceeded');
    await markCurrent(svc, s.vm_id, s.id);
    await snapshotEvent(svc, s, 'VMSNAPSHOT.CREATE', `Created VM snapshot ${s.display_name}`, ctx.caller.userId);
    return vmSnapshotObject(svc, s.id);
  },
  async recover(ctx, _a, pl) {
    const s = await vmSnapshotById(ctx.svc, pl.snapshotId);
    if (s && (s.state === 'Allocated' || s.state === 'Creating')) await changeVmSnapshotState(ctx.svc, s, 'OperationFailed');
    throw new ApiError(ErrorCode.InternalError, 'VM snapshot creation was interrupted by a management server restart; the ' +
      'snapshot is in Error state. Delete it and take a new one.', CsErrorCode.InternalError);
  },
};

export const revertToVmSnapshotHandler: AsyncHandler<C['revertToVMSnapshot']> = {
  async prepare(ctx, a) {
    const s = await loadVmSnapshot(ctx, a.vmsnapshotid);
    checkRevertState(await jobVm(ctx.svc, s.vm_id), s);
    await checkNoActiveTask(ctx.svc, s.vm_id);
    return { instanceType: 'VmSnapshot', instanceId: s.id, locks: locksOf(s), payload: null };
  },
  async execute(ctx, a) {
    const svc = ctx.svc;
    const s = await vmSnapshotById(svc, a.vmsnapshotid);
    if (!s) throw invalidParam(`unable to find the vm snapshot with id ${a.vmsnapshotid}`);
    const vm = await jobVm(svc, s.vm_id);
    checkRevertState(vm, s);
    await changeVmSnapshotState(svc, s, 'RevertRequested');
    try {
      await runOp(svc, vm, 'revert', s);
    } catch (e) {
      await changeVmSnapshotState(svc, s, 'OperationFailed');
      throw failed(`Revert VM: ${vm.name} to snapshot: ${s.display_name} failed`, e);
    }
    await changeVmSnapshotState(svc, s, 'OperationSucceeded');
    await markCurrent(svc, vm.id, s.id);
    await snapshotEvent(svc, s, 'VMSNAPSHOT.REVERTTO', `Reverted VM ${vm.name} to snapshot ${s.display_name}`, ctx.caller.userId);
    return vmResult(svc, ctx, vm.id);
  },
  async recover(ctx, a) {
    const s = await vmSnapshotById(ctx.svc, a.vmsnapshotid);
    if (s?.state === 'Reverting') await changeVmSnapshotState(ctx.svc, s, 'OperationFailed');
    throw new ApiError(ErrorCode.InternalError, 'Revert to the VM snapshot was interrupted by a management server restart; ' +
      'run the command again.', CsErrorCode.InternalError);
  },
};

async function deleteSnap(ctx: JobContext, id: string): Promise<void> {
  const svc = ctx.svc;
  const s = await vmSnapshotById(svc, id);
  if (!s) return;
  if (s.state !== 'Expunging') await changeVmSnapshotState(svc, s, 'ExpungeRequested');
  const vm = await vmById(svc.db, s.vm_id);
  try {
    if (vm) await runOp(svc, vm, 'delete', s);
  } catch (e) {
    await changeVmSnapshotState(svc, s, 'OperationFailed');
    throw failed(`Failed to delete vm snapshot ${s.display_name}`, e);
  }
  // Its children now hang from its parent, which becomes current when it was (CloudStack's chain).
  await svc.db.updateTable('vm_snapshots').set({ parent_id: s.parent_id }).where('parent_id', '=', s.id).execute();
  if (s.current === 1) await markCurrent(svc, s.vm_id, s.parent_id);
  await changeVmSnapshotState(svc, s, 'OperationSucceeded', { removed: svc.clock.now() });
  await snapshotEvent(svc, s, 'VMSNAPSHOT.DELETE', `Deleted VM snapshot ${s.display_name}`, ctx.caller.userId);
}

export const deleteVmSnapshotHandler: AsyncHandler<C['deleteVMSnapshot']> = {
  async prepare(ctx, a) {
    const s = await loadVmSnapshot(ctx, a.vmsnapshotid);
    if (s.state !== 'Ready' && s.state !== 'Expunging' && s.state !== 'Error') {
      throw invalidParam(`Can't delete the vm snapshot ${s.id} due to it is not in Created or Error, or Expunging State`);
    }
    await checkNoActiveTask(ctx.svc, s.vm_id, s.state === 'Expunging' ? s.id : undefined);
    return { instanceType: 'VmSnapshot', instanceId: s.id, locks: locksOf(s), payload: null };
  },
  execute: (ctx, a) => deleteSnap(ctx, a.vmsnapshotid),
  recover: (ctx, a) => deleteSnap(ctx, a.vmsnapshotid),
};
