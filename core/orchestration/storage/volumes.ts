// createVolume, resizeVolume and deleteVolume.
import { enforceInTx, limitGuard, releaseReservation, reservation, RT } from '../../limits/index';
import type { ArgsOf } from '../../contract/command';
import type { AsyncHandler, CallContext, JobContext, SyncHandler } from '../../kernel/handler';
import type { storageCommands } from '../../contract/commands/storage';
import type { DiskOfferingTable, SnapshotTable, VolumeTable } from '../../db/schema';
import { ApiError, insufficientCapacity, internalError, invalidParam, notFound, permissionDenied } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { isRootAdmin } from '../../identity/caller';
import { changeVolumeState, transitionVolume } from '../volume-states';
import { allocateOnPool, driverFor, GB, hostForPool, poolFacts, releasePoolBytes, reservePoolBytes, volumeSpec } from '../vm/infra';
import { checkOfferingUsable, loadVm, vmById } from '../vm/vm-rows';
import { attachToVm, checkAttachable, loadVolume, volumeById } from './attach';
import { errText, expungeVolume, hostForVolume, resetCreating, volumeEvent } from './volume-ops';
import { volumeObject } from './volume-view';
import type { Volume } from '../../contract/responses';

type C = typeof storageCommands;

async function diskOffering(ctx: CallContext, id: string, param = 'diskofferingid'): Promise<DiskOfferingTable> {
  const d = await ctx.svc.db.selectFrom('disk_offerings').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!d || d.state !== 'Active') throw notFound(ctx.command, param, id);
  return d;
}

/** The size a disk offering gives, or the custom size (GB) a customized one requires. */
function offeringSize(d: DiskOfferingTable, sizeGb: number | undefined): number {
  if (d.customized === 1) {
    if (sizeGb === undefined || sizeGb <= 0) throw invalidParam('This disk offering requires a custom size specified');
    return sizeGb * GB;
  }
  if (sizeGb !== undefined) throw invalidParam('This disk offering does not allow custom size');
  return d.disk_size;
}

interface CreatePayload { volumeId: string; vmId: string | null; snapshotId: string | null }

async function sourceSnapshot(ctx: CallContext, id: string): Promise<SnapshotTable> {
  const s = await ctx.svc.db.selectFrom('snapshots').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!s) throw notFound(ctx.command, 'snapshotid', id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: s.account_id, domainId: s.domain_id });
  if (s.state !== 'BackedUp') throw invalidParam(`Snapshot ${s.name} is ${s.state}; only a BackedUp snapshot can be used`);
  return s;
}

async function prepareCreate(ctx: CallContext, a: ArgsOf<C['createVolume']>) {
  const svc = ctx.svc;
  if (!a.diskofferingid && !a.snapshotid) throw invalidParam('Either disk Offering Id or snapshot Id must be passed whilst creating volume');
  const owner = await svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid, projectid: a.projectid });
  const vm = a.virtualmachineid ? await loadVm(ctx, a.virtualmachineid, 'virtualmachineid') : undefined;
  const snap = a.snapshotid ? await sourceSnapshot(ctx, a.snapshotid) : undefined;
  const srcVol = snap ? await svc.db.selectFrom('volumes').selectAll().where('id', '=', snap.volume_id).executeTakeFirst() : undefined;
  const zoneId = a.zoneid ?? snap?.zone_id ?? vm?.zone_id;
  if (!zoneId) throw invalidParam('Please specify the zone (zoneid) to create the volume in');
  const zone = await svc.db.selectFrom('zones').select(['id', 'allocation_state']).where('id', '=', zoneId).where('removed', 'is', null).executeTakeFirst();
  if (!zone) throw notFound(ctx.command, 'zoneid', zoneId);
  if (zone.allocation_state !== 'Enabled' && !isRootAdmin(ctx.caller)) throw permissionDenied(`Cannot perform this operation, Zone is currently disabled: ${zone.id}`);
  if (snap && snap.zone_id !== zoneId) throw invalidParam('The snapshot and the new volume must be in the same zone');
  const dof = a.diskofferingid ? await diskOffering(ctx, a.diskofferingid) : undefined;
  if (dof) await checkOfferingUsable(ctx, 'Disk', dof, zoneId);
  const size = snap ? Math.max(snap.virtual_size, a.size ? a.size * GB : 0) : offeringSize(dof!, a.size);
  const id = svc.newId();
  const now = svc.clock.now();
  const vol: VolumeTable = {
    id, name: a.name ?? id, type: 'DATADISK', state: 'Allocated', size, vm_id: null, device_id: null,
    disk_offering_id: dof?.id ?? srcVol?.disk_offering_id ?? null, pool_id: null, account_id: vm?.account_id ?? owner.accountId,
    domain_id: vm?.domain_id ?? owner.domainId, zone_id: zoneId, template_id: null, path: null,
    provisioning_type: dof?.provisioning_type ?? srcVol?.provisioning_type ?? 'thin', created: now, attached: null, removed: null,
  };
  if (vm) {
    if (a.account && vm.account_id !== owner.accountId) throw invalidParam(`Volume owner and VM ${vm.name} owner must be the same account`);
    checkAttachable(vol, vm);
  }
  // Bounded by the owner's volume and primary storage limits, checked under the count rows' lock with the insert.
  const guard = await limitGuard(svc, { accountId: vol.account_id, domainId: vol.domain_id }, { [RT.volume]: 1, [RT.primary_storage]: size });
  await svc.db.transaction().execute(async (tx) => {
    await enforceInTx(tx, guard, vol.domain_id);
    await tx.insertInto('volumes').values(vol).execute();
  });
  await volumeEvent(svc, vol, 'VOLUME.CREATE', `Created volume ${vol.name}`, ctx.caller.userId);
  const payload: CreatePayload = { volumeId: id, vmId: vm?.id ?? null, snapshotId: snap?.id ?? null };
  return { instanceType: 'Volume', instanceId: id, createdId: id, locks: [`volume:${id}`, ...(vm ? [`vm:${vm.id}`] : [])], payload };
}

