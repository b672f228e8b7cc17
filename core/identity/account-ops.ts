// Removal of accounts (deleteAccount, deleteDomain with cleanup): refused while VMs or volumes still belong to
// them; otherwise accounts and users are marked removed, keys dropped and sessions ended in one transaction.
import type { CallContext } from '../kernel/handler';
import { resourceInUse } from '../kernel/errors';
import { changed, endSessionsOf } from './common';

/** Ids of the accounts (among these) that still own live VMs or volumes. */
export async function accountsWithResources(ctx: CallContext, accountIds: string[]): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const db = ctx.svc.db;
  const vms = await db.selectFrom('vms').select('account_id').distinct().where('account_id', 'in', accountIds)
    .where('removed', 'is', null).execute();
  const vols = await db.selectFrom('volumes').select('account_id').distinct().where('account_id', 'in', accountIds)
    .where('removed', 'is', null).execute();
  return [...new Set([...vms, ...vols].map((r) => r.account_id))];
}

export async function refuseIfResources(ctx: CallContext, accountIds: string[]): Promise<void> {
  const busy = await accountsWithResources(ctx, accountIds);
  if (busy.length > 0) {
    const e = resourceInUse('Account has resources');
    e.uuidList.push(...busy);
    throw e;
  }
}

/** Marks accounts and their users removed, clears their API keys and ends their sessions. */
export async function removeAccounts(ctx: CallContext, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  const now = ctx.svc.clock.now();
  const users = await ctx.svc.db.selectFrom('users').select('id').where('account_id', 'in', accountIds)
    .where('removed', 'is', null).execute();
  await ctx.svc.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ removed: now, api_key: null, secret_key: null })
      .where('account_id', 'in', accountIds).where('removed', 'is', null).execute();
    await trx.updateTable('accounts').set({ removed: now }).where('id', 'in', accountIds)
      .where('removed', 'is', null).execute();
  });
  await endSessionsOf(ctx, users.map((u) => u.id));
  changed(ctx);
}
