// When a schedule row runs next: a one-time task at `once_at`, else its cron in its time zone between its start
// and end dates (the cron engine is the contract's, shared with the renderer's cron helper).
import type { ScheduleTable } from '../db/schema';
import { nextRun, nextRuns, parseCron } from '../contract/schedule/index';

type Timing = Pick<ScheduleTable, 'once_at' | 'cron' | 'timezone' | 'start_date' | 'end_date'>;

/** The first run strictly after `after`, or null when none is left. */
export function nextDue(row: Timing, after: number): number | null {
  if (row.once_at != null) return row.once_at > after ? row.once_at : null;
  if (!row.cron) return null;
  return nextRun(parseCron(row.cron), row.timezone, after, { notBefore: row.start_date, notAfter: row.end_date });
}

/** Up to `count` runs strictly after `after` (the calendar and the cron helper's preview). */
export function upcoming(row: Timing, after: number, count: number): number[] {
  if (row.once_at != null) return row.once_at > after ? [row.once_at] : [];
  if (!row.cron) return [];
  return nextRuns(parseCron(row.cron), row.timezone, after, count, { notBefore: row.start_date, notAfter: row.end_date });
}

/**
 * The missed-run policy for a row that was due at `due` and is seen at `now`: the latest run instant in
 * [now - grace, now] runs once (several missed runs collapse into one), earlier ones are skipped. Returns the
 * instant to run (or null: every missed run is too old), whether runs older than the grace period were skipped,
 * and the next due instant after `now`.
 */
export function missedRunPlan(row: Timing, due: number, now: number, graceMs: number): { run: number | null; skipped: boolean; next: number | null } {
  const oldest = now - graceMs;
  let latest: number | null = null;
  // Within the grace period there are at most grace/60 s runs to step over.
  for (let t = due >= oldest ? due : nextDue(row, oldest - 1); t !== null && t <= now; t = nextDue(row, t)) latest = t;
  return { run: latest, skipped: due < oldest, next: nextDue(row, now) };
}
