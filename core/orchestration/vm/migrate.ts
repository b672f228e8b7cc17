// Live migration between hosts that reach the VM's storage (its cluster, or the zone when all its volumes are on
// zone-wide pools): migrateVirtualMachine and findHostsForMigration.
import type { AsyncHandler, CallContext, SyncHandler } from '../../kernel/handler';
import type { computeCommands } from '../../contract/commands/compute';
import type { VmTable } from '../../db/schema';
import type { Services } from '../../kernel/services';
import { ApiError, insufficientCapacity, invalidParam, notFound } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { compact, csDate, percent } from '../../kernel/format';
import { pageWindow } from '../../kernel/paging';
import { changeVmState } from '../vm-states';
import { driverFor, hostFacts } from './infra';
import { cpuMhzOf, loadVm, memBytesOf, vmById } from './vm-rows';
import { vmResult } from './lifecycle';
import { reconcileVm } from './reconcile';
import { migrateInSteps, migratesInSteps } from './live-migrate';
import type { HostForMigration } from '../../contract/responses';
import { ClaimLost, claimHost, hostAllowed, placementRules } from '../../placement/index';

type C = typeof computeCommands;

/** The cluster the VM's volumes tie it to (a cluster-scoped pool), or null when every pool is zone-wide. */
async function storageCluster(svc: Services, vm: VmTable): Promise<string | null> {
  const r = await svc.db.selectFrom('volumes as v').innerJoin('storage_pools as p', 'p.id', 'v.pool_id')
    .select('p.cluster_id').where('v.vm_id', '=', vm.id).where('v.removed', 'is', null)
    .where('p.scope', '!=', 'ZONE').executeTakeFirst();
  return r ? r.cluster_id : null;
}

/** Capacity a dry run (the maintenance preview) has already given away on each host, beyond the database's. */
export type PlannedUse = Map<string, { cpu: number; mem: number }>;

/** The hosts the VM could move to, each with whether it has room (counting `planned`) and is usable. */
export async function candidates(svc: Services, vm: VmTable, planned?: PlannedUse) {
  const cluster = await storageCluster(svc, vm);
  let q = svc.db.selectFrom('hosts as h').innerJoin('clusters as c', 'c.id', 'h.cluster_id')
    .leftJoin('pods as p', 'p.id', 'h.pod_id').leftJoin('zones as z', 'z.id', 'h.zone_id')
    .select(['h.id', 'h.name', 'h.state', 'h.resource_state', 'h.type', 'h.hypervisor', 'h.version', 'h.ip_address',
      'h.zone_id', 'h.pod_id', 'h.cluster_id', 'h.cpu_number', 'h.cpu_speed', 'h.memory_total', 'h.cpu_allocated',
      'h.memory_allocated', 'h.host_tags', 'h.created', 'c.name as cluster_name', 'c.cluster_type',
      'c.cpu_overcommit', 'c.memory_overcommit', 'p.name as pod_name', 'z.name as zone_name'])
    .where('h.removed', 'is', null).where('h.zone_id', '=', vm.zone_id).where('h.id', '!=', vm.host_id ?? '');
  if (cluster) q = q.where('h.cluster_id', '=', cluster);
  const hv = vm.hypervisor.toLowerCase();
  const need = { cpu: cpuMhzOf(vm), mem: memBytesOf(vm) };
  // The VM's affinity groups rule hosts out (anti-affinity: a host of another VM of the group; affinity: any other
  // host than the group's), for a chosen host, findHostsForMigration and maintenance evacuation alike.
  const rules = await placementRules(svc.db, vm.id);
  return (await q.orderBy('h.name').execute()).filter((h) => h.hypervisor.toLowerCase() === hv).map((row) => {
    const more = planned?.get(row.id);
    const h = more ? { ...row, cpu_allocated: row.cpu_allocated + more.cpu, memory_allocated: row.memory_allocated + more.mem } : row;
    const cpuCap = h.cpu_number * h.cpu_speed * h.cpu_overcommit;
    const memCap = h.memory_total * h.memory_overcommit;
    const enough = h.cpu_allocated + need.cpu <= cpuCap && h.memory_allocated + need.mem <= memCap &&
      h.cpu_number >= vm.cpu_number && h.cpu_speed >= vm.cpu_speed;
    const usable = h.state === 'Up' && h.resource_state === 'Enabled';
    const allowed = hostAllowed(rules, h.id);
    return { h, cpuCap, memCap, enough, allowed, suitable: usable && enough && allowed };
  });
}

