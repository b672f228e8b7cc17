// Converging the database with what a host actually runs, after a management server restart (or an agent
// reconnect): VMs the database has Running there whose process is gone become Stopped (their capacity returns);
// VMs the host runs that the database does not place there, and volume files in its pools that no volume owns,
// raise alerts (listAlerts) for an operator to look at: they are never killed or deleted automatically.
// Transitional states (Starting, Stopping, Migrating...) are reconcileVms' job, not this one.
import type { Services } from '../kernel/services';
import type { HypervisorDriver } from '../hypervisors/driver';
import { connectSpec, reconnectHost } from './host-connect';
import { localPoolPath } from '../infrastructure/storage-url';
import { driverForHost } from '../hypervisors/registry';
import { changeVmState } from '../orchestration/vm-states';
import { cpuMhzOf, memBytesOf } from '../orchestration/vm/vm-rows';
import { onVmStoppedUnexpectedly } from './vm-ha';

/** CloudStack alert types (listAlerts `type`). */
const ALERT_USERVM = 8;
const ALERT_STORAGE_MISC = 12;

/** VM states in which a process on the host is expected. */
const ON_HOST = new Set(['Running', 'Starting', 'Stopping', 'Migrating']);

export interface HostSyncResult { stopped: string[]; orphanVms: string[]; orphanFiles: string[] }

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

type HostRow = { id: string; name: string; hypervisor: string; zone_id: string; pod_id: string; cluster_id: string };

async function stopGoneVms(svc: Services, h: HostRow, running: Set<string>): Promise<string[]> {
  const rows = await svc.db.selectFrom('vms').selectAll().where('host_id', '=', h.id).where('state', '=', 'Running')
    .where('removed', 'is', null).execute();
  const stopped: string[] = [];
  for (const vm of rows.filter((r) => !running.has(r.id))) {
    try {
      await changeVmState(svc, vm, 'AgentReportStopped', { reason: `its process is gone from host ${h.name}`,
        patch: { host_id: null, last_host_id: h.id } });
      await svc.planner.release(h.id, cpuMhzOf(vm), memBytesOf(vm), vm.cpu_number);
      stopped.push(vm.id);
      onVmStoppedUnexpectedly(svc, vm, h.name);
    } catch (e) {
      svc.log.warn(`host sync: could not mark VM ${vm.name} Stopped`, { error: errText(e) });
    }
  }
  return stopped;
}

async function alertOrphanVms(svc: Services, h: HostRow, running: string[]): Promise<string[]> {
  if (running.length === 0) return [];
  const rows = await svc.db.selectFrom('vms').select(['id', 'name', 'state', 'host_id', 'removed']).where('id', 'in', running).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const orphans: string[] = [];
  for (const id of running) {
    const r = byId.get(id);
    if (r && r.removed === null && r.host_id === h.id && ON_HOST.has(r.state)) continue;
    orphans.push(id);
    const what = !r ? 'is unknown to the database' : r.removed !== null ? `${r.name} was expunged` : `${r.name} is ${r.state} in the database`;
    await svc.events.alert({ type: ALERT_USERVM, name: 'ALERT.USERVM', zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id,
      description: `Orphan VM process on host ${h.name}: VM ${id} runs there but ${what}; stop it on the host or start the VM through the API` });
  }
  return orphans;
}

async function alertOrphanFiles(svc: Services, h: HostRow, driver: HypervisorDriver): Promise<string[]> {
  if (!driver.listPoolFiles) return [];
  const pools = await svc.db.selectFrom('storage_pools').select(['id', 'name', 'type', 'host', 'path']).where('removed', 'is', null)
    .where((eb) => eb.or([eb('cluster_id', '=', h.cluster_id),
      eb.and([eb('scope', '=', 'ZONE'), eb('zone_id', '=', h.zone_id), eb.or([eb('hypervisor', 'is', null), eb('hypervisor', '=', h.hypervisor)])])]))
    .execute();
  const found: string[] = [];
  for (const p of pools) {
    const files = await driver.listPoolFiles(h.id, localPoolPath(p)).catch(() => [] as string[]);
    if (files.length === 0) continue;
    // Destroyed (not yet expunged) volumes still own their files; template copies are the pool's linked-clone bases.
    const owned = new Set((await svc.db.selectFrom('volumes').select('path').where('pool_id', '=', p.id).where('removed', 'is', null)
      .where('path', 'is not', null).execute()).map((v) => v.path!.split('/').pop()));
    const orphans = files.filter((f) => !f.startsWith('template-') && !owned.has(f));
    if (orphans.length === 0) continue;
    found.push(...orphans);
    const shown = orphans.slice(0, 10).join(', ') + (orphans.length > 10 ? ` and ${orphans.length - 10} more` : '');
    await svc.events.alert({ type: ALERT_STORAGE_MISC, name: 'ALERT.STORAGE.MISC', zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id,
      description: `Orphan volume files in primary storage ${p.name} (${localPoolPath(p)}), seen from host ${h.name}: ${shown}; no volume uses them` });
  }
  return found;
}

/** Compares a host's report with the database and converges (see the top of this file). */
export async function syncHostVms(svc: Services, hostId: string): Promise<HostSyncResult> {
  const h = await svc.db.selectFrom('hosts').select(['id', 'name', 'hypervisor', 'url', 'zone_id', 'pod_id', 'cluster_id'])
    .where('id', '=', hostId).executeTakeFirstOrThrow();
  const driver = driverForHost(svc.drivers, h);
  const power = await driver.vmPowerStates(hostId);
  const running = [...power].filter(([, s]) => s === 'PowerOn').map(([id]) => id);
  const stopped = await stopGoneVms(svc, h, new Set(running));
  const orphanVms = await alertOrphanVms(svc, h, running);
  const orphanFiles = await alertOrphanFiles(svc, h, driver);
  if (stopped.length || orphanVms.length || orphanFiles.length) {
    svc.log.warn(`host ${h.name}: reconciled with the database`, { stopped: stopped.length, orphanVms: orphanVms.length, orphanFiles: orphanFiles.length });
  }
  return { stopped, orphanVms, orphanFiles };
}

/**
 * At start: hosts served by this process (the local KVM hosts) are connected again (their driver forgot them
 * with the previous process; running VMs are re-adopted from their pidfiles and QMP sockets), then synced.
 */
export async function reconcileLocalHosts(svc: Services, isLocal: (h: { hypervisor: string; url: string }) => boolean): Promise<HostSyncResult[]> {
  const hosts = (await svc.db.selectFrom('hosts').select(['id', 'name', 'url', 'hypervisor', 'state', 'details']).where('removed', 'is', null)
    .execute()).filter(isLocal);
  const out: HostSyncResult[] = [];
  for (const h of hosts) {
    try {
      if (h.state === 'Up') await driverForHost(svc.drivers, h).connectHost(connectSpec(h));
      else {
        const err = await reconnectHost(svc, h);
        if (err !== null) throw new Error(err);
      }
      out.push(await syncHostVms(svc, h.id));
    } catch (e) {
      svc.log.error(`could not reconnect local host ${h.name} at start`, { error: errText(e) });
    }
  }
  return out;
}
