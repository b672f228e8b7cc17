// scaleVirtualMachine (async; live when dynamic scaling allows it), changeServiceForVirtualMachine (sync, stopped
// VM) and updateVirtualMachine (sync, properties only).
import { groupNamed } from '../../groups/index';
import { releaseReservation, reservation, RT, withReservation } from '../../limits/index';
import type { AsyncHandler, CallContext, SyncHandler } from '../../kernel/handler';
import type { computeCommands } from '../../contract/commands/compute';
import type { ServiceOfferingTable, VmTable } from '../../db/schema';
import type { MapEntries } from '../../contract/params';
import { ApiError, insufficientCapacity, invalidParam, notFound } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { patchVmInState, vmEvent } from '../vm-states';
import { driverFor, MB } from './infra';
import { checkNameFree, checkOfferingUsable, checkVmName, loadVm, mergeMap, parseDetails, vmById } from './vm-rows';
import { vmResult } from './lifecycle';
import { reconcileVm } from './reconcile';
import { accessDetails } from './access-details';
import { checkUserDataText } from '../../guest-access/user-data';

type C = typeof computeCommands;

interface Compute { offeringId: string; cpu: number; speed: number; memory: number; ha: number; dynamic: boolean }

/** The new offering's compute values (customized offerings take details), with CloudStack's checks. */
async function newCompute(ctx: CallContext, vm: VmTable, offeringId: string, details: MapEntries | undefined): Promise<Compute> {
  const so: ServiceOfferingTable | undefined = await ctx.svc.db.selectFrom('service_offerings').selectAll()
    .where('id', '=', offeringId).where('removed', 'is', null).executeTakeFirst();
  if (!so || so.is_system === 1 || so.state !== 'Active') throw notFound(ctx.command, 'serviceofferingid', offeringId);
  await checkOfferingUsable(ctx, 'Service', so, vm.zone_id);
  if (so.id === vm.service_offering_id && so.customized !== 1) {
    throw invalidParam(`Not upgrading vm ${vm.name} since it already has the requested service offering (${so.name})`);
  }
  const d = mergeMap(details);
  const num = (k: string) => (d[k] !== undefined && /^\d+$/.test(d[k]) ? Number(d[k]) : null);
  const cpu = so.cpu_number ?? num('cpuNumber') ?? null;
  const memory = so.memory ?? num('memory') ?? null;
  if (cpu === null || memory === null) {
    throw invalidParam('Need to specify custom parameter values for cpu, cpu speed and memory when using custom offering');
  }
  return { offeringId: so.id, cpu, speed: so.cpu_speed ?? num('cpuSpeed') ?? vm.cpu_speed, memory, ha: so.offer_ha,
    dynamic: so.dynamic_scaling === 1 };
}

const patchOf = (c: Compute) => ({ service_offering_id: c.offeringId, cpu_number: c.cpu, cpu_speed: c.speed, memory: c.memory, ha_enable: c.ha });

async function upgradeEvent(ctx: CallContext, vm: VmTable, c: Compute) {
  await vmEvent(ctx.svc, vm, { type: 'VM.UPGRADE', state: 'Completed',
    description: `Changed VM ${vm.name} to ${c.cpu} x ${c.speed} MHz CPU and ${c.memory} MB memory` }, ctx.caller.userId);
}

/** Live scaling needs dynamic scaling on the template, the current and the new offering, and may only grow. */
async function checkLiveScale(ctx: CallContext, vm: VmTable, c: Compute): Promise<void> {
  const [t, cur] = await Promise.all([
    ctx.svc.db.selectFrom('templates').select('dynamic_scaling').where('id', '=', vm.template_id).executeTakeFirst(),
    ctx.svc.db.selectFrom('service_offerings').select('dynamic_scaling').where('id', '=', vm.service_offering_id).executeTakeFirst(),
  ]);
  if (t?.dynamic_scaling !== 1 || cur?.dynamic_scaling !== 1 || !c.dynamic) {
    throw invalidParam(`Unable to scale VM ${vm.name}: it is Running and dynamic scaling is not enabled for its template and offerings; stop it first`);
  }
  const less = c.cpu < vm.cpu_number || c.speed < vm.cpu_speed || c.memory < vm.memory;
  const more = c.cpu > vm.cpu_number || c.speed > vm.cpu_speed || c.memory > vm.memory;
  if (less || !more) {
    throw invalidParam(`Only scaling up the vm is supported, new service offering(speed=${c.speed}, cpu=${c.cpu}, ` +
      `memory=${c.memory}) should have at least one value(cpu/ram) greater than old value and no value less than old value`);
  }
}

async function scaleRunning(ctx: CallContext, vm: VmTable, c: Compute): Promise<void> {
  const svc = ctx.svc;
  const host = vm.host_id!;
  const dCpu = c.cpu * c.speed - vm.cpu_number * vm.cpu_speed;
  const dMem = (c.memory - vm.memory) * MB;
  const dCores = c.cpu - vm.cpu_number;
  if (!(await svc.planner.reserveOn(host, dCpu, dMem, dCores))) {
    throw insufficientCapacity(`Unable to scale VM ${vm.name}: its host does not have ${dCpu} MHz CPU and ${c.memory - vm.memory} MB memory free`);
  }
  try {
    await (await driverFor(svc, host)).scaleVm(host, vm.id, c.cpu, c.memory);
    await patchVmInState(svc, vm, patchOf(c));
  } catch (e) {
    await svc.planner.release(host, dCpu, dMem, dCores);
    if (e instanceof ApiError) throw e;
    throw new ApiError(ErrorCode.InternalError, `Unable to scale VM ${vm.name}: ${(e as Error).message}`, CsErrorCode.InternalError);
  }
}

