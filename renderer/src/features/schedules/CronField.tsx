// The cron helper: an expression field that validates as you type, reads it back in words
// ("every weekday at 18:00, Asia/Shanghai") and lists the next five runs in the user's time zone and locale.
import { useMemo } from 'react';
import { useNow } from '../../components/kit/When';
import { FieldBox } from '../../components/kit/FormDialog';
import { useUiStore } from '../../state/ui-store';
import { fmt } from '../../i18n/messages';
import { useSchedMessages } from './messages';
import { formatRun, previewCron, userTimeZone } from './cron-preview';

export function CronField({ value, onChange, timezone, presets = true, readOnly }: { value: string; onChange(v: string): void; timezone: string; presets?: boolean; readOnly?: boolean }) {
  const m = useSchedMessages();
  const lang = useUiStore((s) => s.language);
  const now = useNow();
  const p = useMemo(() => previewCron(value, timezone, now, lang), [value, timezone, now, lang]);
  const choices: [string, string][] = [[m.presetWeekday, '0 18 * * 1-5'], [m.presetDaily, '30 2 * * *'], [m.presetHourly, '0 * * * *'], [m.presetWeekly, '0 3 * * 0']];
  return (
    <div className="cron-helper">
      <FieldBox label={m.cron} hint={m.cronHint}>
        {({ id, hintId }) => (
          <input id={id} className="mono" aria-describedby={hintId} aria-invalid={!p.ok} value={value} spellCheck={false} readOnly={readOnly}
            onChange={(e) => onChange(e.target.value)} />
        )}
      </FieldBox>
      {presets && (
        <div className="cron-presets" aria-label={m.presets}>
          {choices.map(([label, expr]) => <button key={expr} type="button" className="ghost small" onClick={() => onChange(expr)}>{label}</button>)}
        </div>
      )}
      {p.ok ? (
        <div className="cron-read" role="status" aria-label={m.inWords}>
          <strong className="cron-words">{p.words}</strong>
          <div className="muted small">{fmt(m.nextRuns, { tz: userTimeZone() })}</div>
          {p.runs.length === 0 ? <p className="muted">{m.noNextRuns}</p> : (
            <ol className="cron-runs" aria-label={fmt(m.nextRuns, { tz: userTimeZone() })}>
              {p.runs.map((t) => <li key={t}><time dateTime={new Date(t).toISOString()}>{formatRun(t, lang)}</time></li>)}
            </ol>
          )}
        </div>
      ) : <div className="error cron-error" role="alert">{m.invalid}: {p.error}</div>}
    </div>
  );
}