/** Gives the volume storage next to the snapshot's volume and writes the snapshot's content into it. */
async function fillFromSnapshot(ctx: JobContext, vol: VolumeTable, snapId: string): Promise<void> {
  const svc = ctx.svc;
  const snap = await svc.db.selectFrom('snapshots').selectAll().where('id', '=', snapId).executeTakeFirst();
  const src = snap && await svc.db.selectFrom('volumes').select('pool_id').where('id', '=', snap.volume_id).executeTakeFirst();
  if (!snap?.path || snap.removed !== null) throw invalidParam(`Snapshot ${snapId} was deleted`);
  const cluster = src?.pool_id ? (await poolFacts(svc, src.pool_id)).clusterId : null;
  const poolId = await allocateOnPool(svc, { zoneId: vol.zone_id, clusterId: cluster, sizeBytes: vol.size, tags: [] });
  await changeVolumeState(svc, vol, 'CreateRequested', { patch: { pool_id: poolId } });
  try {
    const host = await hostForPool(svc, poolId);
    const driver = await driverFor(svc, host);
    const spec = await volumeSpec(svc, vol, poolId);
    spec.path = await driver.createVolume(host, spec);
    await driver.revertSnapshot(host, spec, snap.path);
    await changeVolumeState(svc, vol, 'OperationSucceeded', { patch: { path: spec.path } });
  } catch (e) {
    await releasePoolBytes(svc.db, poolId, vol.size);
    await changeVolumeState(svc, vol, 'OperationFailed', { patch: { pool_id: null } }).catch(() => undefined);
    throw new ApiError(ErrorCode.InternalError, `Failed to create volume ${vol.name} from snapshot ${snap.name}: ${errText(e)}`, CsErrorCode.InternalError);
  }
}

async function executeCreate(ctx: JobContext, _a: ArgsOf<C['createVolume']>, pl: CreatePayload): Promise<Volume> {
  const vol = await volumeById(ctx.svc, pl.volumeId);
  if (!vol) throw invalidParam(`Unable to find volume ${pl.volumeId}: it was deleted`);
  if (pl.snapshotId && vol.state === 'Allocated') await fillFromSnapshot(ctx, vol, pl.snapshotId);
  if (pl.vmId && vol.vm_id !== pl.vmId) {
    const vm = await vmById(ctx.svc.db, pl.vmId);
    if (!vm) throw invalidParam(`Unable to find VM ${pl.vmId}: it was expunged`);
    await attachToVm(ctx, vol, vm);
  }
  return volumeObject(ctx.svc, ctx.caller, vol.id);
}

export const createVolumeHandler: AsyncHandler<C['createVolume'], CreatePayload> = {
  prepare: prepareCreate,
  execute: executeCreate,
  async recover(ctx, a, pl) {
    await resetCreating(ctx.svc, await volumeById(ctx.svc, pl.volumeId));
    return executeCreate(ctx, a, pl);
  },
};

interface ResizePayload { size: number; offeringId: string | null; reservation?: string | null }

