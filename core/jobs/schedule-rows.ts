// What the schedule commands share: time zone and date parameters checked with CloudStack-style 431 texts, and
// rows written with their next run computed (the scheduler only reads `next_run`).
import type { SelectQueryBuilder } from 'kysely';
import type { Database, ScheduleTable } from '../db/schema';
import { pageOf } from '../identity/common';
import type { Services } from '../kernel/services';
import type { CallContext } from '../kernel/handler';
import { invalidParam, echo, notFound } from '../kernel/errors';
import { canonicalTimeZone, CronError, instantOf, parseCron, parseWallTime } from '../contract/schedule/index';
import { nextDue } from './schedule-timing';

export function timeZoneParam(tz: string): string {
  const zone = canonicalTimeZone(tz);
  if (!zone) throw invalidParam(`Invalid timezone: ${echo(tz)}. Use an IANA time zone name such as Asia/Shanghai or UTC.`);
  return zone;
}

/** A "yyyy-MM-dd HH:mm:ss" parameter read in the schedule's time zone, as an instant. */
export function wallDateParam(value: string, tz: string, name: string): number {
  const w = parseWallTime(value);
  if (!w) throw invalidParam(`Invalid value for ${name}: "${echo(value)}"; expected yyyy-MM-dd HH:mm:ss in time zone ${tz}`);
  return instantOf(w, tz);
}

export function cronParam(expr: string): string {
  try {
    return parseCron(expr).source;
  } catch (e) {
    if (e instanceof CronError) throw invalidParam(e.message);
    throw e;
  }
}

/** Start and end dates as CloudStack checks them: start not in the past, end after start. */
export function checkWindow(start: number | null, end: number | null, now: number, startGiven: boolean): void {
  if (startGiven && start !== null && start < now - 60_000) {
    throw invalidParam(`Invalid value for start date. Start date [${new Date(start).toISOString()}] can't be less than current time [${new Date(now).toISOString()}].`);
  }
  if (end !== null && start !== null && end <= start) {
    throw invalidParam(`Invalid value for end date. End date [${new Date(end).toISOString()}] can't be less than start date [${new Date(start).toISOString()}].`);
  }
  if (end !== null && end <= now) throw invalidParam(`Invalid value for end date. End date [${new Date(end).toISOString()}] is in the past.`);
}

/** next_run of a row as it stands now: null when disabled, removed or finished. */
export function nextRunOf(row: Pick<ScheduleTable, 'enabled' | 'removed' | 'once_at' | 'cron' | 'timezone' | 'start_date' | 'end_date'>, now: number): number | null {
  if (!row.enabled || row.removed !== null) return null;
  return nextDue(row, now);
}

/** Tells this server's scheduler, which may be asleep until a later run, about a row's (new) next run. Another
 *  server sharing the database finds it on its next read of the due rows, within its interval (1 s). */
function announce(svc: Services, row: ScheduleTable): void {
  if (row.next_run !== null) svc.events.notify({ kind: 'schedule', scheduleId: row.id, nextRun: row.next_run });
}

export type NewSchedule = Omit<ScheduleTable, 'id' | 'next_run' | 'claimed_by' | 'claim_until' | 'created' | 'removed' | 'display'> & { id?: string; display?: number };

export async function insertSchedule(svc: Services, s: NewSchedule): Promise<ScheduleTable> {
  const now = svc.clock.now();
  const row: ScheduleTable = { ...s, display: s.display ?? 1, id: s.id ?? svc.newId(), created: now, removed: null, claimed_by: null, claim_until: null, next_run: null };
  row.next_run = nextRunOf(row, now);
  await svc.db.insertInto('schedules').values(row).execute();
  announce(svc, row);
  return row;
}

/** Applies a change and recomputes next_run (an update resets the next run; a claim in progress keeps its run). */
export async function updateSchedule(svc: Services, row: ScheduleTable, patch: Partial<ScheduleTable>): Promise<ScheduleTable> {
  const next = { ...row, ...patch };
  next.next_run = nextRunOf(next, svc.clock.now());
  await svc.db.updateTable('schedules').set({ ...patch, next_run: next.next_run }).where('id', '=', row.id).execute();
  announce(svc, next);
  return next;
}

export async function removeSchedules(svc: Services, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await svc.db.updateTable('schedules').set({ removed: svc.clock.now(), enabled: 0, next_run: null }).where('id', 'in', ids).execute();
}

/** A live schedule of one kind that the caller may act on: 431 for an unknown id, 531 for another's. */
export async function loadScheduleRow(ctx: CallContext, id: string, kind: 'vm' | 'snapshot' | 'task', param = 'id'): Promise<ScheduleTable> {
  const row = await ctx.svc.db.selectFrom('schedules').selectAll().where('id', '=', id).where('kind', '=', kind)
    .where('removed', 'is', null).executeTakeFirst();
  if (!row) throw notFound(ctx.command, param, id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: row.account_id, domainId: row.domain_id });
  return row;
}

/** A page of schedule rows in creation order, with the total count, for the list commands. */
export async function schedulePage(ctx: CallContext, q: SelectQueryBuilder<Database, 'schedules', object>,
  a: { id?: string; enabled?: boolean; keyword?: string; page?: number; pagesize?: number }): Promise<{ count: number; rows: ScheduleTable[] }> {
  if (a.id) q = q.where('id', '=', a.id);
  if (a.enabled !== undefined) q = q.where('enabled', '=', a.enabled ? 1 : 0);
  if (a.keyword) q = q.where('description', 'like', `%${a.keyword}%`);
  const { offset, limit } = pageOf(a, ctx.svc.config.maxPageSize);
  const [total, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    q.selectAll().orderBy('created').orderBy('id').limit(limit).offset(offset).execute(),
  ]);
  return { count: Number(total.n), rows };
}
