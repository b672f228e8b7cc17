// listHostMaintenancePlan (our extension, README): a dry run of prepareHostForMaintenance, so the console can show
// before the operator confirms where each VM would go. It runs the same refusals (precheckMaintenance) and the same
// planner as the evacuation (migrateVirtualMachine's candidates and least-allocated choice), in the evacuation's
// order, counting what earlier VMs of the plan would take on each destination; nothing is reserved or written. The
// real evacuation may still differ when other work changes the cluster meanwhile; its jobs and events say what
// happened.
import type { SyncHandler } from '../kernel/handler';
import type { maintenanceCommands } from '../contract/commands/maintenance';
import type { HostMaintenancePlan } from '../contract/responses';
import { settingValue } from '../kernel/settings';
import { candidates, leastAllocated, type PlannedUse } from '../orchestration/vm/migrate';
import { cpuMhzOf, memBytesOf } from '../orchestration/vm/vm-rows';
import { localStorageVms, precheckMaintenance, vmsOn } from './maintenance';

type C = typeof maintenanceCommands;

/** Why no destination fits, from the candidates' flags (the most telling reason first). */
function noTargetReason(list: Awaited<ReturnType<typeof candidates>>, clusterName: string): string {
  if (list.length === 0) return `no other host of the same hypervisor in cluster ${clusterName} reaches its storage`;
  const usable = list.filter((c) => c.h.state === 'Up' && c.h.resource_state === 'Enabled');
  if (usable.length === 0) {
    return `no other host that reaches its storage is Up and Enabled (${list.map((c) => `${c.h.name}: ${c.h.state}, ${c.h.resource_state}`).join('; ')})`;
  }
  const allowed = usable.filter((c) => c.allowed);
  if (allowed.length === 0) return `its affinity groups rule out every other host (${usable.map((c) => c.h.name).join(', ')})`;
  return `not enough free CPU or memory on ${allowed.map((c) => c.h.name).join(', ')}`;
}

export const listHostMaintenancePlanHandler = (async (ctx, a) => {
  const svc = ctx.svc;
  const h = await precheckMaintenance(ctx, a.id);
  const vms = await vmsOn(svc, h.id);
  const local = await localStorageVms(svc, vms.map((v) => v.id));
  const stopUnmovable = (await settingValue(svc, 'host.maintenance.unmovable.vm.strategy')).toLowerCase() !== 'error';
  const planned: PlannedUse = new Map();
  const items: HostMaintenancePlan[] = [];
  for (const vm of vms) {
    const base = { virtualmachineid: vm.id, virtualmachinename: vm.name, state: vm.state };
    if (vm.state !== 'Running') {
      items.push({ ...base, action: 'Block', reason: `it is ${vm.state} (another job is working on it)` });
      continue;
    }
    if (local.has(vm.id)) {
      items.push({ ...base, action: 'Stop', reason: 'it uses the host\'s local storage (host.maintenance.local.storage.strategy=ForceStop)' });
      continue;
    }
    const list = await candidates(svc, vm, planned);
    const best = leastAllocated(list);
    if (best) {
      const use = planned.get(best.h.id) ?? { cpu: 0, mem: 0 };
      planned.set(best.h.id, { cpu: use.cpu + cpuMhzOf(vm), mem: use.mem + memBytesOf(vm) });
      items.push({ ...base, action: 'Migrate', hostid: best.h.id, hostname: best.h.name });
      continue;
    }
    const why = `no suitable host to migrate it to: ${noTargetReason(list, h.cluster_name)}`;
    items.push(stopUnmovable ? { ...base, action: 'Stop', reason: `${why} (host.maintenance.unmovable.vm.strategy=Stop)` }
      : { ...base, action: 'Block', reason: `${why}; the host would go to ErrorInMaintenance (host.maintenance.unmovable.vm.strategy=Error)` });
  }
  return { count: items.length, items };
}) as SyncHandler<C['listHostMaintenancePlan']>;
