// Attaching and detaching data volumes. An Allocated volume gets storage when it is attached to a VM that already
// has storage (on a pool its cluster reaches); attached to a VM that never started, it stays Allocated and is
// created when the VM first starts.
import type { AsyncHandler, CallContext, JobContext } from '../../kernel/handler';
import type { storageCommands } from '../../contract/commands/storage';
import type { VmTable, VolumeTable } from '../../db/schema';
import type { Services } from '../../kernel/services';
import { ApiError, invalidParam, notFound } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { driverFor, volumeSpec } from '../vm/infra';
import { loadVm, vmById } from '../vm/vm-rows';
import { clusterOfVm, createOnPool, errText, resetCreating, volumeEvent } from './volume-ops';
import { volumeObject } from './volume-view';

type C = typeof storageCommands;

/** Device slots for data disks: 1..15, 3 being CloudStack's CD-ROM slot. */
const MAX_DEVICE = 15;
const CDROM_DEVICE = 3;

export async function loadVolume(ctx: CallContext, id: string, param = 'id'): Promise<VolumeTable> {
  const v = await volumeById(ctx.svc, id);
  if (!v) throw notFound(ctx.command, param, id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: v.account_id, domainId: v.domain_id });
  return v;
}

export const volumeById = (svc: Services, id: string) =>
  svc.db.selectFrom('volumes').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();

/** The device slot to use: the requested one if free and valid, else the lowest free one. */
async function deviceFor(svc: Services, vm: VmTable, wanted: number | undefined): Promise<number> {
  const used = new Set((await svc.db.selectFrom('volumes').select('device_id').where('vm_id', '=', vm.id)
    .where('removed', 'is', null).execute()).map((r) => r.device_id));
  if (wanted !== undefined) {
    if (wanted === 0) throw invalidParam('deviceId 0 is reserved for the root volume');
    if (wanted === CDROM_DEVICE) throw invalidParam(`deviceId ${CDROM_DEVICE} is reserved for the CD-ROM`);
    if (wanted < 0 || wanted > MAX_DEVICE) throw invalidParam(`deviceId must be between 1 and ${MAX_DEVICE}`);
    if (used.has(wanted)) throw invalidParam(`deviceId ${wanted} is already in use on VM ${vm.name}`);
    return wanted;
  }
  for (let d = 1; d <= MAX_DEVICE; d++) if (d !== CDROM_DEVICE && !used.has(d)) return d;
  throw invalidParam(`Maximum number of data volumes (${MAX_DEVICE - 1}) reached for VM ${vm.name}`);
}

const hasVmSnapshots = async (svc: Services, vmId: string) => (await svc.db.selectFrom('vm_snapshots').select('id')
  .where('vm_id', '=', vmId).where('removed', 'is', null).executeTakeFirst()) !== undefined;

/** The checks CloudStack makes before attaching (texts as CloudStack words them). */
export function checkAttachable(vol: VolumeTable, vm: VmTable): void {
  if (vol.vm_id) throw invalidParam('Please specify a volume that is not attached to any VM.');
  if (vol.type !== 'DATADISK') throw invalidParam('Please specify a volume with the valid type: DATADISK');
  if (vol.state !== 'Allocated' && vol.state !== 'Ready') {
    throw invalidParam(`Volume state must be in Allocated or Ready state to attach; volume ${vol.name} is ${vol.state}`);
  }
  if (vm.state !== 'Running' && vm.state !== 'Stopped') throw invalidParam('Please specify a VM that is either running or stopped.');
  if (vm.zone_id !== vol.zone_id) throw invalidParam('Please specify a VM that is in the same zone as the volume.');
  if (vm.account_id !== vol.account_id) throw invalidParam(`Volume ${vol.name} and VM ${vm.name} belong to different accounts`);
}

/** Gives the volume storage if its VM has some, plugs it into a running VM and records the attachment. */
export async function attachToVm(ctx: CallContext, vol: VolumeTable, vm: VmTable, wanted?: number): Promise<void> {
  const svc = ctx.svc;
  checkAttachable(vol, vm);
  const device = await deviceFor(svc, vm, wanted);
  if (vol.state === 'Allocated') {
    const cluster = await clusterOfVm(svc, vm);
    const vmHasStorage = vm.state === 'Running' || cluster !== null;
    if (vmHasStorage) await createOnPool(svc, vol, { clusterId: cluster, preferHost: vm.host_id ?? vm.last_host_id });
  }
  if (vm.state === 'Running' && vm.host_id) {
    try {
      await (await driverFor(svc, vm.host_id)).attachVolume(vm.host_id, vm.id, { ...(await volumeSpec(svc, vol)), deviceId: device });
    } catch (e) {
      throw new ApiError(ErrorCode.InternalError, `Failed to attach volume ${vol.name} to VM ${vm.name}: ${errText(e)}`, CsErrorCode.InternalError);
    }
  }
  const now = svc.clock.now();
  const r = await svc.db.updateTable('volumes').set({ vm_id: vm.id, device_id: device, attached: now })
    .where('id', '=', vol.id).where('vm_id', 'is', null).where('removed', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    throw new ApiError(ErrorCode.InternalError, `Volume ${vol.name} was attached or deleted meanwhile`, CsErrorCode.ConcurrentOperation);
  }
  Object.assign(vol, { vm_id: vm.id, device_id: device, attached: now });
  await volumeEvent(svc, vol, 'VOLUME.ATTACH', `Attached volume ${vol.name} to VM ${vm.name}`, ctx.caller.userId);
}

