// An operator's retention (STRATA_METRICS_RETENTION) becomes the tiers' keep times, and a retention too short for
// the next tier to roll a whole period up is refused with what is wrong.
import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_CONFIG, metricsConfig, tiersWithRetention } from './metrics-schema';

describe('metrics retention setting', () => {
  it('reads five durations, finest first', () => {
    const tiers = tiersWithRetention('3h, 2d, 14d, 1y, 10y');
    expect(tiers.map((t) => t.keepS)).toEqual([3 * 3600, 2 * 86_400, 14 * 86_400, 365 * 86_400, 3650 * 86_400]);
    expect(tiers.map((t) => t.stepS)).toEqual(DEFAULT_METRICS_CONFIG.tiers.map((t) => t.stepS));
    expect(metricsConfig({ tiers }).tiers[3].keepS).toBe(365 * 86_400);
    expect(tiersWithRetention('2h,1d,7d,90d,5y')).toEqual(DEFAULT_METRICS_CONFIG.tiers);
  });

  it('refuses what it cannot use, saying why', () => {
    expect(() => tiersWithRetention('2h,1d,7d')).toThrow(/5 durations expected/);
    expect(() => tiersWithRetention('2h,1d,7d,90 days,5y')).toThrow(/"90 days" is not a duration/);
    expect(() => tiersWithRetention('10m,1d,7d,90d,5y')).toThrow(/tier 0 \(10 s buckets\) must keep at least/);
  });
});
