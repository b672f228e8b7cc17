// The packed form of rolled-up buckets gives back exactly what went in: gaps, missing channels, channels present
// in some buckets only, negative steps and sums beyond 32 bits.
import { describe, expect, it } from 'vitest';
import { decodePack, encodePack, type PackedBucket } from './bucket-pack';

describe('metrics pack codec', () => {
  it('round-trips buckets exactly', () => {
    const buckets: PackedBucket[] = [
      { slot: 0, n: 360, s: [3_600_000, 2 ** 45, null, 7, null, null, null, null], x: [10_000, 2 ** 40, null] },
      { slot: 3, n: 12, s: [0, 2 ** 45 - 1, 5, 0, null, null, 9_000_000_000_000, null], x: [0, 1, 5] },
      { slot: 59, n: 360, s: [1, 2 ** 52, null, 3, null, null, 1, null], x: [1, 2 ** 52, null] },
    ];
    expect(decodePack(encodePack(buckets))).toEqual(buckets);
    expect(decodePack(encodePack([]))).toEqual([]);
  });

  it('spends a byte or two on a value that changes little', () => {
    const buckets = Array.from({ length: 60 }, (_, slot) => ({ slot, n: 6, s: [600 + (slot % 7) * 30, 6144, null, null, null, null, null, null], x: [120, 1024, null] }));
    expect(encodePack(buckets).length).toBeLessThan(60 * 7);
  });

  it('refuses a pack it cannot read instead of returning wrong figures', () => {
    expect(() => decodePack(Uint8Array.from([9, 0]))).toThrow(/unknown version/);
    expect(() => decodePack(encodePack([{ slot: 0, n: 1, s: [1, 1, 1, 1, 1, 1, 1, 1], x: [1, 1, 1] }]).subarray(0, 8))).toThrow(/truncated|damaged/);
  });
});
