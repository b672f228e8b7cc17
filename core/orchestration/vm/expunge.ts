// Destroying and expunging VMs. Destroyed is recoverable (the root disk is kept, marked Destroy); expunging deletes
// the root disk, detaches data disks (CloudStack keeps them) and marks the VM removed.
import type { Kysely } from 'kysely';
import type { Database, VmTable, VolumeTable } from '../../db/schema';
import type { Services } from '../../kernel/services';
import { changeVmState } from '../vm-states';
import { notifyVolumes, transitionVolume } from '../volume-states';
import { expungeVolume } from '../storage/volume-ops';
import { driverFor } from './infra';
import { stopVm } from './power';
import { volumesOf } from './vm-rows';
import { deleteNicsOf } from '../../network/nics';

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Detaches a data volume row from its VM (the VM is not running, so no driver call is needed). */
export async function detachRow(db: Kysely<Database>, volumeId: string): Promise<void> {
  await db.updateTable('volumes').set({ vm_id: null, device_id: null, attached: null }).where('id', '=', volumeId).execute();
}

/** Marks volumes with storage Destroy in the transaction that destroys their VM. */
function destroyVolumes(vols: VolumeTable[]) {
  return async (db: Kysely<Database>) => {
    for (const v of vols) {
      if (v.type !== 'ROOT' || v.state !== 'Ready') continue;
      transitionVolume(v.state, 'DestroyRequested', v.name);
      await db.updateTable('volumes').set({ state: 'Destroy' }).where('id', '=', v.id).where('state', '=', 'Ready').execute();
    }
  };
}

/** Expunging -> removed: the host forgets the VM, its root disk is deleted, its data disks are detached. */
export async function expungeVm(svc: Services, vm: VmTable, userId?: string | null): Promise<void> {
  if (vm.state !== 'Expunging') await changeVmState(svc, vm, 'ExpungeOperation', { userId });
  const host = vm.host_id ?? vm.last_host_id;
  if (host) {
    await (await driverFor(svc, host)).destroyVm(host, vm.id)
      .catch((e) => svc.log.warn(`expunge of VM ${vm.name}: host ${host} could not destroy it`, { error: errText(e) }));
  }
  for (const v of await volumesOf(svc.db, vm.id)) {
    if (v.type === 'ROOT') await expungeVolume(svc, v, host);
    else await detachRow(svc.db, v.id);
  }
  // The NICs go with the row, freeing their addresses for other VMs.
  await changeVmState(svc, vm, 'ExpungeOperation', { userId, patch: { removed: svc.clock.now(), host_id: null },
    also: (db) => deleteNicsOf(db, vm.id) });
}

/**
 * Running -> (stop) -> Destroyed, or Error -> Expunging -> removed. Data volumes named in `deleteVolumeIds` are
 * detached and deleted; with `expunge` the VM is expunged at once.
 */
export async function destroyVm(svc: Services, vm: VmTable, opts: { expunge?: boolean; deleteVolumeIds?: string[]; userId?: string | null }): Promise<void> {
  const userId = opts.userId ?? null;
  if (vm.state === 'Running') await stopVm(svc, vm, { userId });
  if (vm.state === 'Error' || vm.state === 'Expunging') {
    if (vm.state === 'Error') await changeVmState(svc, vm, 'DestroyRequested', { userId });
    await deleteVolumes(svc, vm, opts.deleteVolumeIds);
    await expungeVm(svc, vm, userId);
    return;
  }
  if (vm.state !== 'Destroyed') {
    const vols = await volumesOf(svc.db, vm.id);
    await changeVmState(svc, vm, 'DestroyRequested', { userId, also: destroyVolumes(vols) });
    notifyVolumes(svc, vols.filter((v) => v.type === 'ROOT' && v.state === 'Ready').map((v) => v.id), 'Destroy');
  }
  await deleteVolumes(svc, vm, opts.deleteVolumeIds);
  if (opts.expunge) await expungeVm(svc, vm, userId);
}

async function deleteVolumes(svc: Services, vm: VmTable, ids: string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const vols = await svc.db.selectFrom('volumes').selectAll().where('id', 'in', ids).where('vm_id', '=', vm.id)
    .where('removed', 'is', null).execute();
  for (const v of vols) {
    await detachRow(svc.db, v.id);
    await expungeVolume(svc, { ...v, vm_id: null, device_id: null }, vm.last_host_id);
  }
}
