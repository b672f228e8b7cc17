// updateVMAffinityGroup: a stopped VM's affinity groups replaced (CloudStack refuses it for a VM that is not
// stopped, since the running placement would break the new rules); the next start places it by them.
import type { AsyncHandler } from '../kernel/handler';
import type { groupsCommands } from '../contract/commands/groups';
import { internalError, invalidParam } from '../kernel/errors';
import { loadVm } from '../orchestration/vm/vm-rows';
import { vmObject } from '../orchestration/vm/vm-view';
import { resolveAffinityGroups } from './affinity-groups';

type Decl = typeof groupsCommands.updateVMAffinityGroup;

export const updateVmAffinityGroups: AsyncHandler<Decl, { vmId: string; groupIds: string[] }> = {
  async prepare(ctx, a) {
    if (a.affinitygroupids === undefined && a.affinitygroupnames === undefined) {
      throw invalidParam('Either affinitygroupids or affinitygroupnames should be specified');
    }
    const vm = await loadVm(ctx, a.id);
    await ctx.svc.identity.checkAccess(ctx.caller, { accountId: vm.account_id, domainId: vm.domain_id });
    if (vm.state !== 'Stopped') {
      throw invalidParam(`Unable to update affinity groups of the virtual machine ${vm.name} in state ${vm.state}; ` +
        'make sure the virtual machine is stopped and not in an error state before updating.');
    }
    const acct = await ctx.svc.identity.accountInfo(vm.account_id);
    const groups = await resolveAffinityGroups(ctx, { accountId: vm.account_id, accountName: acct.name },
      a.affinitygroupids, a.affinitygroupnames);
    return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: { vmId: vm.id, groupIds: groups.map((g) => g.id) } };
  },
  async execute(ctx, _a, pl) {
    const vm = await ctx.svc.db.selectFrom('vms').select(['state', 'name']).where('id', '=', pl.vmId).executeTakeFirst();
    // The job holds the VM's lock, but a start submitted before this job may have run in between.
    if (vm && vm.state !== 'Stopped') {
      throw invalidParam(`Unable to update affinity groups of the virtual machine ${vm.name} in state ${vm.state}; ` +
        'make sure the virtual machine is stopped and not in an error state before updating.');
    }
    await ctx.svc.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('affinity_group_vms').where('vm_id', '=', pl.vmId).execute();
      if (pl.groupIds.length) await trx.insertInto('affinity_group_vms').values(pl.groupIds.map((g) => ({ group_id: g, vm_id: pl.vmId }))).execute();
    });
    const o = await vmObject(ctx.svc, ctx.caller, pl.vmId);
    if (!o) throw internalError(`VM ${pl.vmId} was removed while its affinity groups were updated`);
    return o;
  },
};
