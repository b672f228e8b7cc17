// The cron engine on a fake clock: plain instants in, instants out (no timers), in Europe/Berlin (DST), Asia/Shanghai
// (no DST) and UTC.
import { describe, expect, it } from 'vitest';
import { parseCron, CronError, nextRuns, nextRun, describeCron, snapshotScheduleToCron, formatWallTime, instantOf,
  parseWallTime, canonicalTimeZone } from './index';

const iso = (t: number) => new Date(t).toISOString().replace(':00.000Z', 'Z');
const at = (s: string) => Date.parse(s);

describe('parseCron', () => {
  it('reads lists, ranges, steps and names; 7 is Sunday', () => {
    const s = parseCron('*/15 9-17/4 1,15 JAN-mar sun,7');
    expect(s.minutes).toEqual([0, 15, 30, 45]);
    expect(s.hours).toEqual([9, 13, 17]);
    expect(s.daysOfMonth).toEqual([1, 15]);
    expect(s.months).toEqual([1, 2, 3]);
    expect(s.daysOfWeek).toEqual([0]);
  });
  it('says which field is wrong', () => {
    expect(() => parseCron('0 15 10 *')).toThrow(/5 fields.*found 4/);
    expect(() => parseCron('60 * * * *')).toThrow(/minute field "60" has 60, outside 0-59/);
    expect(() => parseCron('0 5-2 * * *')).toThrow(/hour field "5-2" has a range that runs backwards/);
    expect(() => parseCron('0 0 * * MONDAY')).toThrow(CronError);
    expect(() => parseCron('*/0 * * * *')).toThrow(/step/);
  });
});

describe('nextRuns', () => {
  it('every weekday at 18:00 in Asia/Shanghai (UTC+8, no DST)', () => {
    const runs = nextRuns(parseCron('0 18 * * 1-5'), 'Asia/Shanghai', at('2026-12-04T09:00:00Z'), 3);
    // Friday 4 Dec 18:00 CST = 10:00Z, then Monday and Tuesday.
    expect(runs.map(iso)).toEqual(['2026-12-04T10:00Z', '2026-12-07T10:00Z', '2026-12-08T10:00Z']);
  });
  it('is strictly after the given instant', () => {
    const t = at('2026-12-04T10:00:00Z');
    expect(iso(nextRun(parseCron('0 18 * * *'), 'Asia/Shanghai', t)!)).toBe('2026-12-05T10:00Z');
  });
  it('day-of-month and day-of-week both restricted: either matches (Vixie cron)', () => {
    const runs = nextRuns(parseCron('0 0 13 * 5'), 'UTC', at('2026-02-01T00:00:00Z'), 3);
    expect(runs.map(iso)).toEqual(['2026-02-06T00:00Z', '2026-02-13T00:00Z', '2026-02-20T00:00Z']);
  });
  it('a day that never comes gives no runs, and quickly', () => {
    expect(nextRuns(parseCron('0 0 30 2 *'), 'UTC', 0, 5)).toEqual([]);
  });
  it('honours start and end dates', () => {
    const spec = parseCron('0 12 * * *');
    const runs = nextRuns(spec, 'UTC', at('2026-01-01T00:00:00Z'), 10,
      { notBefore: at('2026-01-03T00:00:00Z'), notAfter: at('2026-01-05T12:00:00Z') });
    expect(runs.map(iso)).toEqual(['2026-01-03T12:00Z', '2026-01-04T12:00Z', '2026-01-05T12:00Z']);
  });
  it('leap day every four years', () => {
    expect(nextRuns(parseCron('0 0 29 2 *'), 'UTC', at('2026-01-01T00:00:00Z'), 2).map(iso))
      .toEqual(['2028-02-29T00:00Z', '2032-02-29T00:00Z']);
  });
});

