// The cron helper's reading of an expression as the user types: valid or the parser's reason, the words, and the
// next runs (computed by the same engine the scheduler uses), shown in the user's own time zone and locale.
import { describeCron, nextRuns, parseCron, type RunWindow } from '../../../../core/contract/schedule/index';

export interface CronPreview { ok: boolean; error?: string; words?: string; runs: number[] }

export function previewCron(expr: string, tz: string, now: number, lang: 'en' | 'zh-CN', window: RunWindow = {}, count = 5): CronPreview {
  try {
    const spec = parseCron(expr);
    return { ok: true, words: describeCron(spec, lang, tz), runs: nextRuns(spec, tz, now, count, window) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e), runs: [] };
  }
}

/** The browser's own time zone (the user's). */
export const userTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const formats = new Map<string, Intl.DateTimeFormat>();
/** "Mon, Dec 7, 2026, 18:00 GMT+8" in the user's zone and language. */
export function formatRun(t: number, lang: string): string {
  let f = formats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    formats.set(lang, f);
  }
  return f.format(t);
}

/** Time zones to offer: the user's, UTC, then every zone the engine knows. */
export function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([userTimeZone(), 'UTC', ...all])];
}
