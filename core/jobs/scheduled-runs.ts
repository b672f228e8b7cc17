// Strata's run calendar (an extension, README "Scheduled tasks"): listScheduledRuns answers every run of the
// schedules the caller may see between two instants — past runs from `schedule_runs` with their job's outcome,
// upcoming runs computed from each schedule's cron as it stands now — and cancelScheduledRun skips a schedule's
// next pending run. Both are what the console's calendar and jobs panel show.
import { whereScope } from '../kernel/list-scope';
import type { SelectQueryBuilder } from 'kysely';
import type { Database, ScheduleTable } from '../db/schema';
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { ScheduledRun } from '../contract/response-types';
import type { scheduleCommands } from '../contract/commands/schedules';
import { MAX_SCHEDULED_RUNS } from '../contract/commands/schedules';
import { compact, csDate } from '../kernel/format';
import { echo, invalidParam, notFound, resourceInUse } from '../kernel/errors';
import { pageItems } from '../identity/common';
import { nextDue } from './schedule-timing';
import { nextRuns, parseCron } from '../contract/schedule/index';
import { scheduleEvent } from './vm-schedules';

type C = typeof scheduleCommands;
const MAX_WINDOW_MS = 62 * 86_400_000;
const JOB_STATE = ['Running', 'Succeeded', 'Failed'] as const;

/** An instant parameter: ISO 8601 (with a zone), or "yyyy-MM-dd[ HH:mm:ss]" read as UTC. */
function instantParam(value: string, name: string): number {
  const v = value.trim();
  const plain = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(v);
  const t = plain ? Date.parse(`${v.replace(' ', 'T')}${v.length === 10 ? 'T00:00:00' : ''}Z`) : Date.parse(v);
  if (!Number.isFinite(t)) throw invalidParam(`Invalid value for ${name}: "${echo(value)}"; expected an ISO 8601 instant or yyyy-MM-dd HH:mm:ss (UTC)`);
  return t;
}

/** vmId: the VM a volume is attached to (a stop of that VM during the volume's snapshot is a conflict). */
interface Target { name: string; zoneId: string; vmId?: string }

/** Names and zones of the VMs and volumes the rows act on, in two reads. */
async function targetsOf(ctx: CallContext, rows: ScheduleTable[]): Promise<Map<string, Target>> {
  const ids = (type: string) => [...new Set(rows.filter((r) => r.resource_type === type && r.resource_id).map((r) => r.resource_id!))];
  const out = new Map<string, Target>();
  const vmIds = ids('VirtualMachine');
  const volIds = ids('Volume');
  for (let i = 0; i < vmIds.length; i += 500) {
    for (const v of await ctx.svc.db.selectFrom('vms').select(['id', 'display_name', 'name', 'zone_id']).where('id', 'in', vmIds.slice(i, i + 500)).execute()) {
      out.set(v.id, { name: v.display_name || v.name, zoneId: v.zone_id, vmId: v.id });
    }
  }
  for (let i = 0; i < volIds.length; i += 500) {
    for (const v of await ctx.svc.db.selectFrom('volumes').select(['id', 'name', 'zone_id', 'vm_id']).where('id', 'in', volIds.slice(i, i + 500)).execute()) {
      out.set(v.id, { name: v.name, zoneId: v.zone_id, vmId: v.vm_id ?? undefined });
    }
  }
  return out;
}

function scoped<O>(q: SelectQueryBuilder<Database, 'schedules', O>, scope: Awaited<ReturnType<CallContext['svc']['identity']['listScope']>>,
  a: { action?: string; resourceid?: string; scheduleid?: string }) {
  q = whereScope(q, scope, 'schedules.account_id', 'schedules.domain_id');
  if (a.resourceid) q = q.where('schedules.resource_id', '=', a.resourceid);
  if (a.scheduleid) q = q.where('schedules.id', '=', a.scheduleid);
  if (a.action) q = q.where('schedules.action', 'in', [a.action, a.action.toUpperCase()]);
  return q;
}

