// The units every metric graph and column shares: percent, bytes and byte rates in binary multiples (KiB, MiB,
// GiB: what memory and disks are sized in), plain numbers (load) and counts per second (packets, IOPS); digits in
// the user's locale.
export type Unit = 'percent' | 'bytes' | 'bytesPerSec' | 'number' | 'perSec';

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

const formats = new Map<string, Intl.NumberFormat>();
function nf(locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${digits}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits })));
  return f;
}

/** Digits that keep about three significant figures (12.3, 1.23, 123). */
const digitsFor = (x: number) => (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);

/** A value in its unit, e.g. "12.5 %", "1.5 GiB", "320 KiB/s", "0.42". Null: an em dash. */
export function formatValue(v: number | null | undefined, unit: Unit, locale = 'en'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (unit === 'percent') return `${nf(locale, digitsFor(v)).format(v)} %`;
  if (unit === 'number') return nf(locale, digitsFor(v)).format(v);
  if (unit === 'perSec') return `${nf(locale, digitsFor(v)).format(v)}/s`;
  let x = Math.abs(v);
  let i = 0;
  while (x >= 1024 && i < BINARY.length - 1) { x /= 1024; i++; }
  const text = `${nf(locale, i === 0 ? 0 : digitsFor(x)).format(Math.sign(v) * x)} ${BINARY[i]}`;
  return unit === 'bytesPerSec' ? `${text}/s` : text;
}

/** Axis ticks for byte values fall on powers of 1024 times 1, 2, 5 (so labels read "512 MiB", "1 GiB"). */
export function binaryIncrs(): number[] {
  const out: number[] = [];
  for (let p = 0; p <= 5; p++) for (const m of [1, 2, 5, 10, 20, 50, 100, 200, 500]) out.push(m * 1024 ** p);
  return out;
}
