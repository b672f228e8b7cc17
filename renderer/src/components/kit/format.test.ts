import { describe, expect, it } from 'vitest';
import { formatBytes, parseCsDate, percent } from './format';

describe('display helpers', () => {
  it('formats byte sizes in binary units', () => {
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatBytes(150 * 1024 ** 3)).toBe('150 GiB');
    expect(formatBytes(undefined)).toBe('—');
  });
  it('reads CloudStack dates with a colon-less offset', () => {
    expect(parseCsDate('2026-11-25T00:15:37+0000')?.toISOString()).toBe('2026-11-25T00:15:37.000Z');
    expect(parseCsDate('nonsense')).toBeNull();
  });
  it('clamps percentages', () => {
    expect(percent(150, 100)).toBe(100);
    expect(percent(1, 0)).toBe(0);
  });
});
