// The next instants a cron spec fires in a time zone, between optional start and end instants. Walks local
// calendar days and the spec's hours and minutes in order, so a sparse schedule (monthly, Feb 29) costs a few
// thousand day checks at most, never a minute-by-minute scan.
import { dayMatches, type CronSpec } from './cron';
import { instantOf, offsetAt, offsetChangesOn, wallTimeAt } from './time-zones';

export interface RunWindow {
  /** No run before this instant (CloudStack's startdate). */
  notBefore?: number | null;
  /** No run after this instant (enddate). */
  notAfter?: number | null;
}

/** How far ahead to look for a match (a Feb 30 never matches): about 8 years of days. */
const MAX_DAYS = 8 * 366;
const DAY_MS = 86_400_000;

/** Up to `count` instants (ms) strictly after `after` at which the spec fires in `tz`, ascending. */
export function nextRuns(spec: CronSpec, tz: string, after: number, count: number, window: RunWindow = {}): number[] {
  const out: number[] = [];
  const from = Math.max(after, (window.notBefore ?? -Infinity) - 1);
  const start = wallTimeAt(from, tz);
  // Start a day early: the first instants of a local day may precede `from`'s local date in a DST repeat.
  let day = Date.UTC(start.year, start.month - 1, start.day) - DAY_MS;
  for (let i = 0; i < MAX_DAYS && out.length < count; i++, day += DAY_MS) {
    const d = new Date(day);
    const y = d.getUTCFullYear(); const m = d.getUTCMonth() + 1; const dd = d.getUTCDate();
    if (!dayMatches(spec, m, dd, d.getUTCDay())) continue;
    const changes = offsetChangesOn(y, m, dd, tz);
    const fixed = changes ? 0 : offsetAt(day + 12 * 3_600_000, tz);
    for (const hour of spec.hours) {
      for (const minute of spec.minutes) {
        const t = changes ? instantOf({ year: y, month: m, day: dd, hour, minute }, tz) : day + hour * 3_600_000 + minute * 60_000 - fixed;
        if (t <= from) continue;
        if (window.notAfter != null && t > window.notAfter) return out;
        // A gap can map two wall times to one instant: each instant fires once.
        if (out.length > 0 && t <= out[out.length - 1]) continue;
        out.push(t);
        if (out.length >= count) return out;
      }
    }
  }
  return out;
}

/** The next instant after `after`, or null when there is none (past the end date, or a date that never comes). */
export function nextRun(spec: CronSpec, tz: string, after: number, window: RunWindow = {}): number | null {
  return nextRuns(spec, tz, after, 1, window)[0] ?? null;
}