type Candidate = Awaited<ReturnType<typeof candidates>>[number];

/** autoselect: the least allocated suitable host (CPU and memory shares added), or undefined. */
export function leastAllocated(list: Candidate[]): Candidate | undefined {
  return list.filter((c) => c.suitable)
    .sort((x, y) => x.h.cpu_allocated / x.cpuCap + x.h.memory_allocated / x.memCap - y.h.cpu_allocated / y.cpuCap - y.h.memory_allocated / y.memCap)[0];
}

/** A `host` item of findHostsForMigration (types per "HostForMigration"). */
function formatHost({ h, cpuCap, memCap, enough, suitable }: Candidate): HostForMigration {
  return compact<HostForMigration>({
    id: h.id, name: h.name, state: h.state, resourcestate: h.resource_state, type: h.type, hypervisor: h.hypervisor,
    ...(h.version ? { hypervisorversion: h.version, version: h.version } : {}), ipaddress: h.ip_address,
    zoneid: h.zone_id, ...(h.zone_name !== null ? { zonename: h.zone_name } : {}), podid: h.pod_id,
    ...(h.pod_name !== null ? { podname: h.pod_name } : {}), clusterid: h.cluster_id, clustername: h.cluster_name,
    clustertype: h.cluster_type, cpunumber: h.cpu_number, cpuspeed: h.cpu_speed,
    cpuallocated: percent(h.cpu_allocated, h.cpu_number * h.cpu_speed), cpuallocatedvalue: h.cpu_allocated,
    cpuallocatedpercentage: percent(h.cpu_allocated, h.cpu_number * h.cpu_speed),
    cpuallocatedwithoverprovisioning: percent(h.cpu_allocated, cpuCap), cpuwithoverprovisioning: String(cpuCap),
    memorytotal: h.memory_total, memoryallocated: h.memory_allocated, memoryallocatedbytes: h.memory_allocated,
    memoryallocatedpercentage: percent(h.memory_allocated, h.memory_total), memorywithoverprovisioning: String(memCap),
    hosttags: h.host_tags || undefined, created: csDate(h.created), hasenoughcapacity: enough,
    suitableformigration: suitable, requiresStorageMotion: false,
  });
}

function checkMigratable(vm: VmTable): void {
  if (vm.state !== 'Running') throw invalidParam(`VM is not Running, unable to migrate the vm ${vm.name} (it is ${vm.state})`);
}

interface MigratePayload { source: string; target: string }