describe('daylight saving in Europe/Berlin', () => {
  it('spring gap: 02:30 (which does not exist on 29 March 2026) runs at 03:30 CEST, once', () => {
    const runs = nextRuns(parseCron('30 2 * * *'), 'Europe/Berlin', at('2026-03-27T12:00:00Z'), 3);
    // 28 Mar 02:30 CET = 01:30Z; 29 Mar gap -> 03:30 CEST = 01:30Z; 30 Mar 02:30 CEST = 00:30Z.
    expect(runs.map(iso)).toEqual(['2026-03-28T01:30Z', '2026-03-29T01:30Z', '2026-03-30T00:30Z']);
  });
  it('spring gap: two wall times landing on one instant fire once', () => {
    const runs = nextRuns(parseCron('30 2,3 29 3 *'), 'Europe/Berlin', at('2026-03-28T00:00:00Z'), 3);
    expect(runs.map(iso)).toEqual(['2026-03-29T01:30Z', '2027-03-29T00:30Z', '2027-03-29T01:30Z']);
  });
  it('autumn repeat: 02:30 on 25 October 2026 occurs twice and runs once, at the first (CEST)', () => {
    const runs = nextRuns(parseCron('30 2 * * *'), 'Europe/Berlin', at('2026-10-24T12:00:00Z'), 2);
    expect(runs.map(iso)).toEqual(['2026-10-25T00:30Z', '2026-10-26T01:30Z']);
  });
  it('hourly across the repeat: every wall hour once, so the repeated hour runs once', () => {
    const runs = nextRuns(parseCron('0 * * * *'), 'Europe/Berlin', at('2026-10-24T23:30:00Z'), 4);
    // 01:00 CEST (23:00Z was before), 02:00 CEST = 00:00Z, 03:00 CET = 02:00Z: the second 02:00 (01:00Z) is skipped.
    expect(runs.map(iso)).toEqual(['2026-10-25T00:00Z', '2026-10-25T02:00Z', '2026-10-25T03:00Z', '2026-10-25T04:00Z']);
  });
  it('wall times convert both ways', () => {
    expect(iso(instantOf(parseWallTime('2026-07-01 10:00:00')!, 'Europe/Berlin'))).toBe('2026-07-01T08:00Z');
    expect(formatWallTime(at('2026-01-01T08:00:00Z'), 'Europe/Berlin')).toBe('2026-01-01 09:00:00');
    expect(parseWallTime('2026-02-30 10:00:00')).toBeNull();
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(canonicalTimeZone('asia/shanghai')).toBe('Asia/Shanghai');
  });
});

describe('snapshot policy schedules', () => {
  it('map each intervaltype format to cron', () => {
    expect(snapshotScheduleToCron('HOURLY', '05')).toBe('5 * * * *');
    expect(snapshotScheduleToCron('DAILY', '30:02')).toBe('30 2 * * *');
    expect(snapshotScheduleToCron('WEEKLY', '00:18:1')).toBe('0 18 * * 0'); // 1 = Sunday
    expect(snapshotScheduleToCron('MONTHLY', '00:01:28')).toBe('0 1 28 * *');
    expect(() => snapshotScheduleToCron('DAILY', '30')).toThrow(/expected MM:HH/);
    expect(() => snapshotScheduleToCron('MONTHLY', '0:0:31')).toThrow(/1-28/);
    expect(() => snapshotScheduleToCron('WEEKLY', '0:0:8')).toThrow(/1 \(Sunday\) to 7/);
  });
});

describe('describeCron', () => {
  it('reads back in English and Chinese', () => {
    expect(describeCron('0 18 * * 1-5', 'en', 'Asia/Shanghai')).toBe('every weekday at 18:00, Asia/Shanghai');
    expect(describeCron('0 18 * * 1-5', 'zh-CN', 'Asia/Shanghai')).toBe('每个工作日 18:00，Asia/Shanghai');
    expect(describeCron('*/15 * * * *')).toBe('every 15 minutes');
    expect(describeCron('5 * * * *')).toBe('every hour at minute 5');
    expect(describeCron('30 2 * * *')).toBe('every day at 02:30');
    expect(describeCron('0 9 * * 1,5')).toBe('every Monday and Friday at 09:00');
    expect(describeCron('0 1 28 * *', 'zh-CN')).toBe('每月 28 日 01:00');
    expect(describeCron('0 0 1 1 *')).toBe('on day 1 of the month in January at 00:00');
  });
});
