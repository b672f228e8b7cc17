// The VM snapshot command family bound to its handlers.
import { implement } from '../../kernel/handler';
import { vmSnapshotCommands } from '../../contract/commands/vm-snapshots';
import { createVmSnapshotHandler, deleteVmSnapshotHandler, revertToVmSnapshotHandler } from './handlers';
import { listVmSnapshots } from './view';

export const vmSnapshotModule = implement(vmSnapshotCommands, {
  createVMSnapshot: createVmSnapshotHandler,
  listVMSnapshot: async (ctx, a) => {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    return listVmSnapshots(ctx.svc, { ...a, scope }, a);
  },
  revertToVMSnapshot: revertToVmSnapshotHandler,
  deleteVMSnapshot: deleteVmSnapshotHandler,
});
