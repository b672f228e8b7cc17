// createSnapshot, deleteSnapshot and revertSnapshot. Snapshots stay on the volume's primary storage; the driver
// takes, reverts and deletes them. The volume is Snapshotting (or RevertSnapshotting) while the driver works.
import { enforceInTx, limitGuard, RT } from '../../limits/index';
import type { AsyncHandler, CallContext, JobContext } from '../../kernel/handler';
import type { storageCommands } from '../../contract/commands/storage';
import type { SnapshotTable, VmTable, VolumeTable } from '../../db/schema';
import type { Services } from '../../kernel/services';
import { ApiError, invalidParam, notFound, resourceUnavailable } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { changeSnapshotState, changeVolumeState, transitionSnapshot, transitionVolume } from '../volume-states';
import { driverFor, hostForPool, volumeSpec } from '../vm/infra';
import { vmById } from '../vm/vm-rows';
import { loadVolume, volumeById } from './attach';
import { errText, hostForVolume } from './volume-ops';
import { snapshotObject } from './snapshot-view';
import { snapshotDirOf } from '../../catalog/image-files';
import { policyForSnapshot, pruneBeyondMaxSnaps } from './snapshot-retention';

type C = typeof storageCommands;

const pad = (n: number) => String(n).padStart(2, '0');
/** CloudStack's default snapshot name: <vm>_<volume>_<yyyyMMddHHmmss> (UTC). */
function defaultName(vmName: string | undefined, volName: string, ms: number): string {
  const d = new Date(ms);
  const ts = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `${vmName ?? 'detached'}_${volName}_${ts}`;
}

async function snapshotEvent(svc: Services, s: SnapshotTable, type: string, description: string, userId: string | null, level?: 'ERROR') {
  await svc.events.record({ type, description, level, state: 'Completed', resourceId: s.id, resourceType: 'Snapshot',
    resourceName: s.name, accountId: s.account_id, domainId: s.domain_id, userId })
    .catch((e) => svc.log.warn('could not record a snapshot event', { error: errText(e) }));
}

async function loadSnapshot(ctx: CallContext, id: string): Promise<SnapshotTable> {
  const s = await ctx.svc.db.selectFrom('snapshots').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!s) throw notFound(ctx.command, 'id', id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: s.account_id, domainId: s.domain_id });
  return s;
}

const snapshotById = (svc: Services, id: string) =>
  svc.db.selectFrom('snapshots').selectAll().where('id', '=', id).executeTakeFirst();

function checkSnapshottable(vol: VolumeTable, vm: VmTable | undefined): void {
  if (vol.state !== 'Ready') throw invalidParam(`VolumeId: ${vol.id} is not in Ready state but ${vol.state}. Cannot take snapshot.`);
  if (vm && vm.state !== 'Running' && vm.state !== 'Stopped') {
    throw invalidParam(`Unable to snapshot volume ${vol.name}: its VM ${vm.name} is ${vm.state}`);
  }
}

const locksOf = (snapId: string, vol: VolumeTable) =>
  [`snapshot:${snapId}`, `volume:${vol.id}`, ...(vol.vm_id ? [`vm:${vol.vm_id}`] : [])];

