// Fencing (reference §7.2): before a Down host's VMs are started elsewhere they are marked Stopped in the database
// and their capacity released, so nothing places them twice; and when that host's agent comes back, whatever VM it
// still runs is killed before the host is Up again, so no VM ever runs on two hosts and no disk is opened by two
// QEMUs for longer than the host took to return (QEMU's image locks refuse a second writer meanwhile on a shared
// folder). Only a host whose agent link is gone and whose storage heartbeat stopped is declared Down
// (ha-monitor.ts), so the VMs killed here were already given up for dead.
import type { Services } from '../kernel/services';
import type { VmTable } from '../db/schema';
import type { PowerState } from '../hypervisors/driver';
import { changeVmState } from '../orchestration/vm-states';
import { cpuMhzOf, memBytesOf } from '../orchestration/vm/vm-rows';

const ON_HOST = ['Running', 'Starting', 'Stopping', 'Migrating'];
const ALERT_USERVM = { type: 8, name: 'ALERT.USERVM' };
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Marks every VM the database places on a Down host Stopped (capacity released); returns them. */
export async function fenceVmsOfDownHost(svc: Services, h: { id: string; name: string }): Promise<VmTable[]> {
  const vms = await svc.db.selectFrom('vms').selectAll().where('host_id', '=', h.id).where('removed', 'is', null)
    .where('state', 'in', ON_HOST).execute();
  const fenced: VmTable[] = [];
  for (const vm of vms) {
    try {
      await changeVmState(svc, vm, 'AgentReportStopped', { reason: `its host ${h.name} is Down`, patch: { host_id: null, last_host_id: h.id } });
    } catch (e) {
      svc.log.warn(`fencing: VM ${vm.name} changed meanwhile`, { error: errText(e) });
      continue;
    }
    await svc.planner.release(h.id, cpuMhzOf(vm), memBytesOf(vm), vm.cpu_number);
    fenced.push(vm);
  }
  return fenced;
}

type Call = (method: 'vmPowerStates' | 'stopVm', args: unknown[]) => Promise<unknown>;

/** A host that was Down reconnects: kill every VM it runs that the database does not place on it. */
export async function fenceReturningHost(svc: Services, h: { id: string; name: string; zone_id: string }, call: Call): Promise<string[]> {
  const power = (await call('vmPowerStates', [h.id])) as Map<string, PowerState>;
  const on = [...power].filter(([, s]) => s === 'PowerOn').map(([id]) => id);
  if (on.length === 0) return [];
  const placed = new Set((await svc.db.selectFrom('vms').select('id').where('id', 'in', on).where('host_id', '=', h.id)
    .where('removed', 'is', null).where('state', 'in', ON_HOST).execute()).map((r) => r.id));
  const killed: string[] = [];
  for (const id of on.filter((v) => !placed.has(v))) {
    try {
      await call('stopVm', [h.id, id, { forced: true }]);
      killed.push(id);
    } catch (e) {
      svc.log.error(`fencing: could not kill VM ${id} on returning host ${h.name}`, { error: errText(e) });
    }
  }
  if (killed.length > 0) {
    await svc.events.alert({ ...ALERT_USERVM, zoneId: h.zone_id,
      description: `Host ${h.name} came back after it was declared Down: killed ${killed.length} VM process(es) it still ran (${killed.join(', ')}); HA had restarted or stopped them` });
  }
  return killed;
}
