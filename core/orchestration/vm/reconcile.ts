// Convergence after a management server restart: a VM (or volume, snapshot) left in a transitional state by an
// interrupted operation is moved to the state its host actually reports, and capacity held for it is returned.
// Job recover() handlers call reconcileVm for their VM; reconcileVms runs at start for the ones no job owns.
import type { VmTable } from '../../db/schema';
import type { PowerState } from '../../hypervisors/driver';
import type { Services } from '../../kernel/services';
import { changeVmState, TRANSITIONAL } from '../vm-states';
import { changeSnapshotState, changeVolumeState, VOLUME_TRANSITIONAL } from '../volume-states';
import { driverFor, hostFacts, releasePoolBytes } from './infra';
import { cpuMhzOf, memBytesOf, volumesOf } from './vm-rows';
import { expungeVm } from './expunge';

export interface ReconcileHint {
  /** Destination of an interrupted migration (the job's payload knows it). */
  targetHostId?: string | null;
}

/** Power reports per host, shared while reconciling many VMs so each host is asked once. */
export type PowerCache = Map<string, Promise<Map<string, PowerState> | null>>;

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function powerOf(svc: Services, hostId: string, vmId: string, cache: PowerCache): Promise<PowerState> {
  let p = cache.get(hostId);
  if (!p) {
    p = (async () => (await driverFor(svc, hostId)).vmPowerStates(hostId))().catch((e) => {
      svc.log.warn(`reconcile: host ${hostId} did not report its VMs`, { error: errText(e) });
      return null;
    });
    cache.set(hostId, p);
  }
  const m = await p;
  if (m === null) return 'PowerUnknown';
  // A VM the host does not know of is not running there.
  return m.get(vmId) ?? 'PowerOff';
}

const release = (svc: Services, vm: VmTable, hostId: string | null | undefined) =>
  hostId ? svc.planner.release(hostId, cpuMhzOf(vm), memBytesOf(vm), vm.cpu_number) : Promise.resolve();

async function toStopped(svc: Services, vm: VmTable, reason: string): Promise<void> {
  const host = vm.host_id;
  await changeVmState(svc, vm, 'AgentReportStopped', { reason, patch: { host_id: null, last_host_id: host ?? vm.last_host_id } });
  await release(svc, vm, host);
}

async function reconcileStarting(svc: Services, vm: VmTable, cache: PowerCache): Promise<void> {
  const host = vm.host_id;
  if (!host) {
    await changeVmState(svc, vm, 'OperationFailed', { reason: 'interrupted before a host was chosen' });
    return;
  }
  const power = await powerOf(svc, host, vm.id, cache);
  const vols = await volumesOf(svc.db, vm.id);
  if (power === 'PowerOn' && vols.every((v) => v.path)) {
    await changeVmState(svc, vm, 'AgentReportRunning', { reason: 'start interrupted by a restart', patch: { last_host_id: host } });
    return;
  }
  if (power === 'PowerOn') {
    // It runs, but the volumes created for it were never recorded: stop it so the next start creates them cleanly.
    await (await driverFor(svc, host)).stopVm(host, vm.id, { forced: true }).catch(() => undefined);
  }
  await toStopped(svc, vm, `start interrupted by a restart (host reports ${power})`);
}

async function reconcileMigrating(svc: Services, vm: VmTable, hint: ReconcileHint, cache: PowerCache): Promise<void> {
  const src = vm.host_id;
  const dst = hint.targetHostId ?? null;
  if (dst && (await powerOf(svc, dst, vm.id, cache)) === 'PowerOn') {
    const f = await hostFacts(svc, dst);
    await changeVmState(svc, vm, 'AgentReportRunning', { reason: 'migration interrupted by a restart',
      patch: { host_id: dst, last_host_id: dst, pod_id: f.podId, cluster_id: f.clusterId } });
    await release(svc, vm, src);
    return;
  }
  if (dst) await release(svc, vm, dst);
  if (src && (await powerOf(svc, src, vm.id, cache)) === 'PowerOn') {
    await changeVmState(svc, vm, 'AgentReportRunning', { reason: 'migration interrupted by a restart' });
    return;
  }
  await toStopped(svc, vm, 'migration interrupted by a restart');
}

