import { describe, expect, it } from 'vitest';
import { describeTime, parseCsDate, relativeTime } from './datetime';

const at = parseCsDate('2026-12-07T09:00:00+0000')!.getTime();

describe('one date/time format', () => {
  it('reads CloudStack dates with a colon-less offset', () => {
    expect(parseCsDate('2026-11-25T00:15:37+0000')?.toISOString()).toBe('2026-11-25T00:15:37.000Z');
    expect(parseCsDate('nonsense')).toBeNull();
  });
  it('says recent moments in words, in English and Chinese', () => {
    const fiveMin = new Date(at - 5 * 60_000);
    expect(relativeTime(fiveMin, at, 'en')).toBe('5 minutes ago');
    expect(relativeTime(fiveMin, at, 'zh-CN')).toBe('5分钟前');
    expect(relativeTime(new Date(at - 3_000), at, 'en')).toBe('now');
    expect(relativeTime(new Date(at - 26 * 3600_000), at, 'en')).toBe('yesterday');
  });
  it('gives old dates absolutely, and always the full date on hover', () => {
    // Shown in the machine's time zone: the day of these instants there (00:15 UTC is still the 24th west of UTC).
    const localDay = (iso: string) => new Date(iso).getDate();
    const old = describeTime('2026-11-25T00:15:37+0000', at, 'zh-CN');
    expect(old.text).toBe(old.title);
    expect(old.title).toMatch(new RegExp(`^2026年11月${localDay('2026-11-25T00:15:37Z')}日`));
    const recent = describeTime('2026-12-07T08:59:00+0000', at, 'en');
    expect(recent.text).toBe('1 minute ago');
    expect(recent.title).toMatch(new RegExp(`Dec ${localDay('2026-12-07T08:59:00Z')}, 2026`));
    expect(describeTime(undefined, at, 'en').text).toBe('—');
  });
});
