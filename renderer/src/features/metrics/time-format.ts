// Times on graphs in the user's language and time zone (Intl), at the precision the axis step needs: "14:30"
// within a day, "7 Dec" / "12月7日" across days, "Dec 2026" across months.
const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, opts)));
  return f;
}

const DAY = 86_400;

/** Axis labels for tick times (seconds) `incr` seconds apart. */
export function timeAxisValues(splits: number[], incr: number, locale: string): string[] {
  const opts: Intl.DateTimeFormatOptions = incr < 60 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
    : incr < DAY ? { hour: '2-digit', minute: '2-digit' }
      : incr < 28 * DAY ? { month: 'short', day: 'numeric' }
        : { year: 'numeric', month: 'short' };
  const f = dtf(locale, opts);
  return splits.map((s) => f.format(new Date(s * 1000)));
}

/** A point's full time, for tooltips and range labels. */
export function tooltipTime(seconds: number, locale: string): string {
  return dtf(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(seconds * 1000));
}

/** A window as "7 Dec 2026, 09:00 – 10:00" (the end without its date when both fall on one day). */
export function windowLabel(from: number, to: number, locale: string): string {
  const f = dtf(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return f.formatRange(new Date(from * 1000), new Date(to * 1000));
}
