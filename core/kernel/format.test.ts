import { describe, it, expect } from 'vitest';
import { compact, csDate } from './format';
import type { Zone } from '../contract/responses';
import type { SyncResult } from './handler';
import type { Commands } from '../contract/commands/index';

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

// The `@ts-expect-error` lines are the test: `tsc -b` fails if the contract stops rejecting them.
describe('compact<T> against the response contract', () => {
  it('drops null and undefined fields, and the compiler rejects a wrong JSON type or an unknown field', () => {
    expect(compact<Zone>({ id: 'z', name: 'Zone 1', description: null, dns1: undefined })).toEqual({ id: 'z', name: 'Zone 1' });
    // @ts-expect-error securitygroupsenabled is a boolean in CloudStack, not a number
    compact<Zone>({ id: 'z', securitygroupsenabled: 1 });
    // @ts-expect-error misspelled field (allocationstate)
    compact<Zone>({ id: 'z', alocationstate: 'Enabled' });
  });

  it('types a list handler\'s items by its declaration', () => {
    const ok: SyncResult<Commands['listZones']> = { count: 1, items: [{ id: 'z', name: 'Zone 1', networktype: 'Advanced' }] };
    // @ts-expect-error a zone's id is a string
    const wrong: SyncResult<Commands['listZones']> = { count: 1, items: [{ id: 7, name: 'Zone 1' }] };
    expect([ok.count, wrong.count]).toEqual([1, 1]);
  });
});
