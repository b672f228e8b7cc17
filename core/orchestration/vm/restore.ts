// restoreVirtualMachine: a new ROOT volume cloned from the VM's template (or templateid), the old one expunged,
// the VM started again if it ran. resetPasswordForVirtualMachine: a new password for a stopped VM whose template
// is password-enabled, answered once and kept (hidden) in the VM's details for its config drive, which the
// guest reads at its next start (cloudstack/password/vm_password.txt), as CloudStack's config drive does.
import { randomInt } from 'node:crypto';
import type { AsyncHandler, CallContext, JobContext } from '../../kernel/handler';
import type { vmRestoreCommands } from '../../contract/commands/vm-restore';
import type { VmTable, VolumeTable } from '../../db/schema';
import { ApiError, invalidParam, notFound, permissionDenied } from '../../kernel/errors';
import { ErrorCode, CsErrorCode } from '../../contract/errors';
import { isRootAdmin } from '../../identity/caller';
import { sharedWith } from '../../catalog/template-permissions';
import { patchVmInState } from '../vm-states';
import { clusterOfVm, createOnPool, expungeVolume } from '../storage/volume-ops';
import { GB } from './infra';
import { loadVm, parseDetails, vmById, volumesOf } from './vm-rows';
import { stopVm } from './power';
import { startRow, vmResult } from './lifecycle';

type C = typeof vmRestoreCommands;
type Tpl = { id: string; name: string; size: number; hypervisor: string; format: string; is_public: number; account_id: string; password_enabled: number };

async function jobVm(ctx: JobContext, id: string): Promise<VmTable> {
  const vm = await vmById(ctx.svc.db, id);
  if (!vm) throw invalidParam(`Unable to find VM ${id}: it was expunged`);
  return vm;
}

function checkRestorable(vm: VmTable): void {
  if (vm.state !== 'Running' && vm.state !== 'Stopped') {
    throw new ApiError(ErrorCode.InternalError, `Vm ${vm.id} currently in ${vm.state} state, restore vm can only execute when VM in Running or Stopped`,
      CsErrorCode.InternalError);
  }
}

/** The template to restore from: usable by the VM's owner, for its hypervisor, ready in its zone. */
async function restoreTemplate(ctx: CallContext, vm: VmTable, templateId: string | undefined): Promise<Tpl> {
  const id = templateId ?? vm.template_id;
  const t = await ctx.svc.db.selectFrom('templates').select(['id', 'name', 'size', 'hypervisor', 'format', 'is_public', 'account_id', 'password_enabled'])
    .where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!t) {
    if (templateId !== undefined) throw notFound(ctx.command, 'templateid', templateId);
    throw invalidParam(`Cannot restore VM ${vm.name}: its template ${id} was deleted; pass templateid`);
  }
  if (t.format === 'ISO') throw invalidParam(`Cannot restore VM ${vm.name} from an ISO: give a template`);
  if (t.is_public !== 1 && t.account_id !== vm.account_id && !isRootAdmin(ctx.caller) && !(await sharedWith(ctx.svc.db, t.id, vm.account_id))) {
    throw permissionDenied(`Account ${ctx.caller.accountName} does not have permission to use template ${t.id}`);
  }
  if (t.hypervisor.toLowerCase() !== vm.hypervisor.toLowerCase()) {
    throw invalidParam(`Template ${t.name} is for ${t.hypervisor}, but VM ${vm.name} runs on ${vm.hypervisor}`);
  }
  const ready = await ctx.svc.db.selectFrom('template_zones').select('is_ready').where('template_id', '=', t.id)
    .where('zone_id', '=', vm.zone_id).executeTakeFirst();
  if (ready?.is_ready !== 1) throw invalidParam(`Template ${t.name} is not ready in the zone of VM ${vm.name}`);
  return t;
}

async function restoreChecks(ctx: CallContext, vm: VmTable, a: { templateid?: string; rootdisksize?: number }) {
  checkRestorable(vm);
  const snaps = await ctx.svc.db.selectFrom('vm_snapshots').select('id').where('vm_id', '=', vm.id).where('removed', 'is', null).executeTakeFirst();
  if (snaps) throw invalidParam('Unable to restore VM, please remove VM snapshots before restoring VM');
  const t = await restoreTemplate(ctx, vm, a.templateid);
  if (a.rootdisksize !== undefined && a.rootdisksize * GB < t.size) {
    throw invalidParam(`rootdisksize ${a.rootdisksize} GB is smaller than the template ${t.name} (${Math.ceil(t.size / GB)} GB)`);
  }
  return t;
}

