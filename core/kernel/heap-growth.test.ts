import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, MIN_HEADROOM_BYTES, growingPercentFor, heapGrowthFlag } from './heap-growth';

describe('heap growth flag', () => {
  it('limits V8 heap growth by default', () => {
    expect(heapGrowthFlag({}, [])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });
  it('takes STRATA_HEAP_GROWING_PERCENT, and 0 keeps V8 default growth', () => {
    expect(heapGrowthFlag({ STRATA_HEAP_GROWING_PERCENT: '80' }, [])).toBe('--heap-growing-percent=80');
    expect(heapGrowthFlag({ STRATA_HEAP_GROWING_PERCENT: '0' }, [])).toBeNull();
  });
  it('leaves an operator-given flag alone (command line or NODE_OPTIONS)', () => {
    expect(heapGrowthFlag({}, ['--heap-growing-percent=30'])).toBeNull();
    expect(heapGrowthFlag({ NODE_OPTIONS: '--max-old-space-size=900 --heap_growing_percent=20' }, [])).toBeNull();
  });
});

describe('heap growth floor', () => {
  it('leaves a small heap at least MIN_HEADROOM_BYTES of room, a large one 1.5x, never more than 4x', () => {
    const MB = 2 ** 20;
    // A lab of 1,000 hosts (~35 MB live): room for ~48 MB of garbage, not ~17 MB.
    expect(growingPercentFor(35 * MB) / 100 * 35 * MB).toBeGreaterThanOrEqual(MIN_HEADROOM_BYTES);
    expect(growingPercentFor(120 * MB)).toBe(HEAP_GROWING_PERCENT);
    expect(growingPercentFor(1 * MB)).toBe(300);
  });
});
