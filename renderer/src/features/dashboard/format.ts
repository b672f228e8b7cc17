// Units for capacity figures as listCapacity reports them (bytes, MHz, counts) and CloudStack dates.

/** Bytes in binary units named as such (GiB): the console's one unit formatter. */
export { formatBytes } from '../../components/kit/format';

export function formatMhz(n: number): string {
  const digits = { maximumFractionDigits: 1 };
  if (n >= 1e6) return `${(n / 1e6).toLocaleString(undefined, digits)} THz`;
  return n >= 1000 ? `${(n / 1000).toLocaleString(undefined, digits)} GHz` : `${n} MHz`;
}

/** CloudStack dates look like 2026-11-25T00:15:02+0000; the offset needs a colon for Date to be sure of it. */
export function parseCsDate(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const d = new Date(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

// Dates follow the console's language (set on <html lang> by the app), not only the browser's.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatTime(s: string | undefined): string {
  const d = parseCsDate(s);
  if (!d) return '—';
  const lang = document.documentElement.lang || navigator.language;
  let f = formatters.get(lang);
  if (!f) formatters.set(lang, (f = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' })));
  return f.format(d);
}
