// Units for capacity figures as listCapacity reports them (bytes, MHz, counts) (dates: components/kit/When).

/** Bytes in binary units named as such (GiB): the console's one unit formatter. */
export { formatBytes } from '../../components/kit/format';

export function formatMhz(n: number): string {
  const digits = { maximumFractionDigits: 1 };
  if (n >= 1e6) return `${(n / 1e6).toLocaleString(undefined, digits)} THz`;
  return n >= 1000 ? `${(n / 1000).toLocaleString(undefined, digits)} GHz` : `${n} MHz`;
}