export const createSnapshotHandler: AsyncHandler<C['createSnapshot'], { volumeId: string; snapshotId: string; policyId?: string }> = {
  async prepare(ctx, a) {
    const svc = ctx.svc;
    const vol = await loadVolume(ctx, a.volumeid, 'volumeid');
    const vm = vol.vm_id ? await vmById(svc.db, vol.vm_id) : undefined;
    checkSnapshottable(vol, vm);
    // A snapshot taken for a policy is of the policy's interval type (HOURLY...), which its retention counts.
    const policy = a.policyid ? await policyForSnapshot(ctx, a.policyid, vol.id) : null;
    const type = policy?.intervalType ?? 'MANUAL';
    const id = svc.newId();
    const now = svc.clock.now();
    // Bounded by the owner's snapshot limit, checked under the count rows' lock in the insert's transaction.
    const guard = await limitGuard(svc, { accountId: vol.account_id, domainId: vol.domain_id }, { [RT.snapshot]: 1 });
    await svc.db.transaction().execute(async (tx) => {
      await enforceInTx(tx, guard, vol.domain_id);
      await tx.insertInto('snapshots').values({ id, name: a.name ?? defaultName(vm?.display_name || vm?.name, vol.name, now),
        volume_id: vol.id, state: 'Allocated', snapshot_type: type, interval_type: type, physical_size: 0,
        virtual_size: vol.size, account_id: vol.account_id, domain_id: vol.domain_id, zone_id: vol.zone_id, path: null,
        created: now, removed: null }).execute();
    });
    return { instanceType: 'Snapshot', instanceId: id, createdId: id, locks: locksOf(id, vol),
      payload: { volumeId: vol.id, snapshotId: id, ...(policy ? { policyId: policy.id } : {}) } };
  },
  async execute(ctx, _a, pl) {
    const svc = ctx.svc;
    const snap = await snapshotById(svc, pl.snapshotId);
    const vol = await volumeById(svc, pl.volumeId);
    if (!snap) throw invalidParam('The snapshot of this job was deleted');
    const fail = async (e: unknown) => {
      await changeSnapshotState(svc, snap, 'OperationFailed').catch(() => undefined);
      await snapshotEvent(svc, snap, 'SNAPSHOT.CREATE', `Failed to create snapshot ${snap.name}: ${errText(e)}`, ctx.caller.userId, 'ERROR');
      throw e instanceof ApiError ? e : new ApiError(ErrorCode.InternalError, `Failed to create snapshot ${snap.name}: ${errText(e)}`, CsErrorCode.InternalError);
    };
    if (!vol) return fail(invalidParam(`Unable to find volume ${pl.volumeId}: it was deleted`));
    const vm = vol.vm_id ? await vmById(svc.db, vol.vm_id) : undefined;
    try { checkSnapshottable(vol, vm); } catch (e) { return fail(e); }
    await changeSnapshotState(svc, snap, 'CreateRequested');
    await changeVolumeState(svc, vol, 'SnapshotRequested');
    let taken: { path: string; physicalSize: number };
    try {
      const host = await hostForVolume(svc, vol, vm);
      // Kept in the zone's image store (secondary storage) when this server reaches one, as CloudStack backs up
      // KVM snapshots; the copy's progress goes to the job.
      const dir = await snapshotDirOf(svc.db, vol.zone_id, vol.account_id, vol.id);
      let last = -1;
      const onProgress = (done: number, total: number) => {
        const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
        if (pct > last) { last = pct; void ctx.progress(pct).catch(() => undefined); }
      };
      taken = await (await driverFor(svc, host)).snapshotVolume(host, await volumeSpec(svc, vol), snap.id, { dir, onProgress });
    } catch (e) {
      await changeVolumeState(svc, vol, 'OperationFailed');
      return fail(e);
    }
    await changeVolumeState(svc, vol, 'OperationSucceeded');
    await changeSnapshotState(svc, snap, 'OperationSucceeded', { patch: { path: taken.path, physical_size: taken.physicalSize } });
    await snapshotEvent(svc, snap, 'SNAPSHOT.CREATE', `Created snapshot ${snap.name} of volume ${vol.name}`, ctx.caller.userId);
    if (pl.policyId) await pruneBeyondMaxSnaps(ctx, pl.policyId, vol.id, (id) => deleteSnap(ctx, id));
    return snapshotObject(svc, snap.id);
  },
  async recover(ctx, _a, pl) {
    const svc = ctx.svc;
    const vol = await volumeById(svc, pl.volumeId);
    if (vol?.state === 'Snapshotting') await changeVolumeState(svc, vol, 'OperationFailed');
    const snap = await snapshotById(svc, pl.snapshotId);
    if (snap && (snap.state === 'Allocated' || snap.state === 'Creating')) await changeSnapshotState(svc, snap, 'OperationFailed');
    throw new ApiError(ErrorCode.InternalError, 'Snapshot creation was interrupted by a management server restart; ' +
      'the snapshot is in Error state. Delete it and take a new one.', CsErrorCode.InternalError);
  },
};

/** A host that reaches the snapshot's primary storage (its volume's pool), or any Up host of the zone. */
async function hostForSnapshot(svc: Services, s: SnapshotTable): Promise<string> {
  const vol = await svc.db.selectFrom('volumes').select('pool_id').where('id', '=', s.volume_id).executeTakeFirst();
  if (vol?.pool_id) return hostForPool(svc, vol.pool_id);
  const h = await svc.db.selectFrom('hosts').select('id').where('zone_id', '=', s.zone_id).where('state', '=', 'Up')
    .where('removed', 'is', null).limit(1).executeTakeFirst();
  if (!h) throw resourceUnavailable(`No host of zone ${s.zone_id} is Up to delete snapshot ${s.name}`);
  return h.id;
}

