// VM snapshot rows: loading with CloudStack's not-found and access rules, the state machine (VMSnapshot.State),
// and the checks createVMSnapshot and revertToVMSnapshot make against the VM (VMSnapshotManagerImpl's rules).
import type { VmSnapshotTable, VmTable } from '../../db/schema';
import type { CallContext } from '../../kernel/handler';
import type { Services } from '../../kernel/services';
import { ApiError, invalidParam } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';

export type VmSnapshotState = 'Allocated' | 'Creating' | 'Ready' | 'Reverting' | 'Expunging' | 'Error' | 'Removed';
export type VmSnapshotEvent = 'CreateRequested' | 'RevertRequested' | 'ExpungeRequested' | 'OperationSucceeded' | 'OperationFailed';

const TABLE: Record<VmSnapshotState, Partial<Record<VmSnapshotEvent, VmSnapshotState>>> = {
  Allocated: { CreateRequested: 'Creating', OperationFailed: 'Error', ExpungeRequested: 'Expunging' },
  Creating: { OperationSucceeded: 'Ready', OperationFailed: 'Error' },
  Ready: { RevertRequested: 'Reverting', ExpungeRequested: 'Expunging' },
  Reverting: { OperationSucceeded: 'Ready', OperationFailed: 'Ready' },
  Expunging: { OperationSucceeded: 'Removed', OperationFailed: 'Error', ExpungeRequested: 'Expunging' },
  Error: { ExpungeRequested: 'Expunging' },
  Removed: {},
};

/** A snapshot being created, reverted or deleted holds the VM: CloudStack refuses other VM snapshot work. */
const ACTIVE = ['Allocated', 'Creating', 'Reverting', 'Expunging'];

export const vmSnapshotById = (svc: Services, id: string) =>
  svc.db.selectFrom('vm_snapshots').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();

/** A live VM snapshot the caller may act on; CloudStack's text when there is none. */
export async function loadVmSnapshot(ctx: CallContext, id: string): Promise<VmSnapshotTable> {
  const s = await vmSnapshotById(ctx.svc, id);
  if (!s) throw invalidParam(`unable to find the vm snapshot with id ${id}`);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: s.account_id, domainId: s.domain_id });
  return s;
}

/** Moves a snapshot along the state machine, only from the state it was read in (a racing change is refused). */
export async function changeVmSnapshotState(svc: Services, s: Pick<VmSnapshotTable, 'id' | 'name' | 'state'>, event: VmSnapshotEvent,
  patch: Partial<Pick<VmSnapshotTable, 'removed'>> = {}): Promise<VmSnapshotState> {
  const to = TABLE[s.state as VmSnapshotState]?.[event];
  if (to === undefined) throw invalidParam(`VM snapshot ${s.name} cannot go from ${s.state} on ${event}`);
  const r = await svc.db.updateTable('vm_snapshots').set({ state: to, ...patch }).where('id', '=', s.id)
    .where('state', '=', s.state).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new ApiError(ErrorCode.InternalError, `VM snapshot ${s.name} changed state meanwhile`, CsErrorCode.InternalError);
  s.state = to;
  return to;
}

/** Makes `id` the VM's current snapshot (the one it was last taken from or reverted to); null: none is. */
export async function markCurrent(svc: Services, vmId: string, id: string | null): Promise<void> {
  await svc.db.updateTable('vm_snapshots').set({ current: 0 }).where('vm_id', '=', vmId).where('current', '=', 1).execute();
  if (id) await svc.db.updateTable('vm_snapshots').set({ current: 1 }).where('id', '=', id).execute();
}

export async function checkNoActiveTask(svc: Services, vmId: string, exceptId?: string): Promise<void> {
  let q = svc.db.selectFrom('vm_snapshots').select('id').where('vm_id', '=', vmId).where('removed', 'is', null)
    .where('state', 'in', ACTIVE);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) {
    throw new ApiError(ErrorCode.InternalError, 'There is other active vm snapshot tasks on the instance, please try again later', CsErrorCode.InternalError);
  }
}

/** createVMSnapshot's checks of the VM's state (KVM: a running VM is snapshotted with its memory). */
export function checkSnapshotState(vm: VmTable, memory: boolean): void {
  if (vm.state !== 'Running' && vm.state !== 'Stopped') {
    throw invalidParam(`Creating vm snapshot failed due to VM:${vm.id} is not in the running or Stopped state`);
  }
  if (memory && vm.state !== 'Running') throw invalidParam('Can not snapshot memory when VM is not in Running state');
  if (vm.hypervisor === 'KVM' && vm.state === 'Running' && !memory) {
    throw invalidParam('KVM VM does not allow to take a disk-only snapshot when VM is in running state');
  }
}

/** revertToVMSnapshot's checks: a running VM goes back to a memory snapshot, a stopped one to a disk snapshot. */
export function checkRevertState(vm: VmTable, s: VmSnapshotTable): void {
  if (s.state !== 'Ready') throw invalidParam('VM Snapshot reverting failed due to vm snapshot is not in the Ready state');
  if (vm.state !== 'Running' && vm.state !== 'Stopped') {
    throw invalidParam('VM Snapshot reverting failed due to vm is not in the state of Running or Stopped.');
  }
  if ((vm.state === 'Running' && s.type === 'Disk') || (vm.state === 'Stopped' && s.type === 'DiskAndMemory')) {
    throw invalidParam('VM Snapshot revert not allowed. This will result in VM state change. You can revert running VM to ' +
      'disk and memory type snapshot and stopped VM to disk type snapshot');
  }
}
