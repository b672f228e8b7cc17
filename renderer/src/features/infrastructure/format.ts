// Display helpers for infrastructure numbers: CloudStack sends bytes, MHz and "12.50%" strings.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(n: number | undefined | null): string {
  if (n === undefined || n === null || !Number.isFinite(n)) return '—';
  let v = n, u = 0;
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${UNITS[u]}`;
}

export function mhz(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n >= 1000 ? `${(n / 1000).toFixed(n % 1000 ? 1 : 0)} GHz` : `${n} MHz`;
}

/** "12.50%" or 12.5 -> "12.5 %". */
export function percent(v: string | number | undefined): string {
  if (v === undefined || v === '') return '—';
  const n = typeof v === 'number' ? v : parseFloat(v);
  return Number.isFinite(n) ? `${Math.round(n * 10) / 10} %` : '—';
}

export function ratio(part: number | undefined, whole: number | undefined): number {
  return part !== undefined && whole ? Math.min(100, (part / whole) * 100) : 0;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** "12.50%" -> 12.5; 0 when absent. */
export function pctOf(v: unknown): number {
  const n = typeof v === 'number' ? v : parseFloat(String(v ?? ''));
  return Number.isFinite(n) ? n : 0;
}