export const scheduledRunHandlers: Pick<HandlersFor<C>, 'listScheduledRuns' | 'cancelScheduledRun'> = {
  listScheduledRuns: async (ctx, a) => {
    const from = instantParam(a.startdate, 'startdate');
    const to = instantParam(a.enddate, 'enddate');
    if (to <= from) throw invalidParam('Invalid value for enddate: it must be after startdate');
    if (to - from > MAX_WINDOW_MS) throw invalidParam('Invalid value for enddate: listScheduledRuns covers at most 62 days at a time');
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);

    // Past runs (any schedule, even one removed since), with their job's outcome.
    const past = await scoped(ctx.svc.db.selectFrom('schedule_runs as r').innerJoin('schedules', 'schedules.id', 'r.schedule_id')
      .leftJoin('async_jobs as j', 'j.id', 'r.job_id') as unknown as SelectQueryBuilder<Database, 'schedules', object>, scope, a)
      .selectAll('schedules')
      .select(['r.due as run_due', 'r.outcome as run_outcome', 'r.error as run_error', 'r.job_id as run_job',
        'j.status as job_status', 'j.started as job_started', 'j.completed as job_completed', 'j.result as job_result'] as never[])
      .where('r.due' as never, '>=', from as never).where('r.due' as never, '<', to as never)
      .limit(MAX_SCHEDULED_RUNS).execute() as unknown as (ScheduleTable & PastRun)[];

    // Upcoming runs of the live, enabled schedules, as their crons give them now.
    const live = await scoped(ctx.svc.db.selectFrom('schedules'), scope, a).selectAll()
      .where('removed', 'is', null).where('next_run', 'is not', null).where('next_run', '<', to).execute();
    const rows = [...past, ...live];
    const targets = await targetsOf(ctx, rows);
    const accounts = new Map<string, string>();
    for (const id of new Set(rows.map((r) => r.account_id))) accounts.set(id, (await ctx.svc.identity.accountInfo(id)).name);

    const base = (r: ScheduleTable): Omit<ScheduledRun, 'runat' | 'state'> | null => {
      const t = r.resource_id ? targets.get(r.resource_id) : undefined;
      if (a.zoneid && t?.zoneId !== a.zoneid) return null;
      return compact({ scheduleid: r.id, kind: r.kind, action: r.action, apicommand: r.command, description: r.description ?? undefined,
        resourcetype: r.resource_type ?? undefined, resourceid: r.resource_id ?? undefined, resourcename: t?.name, virtualmachineid: t?.vmId, zoneid: t?.zoneId,
        account: accounts.get(r.account_id), domainid: r.domain_id });
    };
    const runs: ScheduledRun[] = [];
    for (const r of past) {
      const b = base(r);
      if (b) runs.push(compact<ScheduledRun>({ ...b, runat: csDate(r.run_due), ...pastState(r) }));
    }
    for (const r of live) {
      const b = base(r);
      if (!b) continue;
      // From the next run (which may be due already and not yet fired: it is still upcoming) to the window's end.
      const last = Math.min(r.end_date ?? Infinity, to - 1);
      const times = r.once_at != null ? (r.once_at >= from && r.once_at < to ? [r.once_at] : [])
        : r.cron ? nextRuns(parseCron(r.cron), r.timezone, Math.max(r.next_run!, from) - 1, MAX_SCHEDULED_RUNS, { notBefore: r.start_date, notAfter: last }) : [];
      for (const t of times) {
        runs.push({ ...b, runat: csDate(t), state: 'Scheduled' });
        if (runs.length > MAX_SCHEDULED_RUNS) break;
      }
      if (runs.length > MAX_SCHEDULED_RUNS) break;
    }
    runs.sort((x, y) => (x.runat < y.runat ? -1 : x.runat > y.runat ? 1 : x.scheduleid < y.scheduleid ? -1 : 1));
    const kept = runs.slice(0, MAX_SCHEDULED_RUNS);
    return { count: kept.length, items: pageItems(kept, a, Math.max(ctx.svc.config.maxPageSize, MAX_SCHEDULED_RUNS)) };
  },

  cancelScheduledRun: async (ctx, a) => {
    const row = await ctx.svc.db.selectFrom('schedules').selectAll().where('id', '=', a.scheduleid).where('removed', 'is', null).executeTakeFirst();
    if (!row) throw notFound(ctx.command, 'scheduleid', a.scheduleid);
    await ctx.svc.identity.checkAccess(ctx.caller, { accountId: row.account_id, domainId: row.domain_id });
    if (row.next_run === null) throw invalidParam(`Schedule ${row.id} has no pending run to cancel (it is disabled or has no run left)`);
    const now = ctx.svc.clock.now();
    const due = row.next_run;
    const next = nextDue(row, due);
    // Only while no server has claimed the run: once claimed, its job is being written and the run is under way.
    const done = await ctx.svc.db.transaction().execute(async (tx) => {
      const r = await tx.updateTable('schedules').set({ next_run: next }).where('id', '=', row.id).where('next_run', '=', due)
        .where((w) => w.or([w('claim_until', 'is', null), w('claim_until', '<', now)])).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await tx.insertInto('schedule_runs').values({ id: ctx.svc.newId(), schedule_id: row.id, due, fired: now, job_id: null,
        outcome: 'cancelled', error: `Cancelled by ${ctx.caller.username}`, ms_id: ctx.svc.config.msId }).execute();
      return true;
    });
    if (!done) throw resourceInUse(`The run of schedule ${row.id} due ${new Date(due).toISOString()} has started already; its job can no longer be cancelled`);
    await scheduleEvent(ctx, row, 'SCHEDULE.CANCEL', `Cancelled the ${row.action} run of schedule ${row.id} due ${new Date(due).toISOString()}`);
    return { displaytext: `Cancelled the run due ${csDate(due)}` };
  },
};

interface PastRun { run_due: number; run_outcome: string; run_error: string | null; run_job: string | null;
  job_status: number | null; job_started: number | null; job_completed: number | null; job_result: string | null }

function pastState(r: PastRun): Pick<ScheduledRun, 'state' | 'jobid' | 'started' | 'completed' | 'errortext'> {
  if (r.run_outcome !== 'job') {
    const state = r.run_outcome === 'skipped' ? 'Skipped' : r.run_outcome === 'cancelled' ? 'Cancelled' : 'Failed';
    return { state, errortext: r.run_error ?? undefined };
  }
  const state = r.job_status === null ? 'Failed' : JOB_STATE[r.job_status] ?? 'Failed';
  let errortext: string | undefined;
  if (state === 'Failed') {
    try { errortext = (JSON.parse(r.job_result ?? '{}') as { errortext?: string }).errortext; } catch { errortext = undefined; }
  }
  return compact({ state, jobid: r.run_job ?? undefined, started: csDate(r.job_started), completed: csDate(r.job_completed), errortext });
}