/**
 * Moves a VM out of a transitional state according to its host's power report; a VM in a stable state is left
 * alone. Updates `vm` in place.
 */
export async function reconcileVm(svc: Services, vm: VmTable, hint: ReconcileHint = {}, cache: PowerCache = new Map()): Promise<void> {
  switch (vm.state) {
    case 'Starting': return reconcileStarting(svc, vm, cache);
    case 'Stopping': {
      const power = vm.host_id ? await powerOf(svc, vm.host_id, vm.id, cache) : 'PowerOff';
      if (power === 'PowerOn') await changeVmState(svc, vm, 'AgentReportRunning', { reason: 'stop interrupted by a restart' });
      else await toStopped(svc, vm, 'stop interrupted by a restart');
      return;
    }
    case 'Migrating': return reconcileMigrating(svc, vm, hint, cache);
    case 'Expunging': return expungeVm(svc, vm);
    case 'Restoring': await changeVmState(svc, vm, 'OperationFailed', { reason: 'interrupted by a restart' }); return;
    default: return;
  }
}

/** Lock keys held by jobs that have not finished (their recover() owns those resources). */
async function lockedKeys(svc: Services): Promise<Set<string>> {
  const rows = await svc.db.selectFrom('async_jobs').select('lock_keys').where('status', '=', 0).execute();
  const keys = new Set<string>();
  for (const r of rows) {
    try { for (const k of JSON.parse(r.lock_keys) as string[]) keys.add(k); } catch { /* malformed: ignore */ }
  }
  return keys;
}

/**
 * Called once at start, before the job manager resumes jobs: converges every VM, volume and snapshot that is in a
 * transitional state with no unfinished job holding it, so a restart never leaves one pending.
 */
export async function reconcileVms(svc: Services): Promise<{ vms: number; volumes: number; snapshots: number }> {
  const locked = await lockedKeys(svc);
  const cache: PowerCache = new Map();
  const vms = (await svc.db.selectFrom('vms').selectAll().where('removed', 'is', null)
    .where('state', 'in', [...TRANSITIONAL]).execute()).filter((v) => !locked.has(`vm:${v.id}`));
  for (const vm of vms) {
    try { await reconcileVm(svc, vm, {}, cache); } catch (e) { svc.log.error(`reconcile of VM ${vm.name} failed`, { error: errText(e) }); }
  }
  const vols = (await svc.db.selectFrom('volumes').selectAll().where('removed', 'is', null)
    .where('state', 'in', [...VOLUME_TRANSITIONAL]).execute()).filter((v) => !locked.has(`volume:${v.id}`));
  for (const v of vols) {
    try {
      // Creating goes back to Allocated (its storage, if any was made, is unknown); the others back to Ready.
      const hadPool = v.state === 'Creating' ? v.pool_id : null;
      await changeVolumeState(svc, v, 'OperationFailed', v.state === 'Creating' ? { patch: { pool_id: null, path: null } } : {});
      if (hadPool) await releasePoolBytes(svc.db, hadPool, v.size);
    } catch (e) { svc.log.error(`reconcile of volume ${v.name} failed`, { error: errText(e) }); }
  }
  const snaps = (await svc.db.selectFrom('snapshots').selectAll().where('removed', 'is', null)
    .where('state', 'in', ['Allocated', 'Creating', 'Destroying']).execute()).filter((s) => !locked.has(`snapshot:${s.id}`));
  for (const s of snaps) {
    try { await changeSnapshotState(svc, s, 'OperationFailed'); } catch (e) { svc.log.error(`reconcile of snapshot ${s.name} failed`, { error: errText(e) }); }
  }
  return { vms: vms.length, volumes: vols.length, snapshots: snaps.length };
}
