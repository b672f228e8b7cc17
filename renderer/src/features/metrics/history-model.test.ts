import { describe, expect, it } from 'vitest';
import { cloudTrend, dateParam, mergeLive, parseTimestamp, toHistory } from './history-model';
import { checkRange, toLocalInput } from './custom-range';

const at = (s: number) => new Date(s * 1000).toISOString().replace(/\.000Z$/, '+0000');

describe('usage history for graphs', () => {
  it('reads CloudStack stats as levels and per-second rates', () => {
    const h = toHistory('vm', [
      { timestamp: at(70), cpuused: '20.00%', cpuusedmax: '30.00%', memorykbs: 1024, diskkbsread: 600 },
      { timestamp: at(60), cpuused: '10.50%', cpuusedmax: '12.00%', memorykbs: 2048, diskkbsread: 300 },
    ], 0, 100, 10);
    expect(h.t).toEqual([60, 70]);
    expect(h.step).toBe(10);
    expect(h.cols.cpu).toEqual([10.5, 20]);
    expect(h.cols.mem).toEqual([2048 * 1024, 1024 * 1024]);
    expect(h.cols.diskRead).toEqual([30 * 1024, 60 * 1024]);
  });

  it('folds live points into the loaded buckets, replacing the one still filling and dropping the oldest', () => {
    const prev = { from: 0, to: 180, step: 60, t: [0, 60, 120], cols: { cpu: [1, 2, 3], cpuMax: [1, 2, 3] } };
    const fresh = { from: 120, to: 200, step: 10, t: [120, 130, 180], cols: { cpu: [10, 20, 40], cpuMax: [15, 25, 45] } };
    const h = mergeLive(prev, fresh, 60, 200);
    expect(h.t).toEqual([60, 120, 180]);
    expect(h.cols.cpu).toEqual([2, 15, 40]);
    expect(h.cols.cpuMax).toEqual([2, 25, 45]);
  });

  it('writes and reads CloudStack dates in UTC', () => {
    expect(dateParam(Date.UTC(2026, 11, 7, 9, 5, 3) / 1000)).toBe('2026-12-07 09:05:03');
    expect(parseTimestamp('2026-12-07T09:05:03+0000')).toBe(Date.UTC(2026, 11, 7, 9, 5, 3) / 1000);
  });
});

describe('the dashboard trend', () => {
  it('averages the hosts CPU and adds up their memory per bucket', () => {
    const tr = cloudTrend([
      { stats: [{ timestamp: at(0), cpuused: '10.00%', memoryusedkbs: 1 }, { timestamp: at(60), cpuused: '30.00%', memoryusedkbs: 2 }] },
      { stats: [{ timestamp: at(0), cpuused: '20.00%', memoryusedkbs: 3 }] },
    ], 0, 120, 5);
    expect(tr.t).toEqual([0, 60]);
    expect(tr.cpu).toEqual([15, 30]);
    expect(tr.mem).toEqual([4096, 2048]);
    expect(tr.hosts).toBe(2);
  });
});

describe('the custom range picker', () => {
  const now = Math.floor(new Date('2026-12-07T12:00:00').getTime() / 1000);
  it('accepts a past window, cuts an end past now, and says what is wrong otherwise', () => {
    expect(checkRange('2026-12-07T10:00', '2026-12-07T11:30', now)).toEqual({ from: now - 7200, to: now - 1800 });
    expect(checkRange('2026-12-07T10:00', '2026-12-08T10:00', now)).toEqual({ from: now - 7200, to: now + 60 });
    expect(checkRange('', '2026-12-07T11:00', now)).toEqual({ problem: 'missing' });
    expect(checkRange('2026-12-07T11:00', '2026-12-07T10:00', now)).toEqual({ problem: 'order' });
    expect(checkRange('2026-12-07T13:00', '2026-12-07T14:00', now)).toEqual({ problem: 'future' });
    expect(checkRange('2020-01-01T00:00', '2026-12-07T10:00', now)).toEqual({ problem: 'tooOld' });
    expect(checkRange('2026-12-07T10:00', '2026-12-07T10:00:30', now)).toEqual({ problem: 'tooShort' });
    expect(toLocalInput(now)).toBe('2026-12-07T12:00');
  });
});
