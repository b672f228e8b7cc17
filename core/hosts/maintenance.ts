// prepareHostForMaintenance and cancelHostMaintenance (reference §6.3 and §7.1).
//
// prepare checks what CloudStack checks (each refusal a 431 with the reason, the host unchanged), then claims the
// host through the database: in one transaction that first locks the cluster row, no other host of the cluster may
// be preparing, and the host moves Enabled/Disabled -> PrepareForMaintenance only if it is still where it was read.
// So two requests, on one management server or on several sharing the database, never prepare two hosts of a
// cluster at once. The job then evacuates the host: each running VM is live-migrated by its own
// migrateVirtualMachine job (ha.workers at a time) to the least allocated suitable host of its storage's cluster;
// a VM that cannot move is stopped or keeps the host in ErrorInMaintenance (host.maintenance.unmovable.vm.strategy),
// with the reason in the host's events. The host reaches Maintenance once nothing runs on it.
import { sql } from 'kysely';
import type { AsyncHandler, CallContext, JobContext } from '../kernel/handler';
import type { maintenanceCommands } from '../contract/commands/maintenance';
import type { Services } from '../kernel/services';
import type { VmTable } from '../db/schema';
import { invalidParam, notFound } from '../kernel/errors';
import { settingNumber, settingValue } from '../kernel/settings';
import { canResourceState, nextResourceState, type ResourceStateEvent } from './host-states';
import { hostView, formatHost, type HostView } from './host-format';
import { runVmJob, withConcurrency } from './vm-jobs';
import { haTag, hostHaOf, isHaHost } from './host-ha';
import type { Host } from '../contract/responses';

type C = typeof maintenanceCommands;
const PREPARING = ['PrepareForMaintenance', 'ErrorInPrepareForMaintenance'];
const IN_MAINTENANCE = [...PREPARING, 'Maintenance', 'ErrorInMaintenance'];
/** VM states with a process on the host. */
const ON_HOST = ['Running', 'Starting', 'Stopping', 'Migrating'];
const HOST_ALERT = { type: 7, name: 'ALERT.COMPUTE.HOST' };

async function hostById(ctx: CallContext, id: string): Promise<HostView> {
  const h = await hostView(ctx.svc.db, id);
  if (h === undefined || h.removed !== null) throw notFound(ctx.command, 'id', id);
  return h;
}

export async function hostAnswer(svc: Services, id: string): Promise<Host> {
  const h = (await hostView(svc.db, id))!;
  return formatHost(h, new Set(['all']), { ha: (await hostHaOf(svc, [h])).get(h.id), haHost: isHaHost(h.host_tags, await haTag(svc)) });
}

export async function hostEvent(svc: Services, h: { id: string; name: string }, type: string, description: string,
  o: { level?: 'INFO' | 'WARN' | 'ERROR'; state?: 'Started' | 'Completed'; userId?: string | null } = {}): Promise<void> {
  await svc.events.record({ type, description, level: o.level ?? 'INFO', state: o.state ?? 'Completed',
    resourceId: h.id, resourceType: 'Host', resourceName: h.name, userId: o.userId ?? null });
}

/** Moves the host's resource state by `event` if it is still one of `from`; false when it changed meanwhile. */
export async function moveResourceState(svc: Services, hostId: string, from: string[], event: ResourceStateEvent): Promise<boolean> {
  for (const f of from) {
    if (!canResourceState(f, event)) continue;
    const r = await svc.db.updateTable('hosts').set({ resource_state: nextResourceState(f, event) }).where('id', '=', hostId)
      .where('resource_state', '=', f).where('removed', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) > 0) {
      svc.caches.infraVersion.changed();
      svc.events.notify({ kind: 'state', resourceType: 'Host', resourceId: hostId, state: nextResourceState(f, event) });
      return true;
    }
  }
  return false;
}

/** VMs whose volumes sit on the host's local storage (a HOST-scope pool): they cannot be live-migrated. */
export async function localStorageVms(svc: Services, vmIds: string[]): Promise<Set<string>> {
  if (vmIds.length === 0) return new Set();
  const rows = await svc.db.selectFrom('volumes as v').innerJoin('storage_pools as p', 'p.id', 'v.pool_id').select('v.vm_id')
    .where('v.vm_id', 'in', vmIds).where('v.removed', 'is', null).where('p.scope', '=', 'HOST').execute();
  return new Set(rows.map((r) => r.vm_id!));
}

export async function vmsOn(svc: Services, hostId: string): Promise<VmTable[]> {
  return svc.db.selectFrom('vms').selectAll().where('host_id', '=', hostId).where('removed', 'is', null)
    .where('state', 'in', ON_HOST).orderBy('created').execute();
}

