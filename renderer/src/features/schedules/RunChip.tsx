// One run as a chip (time, action, resource; tone by outcome; outlined when it conflicts), and a day's runs as a
// virtualized list.
import { DataTable, type Column } from '../../components/DataTable';
import { fmt } from '../../i18n/messages';
import { useUiStore } from '../../state/ui-store';
import { runTone, type CalendarRun } from './run-model';
import { useSchedMessages } from './messages';

const times = new Map<string, Intl.DateTimeFormat>();
export function timeOf(t: number, lang: string): string {
  let f = times.get(lang);
  if (!f) times.set(lang, (f = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  return f.format(t);
}

export function conflictText(r: CalendarRun, m: ReturnType<typeof useSchedMessages>): string | undefined {
  if (r.conflict === 'resource') return fmt(m.conflictResource, { action: r.conflictWith ?? '' });
  if (r.conflict === 'pileup') return m.conflictPileup;
  return undefined;
}

/** A run's state in the console's language (the API's own names are CloudStack-style English). */
export function stateText(state: string, m: ReturnType<typeof useSchedMessages>): string {
  const names: Record<string, string> = { Scheduled: m.legendScheduled, Succeeded: m.legendSucceeded, Failed: m.legendFailed,
    Running: m.stateRunning, Skipped: m.stateSkipped, Cancelled: m.stateCancelled };
  return names[state] ?? state;
}

export function RunChip({ run, onOpen }: { run: CalendarRun; onOpen(r: CalendarRun): void }) {
  const lang = useUiStore((s) => s.language);
  const m = useSchedMessages();
  const c = conflictText(run, m);
  const text = `${timeOf(run.t, lang)} ${run.action} ${run.resourcename ?? ''}`;
  return (
    <button type="button" className={`run-chip tone-${runTone(run.state)}${run.conflict ? ' conflict' : ''}`} title={c ? `${text} — ${c}` : text}
      onClick={() => onOpen(run)}>
      {run.conflict && <span aria-label={c}>⚠</span>}<b>{timeOf(run.t, lang)}</b> {run.action} <span className="muted">{run.resourcename}</span>
    </button>
  );
}

const ROW = 34;

export function DayList({ runs, onOpen, empty }: { runs: CalendarRun[]; onOpen(r: CalendarRun): void; empty: string }) {
  const m = useSchedMessages();
  const lang = useUiStore((s) => s.language);
  const columns: Column<CalendarRun>[] = [
    { key: 'time', header: m.when, width: 80, render: (r) => <b>{timeOf(r.t, lang)}</b> },
    { key: 'action', header: m.action, width: 190, render: (r) => <code>{r.action}</code> },
    { key: 'resource', header: m.resource, width: 'minmax(160px, 2fr)', render: (r) => <span title={r.resourcename}>{r.resourcename ?? '—'}</span> },
    { key: 'account', header: m.account, width: 120, render: (r) => r.account ?? '—' },
    { key: 'state', header: m.state, width: 110, render: (r) => <span className={`badge tone-${runTone(r.state)}`}>{stateText(r.state, m)}</span> },
    { key: 'conflict', header: m.legendConflict, width: 'minmax(180px, 2fr)', render: (r) => r.conflict ? <span className="cal-conf" title={conflictText(r, m)}>⚠ {conflictText(r, m)}</span> : '' },
  ];
  return <DataTable label={m.runs.replace('{count}', String(runs.length))} columns={columns} rowCount={runs.length} row={(i) => runs[i]}
    rowId={(r) => `${r.scheduleid}/${r.t}`} rowHeight={ROW} height="100%" onOpen={onOpen} empty={empty} />;
}
