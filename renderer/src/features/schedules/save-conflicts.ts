// "Flagged when a schedule is saved": the runs the schedule would make in the next week, set against the runs the
// server lists for the same VM (its other schedules and its volumes' snapshot policies), with the calendar's rule.
import { apiUtc } from '../../components/kit/datetime';
import type { CloudClient } from '../../api/cloud-client';
import type { ScheduledRun } from '../../../../core/contract/responses';
import { nextRuns, parseCron } from '../../../../core/contract/schedule/index';
import { CONFLICT_WINDOW_MS, toCalendarRuns } from './run-model';

const WEEK_MS = 7 * 86_400_000;
const csDate = (t: number) => `${new Date(t).toISOString().slice(0, 19)}+0000`;

/** Runs of the other schedules that fall within the conflict window of this schedule's next week of runs. */
export async function conflictsOnSave(client: CloudClient, p: { vmId: string; scheduleId?: string; cron: string; timezone: string; action: string }): Promise<ScheduledRun[]> {
  const now = Date.now();
  let mine: number[];
  try { mine = nextRuns(parseCron(p.cron), p.timezone, now, 2000, { notAfter: now + WEEK_MS }); } catch { return []; }
  if (mine.length === 0) return [];
  const answer = await client.call('listScheduledRuns', { resourceid: p.vmId, listall: true, startdate: apiUtc(now), enddate: apiUtc(now + WEEK_MS), pagesize: -1 });
  const others: ScheduledRun[] = ((answer.scheduledrun ?? []) as ScheduledRun[]).filter((r) => r.scheduleid !== p.scheduleId && r.state === 'Scheduled');
  const self = mine.map((t) => ({ scheduleid: p.scheduleId ?? 'new', kind: 'vm', action: p.action, runat: csDate(t), state: 'Scheduled', resourceid: p.vmId, virtualmachineid: p.vmId }));
  const flagged = toCalendarRuns([...others, ...self]);
  const selfTimes = flagged.filter((r) => r.scheduleid === (p.scheduleId ?? 'new')).map((r) => r.t);
  return flagged.filter((r) => r.scheduleid !== (p.scheduleId ?? 'new') && r.conflict === 'resource'
    && selfTimes.some((t) => Math.abs(t - r.t) < CONFLICT_WINDOW_MS));
}
