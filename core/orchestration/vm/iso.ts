// attachIso / detachIso: the VM's CD-ROM media. The attached ISO is the VM's iso_id (also set for VMs deployed
// from an ISO); a running VM gets the media inserted or ejected at once through its host's driver, a stopped one
// gets it at its next start. Drivers without CD-ROMs (the simulator) only record it.
import type { AsyncHandler, CallContext } from '../../kernel/handler';
import type { computeCommands } from '../../contract/commands/compute';
import type { TemplateTable, VmTable } from '../../db/schema';
import { ApiError, invalidParam, notFound, permissionDenied } from '../../kernel/errors';
import { CsErrorCode, ErrorCode } from '../../contract/errors';
import { isRootAdmin } from '../../identity/caller';
import { vmEvent } from '../vm-states';
import { driverFor } from './infra';
import { vmResult } from './lifecycle';
import { loadVm, vmById } from './vm-rows';

type C = typeof computeCommands;

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function loadIso(ctx: CallContext, id: string): Promise<TemplateTable> {
  const t = await ctx.svc.db.selectFrom('templates').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!t || t.format !== 'ISO') throw notFound(ctx.command, 'id', id);
  return t;
}

function checkVmState(vm: VmTable, action: 'attach' | 'detach'): void {
  if (vm.state !== 'Running' && vm.state !== 'Stopped') {
    throw invalidParam(`Unable to ${action} the ISO ${action === 'attach' ? 'to' : 'from'} VM ${vm.name}: it is ${vm.state}; ` +
      'please specify a VM that is either running or stopped');
  }
}

/** The checks CloudStack makes: the ISO is usable by the VM's owner, ready in its zone, and the drive is free. */
async function checkAttachable(ctx: CallContext, iso: TemplateTable, vm: VmTable): Promise<void> {
  checkVmState(vm, 'attach');
  if (iso.is_public !== 1 && iso.account_id !== vm.account_id && !isRootAdmin(ctx.caller)) {
    throw permissionDenied(`Account ${ctx.caller.accountName} does not have permission to use ISO ${iso.id}`);
  }
  if (vm.iso_id && vm.iso_id !== iso.id) {
    throw invalidParam(`VM ${vm.name} already has an ISO attached (${vm.iso_id}); detach it before attaching another one`);
  }
  const copy = await ctx.svc.db.selectFrom('template_zones').select(['is_ready', 'status']).where('template_id', '=', iso.id)
    .where('zone_id', '=', vm.zone_id).executeTakeFirst();
  if (copy?.is_ready !== 1) {
    throw invalidParam(`ISO ${iso.name} is not ready in the zone of VM ${vm.name}${copy ? ` (${copy.status})` : ': it has no copy there'}`);
  }
}

async function jobVm(svc: CallContext['svc'], id: string): Promise<VmTable> {
  const vm = await vmById(svc.db, id);
  if (!vm) throw invalidParam(`Unable to find VM ${id}: it was expunged`);
  return vm;
}

const hostFailure = (action: string, vm: VmTable, e: unknown) =>
  new ApiError(ErrorCode.InternalError, `Failed to ${action} the ISO of VM ${vm.name}: ${errText(e)}`, CsErrorCode.InternalError);

export const attachIsoHandler: AsyncHandler<C['attachIso']> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
    await checkAttachable(ctx, await loadIso(ctx, a.id), vm);
    return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: null };
  },
  async execute(ctx, a) {
    const svc = ctx.svc;
    const vm = await jobVm(svc, a.virtualmachineid);
    const iso = await loadIso(ctx, a.id);
    if (vm.iso_id === iso.id) return vmResult(svc, ctx, vm.id); // attached by an earlier run of this job
    await checkAttachable(ctx, iso, vm);
    if (vm.state === 'Running' && vm.host_id) {
      const driver = await driverFor(svc, vm.host_id);
      if (driver.attachIso) {
        const file = await svc.caches.imageFiles.file(iso.id, vm.zone_id);
        if (!file) throw invalidParam(`ISO ${iso.name} has no file in an image store of the VM's zone`);
        try { await driver.attachIso(vm.host_id, vm.id, file); } catch (e) { throw hostFailure('attach', vm, e); }
      }
    }
    await svc.db.updateTable('vms').set({ iso_id: iso.id, updated: svc.clock.now() }).where('id', '=', vm.id).execute();
    await vmEvent(svc, vm, { type: 'ISO.ATTACH', state: 'Completed', description: `Attached ISO ${iso.name} to VM ${vm.name}` }, ctx.caller.userId);
    return vmResult(svc, ctx, vm.id);
  },
};

export const detachIsoHandler: AsyncHandler<C['detachIso']> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
    if (!vm.iso_id) throw invalidParam(`VM ${vm.name} has no ISO attached`);
    checkVmState(vm, 'detach');
    return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: null };
  },
  async execute(ctx, a) {
    const svc = ctx.svc;
    const vm = await jobVm(svc, a.virtualmachineid);
    if (!vm.iso_id) return vmResult(svc, ctx, vm.id); // detached by an earlier run of this job
    checkVmState(vm, 'detach');
    if (vm.state === 'Running' && vm.host_id) {
      const driver = await driverFor(svc, vm.host_id);
      try { await driver.detachIso?.(vm.host_id, vm.id); } catch (e) { throw hostFailure('detach', vm, e); }
    }
    const iso = await svc.db.selectFrom('templates').select('name').where('id', '=', vm.iso_id).executeTakeFirst();
    await svc.db.updateTable('vms').set({ iso_id: null, updated: svc.clock.now() }).where('id', '=', vm.id).execute();
    await vmEvent(svc, vm, { type: 'ISO.DETACH', state: 'Completed', description: `Detached ISO ${iso?.name ?? vm.iso_id} from VM ${vm.name}` }, ctx.caller.userId);
    return vmResult(svc, ctx, vm.id);
  },
};
