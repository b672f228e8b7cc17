// What a schedule acts on must still be there when it runs: the schedules of an expunged VM or a deleted volume
// stop for good (removed, with an event); a destroyed (recoverable) VM's runs fail until it is recovered.
import type { ScheduleTable } from '../db/schema';
import type { Services } from '../kernel/services';

export interface TargetProblem { remove: boolean; reason: string }

export async function checkScheduleTarget(svc: Services, row: ScheduleTable): Promise<TargetProblem | null> {
  if (!row.resource_id) return null;
  if (row.resource_type === 'VirtualMachine') {
    const vm = await svc.db.selectFrom('vms').select(['state', 'removed']).where('id', '=', row.resource_id).executeTakeFirst();
    if (!vm || vm.removed !== null || vm.state === 'Expunging') {
      return { remove: true, reason: `Schedule removed: virtual machine ${row.resource_id} no longer exists` };
    }
    if (vm.state === 'Destroyed') return { remove: false, reason: `Scheduled ${row.action} not run: virtual machine ${row.resource_id} is destroyed` };
  }
  if (row.resource_type === 'Volume') {
    const vol = await svc.db.selectFrom('volumes').select(['state', 'removed']).where('id', '=', row.resource_id).executeTakeFirst();
    if (!vol || vol.removed !== null || vol.state === 'Destroy' || vol.state === 'Expunged') {
      return { remove: true, reason: `Snapshot policy removed: volume ${row.resource_id} no longer exists` };
    }
  }
  return null;
}
