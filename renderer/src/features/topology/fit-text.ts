// Shortening canvas labels to a width. Host names are cut in the middle ("sim…st-12"), as page headers are, so both
// the start and the tail that tells hosts apart stay visible; other labels are cut at the end.

export type Measure = (text: string) => number;

/** The longest form of `text` that fits `maxW` ('' when not even one character does). */
export function fitLabel(measure: Measure, text: string, maxW: number, mode: 'end' | 'middle'): string {
  if (measure(text) <= maxW) return text;
  const cut = (n: number) => {
    if (mode === 'end') return text.slice(0, n) + '…';
    const head = Math.ceil(n / 2);
    return text.slice(0, head) + '…' + text.slice(text.length - (n - head));
  };
  let lo = 0, hi = text.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(cut(mid)) <= maxW) lo = mid; else hi = mid - 1;
  }
  return lo > 0 ? cut(lo) : '';
}

/** Smallest font a host name may shrink to before it is cut. */
export const MIN_NAME_PX = 8;

/**
 * The font size at which a host name fits `maxW`: `size` when it fits there, else smaller (text width scales with
 * the font size), in half pixels, but not under MIN_NAME_PX; a name too long even then is cut (fitLabel) at that size.
 * At the map's fit zoom this keeps names like "sim-host-12" whole on their tiles instead of "sim…-12".
 */
export function hostNameSize(widthAtSize: number, maxW: number, size: number): number {
  if (widthAtSize <= maxW) return size;
  return Math.max(MIN_NAME_PX, Math.floor((size * maxW / widthAtSize) * 2) / 2);
}
