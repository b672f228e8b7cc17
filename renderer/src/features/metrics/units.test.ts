import { describe, expect, it } from 'vitest';
import { formatValue } from './units';

describe('metric units', () => {
  it('shows bytes in binary multiples and rates per second', () => {
    expect(formatValue(512, 'bytes')).toBe('512 B');
    expect(formatValue(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatValue(3 * 1024 ** 3, 'bytes')).toBe('3 GiB');
    expect(formatValue(320 * 1024, 'bytesPerSec')).toBe('320 KiB/s');
  });
  it('shows percent and plain numbers with about three significant figures', () => {
    expect(formatValue(12.345, 'percent')).toBe('12.3 %');
    expect(formatValue(0.4234, 'number')).toBe('0.42');
    expect(formatValue(null, 'percent')).toBe('—');
  });
  it('uses the locale digits', () => {
    expect(formatValue(1234.5, 'number', 'de')).toBe('1.235');
  });
});
