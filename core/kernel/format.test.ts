import { describe, it, expect } from 'vitest';
import { csDate } from './format';

describe('csDate', () => {
  it("formats CloudStack's yyyy-MM-dd'T'HH:mm:ss+0000 in UTC, dropping milliseconds", () => {
    expect(csDate(Date.UTC(2021, 9, 4, 9, 24, 38, 999))).toBe('2021-10-04T09:24:38+0000');
    expect(csDate(Date.UTC(2021, 9, 4, 9, 24, 39, 0))).toBe('2021-10-04T09:24:39+0000');
    expect(csDate(-1)).toBe('1969-12-31T23:59:59+0000');
    expect(csDate(null)).toBeUndefined();
  });

  it('stays right past the cache of recent seconds', () => {
    const base = Date.UTC(2030, 0, 1);
    for (let i = 0; i < 5000; i++) csDate(base + i * 1000);
    expect(csDate(base + 3 * 1000)).toBe('2030-01-01T00:00:03+0000');
    expect(csDate(base + 4999 * 1000)).toBe('2030-01-01T01:23:19+0000');
  });
});
