import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from './heap-growth';

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
