// CloudStack 4.19's VM schedules: createVMSchedule, listVMSchedule, updateVMSchedule, deleteVMSchedule. A schedule
// runs startVirtualMachine, stopVirtualMachine or rebootVirtualMachine (forced for FORCE_*) on a cron in a time
// zone, between its start and end dates, as the user who created it; the VM's owner account owns the schedule.
import type { ScheduleTable } from '../db/schema';
import type { CallContext } from '../kernel/handler';
import type { VMSchedule } from '../contract/response-types';
import type { scheduleCommands } from '../contract/commands/schedules';
import type { HandlersFor } from '../kernel/handler';
import { VM_SCHEDULE_ACTIONS } from '../contract/commands/schedules';
import { compact, csDate } from '../kernel/format';
import { echo, invalidParam, notFound } from '../kernel/errors';
import { checkWindow, cronParam, insertSchedule, removeSchedules, timeZoneParam, updateSchedule, wallDateParam, loadScheduleRow, schedulePage } from './schedule-rows';

type C = typeof scheduleCommands;
type Action = (typeof VM_SCHEDULE_ACTIONS)[number];

const COMMAND_OF: Record<Action, { command: string; forced?: boolean }> = {
  START: { command: 'startVirtualMachine' }, STOP: { command: 'stopVirtualMachine' },
  REBOOT: { command: 'rebootVirtualMachine' }, FORCE_STOP: { command: 'stopVirtualMachine', forced: true },
  FORCE_REBOOT: { command: 'rebootVirtualMachine', forced: true },
};

async function loadVm(ctx: CallContext, id: string) {
  const vm = await ctx.svc.db.selectFrom('vms').select(['id', 'account_id', 'domain_id', 'state'])
    .where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!vm || vm.state === 'Expunging') throw notFound(ctx.command, 'virtualmachineid', id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: vm.account_id, domainId: vm.domain_id });
  return vm;
}

const loadSchedule = (ctx: CallContext, id: string) => loadScheduleRow(ctx, id, 'vm');

export function vmScheduleObject(r: ScheduleTable): VMSchedule {
  return compact<VMSchedule>({ id: r.id, virtualmachineid: r.resource_id!, description: r.description, action: r.action,
    schedule: r.schedule, timezone: r.timezone, startdate: csDate(r.start_date), enddate: csDate(r.end_date),
    enabled: r.enabled === 1, created: csDate(r.created) });
}

function actionParam(a: string): Action {
  const up = a.trim().toUpperCase() as Action;
  if (!VM_SCHEDULE_ACTIONS.includes(up)) throw invalidParam(`Invalid value for action: ${echo(a)}. Valid values are ${VM_SCHEDULE_ACTIONS.join(', ')}`);
  return up;
}

export const vmScheduleHandlers: Pick<HandlersFor<C>, 'createVMSchedule' | 'updateVMSchedule' | 'listVMSchedule' | 'deleteVMSchedule'> = {
  createVMSchedule: async (ctx, a) => {
    const vm = await loadVm(ctx, a.virtualmachineid);
    const action = actionParam(a.action);
    const cron = cronParam(a.schedule);
    const tz = timeZoneParam(a.timezone);
    const now = ctx.svc.clock.now();
    const start = a.startdate ? wallDateParam(a.startdate, tz, 'startdate') : now + 60_000;
    const end = a.enddate ? wallDateParam(a.enddate, tz, 'enddate') : null;
    checkWindow(start, end, now, a.startdate !== undefined);
    const run = COMMAND_OF[action];
    const row = await insertSchedule(ctx.svc, {
      kind: 'vm', account_id: vm.account_id, domain_id: vm.domain_id, user_id: ctx.caller.userId,
      resource_type: 'VirtualMachine', resource_id: vm.id, command: run.command,
      params: JSON.stringify(run.forced ? { id: vm.id, forced: true } : { id: vm.id }), action, schedule: a.schedule.trim(),
      cron, once_at: null, timezone: tz, description: a.description ?? `${action} ${cron}`, start_date: start, end_date: end,
      enabled: a.enabled === false ? 0 : 1, max_snaps: null,
    });
    await scheduleEvent(ctx, row, 'VM.SCHEDULE.CREATE', `Created VM schedule ${row.id} (${action} "${cron}" ${tz})`);
    return vmScheduleObject(row);
  },

  updateVMSchedule: async (ctx, a) => {
    const row = await loadSchedule(ctx, a.id);
    const tz = a.timezone !== undefined ? timeZoneParam(a.timezone) : row.timezone;
    const patch: Partial<ScheduleTable> = { timezone: tz };
    if (a.schedule !== undefined) { patch.cron = cronParam(a.schedule); patch.schedule = a.schedule.trim(); }
    if (a.description !== undefined) patch.description = a.description;
    if (a.enabled !== undefined) patch.enabled = a.enabled ? 1 : 0;
    const start = a.startdate !== undefined ? wallDateParam(a.startdate, tz, 'startdate') : row.start_date;
    const end = a.enddate !== undefined ? wallDateParam(a.enddate, tz, 'enddate') : row.end_date;
    checkWindow(start, end, ctx.svc.clock.now(), a.startdate !== undefined);
    patch.start_date = start;
    patch.end_date = end;
    const next = await updateSchedule(ctx.svc, row, patch);
    await scheduleEvent(ctx, next, 'VM.SCHEDULE.UPDATE', `Updated VM schedule ${row.id}`);
    return vmScheduleObject(next);
  },

  listVMSchedule: async (ctx, a) => {
    await loadVm(ctx, a.virtualmachineid);
    let q = ctx.svc.db.selectFrom('schedules').where('kind', '=', 'vm').where('resource_id', '=', a.virtualmachineid)
      .where('removed', 'is', null);
    if (a.action) q = q.where('action', '=', a.action.toUpperCase());
    const { count, rows } = await schedulePage(ctx, q, a);
    return { count, items: rows.map(vmScheduleObject) };
  },

  deleteVMSchedule: async (ctx, a) => {
    await loadVm(ctx, a.virtualmachineid);
    const wanted = [...(a.id ? [a.id] : []), ...(a.ids ?? [])];
    let q = ctx.svc.db.selectFrom('schedules').select('id').where('kind', '=', 'vm')
      .where('resource_id', '=', a.virtualmachineid).where('removed', 'is', null);
    if (wanted.length) q = q.where('id', 'in', wanted);
    const found = (await q.execute()).map((r) => r.id);
    const missing = wanted.find((id) => !found.includes(id));
    if (missing) throw invalidParam(`Invalid parameter id value=${missing}: no schedule of virtual machine ${a.virtualmachineid} has this id`);
    await removeSchedules(ctx.svc, found);
    for (const id of found) {
      await ctx.svc.events.record({ type: 'VM.SCHEDULE.DELETE', description: `Deleted VM schedule ${id}`, state: 'Completed',
        resourceId: a.virtualmachineid, resourceType: 'VirtualMachine', userId: ctx.caller.userId,
        accountId: ctx.caller.accountId, domainId: ctx.caller.domainId });
    }
    return { displaytext: `Deleted ${found.length} VM schedule(s)` };
  },
};

export async function scheduleEvent(ctx: CallContext, row: ScheduleTable, type: string, description: string): Promise<void> {
  await ctx.svc.events.record({ type, description, state: 'Completed', resourceId: row.resource_id ?? row.id,
    resourceType: row.resource_type ?? 'Schedule', userId: ctx.caller.userId, accountId: row.account_id, domainId: row.domain_id });
}
