import { describe, expect, it } from 'vitest';
import { countParams, LIMIT_TYPES, limitRows, ownerParams, parseLimit, usedShare } from './limits-model';

describe('limits model', () => {
  it('joins listResourceLimits with the owner\'s totals into twelve rows', () => {
    const rows = limitRows(
      [{ resourcetype: '0', max: 20 }, { resourcetype: '8', max: -1 }, { resourcetype: '10', max: 200 }],
      { vmtotal: 3, cputotal: 6, primarystoragetotal: 12.5 },
    );
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r.type.name)).toEqual(LIMIT_TYPES.map((t) => t.name));
    expect(rows[0]).toMatchObject({ limit: 20, used: 3, available: 17 });
    expect(rows[8]).toMatchObject({ limit: -1, used: 6, available: null });
    expect(rows[10]).toMatchObject({ limit: 200, used: 12.5, available: 187.5 });
    // Not answered: unknown, not zero.
    expect(rows[1]).toMatchObject({ limit: null, used: null, available: null });
  });

  it('never shows negative availability when usage passed a lowered limit', () => {
    const [vm] = limitRows([{ resourcetype: 0, max: 2 }], { vmtotal: 5 });
    expect(vm.available).toBe(0);
    expect(usedShare(vm)).toBe(2.5);
    expect(usedShare(limitRows([{ resourcetype: 0, max: 0 }], { vmtotal: 0 })[0])).toBe(0);
    expect(usedShare(limitRows([{ resourcetype: 0, max: -1 }], { vmtotal: 1 })[0])).toBeNull();
  });

  it('checks a typed limit: whole numbers, -1 for unlimited', () => {
    expect(parseLimit(' 10 ')).toEqual({ value: 10 });
    expect(parseLimit('-1')).toEqual({ value: -1 });
    expect(parseLimit('0')).toEqual({ value: 0 });
    expect(parseLimit('')).toEqual({ error: 'empty' });
    expect(parseLimit('1.5')).toEqual({ error: 'notInteger' });
    expect(parseLimit('ten')).toEqual({ error: 'notInteger' });
    expect(parseLimit('-2')).toEqual({ error: 'belowMinusOne' });
    expect(parseLimit('99999999999999999999')).toEqual({ error: 'tooLarge' });
  });

  it('names the owner as the commands want it', () => {
    expect(ownerParams({ kind: 'account', account: 'alice', domainid: 'd1' })).toEqual({ account: 'alice', domainid: 'd1' });
    expect(ownerParams({ kind: 'domain', domainid: 'd1' })).toEqual({ domainid: 'd1' });
    expect(ownerParams({ kind: 'project', projectid: 'p1', domainid: 'd1' })).toEqual({ projectid: 'p1' });
    expect(countParams({ kind: 'project', projectid: 'p1', domainid: 'd1' })).toEqual({ domainid: 'd1', projectid: 'p1' });
  });
});
