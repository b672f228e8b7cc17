// Volume work shared by VM and volume commands: creating a volume on a pool, deleting it, attaching and detaching.
// Pool bytes are reserved when a volume gets storage (a path) and released when that storage is deleted.
import type { VolumeTable } from '../../db/schema';
import type { Services } from '../../kernel/services';
import { changeVolumeState } from '../volume-states';
import { allocateOnPool, driverFor, hostForPool, poolFacts, releasePoolBytes, volumeSpec } from '../vm/infra';
import { sweepTemplateCopies } from './template-copies';

export type VolumeRow = VolumeTable;

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Storage tags of a volume's disk offering (data disks) - every one must be on the pool. */
export async function volumeTags(svc: Services, v: Pick<VolumeTable, 'disk_offering_id'>): Promise<string[]> {
  if (!v.disk_offering_id) return [];
  const d = await svc.db.selectFrom('disk_offerings').select('tags').where('id', '=', v.disk_offering_id).executeTakeFirst();
  return d?.tags ? d.tags.split(',').map((t) => t.trim()).filter(Boolean) : [];
}

/**
 * Allocated -> Creating -> Ready: reserves room on a pool reachable from `clusterId` (or zone-wide), creates the
 * volume through a host of that pool and records pool and path. On failure the volume is Allocated again and the
 * pool reservation is returned.
 */
export async function createOnPool(svc: Services, vol: VolumeRow, where: { clusterId: string | null; preferHost?: string | null }): Promise<void> {
  const poolId = await allocateOnPool(svc, { zoneId: vol.zone_id, clusterId: where.clusterId, sizeBytes: vol.size,
    tags: await volumeTags(svc, vol) });
  try {
    await changeVolumeState(svc, vol, 'CreateRequested', { patch: { pool_id: poolId } });
  } catch (e) {
    await releasePoolBytes(svc.db, poolId, vol.size);
    throw e;
  }
  try {
    const host = await hostForPool(svc, poolId, where.preferHost);
    const path = await (await driverFor(svc, host)).createVolume(host, await volumeSpec(svc, vol, poolId));
    await changeVolumeState(svc, vol, 'OperationSucceeded', { patch: { path } });
  } catch (e) {
    await releasePoolBytes(svc.db, poolId, vol.size);
    await changeVolumeState(svc, vol, 'OperationFailed', { patch: { pool_id: null } }).catch(() => undefined);
    throw e;
  }
}

/**
 * Deletes a volume's storage (if it has any) and marks it Expunged and removed. Ready, Allocated, Destroy and
 * Error volumes may go; an Expunging one (an interrupted delete) is finished.
 */
export async function expungeVolume(svc: Services, vol: VolumeRow, preferHost?: string | null, userId?: string | null): Promise<void> {
  if (vol.state !== 'Expunging') await changeVolumeState(svc, vol, 'ExpungingRequested');
  if (vol.path && vol.pool_id) {
    try {
      const host = await hostForPool(svc, vol.pool_id, preferHost);
      await (await driverFor(svc, host)).deleteVolume(host, await volumeSpec(svc, vol));
    } catch (e) {
      await changeVolumeState(svc, vol, 'OperationFailed').catch(() => undefined);
      throw e;
    }
  }
  const hadStorage = !!(vol.path && vol.pool_id);
  await changeVolumeState(svc, vol, 'OperationSucceeded', { patch: { removed: svc.clock.now() } });
  if (hadStorage) await releasePoolBytes(svc.db, vol.pool_id!, vol.size);
  await volumeEvent(svc, vol, 'VOLUME.DELETE', `Deleted volume ${vol.name}`, userId);
  // The last volume of a deleted template may just have gone: its copies in primary storage are then garbage.
  if (vol.template_id) await sweepTemplateCopies(svc, vol.template_id);
}

/** Records a VOLUME.* action event owned by the volume's account. */
export async function volumeEvent(svc: Services, vol: Pick<VolumeTable, 'id' | 'name' | 'account_id' | 'domain_id'>,
  type: string, description: string, userId?: string | null, level?: 'INFO' | 'ERROR'): Promise<void> {
  await svc.events.record({ type, description, level, state: 'Completed', resourceId: vol.id, resourceType: 'Volume',
    resourceName: vol.name, accountId: vol.account_id, domainId: vol.domain_id, userId: userId ?? null })
    .catch((e) => svc.log.warn('could not record a volume event', { error: errText(e) }));
}

/** The host a volume's driver work should go to: the VM's host when it runs, else one that reaches the pool. */
export async function hostForVolume(svc: Services, vol: Pick<VolumeTable, 'pool_id'>, vm?: { host_id: string | null; last_host_id: string | null; state: string } | null): Promise<string> {
  if (vm && vm.state === 'Running' && vm.host_id) return vm.host_id;
  if (!vol.pool_id) throw new Error('volume has no storage pool');
  return hostForPool(svc, vol.pool_id, vm?.last_host_id ?? null);
}

/** The cluster new storage for a VM should be reachable from: its ROOT volume's pool or its host. */
export async function clusterOfVm(svc: Services, vm: { id: string; host_id: string | null; last_host_id: string | null; cluster_id: string | null }): Promise<string | null> {
  const root = await svc.db.selectFrom('volumes').select('pool_id').where('vm_id', '=', vm.id).where('type', '=', 'ROOT')
    .where('removed', 'is', null).executeTakeFirst();
  if (root?.pool_id) {
    const p = await poolFacts(svc, root.pool_id);
    if (p.clusterId) return p.clusterId;
  }
  return vm.cluster_id;
}

/** An interrupted creation: back to Allocated, returning the pool bytes reserved for it. */
export async function resetCreating(svc: Services, vol: VolumeRow | undefined): Promise<void> {
  if (vol?.state !== 'Creating') return;
  const pool = vol.pool_id;
  await changeVolumeState(svc, vol, 'OperationFailed', { patch: { pool_id: null, path: null } });
  if (pool) await releasePoolBytes(svc.db, pool, vol.size);
}

export { errText };
