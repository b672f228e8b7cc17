// Date filters of list commands (listEvents, listAsyncJobs, archiveEvents...). CloudStack accepts "yyyy-MM-dd" and
// "yyyy-MM-dd HH:mm:ss"; we read them as UTC (the time zone of every date we answer), and also accept the ISO
// form clients copy from our own responses (2021-10-04T09:24:38+0000).
import { invalidParam } from '../kernel/errors';

const PLAIN = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Epoch millis of a date parameter. A date without a time means the start of that day, or with `endOfDay` the
 * last millisecond of it, so `enddate=2024-05-01` includes the whole of May 1st.
 */
export function parseDateParam(value: string, param: string, endOfDay = false): number {
  const v = value.trim();
  const m = PLAIN.exec(v);
  let ms: number;
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
    if (m[4] === undefined) ms = Date.UTC(y, mo, d) + (endOfDay ? 86_400_000 - 1 : 0);
    else ms = Date.UTC(y, mo, d, Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) + (endOfDay ? 999 : 0);
  } else {
    // "+0000" -> "+00:00" so Date.parse accepts CloudStack's own format.
    ms = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  }
  if (!Number.isFinite(ms)) {
    throw invalidParam(`Unable to parse date ${value} for parameter ${param}, please use yyyy-MM-dd or yyyy-MM-dd HH:mm:ss`);
  }
  return ms;
}