/** §7.1's pre-checks about the host's VMs. */
async function checkVms(svc: Services, h: HostView): Promise<void> {
  const vms = await svc.db.selectFrom('vms').select(['id', 'name', 'state']).where('host_id', '=', h.id).where('removed', 'is', null)
    .where('state', 'in', ['Starting', 'Stopping', 'Error', 'Unknown']).execute();
  if (vms.length > 0) {
    throw invalidParam(`Unable to prepare host ${h.name} for maintenance: VM ${vms[0].name} is ${vms[0].state}` +
      `${vms.length > 1 ? ` (and ${vms.length - 1} more VMs are starting, stopping or in error)` : ''}; wait for it or fix it first`);
  }
  const running = (await vmsOn(svc, h.id)).map((v) => v.id);
  const local = await localStorageVms(svc, running);
  if (local.size > 0 && (await settingValue(svc, 'host.maintenance.local.storage.strategy')).toLowerCase() !== 'forcestop') {
    throw invalidParam(`Unable to prepare host ${h.name} for maintenance: ${local.size} running VM(s) use its local storage; ` +
      'stop them, or set host.maintenance.local.storage.strategy to ForceStop');
  }
}

/** Refuses when another host of the cluster is being prepared (read inside the claim's transaction, or alone). */
async function checkOtherPreparing(db: Services['db'], h: HostView): Promise<void> {
  const other = await db.selectFrom('hosts').select(['name', 'resource_state']).where('cluster_id', '=', h.cluster_id)
    .where('id', '!=', h.id).where('removed', 'is', null).where('resource_state', 'in', PREPARING).executeTakeFirst();
  if (other) {
    throw invalidParam(`Host ${other.name} of cluster ${h.cluster_name} is being prepared for maintenance (${other.resource_state}); ` +
      'one host of a cluster is prepared at a time: wait for it to reach Maintenance or cancel it');
  }
}

/** The claim: one transaction that locks the cluster row, so hosts of one cluster are prepared one at a time. */
async function claim(svc: Services, h: HostView): Promise<void> {
  await svc.db.transaction().execute(async (tx) => {
    await tx.updateTable('clusters').set({ name: sql`name` }).where('id', '=', h.cluster_id).execute();
    await checkOtherPreparing(tx, h);
    const r = await tx.updateTable('hosts').set({ resource_state: nextResourceState(h.resource_state, 'AdminAskMaintenance') })
      .where('id', '=', h.id).where('resource_state', '=', h.resource_state).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw invalidParam(`Host ${h.name} changed state meanwhile; try again`);
  });
  svc.caches.infraVersion.changed();
  svc.events.notify({ kind: 'state', resourceType: 'Host', resourceId: h.id, state: 'PrepareForMaintenance' });
}

type Unmovable = { vm: VmTable; reason: string };

/** Moves one VM off the host; returns why it could not, or null once it is gone (migrated or stopped). */
async function evacuateVm(ctx: JobContext, h: HostView, listed: VmTable, local: boolean, stopUnmovable: boolean): Promise<string | null> {
  // Re-read: another job may have moved or stopped it since the list was taken; one in a transition is left to
  // its job (stopping a VM that a user is migrating would stop it on its new host).
  const vm = await ctx.svc.db.selectFrom('vms').selectAll().where('id', '=', listed.id).executeTakeFirst();
  if (!vm || vm.removed !== null || vm.host_id !== h.id || vm.state === 'Stopped') return null;
  if (vm.state !== 'Running') return `it is ${vm.state} (another job is working on it)`;
  let reason: string;
  if (local) {
    reason = 'it uses the host\'s local storage (host.maintenance.local.storage.strategy=ForceStop)';
  } else {
    // A second try covers a destination another migration filled between choosing and reserving.
    let r = await runVmJob(ctx, 'migrateVirtualMachine', { virtualmachineid: vm.id });
    if (!r.ok && /enough free CPU or memory/.test(r.error ?? '')) r = await runVmJob(ctx, 'migrateVirtualMachine', { virtualmachineid: vm.id });
    if (r.ok) return null;
    reason = r.error ?? 'migration failed';
  }
  if (!local && !stopUnmovable) return reason;
  const s = await runVmJob(ctx, 'stopVirtualMachine', { id: vm.id, forced: local });
  if (!s.ok) return `${reason}; stopping it failed too: ${s.error}`;
  await hostEvent(ctx.svc, h, 'MAINT.PREPARE', `Stopped VM ${vm.name} for the maintenance of host ${h.name}: it could not be migrated: ${reason}`,
    { level: 'WARN', userId: ctx.caller.userId });
  return null;
}

