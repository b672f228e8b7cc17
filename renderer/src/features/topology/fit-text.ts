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
