// VM high availability (reference §7.2): a VM whose offering has offerha=true (vms.ha_enable) is started again when
// it stops without being asked to (its QEMU died on a healthy host) or when its host is declared Down. The restart is
// an ordinary startVirtualMachine job run as the root admin (CloudStack runs it as its system user): the planner
// places it (its last host first when that one can take it), within capacity. Each restart writes an HA.VM.RESTART
// event when it starts and when it ends; a failed one also raises a USERVM alert (type 8).
// Throttling: a VM that keeps dying is restarted at most max.retries times within time.between.failures seconds
// (CloudStack's setting names); past that it stays Stopped with an HA.VM.RESTART ERROR event and a USERVM alert,
// until someone starts it. The restarts are counted in the database (vm_ha_restarts), so every management server
// sharing it counts the same ones.
import type { Services } from '../kernel/services';
import type { VmTable } from '../db/schema';
import { rootAdminCaller } from '../identity/root-admin';
import { vmEvent } from '../orchestration/vm-states';
import { parseDetails } from '../orchestration/vm/vm-rows';
import { settingNumber } from '../kernel/settings';
import { runVmJob, withConcurrency } from './vm-jobs';

type HaVm = Pick<VmTable, 'id' | 'name' | 'ha_enable' | 'account_id' | 'domain_id' | 'zone_id' | 'details' | 'created'>;
const ALERT_USERVM = { type: 8, name: 'ALERT.USERVM' };

/** Counts this restart against the VM's window; null when allowed, else the text of why it is throttled. */
async function throttle(svc: Services, vm: HaVm): Promise<string | null> {
  const max = await settingNumber(svc, 'max.retries');
  const windowS = await settingNumber(svc, 'time.between.failures');
  const since = Date.now() - windowS * 1000;
  await svc.db.deleteFrom('vm_ha_restarts').where('vm_id', '=', vm.id).where('restarted', '<', since).execute();
  const { n } = await svc.db.selectFrom('vm_ha_restarts').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('vm_id', '=', vm.id).executeTakeFirstOrThrow();
  if (Number(n) >= max) {
    return `HA gave up restarting VM ${vm.name}: it was restarted ${Number(n)} times within the last ${windowS} s ` +
      `(max.retries=${max}, time.between.failures=${windowS}); it stays Stopped until it is started by hand`;
  }
  await svc.db.insertInto('vm_ha_restarts').values({ vm_id: vm.id, restarted: Date.now(), ms_id: svc.config.msId }).execute();
  return null;
}

/** Restarts one HA VM; resolves with whether it runs again. */
export async function haRestartVm(svc: Services, vm: HaVm, why: string): Promise<boolean> {
  if (vm.ha_enable !== 1) return false;
  const caller = await rootAdminCaller(svc);
  const throttled = await throttle(svc, vm);
  if (throttled !== null) {
    await vmEvent(svc, vm, { type: 'HA.VM.RESTART', state: 'Completed', level: 'ERROR', description: `${throttled} (last failure: ${why})` }, caller.userId);
    await svc.events.alert({ ...ALERT_USERVM, zoneId: vm.zone_id, description: throttled });
    return false;
  }
  await vmEvent(svc, vm, { type: 'HA.VM.RESTART', state: 'Started', level: 'WARN', description: `HA: restarting VM ${vm.name}: ${why}` }, caller.userId);
  const r = await runVmJob({ svc, caller, command: 'startVirtualMachine' }, 'startVirtualMachine', { id: vm.id });
  if (r.ok) {
    const host = await svc.db.selectFrom('vms as v').innerJoin('hosts as h', 'h.id', 'v.host_id').select('h.name')
      .where('v.id', '=', vm.id).executeTakeFirst();
    await vmEvent(svc, vm, { type: 'HA.VM.RESTART', state: 'Completed', level: 'INFO',
      description: `HA: VM ${vm.name} runs again${host ? ` on host ${host.name}` : ''} (job ${r.jobId})` }, caller.userId);
    return true;
  }
  const text = `HA could not restart VM ${vm.name}: ${r.error}`;
  await vmEvent(svc, vm, { type: 'HA.VM.RESTART', state: 'Completed', level: 'ERROR', description: text }, caller.userId);
  await svc.events.alert({ ...ALERT_USERVM, zoneId: vm.zone_id, description: text });
  return false;
}

/** HA order: the VM detail `ha.priority` (higher first), then the oldest VM first. */
export function haOrder<T extends Pick<HaVm, 'details' | 'created'>>(vms: T[]): T[] {
  const prio = (v: T) => Number(parseDetails(v.details)['ha.priority'] ?? 0) || 0;
  return [...vms].sort((a, b) => prio(b) - prio(a) || a.created - b.created);
}

/** Restarts HA VMs in priority order, ha.workers at a time (the first ones claim the capacity first). */
export async function haRestartAll(svc: Services, vms: HaVm[], why: string): Promise<{ restarted: number; failed: number }> {
  let restarted = 0;
  let failed = 0;
  await withConcurrency(haOrder(vms.filter((v) => v.ha_enable === 1)), await settingNumber(svc, 'ha.workers'), async (vm) => {
    if (await haRestartVm(svc, vm, why)) restarted++;
    else failed++;
  });
  return { restarted, failed };
}

/** Called when a VM was found stopped without a stop request (power report): HA VMs are restarted in the background. */
export function onVmStoppedUnexpectedly(svc: Services, vm: HaVm, hostName: string): void {
  if (vm.ha_enable !== 1) return;
  void haRestartVm(svc, vm, `its process exited on host ${hostName} without a stop request`)
    .catch((e: Error) => svc.log.error(`HA restart of VM ${vm.name} failed`, { error: e.message }));
}