/** Evacuates the host and settles its resource state; the same steps after a restart (recover). */
async function evacuate(ctx: JobContext, hostId: string): Promise<Host> {
  const svc = ctx.svc;
  const h = await hostById(ctx, hostId);
  if (!PREPARING.includes(h.resource_state)) return hostAnswer(svc, h.id); // cancelled before the job ran
  const vms = await vmsOn(svc, h.id);
  const local = await localStorageVms(svc, vms.map((v) => v.id));
  const stopUnmovable = (await settingValue(svc, 'host.maintenance.unmovable.vm.strategy')).toLowerCase() !== 'error';
  const workers = await settingNumber(svc, 'ha.workers');
  const stuck: Unmovable[] = [];
  let done = 0;
  await withConcurrency(vms, workers, async (vm) => {
    // cancelHostMaintenance stops the evacuation: the VMs already moved stay where they are (as CloudStack does).
    const now = await svc.db.selectFrom('hosts').select('resource_state').where('id', '=', h.id).executeTakeFirst();
    if (!now || !PREPARING.includes(now.resource_state)) return;
    const why = await evacuateVm(ctx, h, vm, local.has(vm.id), stopUnmovable);
    if (why !== null) stuck.push({ vm, reason: why });
    await ctx.progress((++done / vms.length) * 99);
  });
  const left = await vmsOn(svc, h.id);
  if (left.length === 0) {
    if (await moveResourceState(svc, h.id, PREPARING, 'InternalEnterMaintenance')) {
      await hostEvent(svc, h, 'MAINT.PREPARE', `Host ${h.name} is in Maintenance: ${vms.length} VM(s) moved off`, { userId: ctx.caller.userId });
    }
    return hostAnswer(svc, h.id);
  }
  const reasons = stuck.length > 0 ? stuck.map((s) => `VM ${s.vm.name}: ${s.reason}`)
    : left.map((v) => `VM ${v.name} is still ${v.state} on the host`);
  const text = `Host ${h.name} could not enter maintenance: ${reasons.join('; ')}`;
  if (await moveResourceState(svc, h.id, ['PrepareForMaintenance'], 'UnableToMaintain')) {
    await hostEvent(svc, h, 'MAINT.PREPARE', text, { level: 'ERROR', userId: ctx.caller.userId });
    await svc.events.alert({ ...HOST_ALERT, zoneId: h.zone_id, podId: h.pod_id, clusterId: h.cluster_id, description: text });
  }
  return hostAnswer(svc, h.id);
}

/** prepareHostForMaintenance's refusals, shared with its dry run (listHostMaintenancePlan); answers the host. */
export async function precheckMaintenance(ctx: CallContext, id: string): Promise<HostView> {
  const h = await hostById(ctx, id);
  if (IN_MAINTENANCE.includes(h.resource_state)) {
    throw invalidParam(`Host ${h.name} is already in ${h.resource_state}; cancel its maintenance first to prepare it again`);
  }
  if (!canResourceState(h.resource_state, 'AdminAskMaintenance')) {
    throw invalidParam(`Host ${h.name} in resource state ${h.resource_state} cannot be prepared for maintenance`);
  }
  await checkVms(ctx.svc, h);
  await checkOtherPreparing(ctx.svc.db, h);
  return h;
}

export const prepareMaintenanceHandler: AsyncHandler<C['prepareHostForMaintenance']> = {
  async prepare(ctx, a) {
    const h = await precheckMaintenance(ctx, a.id);
    await claim(ctx.svc, h);
    await hostEvent(ctx.svc, h, 'MAINT.PREPARE', `Preparing host ${h.name} for maintenance`, { state: 'Started', userId: ctx.caller.userId });
    return { instanceType: 'Host', instanceId: h.id, locks: [`host:${h.id}`], payload: {} };
  },
  execute: (ctx, a) => evacuate(ctx, a.id),
  recover: (ctx, a) => evacuate(ctx, a.id),
};

export const cancelMaintenanceHandler: AsyncHandler<C['cancelHostMaintenance']> = {
  async prepare(ctx, a) {
    const h = await hostById(ctx, a.id);
    if (!IN_MAINTENANCE.includes(h.resource_state)) {
      throw invalidParam(`Host ${h.name} is not in maintenance (it is ${h.resource_state}); there is nothing to cancel`);
    }
    // No host lock: the evacuation job holds it, and cancelling must reach it while it runs.
    return { instanceType: 'Host', instanceId: h.id, locks: [`host-maintenance:${h.id}`], payload: {} };
  },
  async execute(ctx, a) {
    const h = await hostById(ctx, a.id);
    if (await moveResourceState(ctx.svc, h.id, IN_MAINTENANCE, 'AdminCancelMaintenance')) {
      await hostEvent(ctx.svc, h, 'MAINT.CANCEL', `Cancelled the maintenance of host ${h.name} (was ${h.resource_state}); it is Enabled`,
        { userId: ctx.caller.userId });
    } else if (h.resource_state !== 'Enabled') {
      throw invalidParam(`Host ${h.name} is not in maintenance (it is ${h.resource_state}); there is nothing to cancel`);
    }
    return hostAnswer(ctx.svc, h.id);
  },
};
