// The volume and snapshot command family bound to its handlers.
import { implement } from '../../kernel/handler';
import { storageCommands } from '../../contract/commands/storage';
import { attachHandler, detachHandler } from './attach';
import { createVolumeHandler, deleteVolumeHandler, resizeHandler } from './volumes';
import { createSnapshotHandler, deleteSnapshotHandler, revertSnapshotHandler } from './snapshots';
import { listVolumes } from './volume-view';
import { listSnapshots } from './snapshot-view';
import { tagPairs } from '../../tags/index';

export const storageModule = implement(storageCommands, {
  createVolume: createVolumeHandler,
  attachVolume: attachHandler,
  detachVolume: detachHandler,
  resizeVolume: resizeHandler,
  deleteVolume: deleteVolumeHandler,
  listVolumes: async (ctx, a) => {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    return listVolumes(ctx.svc, { ...a, scope, tags: a.tags ? tagPairs(a.tags) : undefined }, a, ctx.caller);
  },
  createSnapshot: createSnapshotHandler,
  listSnapshots: async (ctx, a) => {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    return listSnapshots(ctx.svc, { ...a, scope, tags: a.tags ? tagPairs(a.tags) : undefined }, a, ctx.caller);
  },
  deleteSnapshot: deleteSnapshotHandler,
  revertSnapshot: revertSnapshotHandler,
});
