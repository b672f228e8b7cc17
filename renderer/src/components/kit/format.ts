// Display helpers for CloudStack values: byte sizes, API dates, percentages.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 5368709120 -> "5.0 GiB". */
export function formatBytes(bytes: number | undefined | null): string {
  if (bytes === undefined || bytes === null || !Number.isFinite(bytes)) return '—';
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${UNITS[u]}`;
}

/** Memory as CloudStack counts it (its "MB" are MiB): 512 MiB, 2 GiB, 1.5 GiB. */
export function formatMib(mib: number | undefined | null): string {
  if (mib === undefined || mib === null || !Number.isFinite(mib)) return '—';
  if (mib < 1024) return `${mib} MiB`;
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : `${(mib / 1024).toFixed(1)} GiB`;
}

/** CloudStack dates look like 2026-11-25T00:15:37+0000; the offset without a colon is not ISO, so add one. */
export function parseCsDate(s: string | undefined | null): Date | null {
  if (!s) return null;
  const d = new Date(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? null : d;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time as 2026-11-25 00:15:37: compact, sortable by eye, the same in every language. */
export function formatDate(s: string | undefined | null): string {
  const d = parseCsDate(s);
  if (!d) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** yyyy-MM-dd of a local date, the form CloudStack's date filters take. */
export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function percent(part: number | undefined, whole: number | undefined): number {
  if (!whole || part === undefined) return 0;
  return Math.max(0, Math.min(100, (part / whole) * 100));
}

export const GiB = 1024 ** 3;
