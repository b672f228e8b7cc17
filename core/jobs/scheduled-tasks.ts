// Strata's scheduled tasks (an extension, README "API extensions"): any async command the caller may run, once at
// a time (`runat`) or on a cron (`schedule`), owned by the caller. The parameters are validated against the
// command's declaration when the task is saved; rights and access are checked again when it runs (the scheduler
// runs the command's own prepare as the owner), so a task never does more than its owner may do at that moment.
import { whereScope } from '../kernel/list-scope';
import type { ScheduleTable } from '../db/schema';
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { CommandDecl } from '../contract/command';
import type { scheduleCommands } from '../contract/commands/schedules';
import type { ScheduledTask as ScheduledTaskResponse } from '../contract/response-types';
import { compact, csDate } from '../kernel/format';
import { echo, invalidParam, permissionDenied } from '../kernel/errors';
import { checkWindow, cronParam, insertSchedule, removeSchedules, timeZoneParam, updateSchedule, wallDateParam, loadScheduleRow, schedulePage } from './schedule-rows';
import { scheduleEvent } from './vm-schedules';
import { taskTargetOf } from '../contract/schedule/index';

type C = typeof scheduleCommands;

/** Validates a command's parameters as the API would (injected by the composition root from api/validate). */
export type CommandResolver = (command: string, params: Record<string, string>) => { decl: CommandDecl; args: Record<string, unknown> } | null;

async function taskObject(ctx: CallContext, r: ScheduleTable): Promise<ScheduledTaskResponse> {
  const acc = await ctx.svc.identity.accountInfo(r.account_id);
  const raw = JSON.parse(r.params) as Record<string, unknown>;
  const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
  return compact<ScheduledTaskResponse>({ id: r.id, apicommand: r.command, params, schedule: r.cron ?? undefined,
    runat: csDate(r.once_at), timezone: r.timezone, description: r.description, enabled: r.enabled === 1,
    startdate: csDate(r.start_date), enddate: csDate(r.end_date), nextrun: csDate(r.next_run), account: acc.name,
    domainid: r.domain_id, domain: acc.domainName, created: csDate(r.created) });
}

const loadTask = (ctx: CallContext, id: string) => loadScheduleRow(ctx, id, 'task');

/** runat / schedule: exactly one, read in the time zone. */
function timing(a: { runat?: string; schedule?: string }, tz: string): { once_at: number | null; cron: string | null; schedule: string } {
  if ((a.runat === undefined) === (a.schedule === undefined)) throw invalidParam('Specify either runat (one run) or schedule (a cron), not both or neither');
  if (a.runat !== undefined) return { once_at: wallDateParam(a.runat, tz, 'runat'), cron: null, schedule: a.runat.trim() };
  const cron = cronParam(a.schedule!);
  return { once_at: null, cron, schedule: cron };
}

export function scheduledTaskHandlers(resolve: CommandResolver): Pick<HandlersFor<C>, 'createScheduledTask' | 'updateScheduledTask' | 'listScheduledTasks' | 'deleteScheduledTask'> {
  return {
    createScheduledTask: async (ctx, a) => {
      const params = Object.fromEntries((a.params ?? []).map((e) => [String(e.name ?? '').toLowerCase(), String(e.value ?? '')]));
      delete params[''];
      const resolved = resolve(a.apicommand.trim(), params);
      if (!resolved) throw invalidParam(`Invalid value for apicommand: ${echo(a.apicommand)} is not an async API command`);
      if (!(await ctx.svc.identity.isAllowed(ctx.caller, resolved.decl))) {
        throw permissionDenied(`The caller is not allowed to run ${resolved.decl.name}, so it cannot schedule it`);
      }
      const tz = timeZoneParam(a.timezone ?? 'UTC');
      const t = timing(a, tz);
      const now = ctx.svc.clock.now();
      if (t.once_at !== null && t.once_at <= now) throw invalidParam(`Invalid value for runat: ${a.runat} (${tz}) is in the past`);
      const start = a.startdate ? wallDateParam(a.startdate, tz, 'startdate') : null;
      const end = a.enddate ? wallDateParam(a.enddate, tz, 'enddate') : null;
      checkWindow(start, end, now, a.startdate !== undefined);
      const target = taskTargetOf(resolved.decl, resolved.args);
      const row = await insertSchedule(ctx.svc, {
        kind: 'task', account_id: ctx.caller.accountId, domain_id: ctx.caller.domainId, user_id: ctx.caller.userId,
        resource_type: target?.type ?? null, resource_id: target?.id ?? null, command: resolved.decl.name,
        params: JSON.stringify(resolved.args), action: resolved.decl.name, ...t, timezone: tz,
        description: a.description ?? null, start_date: start, end_date: end, enabled: a.enabled === false ? 0 : 1, max_snaps: null,
      });
      await scheduleEvent(ctx, row, 'SCHEDULE.CREATE', `Scheduled ${row.command} (task ${row.id})`);
      return taskObject(ctx, row);
    },

    updateScheduledTask: async (ctx, a) => {
      const row = await loadTask(ctx, a.id);
      const tz = a.timezone !== undefined ? timeZoneParam(a.timezone) : row.timezone;
      const patch: Partial<ScheduleTable> = { timezone: tz };
      if (a.runat !== undefined || a.schedule !== undefined) Object.assign(patch, timing(a, tz));
      if (a.description !== undefined) patch.description = a.description;
      if (a.enabled !== undefined) patch.enabled = a.enabled ? 1 : 0;
      const start = a.startdate !== undefined ? wallDateParam(a.startdate, tz, 'startdate') : row.start_date;
      const end = a.enddate !== undefined ? wallDateParam(a.enddate, tz, 'enddate') : row.end_date;
      checkWindow(start, end, ctx.svc.clock.now(), a.startdate !== undefined);
      const next = await updateSchedule(ctx.svc, row, { ...patch, start_date: start, end_date: end });
      await scheduleEvent(ctx, next, 'SCHEDULE.UPDATE', `Updated scheduled task ${row.id}`);
      return taskObject(ctx, next);
    },

    listScheduledTasks: async (ctx, a) => {
      const scope = await ctx.svc.identity.listScope(ctx.caller, a);
      let q = ctx.svc.db.selectFrom('schedules').where('kind', '=', 'task').where('removed', 'is', null);
      q = whereScope(q, scope);
      if (a.apicommand) q = q.where('command', '=', a.apicommand);
      const { count, rows } = await schedulePage(ctx, q, a);
      return { count, items: await Promise.all(rows.map((r) => taskObject(ctx, r))) };
    },

    deleteScheduledTask: async (ctx, a) => {
      const row = await loadTask(ctx, a.id);
      await removeSchedules(ctx.svc, [row.id]);
      await scheduleEvent(ctx, row, 'SCHEDULE.DELETE', `Deleted scheduled task ${row.id}`);
    },
  };
}
