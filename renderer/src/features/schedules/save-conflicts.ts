// "Flagged when a schedule is saved" (VM schedules, snapshot policies, scheduled tasks alike): the runs the
// schedule would make in the next week, set against every run the server lists for that week, with the calendar's
// two rules: runs of another schedule on the same VM within 10 minutes (a volume's runs count for the VM it is
// attached to), and minutes where 50 or more runs would start across the cloud (the caller's view of it).
import { apiUtc } from '../../components/kit/datetime';
import type { CloudClient } from '../../api/cloud-client';
import type { ScheduledRun } from '../../../../core/contract/responses';
import { nextRuns, parseCron } from '../../../../core/contract/schedule/index';
import { CONFLICT_WINDOW_MS, PILEUP_RUNS, instantOf, toCalendarRuns } from './run-model';

export const SAVE_CHECK_MS = 7 * 86_400_000;
const csDate = (t: number) => `${new Date(t).toISOString().slice(0, 19)}+0000`;
const minuteOf = (t: number) => Math.floor(t / 60_000);

/** What a schedule being saved collides with; both empty: nothing to warn about. */
export interface SaveConflicts {
  /** Runs of other schedules on the same VM (or volume) within 10 minutes of one of this schedule's runs. */
  resource: ScheduledRun[];
  /** Minutes (their instant) where this schedule's run would start with `runs` - 1 others. */
  pileups: { t: number; runs: number }[];
}

/** The schedule being saved: its runs over the check window, and what it acts on (a VM id, or a detached volume's). */
export interface SavedSchedule { scheduleId?: string; kind: string; action: string; target?: string; times: number[] }

/** Runs of a cron in its time zone within the window from `now` ([] for an expression that does not parse). */
export function cronTimes(cron: string, timezone: string, now: number): number[] {
  try { return nextRuns(parseCron(cron), timezone, now, 2000, { notAfter: now + SAVE_CHECK_MS }); } catch { return []; }
}

/** The rules applied to the listed runs (pure: the dialogs' check and its unit test). */
export function findConflicts(listed: ScheduledRun[], s: SavedSchedule): SaveConflicts {
  const id = s.scheduleId ?? 'new';
  const others = listed.filter((r) => r.scheduleid !== id && r.state === 'Scheduled');
  const perMinute = new Map<number, number>();
  for (const t of [...others.map((r) => instantOf(r.runat)), ...s.times]) perMinute.set(minuteOf(t), (perMinute.get(minuteOf(t)) ?? 0) + 1);
  const pileups = [...new Set(s.times.map(minuteOf))].filter((mi) => perMinute.get(mi)! >= PILEUP_RUNS)
    .map((mi) => ({ t: mi * 60_000, runs: perMinute.get(mi)! }));
  if (!s.target) return { resource: [], pileups };
  const self = s.times.map((t) => ({ scheduleid: id, kind: s.kind, action: s.action, runat: csDate(t), state: 'Scheduled', resourceid: s.target, virtualmachineid: s.target }));
  const near = others.filter((r) => (r.virtualmachineid ?? r.resourceid) === s.target);
  const resource = toCalendarRuns([...near, ...self]).filter((r) => r.scheduleid !== id && r.conflict === 'resource'
    && s.times.some((t) => Math.abs(t - r.t) < CONFLICT_WINDOW_MS));
  return { resource, pileups };
}

/** Asks the server for the week's runs and applies the rules. */
export async function conflictsOnSave(client: CloudClient, s: SavedSchedule): Promise<SaveConflicts> {
  if (s.times.length === 0) return { resource: [], pileups: [] };
  const now = Date.now();
  const answer = await client.call('listScheduledRuns', { listall: true, startdate: apiUtc(now), enddate: apiUtc(now + SAVE_CHECK_MS), pagesize: -1 });
  return findConflicts((answer.scheduledrun ?? []) as ScheduledRun[], s);
}
