// The virtual machine command family bound to its handlers, and the start-up reconciliation the core runs.
import { implement } from '../../kernel/handler';
import { computeCommands } from '../../contract/commands/compute';
import { deployHandler } from './deploy';
import { destroyHandler, expungeHandler, rebootHandler, recoverHandler, startHandler, stopHandler } from './lifecycle';
import { changeServiceHandler, scaleHandler, updateHandler } from './resize';
import { findHostsHandler, migrateHandler } from './migrate';
import { listVms } from './vm-view';
import { attachIsoHandler, detachIsoHandler } from './iso';
import { resetSshKeyHandler } from './vm-access';
import { tagPairs } from '../../tags/index';

export { reconcileVms, reconcileVm } from './reconcile';
export { syncHostVms, reconcileLocalHosts } from '../../hosts/host-sync';
export { startStatsCollector } from './stats-cache';

const wantsStats = (details: string[] | undefined) =>
  !!details?.some((d) => d.toLowerCase() === 'stats' || d.toLowerCase() === 'all');

export const computeModule = implement(computeCommands, {
  deployVirtualMachine: deployHandler,
  startVirtualMachine: startHandler,
  stopVirtualMachine: stopHandler,
  rebootVirtualMachine: rebootHandler,
  destroyVirtualMachine: destroyHandler,
  recoverVirtualMachine: recoverHandler,
  expungeVirtualMachine: expungeHandler,
  scaleVirtualMachine: scaleHandler,
  changeServiceForVirtualMachine: changeServiceHandler,
  updateVirtualMachine: updateHandler,
  migrateVirtualMachine: migrateHandler,
  findHostsForMigration: findHostsHandler,
  attachIso: attachIsoHandler,
  detachIso: detachIsoHandler,
  resetSSHKeyForVirtualMachine: resetSshKeyHandler,
  listVirtualMachines: async (ctx, a) => {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    return listVms(ctx.svc, { ...a, scope, tags: a.tags ? tagPairs(a.tags) : undefined }, a, { caller: ctx.caller, stats: wantsStats(a.details) });
  },
});
