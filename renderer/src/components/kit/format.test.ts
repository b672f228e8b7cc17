import { describe, expect, it } from 'vitest';
import { formatBytes, percent } from './format';

describe('display helpers', () => {
  it('formats byte sizes in binary units', () => {
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatBytes(150 * 1024 ** 3)).toBe('150 GiB');
    expect(formatBytes(undefined)).toBe('—');
  });
  it('clamps percentages', () => {
    expect(percent(150, 100)).toBe(100);
    expect(percent(1, 0)).toBe(0);
  });
});
