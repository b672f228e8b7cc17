// CloudStack's snapshot policies: createSnapshotPolicy (one per volume and interval type: creating one again
// updates it), listSnapshotPolicies, updateSnapshotPolicy (async, display flag), deleteSnapshotPolicies. A policy
// runs createSnapshot with its policyid; that job deletes the oldest of the volume's snapshots of the policy's
// interval type beyond maxsnaps (orchestration/storage/snapshot-retention.ts).
import { whereScope } from '../kernel/list-scope';
import type { ScheduleTable } from '../db/schema';
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { SnapshotPolicy } from '../contract/response-types';
import type { scheduleCommands } from '../contract/commands/schedules';
import { compact } from '../kernel/format';
import { echo, invalidParam, notFound } from '../kernel/errors';
import { pageOf } from '../identity/common';
import { CronError, INTERVAL_TYPES, intervalTypeNumber, parseIntervalType, snapshotScheduleToCron, type IntervalType } from '../contract/schedule/index';
import { insertSchedule, removeSchedules, timeZoneParam, updateSchedule, loadScheduleRow } from './schedule-rows';
import { scheduleEvent } from './vm-schedules';

type C = typeof scheduleCommands;

async function loadVolume(ctx: CallContext, id: string) {
  const v = await ctx.svc.db.selectFrom('volumes').select(['id', 'name', 'account_id', 'domain_id', 'state'])
    .where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!v) throw notFound(ctx.command, 'volumeid', id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: v.account_id, domainId: v.domain_id });
  return v;
}

const loadPolicy = (ctx: CallContext, id: string, param = 'id') => loadScheduleRow(ctx, id, 'snapshot', param);

function policyObject(r: ScheduleTable & { volumename?: string | null }): SnapshotPolicy {
  return compact<SnapshotPolicy>({ id: r.id, volumeid: r.resource_id!, volumename: r.volumename,
    intervaltype: intervalTypeNumber(r.action as IntervalType), schedule: r.schedule, maxsnaps: r.max_snaps!,
    timezone: r.timezone, fordisplay: r.display === 1 });
}

function scheduleCron(type: IntervalType, schedule: string): string {
  try {
    return snapshotScheduleToCron(type, schedule);
  } catch (e) {
    if (e instanceof CronError) throw invalidParam(e.message);
    throw e;
  }
}

export const snapshotPolicyHandlers: Pick<HandlersFor<C>, 'createSnapshotPolicy' | 'updateSnapshotPolicy' | 'listSnapshotPolicies' | 'deleteSnapshotPolicies'> = {
  createSnapshotPolicy: async (ctx, a) => {
    const vol = await loadVolume(ctx, a.volumeid);
    const type = parseIntervalType(a.intervaltype);
    if (!type) throw invalidParam(`Unsupported interval type ${echo(a.intervaltype)}: use one of ${INTERVAL_TYPES.join(', ')}`);
    const cron = scheduleCron(type, a.schedule);
    const tz = timeZoneParam(a.timezone);
    if (!Number.isInteger(a.maxsnaps) || a.maxsnaps <= 0) throw invalidParam(`maxSnaps should be greater than 0, got ${a.maxsnaps}`);
    const display = a.fordisplay === false ? 0 : 1;
    const existing = await ctx.svc.db.selectFrom('schedules').selectAll().where('kind', '=', 'snapshot')
      .where('resource_id', '=', vol.id).where('action', '=', type).where('removed', 'is', null).executeTakeFirst();
    if (existing) {
      const row = await updateSchedule(ctx.svc, existing, { schedule: a.schedule.trim(), cron, timezone: tz, max_snaps: a.maxsnaps, display });
      await scheduleEvent(ctx, row, 'SNAPSHOTPOLICY.UPDATE', `Updated ${type} snapshot policy ${row.id} of volume ${vol.name}`);
      return policyObject({ ...row, volumename: vol.name });
    }
    const id = ctx.svc.newId();
    const row = await insertSchedule(ctx.svc, {
      id, kind: 'snapshot', account_id: vol.account_id, domain_id: vol.domain_id, user_id: ctx.caller.userId,
      resource_type: 'Volume', resource_id: vol.id, command: 'createSnapshot',
      params: JSON.stringify({ volumeid: vol.id, policyid: id }), action: type, schedule: a.schedule.trim(), cron,
      once_at: null, timezone: tz, description: null, start_date: null, end_date: null, enabled: 1, max_snaps: a.maxsnaps, display,
    });
    await scheduleEvent(ctx, row, 'SNAPSHOTPOLICY.CREATE', `Created ${type} snapshot policy ${row.id} of volume ${vol.name}`);
    return policyObject({ ...row, volumename: vol.name });
  },

  updateSnapshotPolicy: {
    async prepare(ctx, a) {
      if (!a.id) throw invalidParam('Please specify the id of the snapshot policy to update');
      const row = await loadPolicy(ctx, a.id);
      return { instanceType: 'SnapshotPolicy', instanceId: row.id, locks: [`schedule:${row.id}`], payload: null };
    },
    async execute(ctx, a) {
      const row = await loadPolicy(ctx, a.id!);
      const next = a.fordisplay === undefined ? row : await updateSchedule(ctx.svc, row, { display: a.fordisplay ? 1 : 0 });
      await scheduleEvent(ctx, next, 'SNAPSHOTPOLICY.UPDATE', `Updated snapshot policy ${row.id}`);
      const vol = await ctx.svc.db.selectFrom('volumes').select('name').where('id', '=', row.resource_id!).executeTakeFirst();
      return policyObject({ ...next, volumename: vol?.name });
    },
  },

  listSnapshotPolicies: async (ctx, a) => {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = ctx.svc.db.selectFrom('schedules as s').leftJoin('volumes as v', 'v.id', 's.resource_id')
      .where('s.kind', '=', 'snapshot').where('s.removed', 'is', null);
    q = whereScope(q, scope, 's.account_id', 's.domain_id');
    if (a.volumeid) q = q.where('s.resource_id', '=', a.volumeid);
    if (a.id) q = q.where('s.id', '=', a.id);
    if (a.fordisplay !== undefined) q = q.where('s.display', '=', a.fordisplay ? 1 : 0);
    const { offset, limit } = pageOf(a, ctx.svc.config.maxPageSize);
    const [total, rows] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      q.selectAll('s').select('v.name as volumename').orderBy('s.created').orderBy('s.id').limit(limit).offset(offset).execute(),
    ]);
    return { count: Number(total.n), items: rows.map(policyObject) };
  },

  deleteSnapshotPolicies: async (ctx, a) => {
    const ids = [...(a.id ? [a.id] : []), ...(a.ids ?? [])];
    if (ids.length === 0) throw invalidParam('Either id or ids parameter must be specified');
    const rows: ScheduleTable[] = [];
    for (const id of ids) rows.push(await loadPolicy(ctx, id, a.id === id ? 'id' : 'ids'));
    await removeSchedules(ctx.svc, rows.map((r) => r.id));
    for (const r of rows) await scheduleEvent(ctx, r, 'SNAPSHOTPOLICY.DELETE', `Deleted snapshot policy ${r.id}`);
  },
};