async function deleteSnap(ctx: JobContext, id: string): Promise<void> {
  const svc = ctx.svc;
  const s = await snapshotById(svc, id);
  if (!s || s.removed !== null) return;
  if (s.state !== 'Destroying') await changeSnapshotState(svc, s, 'DestroyRequested');
  if (s.path) {
    try {
      const host = await hostForSnapshot(svc, s);
      await (await driverFor(svc, host)).deleteSnapshot(host, s.path);
    } catch (e) {
      await changeSnapshotState(svc, s, 'OperationFailed');
      throw new ApiError(ErrorCode.InternalError, `Failed to delete snapshot ${s.name}: ${errText(e)}`, CsErrorCode.InternalError);
    }
  }
  await changeSnapshotState(svc, s, 'OperationSucceeded', { patch: { removed: svc.clock.now() } });
  await snapshotEvent(svc, s, 'SNAPSHOT.DELETE', `Deleted snapshot ${s.name}`, ctx.caller.userId);
}

export const deleteSnapshotHandler: AsyncHandler<C['deleteSnapshot']> = {
  async prepare(ctx, a) {
    const s = await loadSnapshot(ctx, a.id);
    if (s.state !== 'Destroying') transitionSnapshot(s.state, 'DestroyRequested', s.name);
    return { instanceType: 'Snapshot', instanceId: s.id, locks: [`snapshot:${s.id}`], payload: null };
  },
  execute: (ctx, a) => deleteSnap(ctx, a.id),
  recover: (ctx, a) => deleteSnap(ctx, a.id),
};

async function revertRows(svc: Services, s: SnapshotTable) {
  const vol = await volumeById(svc, s.volume_id);
  if (!vol) throw invalidParam(`Unable to revert snapshot ${s.name}: its volume was deleted`);
  if (s.state !== 'BackedUp' || !s.path) throw invalidParam(`Unable to revert snapshot ${s.name}: it is ${s.state}`);
  const vm = vol.vm_id ? await vmById(svc.db, vol.vm_id) : undefined;
  if (vm && vm.state !== 'Stopped') throw invalidParam(`Unable to revert snapshot ${s.name}: VM ${vm.name} is ${vm.state}; stop it first`);
  // Reverting rewrites the volume's file, which would drop the VM snapshots kept inside it (CloudStack refuses too).
  if (vm && await svc.db.selectFrom('vm_snapshots').select('id').where('vm_id', '=', vm.id).where('removed', 'is', null).executeTakeFirst()) {
    throw invalidParam('Unable to revert snapshot for VM, please remove VM snapshots before reverting VM from snapshot');
  }
  transitionVolume(vol.state, 'RevertSnapshotRequested', vol.name);
  return { vol, vm };
}

export const revertSnapshotHandler: AsyncHandler<C['revertSnapshot']> = {
  async prepare(ctx, a) {
    const s = await loadSnapshot(ctx, a.id);
    const { vol } = await revertRows(ctx.svc, s);
    return { instanceType: 'Snapshot', instanceId: s.id, locks: locksOf(s.id, vol), payload: null };
  },
  async execute(ctx, a) {
    const svc = ctx.svc;
    const s = await snapshotById(svc, a.id);
    if (!s || s.removed !== null) throw invalidParam(`Unable to find snapshot ${a.id}: it was deleted`);
    const { vol, vm } = await revertRows(svc, s);
    await changeVolumeState(svc, vol, 'RevertSnapshotRequested');
    try {
      const host = await hostForVolume(svc, vol, vm);
      await (await driverFor(svc, host)).revertSnapshot(host, await volumeSpec(svc, vol), s.path!);
    } catch (e) {
      await changeVolumeState(svc, vol, 'OperationFailed');
      throw new ApiError(ErrorCode.InternalError, `Failed to revert snapshot ${s.name}: ${errText(e)}`, CsErrorCode.InternalError);
    }
    await changeVolumeState(svc, vol, 'OperationSucceeded');
    await snapshotEvent(svc, s, 'SNAPSHOT.REVERT', `Reverted volume ${vol.name} to snapshot ${s.name}`, ctx.caller.userId);
    return snapshotObject(svc, s.id);
  },
  async recover(ctx, a) {
    const s = await snapshotById(ctx.svc, a.id);
    const vol = s && await volumeById(ctx.svc, s.volume_id);
    if (vol?.state === 'RevertSnapshotting') await changeVolumeState(ctx.svc, vol, 'OperationFailed');
    throw new ApiError(ErrorCode.InternalError, 'Revert of the snapshot was interrupted by a management server restart; ' +
      'the volume content is unknown. Run the command again.', CsErrorCode.InternalError);
  },
};
