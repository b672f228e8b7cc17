// Snapshot policies' retention: a snapshot taken for a policy carries the policy's interval type, and once it is
// backed up the oldest snapshots of that volume and interval type beyond the policy's `maxsnaps` are deleted (in
// the same job, so a policy run is one job with one outcome), as CloudStack's snapshot scheduler does.
import type { CallContext, JobContext } from '../../kernel/handler';
import { invalidParam } from '../../kernel/errors';
import { INTERVAL_TYPES } from '../../contract/schedule/snapshot-schedule';

export async function policyForSnapshot(ctx: CallContext, policyId: string, volumeId: string): Promise<{ id: string; intervalType: string }> {
  const row = await ctx.svc.db.selectFrom('schedules').select(['id', 'action', 'resource_id']).where('id', '=', policyId)
    .where('kind', '=', 'snapshot').where('removed', 'is', null).executeTakeFirst();
  if (!row || row.resource_id !== volumeId || !(INTERVAL_TYPES as readonly string[]).includes(row.action)) {
    throw invalidParam(`Snapshot policy ${policyId} is not a policy of volume ${volumeId}`);
  }
  return { id: row.id, intervalType: row.action };
}

export async function pruneBeyondMaxSnaps(ctx: JobContext, policyId: string, volumeId: string, remove: (id: string) => Promise<void>): Promise<number> {
  const svc = ctx.svc;
  const policy = await svc.db.selectFrom('schedules').select(['action', 'max_snaps']).where('id', '=', policyId).executeTakeFirst();
  if (!policy?.max_snaps) return 0;
  const kept = await svc.db.selectFrom('snapshots').select('id').where('volume_id', '=', volumeId)
    .where('interval_type', '=', policy.action).where('removed', 'is', null).where('state', '=', 'BackedUp')
    .orderBy('created', 'desc').orderBy('id', 'desc').execute();
  const extra = kept.slice(policy.max_snaps);
  // Oldest first, so an interruption leaves the newest ones.
  for (const s of extra.reverse()) await remove(s.id);
  return extra.length;
}
