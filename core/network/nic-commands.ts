// addNicToVirtualMachine, removeNicFromVirtualMachine, updateDefaultNicForVirtualMachine, listNics.
import type { HandlersFor, JobContext } from '../kernel/handler';
import type { networkCommands } from '../contract/commands/network';
import type { VirtualMachine } from '../contract/responses';
import { internalError, invalidParam, notFound } from '../kernel/errors';
import { precompiledTransaction } from '../db/precompiled';
import { pageArray } from '../infrastructure/util';
import { loadVm, vmById } from '../orchestration/vm/vm-rows';
import { vmObject } from '../orchestration/vm/vm-view';
import { checkUsable, networkById } from './access';
import { implementNetwork } from './implement';
import { nicsOfVms, planNic, writeNic, type NicPlan } from './nics';
import { requireIp } from './ip';
import { forgetNic, plugNicLive, unplugNicLive } from './live-nics';

type H = HandlersFor<typeof networkCommands>;

async function vmResult(ctx: JobContext, id: string): Promise<VirtualMachine> {
  const o = await vmObject(ctx.svc, ctx.caller, id);
  if (!o) throw internalError(`VM ${id} was removed meanwhile`);
  return o;
}

async function nicOf(ctx: Parameters<H['listNics']>[0], vmId: string, nicId: string) {
  const nic = await ctx.svc.db.selectFrom('nics').selectAll().where('id', '=', nicId).executeTakeFirst();
  if (!nic) throw notFound(ctx.command, 'nicid', nicId);
  if (nic.vm_id !== vmId) throw invalidParam(`NIC ${nicId} does not belong to virtual machine ${vmId}`);
  return nic;
}

const CHANGEABLE = ['Running', 'Stopped'];

