// The calendar's conflict rule: two schedules on one VM (a volume's snapshot counts for its VM) within 10 minutes
// collide; one schedule's own consecutive runs do not; 50 runs in one minute across the cloud pile up.
import { describe, expect, it } from 'vitest';
import { byDay, dayKey, toCalendarRuns, viewWindow } from './run-model';
import { findConflicts } from './save-conflicts';

const run = (scheduleid: string, hhmm: string, vm: string, extra: object = {}) =>
  ({ scheduleid, kind: 'vm', action: scheduleid, runat: `2026-12-07T${hhmm}:00+0000`, state: 'Scheduled', resourceid: vm, virtualmachineid: vm, ...extra });

describe('conflicts', () => {
  it('flags runs of different schedules on one VM within 10 minutes, not a schedule with itself', () => {
    const out = toCalendarRuns([run('STOP', '03:05', 'a'), run('REBOOT', '03:00', 'a'), run('REBOOT', '04:00', 'a'), run('START', '03:02', 'b'),
      run('SNAP', '03:58', 'vol', { resourceid: 'vol', virtualmachineid: 'a' })]);
    expect(out.map((r) => `${r.runat.slice(11, 16)} ${r.action} ${r.conflict ?? '-'} ${r.conflictWith ?? ''}`.trim())).toEqual([
      '03:00 REBOOT resource STOP', '03:02 START -', '03:05 STOP resource REBOOT', '03:58 SNAP resource REBOOT', '04:00 REBOOT resource SNAP']);
  });
  it('flags 50 runs starting in the same minute as a pile-up', () => {
    const many = Array.from({ length: 50 }, (_, i) => run(`s${i}`, '02:00', `vm${i}`));
    expect(toCalendarRuns([...many, run('x', '02:01', 'z')]).filter((r) => r.conflict === 'pileup')).toHaveLength(50);
    expect(toCalendarRuns(many.slice(1)).some((r) => r.conflict)).toBe(false);
  });
});

describe('conflicts when a schedule is saved', () => {
  const at = (hhmm: string) => Date.parse(`2026-12-07T${hhmm}:00Z`);
  it('a snapshot policy of a volume collides with its VM\'s schedule within 10 minutes; its own runs and other VMs\' do not', () => {
    const listed = [run('REBOOT', '03:00', 'a'), run('START', '03:02', 'b'), run('pol', '03:04', 'vol', { resourceid: 'vol', virtualmachineid: 'a' })];
    const found = findConflicts(listed, { scheduleId: 'pol', kind: 'snapshot', action: 'DAILY', target: 'a', times: [at('03:05')] });
    expect(found.resource.map((r) => r.action)).toEqual(['REBOOT']);
    expect(found.pileups).toEqual([]);
    expect(findConflicts(listed, { kind: 'snapshot', action: 'DAILY', target: 'a', times: [at('03:11')] }).resource.map((r) => r.action)).toEqual(['pol']);
  });
  it('a task that would start in a minute with 49 other runs is a pile-up (50); with 48 it is not', () => {
    const others = Array.from({ length: 49 }, (_, i) => run(`s${i}`, '02:00', `vm${i}`));
    expect(findConflicts(others, { kind: 'task', action: 'stopVirtualMachine', times: [at('02:00'), at('03:00')] }).pileups)
      .toEqual([{ t: at('02:00'), runs: 50 }]);
    expect(findConflicts(others.slice(1), { kind: 'task', action: 'stopVirtualMachine', times: [at('02:00')] }).pileups).toEqual([]);
  });
});

describe('views', () => {
  it('a month view starts on the Monday before the 1st and covers whole weeks', () => {
    const w = viewWindow('month', new Date(2026, 11, 15));
    expect(w.days[0].getDay()).toBe(1);
    expect(w.days.length % 7).toBe(0);
    expect(w.days.some((d) => d.getMonth() === 11 && d.getDate() === 31)).toBe(true);
  });
  it('groups sorted runs by local day in one walk', () => {
    const w = viewWindow('week', new Date(2026, 11, 9));
    const t = (d: number, h: number) => new Date(2026, 11, d, h).toISOString().replace(/\.\d+Z$/, '+0000');
    const runs = toCalendarRuns([run('a', '00:00', 'x', { runat: t(8, 23) }), run('b', '00:00', 'y', { runat: t(9, 0) }), run('c', '00:00', 'z', { runat: t(13, 23) })]);
    const days = byDay(runs, w.days);
    expect([...days.values()].map((l) => l.length)).toEqual([0, 1, 1, 0, 0, 0, 1]);
    expect(days.get(dayKey(new Date(2026, 11, 9)))![0].scheduleid).toBe('b');
  });
});