async function jobRows(ctx: JobContext, volumeId: string, vmId: string | null) {
  const vol = await volumeById(ctx.svc, volumeId);
  if (!vol) throw invalidParam(`Unable to find volume ${volumeId}: it was deleted`);
  const vm = vmId ? await vmById(ctx.svc.db, vmId) : undefined;
  if (vmId && !vm) throw invalidParam(`Unable to find VM ${vmId}: it was expunged`);
  return { vol, vm };
}

export const attachHandler: AsyncHandler<C['attachVolume'], { deviceId?: number }> = {
  async prepare(ctx, a) {
    const vol = await loadVolume(ctx, a.id);
    const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
    checkAttachable(vol, vm);
    // A VM snapshot covers the disks the VM had: a disk added later would not be in it (CloudStack refuses too).
    if (await hasVmSnapshots(ctx.svc, vm.id)) throw invalidParam('Unable to attach volume, please specify a VM that does not have VM snapshots');
    await deviceFor(ctx.svc, vm, a.deviceid);
    return { instanceType: 'Volume', instanceId: vol.id, locks: [`volume:${vol.id}`, `vm:${vm.id}`], payload: { deviceId: a.deviceid } };
  },
  async execute(ctx, a, pl) {
    const { vol, vm } = await jobRows(ctx, a.id, a.virtualmachineid);
    if (vol.vm_id !== vm!.id) await attachToVm(ctx, vol, vm!, pl.deviceId);
    return volumeObject(ctx.svc, ctx.caller, vol.id);
  },
  async recover(ctx, a, pl) {
    const { vol, vm } = await jobRows(ctx, a.id, a.virtualmachineid);
    if (vol.vm_id === vm!.id) return volumeObject(ctx.svc, ctx.caller, vol.id);
    await resetCreating(ctx.svc, vol);
    return attachHandler.execute(ctx, a, pl);
  },
};

/** Unplugs a volume from its VM (from the running guest first) and clears the attachment. */
async function detach(ctx: CallContext, vol: VolumeTable, vm: VmTable | undefined): Promise<void> {
  const svc = ctx.svc;
  if (vm && vm.state === 'Running' && vm.host_id && vol.path) {
    try {
      await (await driverFor(svc, vm.host_id)).detachVolume(vm.host_id, vm.id, await volumeSpec(svc, vol));
    } catch (e) {
      throw new ApiError(ErrorCode.InternalError, `Failed to detach volume ${vol.name} from VM ${vm.name}: ${errText(e)}`, CsErrorCode.InternalError);
    }
  }
  await svc.db.updateTable('volumes').set({ vm_id: null, device_id: null, attached: null }).where('id', '=', vol.id).execute();
  await volumeEvent(svc, vol, 'VOLUME.DETACH', `Detached volume ${vol.name}${vm ? ` from VM ${vm.name}` : ''}`, ctx.caller.userId);
}

export const detachHandler: AsyncHandler<C['detachVolume'], { volumeId: string; vmId: string }> = {
  async prepare(ctx, a) {
    let vol: VolumeTable | undefined;
    if (a.id) vol = await loadVolume(ctx, a.id);
    else if (a.virtualmachineid && a.deviceid !== undefined) {
      const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
      vol = await ctx.svc.db.selectFrom('volumes').selectAll().where('vm_id', '=', vm.id).where('device_id', '=', a.deviceid)
        .where('removed', 'is', null).executeTakeFirst();
      if (!vol) throw invalidParam(`Unable to find a volume with device id ${a.deviceid} on VM ${vm.name}`);
    } else {
      throw invalidParam('Please provide either a volume id, or a tuple(device id, instance id)');
    }
    if (!vol.vm_id) throw invalidParam('Please specify a volume that is attached to a VM.');
    if (vol.type === 'ROOT') throw invalidParam(`Please specify a data volume: the root volume ${vol.name} cannot be detached`);
    const vm = await vmById(ctx.svc.db, vol.vm_id);
    if (vm && await hasVmSnapshots(ctx.svc, vm.id)) throw invalidParam('Unable to detach volume, please specify a VM that does not have VM snapshots');
    if (vm && vm.state !== 'Running' && vm.state !== 'Stopped' && vm.state !== 'Destroyed') {
      throw invalidParam(`Please specify a VM that is either running or stopped; VM ${vm.name} is ${vm.state}`);
    }
    return { instanceType: 'Volume', instanceId: vol.id, locks: [`volume:${vol.id}`, `vm:${vol.vm_id}`],
      payload: { volumeId: vol.id, vmId: vol.vm_id } };
  },
  async execute(ctx, _a, pl) {
    const vol = await volumeById(ctx.svc, pl.volumeId);
    if (!vol) throw invalidParam(`Unable to find volume ${pl.volumeId}: it was deleted`);
    if (vol.vm_id === pl.vmId) await detach(ctx, vol, await vmById(ctx.svc.db, pl.vmId));
    return volumeObject(ctx.svc, ctx.caller, vol.id);
  },
  async recover(ctx, a, pl) {
    return detachHandler.execute(ctx, a, pl);
  },
};