export const nicHandlers: Pick<H, 'addNicToVirtualMachine' | 'removeNicFromVirtualMachine' | 'updateDefaultNicForVirtualMachine' | 'listNics'> = {
  addNicToVirtualMachine: {
    async prepare(ctx, a) {
      const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
      if (!CHANGEABLE.includes(vm.state)) throw invalidParam(`Unable to add a NIC to VM ${vm.name}: it is ${vm.state}`);
      const net = await networkById(ctx, a.networkid, 'networkid');
      if (net.zone_id !== vm.zone_id) throw invalidParam(`Network ${net.name} is not in the zone of VM ${vm.name}`);
      const owner = await ctx.svc.identity.accountInfo(vm.account_id);
      await checkUsable(ctx, net, { accountId: vm.account_id, domainId: owner.domainId });
      const nics = await ctx.svc.db.selectFrom('nics').select(['network_id', 'device_id']).where('vm_id', '=', vm.id).execute();
      if (nics.some((n) => n.network_id === net.id)) throw invalidParam(`A NIC already exists for VM: ${vm.name} in network: ${net.name}`);
      if (a.ipaddress !== undefined) requireIp('ipaddress', a.ipaddress);
      const n = await implementNetwork(ctx.svc, net);
      const plan = await planNic(ctx.svc.db, n, { id: ctx.svc.newId(), ip: a.ipaddress, mac: a.macaddress,
        deviceId: Math.max(-1, ...nics.map((x) => x.device_id)) + 1, isDefault: nics.length === 0, now: ctx.svc.clock.now() });
      return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: plan };
    },
    async execute(ctx, a, plan: NicPlan) {
      // Written by the job (not with the job row): a failed allocation fails the job with its reason.
      const exists = await ctx.svc.db.selectFrom('nics').select('id').where('id', '=', plan.id).executeTakeFirst();
      if (!exists) await precompiledTransaction(ctx.svc.db, (trx) => writeNic(trx, a.virtualmachineid, plan));
      // A running VM gets the NIC now (a stopped one at its next start); a NIC that cannot be plugged in is taken back.
      const vm = await vmById(ctx.svc.db, a.virtualmachineid);
      if (vm) {
        try { await plugNicLive(ctx.svc, vm, plan.id); } catch (e) {
          await ctx.svc.db.deleteFrom('nics').where('id', '=', plan.id).execute();
          throw e;
        }
      }
      await ctx.svc.events.record({ type: 'NIC.CREATE', description: `Added a NIC on network ${plan.networkName} to VM ${a.virtualmachineid}`,
        state: 'Completed', resourceId: a.virtualmachineid, resourceType: 'VirtualMachine', userId: ctx.caller.userId });
      return vmResult(ctx, a.virtualmachineid);
    },
  },
  removeNicFromVirtualMachine: {
    async prepare(ctx, a) {
      const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
      if (!CHANGEABLE.includes(vm.state)) throw invalidParam(`Unable to remove a NIC from VM ${vm.name}: it is ${vm.state}`);
      const nic = await nicOf(ctx, vm.id, a.nicid);
      if (nic.is_default) throw invalidParam(`Unable to remove nic from VM ${vm.name} in network ${nic.network_id}, nic is default.`);
      return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: {} };
    },
    async execute(ctx, a) {
      const vm = await vmById(ctx.svc.db, a.virtualmachineid);
      const nic = await ctx.svc.db.selectFrom('nics').select('network_id').where('id', '=', a.nicid).executeTakeFirst();
      if (vm && nic) await unplugNicLive(ctx.svc, vm, a.nicid);
      await ctx.svc.db.deleteFrom('nics').where('id', '=', a.nicid).where('vm_id', '=', a.virtualmachineid).where('is_default', '=', 0).execute();
      if (vm && nic) await forgetNic(ctx.svc, vm, nic.network_id);
      await ctx.svc.events.record({ type: 'NIC.DELETE', description: `Removed NIC ${a.nicid} from VM ${a.virtualmachineid}`,
        state: 'Completed', resourceId: a.virtualmachineid, resourceType: 'VirtualMachine', userId: ctx.caller.userId });
      return vmResult(ctx, a.virtualmachineid);
    },
  },
  updateDefaultNicForVirtualMachine: {
    async prepare(ctx, a) {
      const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
      if (!CHANGEABLE.includes(vm.state)) throw invalidParam(`Unable to change the default NIC of VM ${vm.name}: it is ${vm.state}`);
      const nic = await nicOf(ctx, vm.id, a.nicid);
      if (nic.is_default) throw invalidParam(`This NIC is already the default NIC of VM ${vm.name}`);
      return { instanceType: 'VirtualMachine', instanceId: vm.id, locks: [`vm:${vm.id}`], payload: {} };
    },
    async execute(ctx, a) {
      await ctx.svc.db.transaction().execute(async (trx) => {
        await trx.updateTable('nics').set({ is_default: 0 }).where('vm_id', '=', a.virtualmachineid).execute();
        await trx.updateTable('nics').set({ is_default: 1 }).where('id', '=', a.nicid).where('vm_id', '=', a.virtualmachineid).execute();
      });
      await ctx.svc.events.record({ type: 'NIC.UPDATE', description: `Made NIC ${a.nicid} the default of VM ${a.virtualmachineid}`,
        state: 'Completed', resourceId: a.virtualmachineid, resourceType: 'VirtualMachine', userId: ctx.caller.userId });
      return vmResult(ctx, a.virtualmachineid);
    },
  },
  async listNics(ctx, a) {
    const vm = await loadVm(ctx, a.virtualmachineid, 'virtualmachineid');
    let nics = (await nicsOfVms(ctx.svc.db, [vm.id], true)).get(vm.id) ?? [];
    if (a.nicid) nics = nics.filter((n) => n.id === a.nicid);
    if (a.networkid) nics = nics.filter((n) => n.networkid === a.networkid);
    return { count: nics.length, items: pageArray(nics, a, ctx.svc.config.maxPageSize) };
  },
};