export const migrateHandler: AsyncHandler<C['migrateVirtualMachine'], MigratePayload> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
    if (a.storageid) throw invalidParam('Storage migration (storageid) is not supported yet; give hostid to migrate a running VM');
    checkMigratable(vm);
    const list = await candidates(ctx.svc, vm);
    let target: string;
    if (a.hostid) {
      if (a.hostid === vm.host_id) throw invalidParam('Cannot migrate VM, destination host is same as current host');
      const c = list.find((x) => x.h.id === a.hostid);
      if (!c) {
        const exists = await ctx.svc.db.selectFrom('hosts').select('name').where('id', '=', a.hostid).where('removed', 'is', null).executeTakeFirst();
        if (!exists) throw notFound(ctx.command, 'hostid', a.hostid);
        throw invalidParam(`Cannot migrate VM ${vm.name} to host ${exists.name}: it cannot reach the VM's storage or runs another hypervisor`);
      }
      if (!c.allowed) {
        throw invalidParam(`Cannot migrate VM ${vm.name} to host ${c.h.name}: it breaks the rules of the VM's affinity groups`);
      }
      if (c.h.state !== 'Up' || c.h.resource_state !== 'Enabled') {
        throw invalidParam(`Cannot migrate VM ${vm.name} to host ${c.h.name}: it is ${c.h.state} and ${c.h.resource_state}`);
      }
      target = c.h.id;
    } else if (a.autoselect !== false) {
      const best = leastAllocated(list);
      if (!best) throw insufficientCapacity(`No suitable host found to migrate VM ${vm.name}`);
      target = best.h.id;
    } else {
      throw invalidParam('Please specify the destination host (hostid) or autoselect=true');
    }
    return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: { source: vm.host_id!, target } };
  },
  async execute(ctx, a, pl) {
    const svc = ctx.svc;
    const vm = await vmById(svc.db, a.virtualmachineid);
    if (!vm) throw invalidParam(`Unable to find VM ${a.virtualmachineid}: it was expunged`);
    checkMigratable(vm);
    if (vm.host_id !== pl.source) throw invalidParam(`VM ${vm.name} moved to another host meanwhile; find a destination again`);
    if (!(await svc.planner.reserveOn(pl.target, cpuMhzOf(vm), memBytesOf(vm), vm.cpu_number))) {
      throw insufficientCapacity(`Unable to migrate VM ${vm.name}: the destination host does not have enough free CPU or memory`);
    }
    const userId = ctx.caller.userId;
    try {
      await changeVmState(svc, vm, 'MigrationRequested', { userId });
    } catch (e) {
      await svc.planner.release(pl.target, cpuMhzOf(vm), memBytesOf(vm), vm.cpu_number);
      throw e;
    }
    try {
      const src = await driverFor(svc, pl.source);
      const dst = await driverFor(svc, pl.target);
      if (migratesInSteps(src, dst)) await migrateInSteps(svc, vm, pl, { src, dst }, (pct) => ctx.progress(pct));
      else await src.migrateVm(pl.source, pl.target, vm.id);
    } catch (e) {
      const reason = (e as Error).message;
      await changeVmState(svc, vm, 'OperationFailed', { userId, reason });
      await svc.planner.release(pl.target, cpuMhzOf(vm), memBytesOf(vm), vm.cpu_number);
      throw new ApiError(ErrorCode.InternalError, `Failed to migrate VM ${vm.name}: ${reason}`, CsErrorCode.InternalError);
    }
    const f = await hostFacts(svc, pl.target);
    await changeVmState(svc, vm, 'OperationSucceeded', { userId,
      patch: { host_id: pl.target, last_host_id: pl.target, pod_id: f.podId, cluster_id: f.clusterId } });
    await svc.planner.release(pl.source, cpuMhzOf(vm), memBytesOf(vm), vm.cpu_number);
    // The new host is claimed for the VM's groups now that the VM is on it (claims.ts); a placement of another VM
    // of the group that raced this migration onto the same host is only logged: the move is done.
    const rules = await placementRules(svc.db, vm.id);
    if (rules.groups.length) {
      await claimHost(svc, rules.groups, vm.id, pl.target).catch((e: unknown) => {
        if (!(e instanceof ClaimLost)) throw e;
        svc.log.warn(`VM ${vm.name} migrated onto a host another VM of its group was placed on at the same time`, { host: pl.target });
      });
    }
    return vmResult(svc, ctx, vm.id);
  },
  async recover(ctx, a, pl) {
    const vm = await vmById(ctx.svc.db, a.virtualmachineid);
    if (!vm) throw invalidParam(`Unable to find VM ${a.virtualmachineid}: it was expunged`);
    await reconcileVm(ctx.svc, vm, { targetHostId: pl.target });
    if (vm.host_id === pl.target && vm.state === 'Running') return vmResult(ctx.svc, ctx, vm.id);
    throw new ApiError(ErrorCode.InternalError, `Migration of VM ${vm.name} was interrupted by a management server restart; ` +
      `it is ${vm.state}${vm.host_id ? ' on its original host' : ''}`, CsErrorCode.InternalError);
  },
};

export const findHostsHandler: SyncHandler<C['findHostsForMigration']> = async (ctx: CallContext, a) => {
  const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
  checkMigratable(vm);
  // Hosts the VM's affinity groups rule out are not offered (CloudStack leaves them out the same way).
  let list = (await candidates(ctx.svc, vm)).filter((c) => c.allowed);
  if (a.keyword) list = list.filter((c) => c.h.name.toLowerCase().includes(a.keyword!.toLowerCase()));
  const { offset, limit } = pageWindow(a, ctx.svc.config.maxPageSize);
  const page = limit === null ? list : list.slice(offset, offset + limit);
  return { count: list.length, items: page.map(formatHost) };
};
