// The custom range of the graphs' picker: two local date-times (the <input type="datetime-local"> form) checked
// before anything is fetched, so a bad range says what is wrong instead of drawing an empty graph.
export type RangeProblem = 'missing' | 'order' | 'future' | 'tooOld' | 'tooShort';

/** The oldest data any tier keeps (five years of days) and the shortest window worth a graph (two raw samples). */
export const MAX_AGE_S = 5 * 365 * 86_400;
export const MIN_SPAN_S = 60;

/** "2026-12-07T10:30" (local time) as epoch seconds, or null. */
export function parseLocal(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** Epoch seconds as the input's local "yyyy-MM-ddTHH:mm". */
export function toLocalInput(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The window the two inputs give, or what is wrong with them (`now` in seconds). */
export function checkRange(fromText: string, toText: string, now: number): { from: number; to: number } | { problem: RangeProblem } {
  const from = parseLocal(fromText);
  const to = parseLocal(toText);
  if (from === null || to === null) return { problem: 'missing' };
  if (from >= to) return { problem: 'order' };
  // The end may lie ahead (it is cut at now, so a live window can be typed); the start may not.
  if (from > now) return { problem: 'future' };
  if (from < now - MAX_AGE_S) return { problem: 'tooOld' };
  if (to - from < MIN_SPAN_S) return { problem: 'tooShort' };
  return { from, to: Math.min(to, now + 60) };
}
