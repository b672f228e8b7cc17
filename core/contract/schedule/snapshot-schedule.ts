// CloudStack's snapshot-policy schedules: the `schedule` text's format depends on `intervaltype`, and is turned
// into the equivalent cron spec so one engine computes every schedule's runs.
//   HOURLY  "MM"        minute past every hour
//   DAILY   "MM:HH"     minute and hour
//   WEEKLY  "MM:HH:D"   D = day of week, 1 = Sunday .. 7 = Saturday
//   MONTHLY "MM:HH:DD"  DD = day of month, 1..28 (CloudStack refuses later days, which some months lack)
import { CronError, parseCron, type CronSpec } from './cron';

export const INTERVAL_TYPES = ['HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY'] as const;
export type IntervalType = (typeof INTERVAL_TYPES)[number];

/** The number CloudStack answers in snapshotpolicy.intervaltype (HOURLY 0 .. MONTHLY 3). */
export const intervalTypeNumber = (t: IntervalType): number => INTERVAL_TYPES.indexOf(t);

export function parseIntervalType(s: string): IntervalType | null {
  const u = String(s ?? '').trim().toUpperCase();
  return (INTERVAL_TYPES as readonly string[]).includes(u) ? (u as IntervalType) : null;
}

/** The cron expression of a snapshot policy schedule; throws CronError with CloudStack-like text when malformed. */
export function snapshotScheduleToCron(type: IntervalType, schedule: string): string {
  const parts = String(schedule ?? '').trim().split(':');
  const want = { HOURLY: 1, DAILY: 2, WEEKLY: 3, MONTHLY: 3 }[type];
  const form = { HOURLY: 'MM', DAILY: 'MM:HH', WEEKLY: 'MM:HH:D', MONTHLY: 'MM:HH:DD' }[type];
  const bad = (why: string) => new CronError(`Invalid schedule "${schedule}" for intervaltype ${type}: expected ${form}; ${why}`);
  if (parts.length !== want || parts.some((p) => !/^\d{1,2}$/.test(p))) throw bad('found a different form');
  const [mm, hh, d] = parts.map(Number);
  if (mm > 59) throw bad('minutes must be 0-59');
  if (hh !== undefined && hh > 23) throw bad('hours must be 0-23');
  if (type === 'WEEKLY' && (d < 1 || d > 7)) throw bad('day of week must be 1 (Sunday) to 7 (Saturday)');
  if (type === 'MONTHLY' && (d < 1 || d > 28)) throw bad('day of month must be 1-28');
  switch (type) {
    case 'HOURLY': return `${mm} * * * *`;
    case 'DAILY': return `${mm} ${hh} * * *`;
    case 'WEEKLY': return `${mm} ${hh} * * ${d - 1}`;
    case 'MONTHLY': return `${mm} ${hh} ${d} * *`;
  }
}

export function snapshotScheduleSpec(type: IntervalType, schedule: string): CronSpec {
  return parseCron(snapshotScheduleToCron(type, schedule));
}