export const resizeHandler: AsyncHandler<C['resizeVolume'], ResizePayload> = {
  async prepare(ctx, a) {
    const vol = await loadVolume(ctx, a.id);
    if (vol.state !== 'Allocated') transitionVolume(vol.state, 'ResizeRequested', vol.name);
    let size: number;
    if (a.diskofferingid) size = offeringSize(await diskOffering(ctx, a.diskofferingid), a.size);
    else if (a.size !== undefined && a.size > 0) size = a.size * GB;
    else throw invalidParam('Please specify the new size (size, in GB) or a disk offering (diskofferingid)');
    if (size < vol.size && !a.shrinkok) {
      throw invalidParam(`Going from existing size of ${vol.size} to size of ${size} would shrink the volume. ` +
        'Need to sign off by supplying the shrinkok parameter with value of true.');
    }
    // Growing counts against the primary storage limit: held (reserved under the count row's lock) until the job
    // wrote the new size or failed, so concurrent resizes and deploys never pass the limit together.
    // Written with the job (AsyncPlan.write): the job's end or recovery releases it.
    const held = size > vol.size
      ? await reservation(ctx.svc, { accountId: vol.account_id, domainId: vol.domain_id }, { [RT.primary_storage]: size - vol.size }) : null;
    const locks = [`volume:${vol.id}`, ...(vol.vm_id ? [`vm:${vol.vm_id}`] : [])];
    return { instanceType: 'Volume', instanceId: vol.id, locks, payload: { size, offeringId: a.diskofferingid ?? null, reservation: held?.id ?? null },
      write: held?.write };
  },
  async execute(ctx, a, pl) {
    try {
      return await resizeVolume(ctx, a, pl);
    } finally {
      await releaseReservation(ctx.svc, pl.reservation);
    }
  },
  async recover(ctx, a, pl) {
    await releaseReservation(ctx.svc, pl.reservation);
    const vol = await volumeById(ctx.svc, a.id);
    if (vol?.state === 'Resizing') await changeVolumeState(ctx.svc, vol, 'OperationFailed');
    throw new ApiError(ErrorCode.InternalError, 'Resize of the volume was interrupted by a management server restart; ' +
      'it keeps its previous size. Run the command again.', CsErrorCode.InternalError);
  },
};

async function resizeVolume(ctx: JobContext, a: { id: string }, pl: ResizePayload) {
  const svc = ctx.svc;
  const vol = await volumeById(svc, a.id);
  if (!vol) throw invalidParam(`Unable to find volume ${a.id}: it was deleted`);
  const patch = { size: pl.size, ...(pl.offeringId ? { disk_offering_id: pl.offeringId } : {}) };
  if (vol.state === 'Allocated' || !vol.pool_id) {
    const r = await svc.db.updateTable('volumes').set(patch).where('id', '=', vol.id).where('state', '=', vol.state).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw internalError(`Volume ${vol.name} changed while it was being resized`);
  } else if (pl.size !== vol.size) {
    await resizeOnPool(ctx, vol, pl.size, patch);
  }
  await volumeEvent(svc, vol, 'VOLUME.RESIZE', `Resized volume ${vol.name} to ${pl.size} bytes`, ctx.caller.userId);
  return volumeObject(svc, ctx.caller, vol.id);
}

async function resizeOnPool(ctx: JobContext, vol: VolumeTable, size: number, patch: Partial<VolumeTable>): Promise<void> {
  const svc = ctx.svc;
  const delta = size - vol.size;
  if (delta > 0 && !(await reservePoolBytes(svc.db, vol.pool_id!, delta))) {
    throw insufficientCapacity(`Unable to resize volume ${vol.name}: its storage pool does not have ${delta} bytes free`);
  }
  const vm = vol.vm_id ? await vmById(svc.db, vol.vm_id) : undefined;
  await changeVolumeState(svc, vol, 'ResizeRequested');
  try {
    const host = await hostForVolume(svc, vol, vm);
    await (await driverFor(svc, host)).resizeVolume(host, await volumeSpec(svc, vol), size);
  } catch (e) {
    await changeVolumeState(svc, vol, 'OperationFailed');
    if (delta > 0) await releasePoolBytes(svc.db, vol.pool_id!, delta);
    throw new ApiError(ErrorCode.InternalError, `Failed to resize volume ${vol.name}: ${errText(e)}`, CsErrorCode.InternalError);
  }
  await changeVolumeState(svc, vol, 'OperationSucceeded', { patch });
  if (delta < 0) await releasePoolBytes(svc.db, vol.pool_id!, -delta);
}

export const deleteVolumeHandler: SyncHandler<C['deleteVolume']> = async (ctx, a) => {
  const vol = await loadVolume(ctx, a.id);
  if (vol.vm_id) throw invalidParam('Please specify a volume that is not attached to any VM.');
  transitionVolume(vol.state, 'ExpungingRequested', vol.name);
  await expungeVolume(ctx.svc, vol, null, ctx.caller.userId);
};
