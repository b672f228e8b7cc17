// The console's one date/time format. CloudStack sends "2026-11-25T00:15:37+0000"; every view shows it the same
// way, in the console's language (en, zh-CN): recent moments relative ("5 minutes ago", "5分钟前"), older ones as
// an absolute date and time, and always the full absolute date and time on hover (see <When>).

/** CloudStack's offset has no colon ("+0000"), which not every engine accepts: add one. */
export function parseCsDate(s: string | number | Date | undefined | null): Date | null {
  if (s === undefined || s === null || s === '') return null;
  const d = typeof s === 'string' ? new Date(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

/** "Dec 7, 2026, 09:46:32" / "2026年12月7日 09:46:32": 24-hour clock in both, so widths stay put. */
export function absoluteTime(d: Date, lang: string): string {
  return cached(`abs/${lang}`, () => new Intl.DateTimeFormat(lang, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  })).format(d);
}

/** Past this age the relative form ("3 weeks ago") says less than the date itself. */
const RELATIVE_LIMIT_S = 7 * 24 * 3600;
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [['second', 60], ['minute', 60], ['hour', 24], ['day', 7]];

/** "just now", "5 minutes ago", "in 2 hours", "yesterday"; null when the moment is too far for relative words. */
export function relativeTime(d: Date, now: number, lang: string): string | null {
  let v = (d.getTime() - now) / 1000;
  if (Math.abs(v) >= RELATIVE_LIMIT_S) return null;
  const f = cached(`rel/${lang}`, () => new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }));
  if (Math.abs(v) < 10) return f.format(0, 'second');
  for (const [unit, size] of STEPS) {
    if (Math.abs(v) < size || unit === 'day') return f.format(Math.trunc(v), unit);
    v /= size;
  }
  return null;
}

/** The visible text and the hover text of a CloudStack date; "—" for none. */
export function describeTime(s: string | number | Date | undefined | null, now: number, lang: string): { text: string; title: string; iso?: string } {
  const d = parseCsDate(s);
  if (!d) return { text: '—', title: '' };
  const abs = absoluteTime(d, lang);
  return { text: relativeTime(d, now, lang) ?? abs, title: abs, iso: d.toISOString() };
}

/** An instant as the API's date parameters take it: "yyyy-MM-dd HH:mm:ss" in UTC. */
export function apiUtc(t: number | Date): string {
  return new Date(t).toISOString().slice(0, 19).replace('T', ' ');
}
