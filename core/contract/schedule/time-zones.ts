// Wall-clock time in an IANA time zone, through Intl (no time zone data of our own). Shared by the core and the
// renderer. Daylight-saving rules, documented in the README and tested with Europe/Berlin:
// - a wall time that does not exist (the spring-forward gap, e.g. 02:30 in Berlin on the last Sunday of March)
//   runs at the instant the same wall time would have had with the offset before the change (03:30 CEST): jobs
//   in the gap run late by the gap's length, never skipped;
// - a wall time that occurs twice (the autumn repeat, 02:00-02:59 in Berlin in late October) runs once, at its
//   first occurrence (CEST).

export interface WallTime { year: number; month: number; day: number; hour: number; minute: number; second?: number }

// Formatters are costly to build; one per zone is kept (pure derived data, never invalidated).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric',
      day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** The canonical name of an IANA zone (`Asia/Shanghai`), or null when Intl does not know it. */
export function canonicalTimeZone(tz: string): string | null {
  if (!tz || typeof tz !== 'string') return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The wall clock in `tz` at instant `t` (ms since the epoch). */
export function wallTimeAt(t: number, tz: string): WallTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute, second: parts.second };
}

/** The zone's offset from UTC at instant `t`, in ms (Berlin in summer: +7,200,000). */
export function offsetAt(t: number, tz: string): number {
  const w = wallTimeAt(t, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

const HOURS_14 = 14 * 3_600_000;

/** The instant a wall time names in `tz`, by the rules above (gap: offset before; repeat: first occurrence). */
export function instantOf(w: WallTime, tz: string): number {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second ?? 0);
  const before = offsetAt(naive - HOURS_14, tz);
  const after = offsetAt(naive + HOURS_14, tz);
  if (before === after) return naive - before;
  const valid = [naive - before, naive - after].filter((t) => offsetAt(t, tz) === naive - t);
  if (valid.length === 0) return naive - before; // in the gap
  return Math.min(...valid); // the first of a repeat, or the only one
}

/** Whether the zone changes its offset within the local calendar day (a DST day). */
export function offsetChangesOn(year: number, month: number, day: number, tz: string): boolean {
  const midnight = Date.UTC(year, month - 1, day);
  return offsetAt(midnight - HOURS_14, tz) !== offsetAt(midnight + 24 * 3_600_000 + HOURS_14, tz);
}

/** Parses CloudStack's "yyyy-MM-dd HH:mm:ss" (seconds optional) into a wall time; null when malformed. */
export function parseWallTime(s: string): WallTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(s ?? '').trim());
  if (!m) return null;
  const w = { year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5], second: m[6] ? +m[6] : 0 };
  const check = new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute));
  if (check.getUTCMonth() !== w.month - 1 || check.getUTCDate() !== w.day || w.hour > 23 || w.minute > 59 || w.second > 59) return null;
  return w;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "yyyy-MM-dd HH:mm:ss" of instant `t` in `tz` (CloudStack's startdate/enddate form). */
export function formatWallTime(t: number, tz: string): string {
  const w = wallTimeAt(t, tz);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}