/** The CPUs and memory a scale adds to the owner's usage (what its limits are checked against). */
const computeDeltas = (vm: VmTable, c: Compute) => ({ [RT.cpu]: Math.max(0, c.cpu - vm.cpu_number), [RT.memory]: Math.max(0, c.memory - vm.memory) });
const ownerOfVm = (vm: VmTable) => ({ accountId: vm.account_id, domainId: vm.domain_id });

/** The scale's payload: the new compute and the reservation that holds its growth against the limits until done. */
type ScalePayload = Compute & { reservation?: string | null };

export const scaleHandler: AsyncHandler<C['scaleVirtualMachine'], ScalePayload> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.id);
    const c = await newCompute(ctx, vm, a.serviceofferingid, a.details);
    if (vm.state === 'Running') await checkLiveScale(ctx, vm, c);
    else if (vm.state !== 'Stopped') throw invalidParam(`Unable to scale VM ${vm.name}: it is ${vm.state}`);
    // Held under the count rows' locks until the VM row carries the new size: concurrent scales and deploys see it.
    // Written with the job (AsyncPlan.write): the job's end or recovery releases it.
    const held = await reservation(ctx.svc, ownerOfVm(vm), computeDeltas(vm, c));
    return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: { ...c, reservation: held?.id ?? null }, write: held?.write };
  },
  async execute(ctx, a, c) {
    try {
      const vm = await vmById(ctx.svc.db, a.id);
      if (!vm) throw invalidParam(`Unable to find VM ${a.id}: it was expunged`);
      if (vm.state === 'Running') await scaleRunning(ctx, vm, c);
      else if (vm.state === 'Stopped') await patchVmInState(ctx.svc, vm, patchOf(c));
      else throw invalidParam(`Unable to scale VM ${vm.name}: it is ${vm.state}`);
      await upgradeEvent(ctx, vm, c);
    } finally {
      await releaseReservation(ctx.svc, c.reservation);
    }
  },
  async recover(ctx, a, c) {
    await releaseReservation(ctx.svc, c.reservation);
    const vm = await vmById(ctx.svc.db, a.id);
    if (vm) await reconcileVm(ctx.svc, vm);
    if (vm?.service_offering_id === c.offeringId && vm.cpu_number === c.cpu && vm.memory === c.memory) return;
    throw new ApiError(ErrorCode.InternalError, `Scaling of VM ${vm?.name ?? a.id} was interrupted by a management server restart; ` +
      'it keeps its previous offering', CsErrorCode.InternalError);
  },
};

export const changeServiceHandler: SyncHandler<C['changeServiceForVirtualMachine']> = async (ctx, a) => {
  const vm = await loadVm(ctx, a.id);
  if (vm.state !== 'Stopped') throw invalidParam(`Unable to change the service offering of VM ${vm.name}: it is ${vm.state}; stop it first`);
  const c = await newCompute(ctx, vm, a.serviceofferingid, a.details);
  await withReservation(ctx.svc, ownerOfVm(vm), computeDeltas(vm, c), () => patchVmInState(ctx.svc, vm, patchOf(c)));
  await upgradeEvent(ctx, vm, c);
  return vmResult(ctx.svc, ctx, vm.id);
};


export const updateHandler: SyncHandler<C['updateVirtualMachine']> = async (ctx, a) => {
  const vm = await loadVm(ctx, a.id);
  const patch: Partial<VmTable> = {};
  if (a.name !== undefined && a.name !== vm.name) {
    checkVmName(a.name);
    await checkNameFree(ctx.svc, vm.account_id, a.name, vm.id);
    patch.name = a.name;
  }
  if (a.displayname !== undefined) patch.display_name = a.displayname;
  if (a.group !== undefined) {
    // An empty group leaves the group; a name files the VM under the account's group of that name (made when new).
    const g = a.group ? await groupNamed(ctx, { accountId: vm.account_id, domainId: vm.domain_id }, a.group) : null;
    patch.group_name = g?.name ?? null;
    patch.group_id = g?.id ?? null;
  }
  if (a.haenable !== undefined) patch.ha_enable = a.haenable ? 1 : 0;
  if (a.userdata !== undefined) { checkUserDataText(a.userdata); patch.userdata = a.userdata; }
  // The VM's SSH keys and user data reference live in its details too, hidden; replacing the details keeps them.
  if (a.cleanupdetails) patch.details = JSON.stringify(accessDetails(parseDetails(vm.details)));
  else if (a.details) {
    // Details of a customized offering (cpuNumber, cpuSpeed, memory) describe the VM itself and are kept.
    const keep = Object.fromEntries(Object.entries(parseDetails(vm.details)).filter(([k]) => ['cpuNumber', 'cpuSpeed', 'memory'].includes(k)));
    patch.details = JSON.stringify({ ...keep, ...mergeMap(a.details), ...accessDetails(parseDetails(vm.details)) });
  }
  const now = ctx.svc.clock.now();
  if (Object.keys(patch).length) {
    await ctx.svc.db.updateTable('vms').set({ ...patch, updated: now }).where('id', '=', vm.id).where('removed', 'is', null).execute();
    await vmEvent(ctx.svc, { ...vm, name: patch.name ?? vm.name },
      { type: 'VM.UPDATE', state: 'Completed', description: `Updated VM ${patch.name ?? vm.name}` }, ctx.caller.userId);
  }
  return vmResult(ctx.svc, ctx, vm.id);
};