export const restoreHandler: AsyncHandler<C['restoreVirtualMachine']> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
    await restoreChecks(ctx, vm, a);
    return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: null };
  },
  async execute(ctx, a) {
    const svc = ctx.svc;
    const vm = await jobVm(ctx, a.virtualmachineid);
    const t = await restoreChecks(ctx, vm, a);
    const wasRunning = vm.state === 'Running';
    if (wasRunning) await stopVm(svc, vm, { userId: ctx.caller.userId });
    const old = (await volumesOf(svc.db, vm.id)).find((v) => v.type === 'ROOT');
    const now = svc.clock.now();
    const fresh: VolumeTable = {
      id: svc.newId(), name: old?.name ?? `ROOT-${vm.name}`, type: 'ROOT', state: 'Allocated',
      size: Math.max(t.size, a.rootdisksize !== undefined ? a.rootdisksize * GB : 0), vm_id: vm.id, device_id: 0,
      disk_offering_id: old?.disk_offering_id ?? null, pool_id: null, account_id: vm.account_id, domain_id: vm.domain_id,
      zone_id: vm.zone_id, template_id: t.id, path: null, provisioning_type: old?.provisioning_type ?? 'thin', created: now,
      attached: now, removed: null,
    };
    await svc.db.insertInto('volumes').values(fresh).execute();
    try {
      await createOnPool(svc, fresh, { clusterId: await clusterOfVm(svc, vm), preferHost: vm.last_host_id });
    } catch (e) {
      await svc.db.updateTable('volumes').set({ removed: svc.clock.now(), state: 'Expunged' }).where('id', '=', fresh.id).execute();
      throw new ApiError(ErrorCode.InternalError, `Failed to restore VM ${vm.name}: ${(e as Error).message}`, CsErrorCode.InternalError);
    }
    if (old) {
      // The old root leaves the VM first, so no list ever shows two; then its storage goes.
      await svc.db.updateTable('volumes').set({ vm_id: null, device_id: null }).where('id', '=', old.id).execute();
      await expungeVolume(svc, { ...old, vm_id: null, device_id: null }, vm.last_host_id, ctx.caller.userId);
    }
    const cur = await jobVm(ctx, vm.id);
    if (cur.template_id !== t.id) await patchVmInState(svc, cur, { template_id: t.id });
    await svc.events.record({ type: 'VM.RESTORE', description: `Restored VM ${vm.name} from template ${t.name}`, state: 'Completed',
      resourceId: vm.id, resourceType: 'VirtualMachine', resourceName: vm.name, accountId: vm.account_id, domainId: vm.domain_id,
      userId: ctx.caller.userId });
    if (wasRunning) await startRow(ctx, cur, {});
    return vmResult(svc, ctx, vm.id);
  },
};

const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newPassword = () => Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

async function checkPasswordReset(ctx: CallContext, vm: VmTable): Promise<void> {
  const t = await ctx.svc.db.selectFrom('templates').select('password_enabled').where('id', '=', vm.template_id).executeTakeFirst();
  if (t?.password_enabled !== 1) throw invalidParam('Fail to reset password for the virtual machine, the template is not password enabled');
  if (vm.state === 'Error' || vm.state === 'Expunging') throw invalidParam(`Vm with id ${vm.id} is not in the right state`);
  if (vm.state !== 'Stopped') throw invalidParam(`Vm ${vm.name} should be stopped to do password reset`);
}

export const resetPasswordHandler: AsyncHandler<C['resetPasswordForVirtualMachine'], { password: string }> = {
  async prepare(ctx, a) {
    const vm = await loadVm(ctx, a.id);
    await checkPasswordReset(ctx, vm);
    // Chosen here so a resumed job sets the same one; kept in the job's payload only until it ran.
    return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: { password: a.password ?? newPassword() } };
  },
  async execute(ctx, a, pl) {
    const vm = await jobVm(ctx, a.id);
    await checkPasswordReset(ctx, vm);
    await patchVmInState(ctx.svc, vm, { details: JSON.stringify({ ...parseDetails(vm.details), password: pl.password }) });
    await ctx.svc.events.record({ type: 'VM.RESETPASSWORD', description: `Reset the password of VM ${vm.name}`, state: 'Completed',
      resourceId: vm.id, resourceType: 'VirtualMachine', resourceName: vm.name, accountId: vm.account_id, domainId: vm.domain_id,
      userId: ctx.caller.userId });
    return { ...(await vmResult(ctx.svc, ctx, vm.id)), password: pl.password };
  },
};
