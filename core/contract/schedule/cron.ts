// Five-field cron expressions (minute hour day-of-month month day-of-week), as CloudStack 4.19's VM schedules take
// them. Pure code shared by the core (the scheduler, validation) and the renderer (the cron helper).
// Supported: `*`, `?` (same as `*`), numbers, ranges `a-b`, steps `*/n`, `a-b/n`, `a/n`, lists `a,b`, month names
// JAN-DEC and day names SUN-SAT; day-of-week 0 and 7 are Sunday. As in Vixie cron, when both day-of-month and
// day-of-week are restricted a day matches if either matches.

export interface CronSpec {
  /** The expression as given, fields separated by single spaces. */
  source: string;
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  /** 0 = Sunday .. 6 = Saturday. */
  daysOfWeek: number[];
  /** Whether the day fields were `*` (restricted fields combine with OR, see above). */
  anyDayOfMonth: boolean;
  anyDayOfWeek: boolean;
}

export class CronError extends Error {}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field { name: string; min: number; max: number; names?: string[]; namesFrom?: number }

const FIELDS: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

/** Parses a 5-field cron expression; throws CronError saying which field is wrong and why. */
export function parseCron(expr: string): CronSpec {
  const parts = String(expr ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 5) {
    throw new CronError(`Invalid schedule "${expr}": a cron expression has 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`);
  }
  const sets = parts.map((p, i) => parseField(p, FIELDS[i], expr));
  const dow = [...new Set(sets[4].map((d) => d % 7))].sort((a, b) => a - b);
  return {
    source: parts.join(' '),
    minutes: sets[0], hours: sets[1], daysOfMonth: sets[2], months: sets[3], daysOfWeek: dow,
    anyDayOfMonth: isAny(parts[2]), anyDayOfWeek: isAny(parts[4]),
  };
}

/** True when the expression parses. */
export function isValidCron(expr: string): boolean {
  try { parseCron(expr); return true; } catch { return false; }
}

const isAny = (p: string) => p === '*' || p === '?';

function parseField(text: string, f: Field, expr: string): number[] {
  const out = new Set<number>();
  const bad = (why: string) => new CronError(`Invalid schedule "${expr}": ${f.name} field "${text}" ${why}`);
  for (const item of text.split(',')) {
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined || range === '') throw bad('is not a number, range, list or step');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || stepText === '') throw bad('has a step that is not a positive whole number');
    let lo: number; let hi: number;
    if (isAny(range)) { lo = f.min; hi = f.max === 7 ? 6 : f.max; }
    else {
      const [a, b, more] = range.split('-');
      if (more !== undefined) throw bad('is not a number, range, list or step');
      lo = value(a, f, bad);
      // `a/n` means from a to the end of the field.
      hi = b !== undefined ? value(b, f, bad) : stepText !== undefined ? f.max : lo;
      if (hi < lo) throw bad(`has a range that runs backwards (${lo}-${hi})`);
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function value(t: string, f: Field, bad: (why: string) => Error): number {
  const name = f.names?.indexOf(t.toUpperCase()) ?? -1;
  if (name >= 0) return name + (f.namesFrom ?? 0);
  if (!/^\d+$/.test(t)) throw bad(`has "${t}", which is not a number${f.names ? ' or a name' : ''}`);
  const v = Number(t);
  if (v < f.min || v > f.max) throw bad(`has ${v}, outside ${f.min}-${f.max}`);
  return v;
}

/** Whether a calendar day (month 1-12, day of week 0 = Sunday) matches the spec's day fields. */
export function dayMatches(spec: CronSpec, month: number, day: number, weekday: number): boolean {
  if (!spec.months.includes(month)) return false;
  const dom = spec.daysOfMonth.includes(day);
  const dow = spec.daysOfWeek.includes(weekday);
  if (spec.anyDayOfMonth && spec.anyDayOfWeek) return true;
  if (spec.anyDayOfMonth) return dow;
  if (spec.anyDayOfWeek) return dom;
  return dom || dow;
}
