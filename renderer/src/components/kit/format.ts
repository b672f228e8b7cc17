// Display helpers for CloudStack values: byte sizes, percentages. Dates: datetime.ts and <When>.

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

const pad = (n: number) => String(n).padStart(2, '0');

/** yyyy-MM-dd of a local date, the form CloudStack's date filters take. */
export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function percent(part: number | undefined, whole: number | undefined): number {
  if (!whole || part === undefined) return 0;
  return Math.max(0, Math.min(100, (part / whole) * 100));
}

export const GiB = 1024 ** 3;
