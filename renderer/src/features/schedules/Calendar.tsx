// The calendar of every run across the cloud (listScheduledRuns): month, week and day views, filterable by zone,
// account and action; past runs green or red, upcoming ones neutral, conflicts outlined and counted; a click opens
// the run with its job. A month with 10,000 runs stays fast: a day cell renders a few chips and a "+N more" that
// opens the day, whose list is virtualized.
import { apiUtc } from '../../components/kit/datetime';
import { useEffect, useMemo, useState } from 'react';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import type { ScheduledRun } from '../../../../core/contract/responses';
import { useCloud, useCan } from '../../app/client-context';
import { useList } from '../../api/hooks';
import { FilterSelect } from '../../components/kit/Widgets';
import { fmt } from '../../i18n/messages';
import { useUiStore } from '../../state/ui-store';
import { byDay, dayKey, runTone, shiftAnchor, toCalendarRuns, viewWindow, type CalendarRun, type CalendarView } from './run-model';
import { DayList, RunChip } from './RunChip';
import { RunDetail } from './RunDetail';
import { useSchedMessages } from './messages';

declare global { interface Window { __strataCalendarFetched?: number; __strataCalendarRendered?: { at: number; runs: number } } }

const CHIPS_PER_DAY = 4;
const CHIPS_PER_WEEK_DAY = 40;

export function Calendar() {
  const m = useSchedMessages();
  const lang = useUiStore((s) => s.language);
  const { client } = useCloud();
  const canZones = useCan('listZones');
  const [view, setView] = useState<CalendarView>('month');
  const [anchor, setAnchor] = useState(() => new Date());
  const [zoneid, setZone] = useState('');
  const [account, setAccount] = useState('');
  const [action, setAction] = useState('');
  const [open, setOpen] = useState<CalendarRun | null>(null);
  const win = useMemo(() => viewWindow(view, anchor), [view, anchor]);
  const params = { listall: true, startdate: apiUtc(win.from), enddate: apiUtc(win.to), zoneid: zoneid || undefined, pagesize: -1 };
  const q = useQuery({
    queryKey: [client.connectionId, 'listScheduledRuns', params],
    queryFn: async () => {
      const r = await client.call('listScheduledRuns', params);
      window.__strataCalendarFetched = performance.now();
      return (r.scheduledrun ?? []) as ScheduledRun[];
    },
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const zones = useList('listZones', {}, { enabled: canZones });
  const all = q.data;
  const accounts = useMemo(() => [...new Set((all ?? []).map((r) => r.account).filter(Boolean) as string[])].sort(), [all]);
  const actions = useMemo(() => [...new Set((all ?? []).map((r) => r.action))].sort(), [all]);
  const runs = useMemo(() => toCalendarRuns((all ?? []).filter((r) => (!account || r.account === account) && (!action || r.action === action))), [all, account, action]);
  const days = useMemo(() => byDay(runs, win.days), [runs, win.days]);
  const cellDate = useMemo(() => new Intl.DateTimeFormat(lang, { month: 'long', day: 'numeric' }), [lang]);
  const conflicts = runs.reduce((n, r) => n + (r.conflict ? 1 : 0), 0);
  const failed = runs.reduce((n, r) => n + (r.state === 'Failed' ? 1 : 0), 0);

  // The bench's mark: the frame after this set of runs is on screen.
  useEffect(() => {
    if (!all) return;
    const id = requestAnimationFrame(() => { window.__strataCalendarRendered = { at: performance.now(), runs: runs.length }; });
    return () => cancelAnimationFrame(id);
  }, [all, runs]);

  const title = view === 'month'
    ? new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long' }).format(anchor)
    : view === 'week'
      ? `${new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric' }).format(win.days[0])} – ${new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric' }).format(win.days[6])}`
      : new Intl.DateTimeFormat(lang, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(anchor);
  const weekdays = win.days.slice(0, 7).map((d) => new Intl.DateTimeFormat(lang, { weekday: 'short' }).format(d));
  const today = dayKey(new Date());
  const openDay = (d: Date) => { setAnchor(d); setView('day'); };

  return (
    <div className="calendar">
      <div className="cal-bar" role="toolbar" aria-label={m.calendar}>
        <div className="cal-nav">
          <button type="button" aria-label={m.previous} onClick={() => setAnchor(shiftAnchor(view, anchor, -1))}>‹</button>
          <button type="button" onClick={() => setAnchor(new Date())}>{m.today}</button>
          <button type="button" aria-label={m.next} onClick={() => setAnchor(shiftAnchor(view, anchor, 1))}>›</button>
          <h2 className="cal-title" aria-live="polite">{title}</h2>
        </div>
        <div className="cal-views" role="group" aria-label={m.view}>
          {(['day', 'week', 'month'] as const).map((v) => (
            <button key={v} type="button" aria-pressed={view === v} className={view === v ? 'primary' : ''} onClick={() => setView(v)}>{m[v]}</button>
          ))}
        </div>
        <div className="cal-filters">
          {canZones && <FilterSelect label={m.zone} value={zoneid} onChange={setZone} options={[['', m.allZones], ...(zones.data?.items ?? []).map((z) => [z.id, z.name] as [string, string])]} />}
          <FilterSelect label={m.account} value={account} onChange={setAccount} options={[['', m.allAccounts], ...accounts.map((a) => [a, a] as [string, string])]} />
          <FilterSelect label={m.action} value={action} onChange={setAction} options={[['', m.allActions], ...actions.map((a) => [a, a] as [string, string])]} />
        </div>
      </div>
      <div className="cal-summary" role="status">
        <span>{fmt(m.runs, { count: runs.length.toLocaleString(lang) })}</span>
        {conflicts > 0 && <span className="cal-sum-conflict">⚠ {fmt(m.conflicts, { count: conflicts.toLocaleString(lang) })}</span>}
        {failed > 0 && <span className="cal-sum-failed">{fmt(m.failedRuns, { count: failed.toLocaleString(lang) })}</span>}
        <span className="cal-legend">
          <i className="dot tone-idle" />{m.legendScheduled} <i className="dot tone-ok" />{m.legendSucceeded} <i className="dot tone-bad" />{m.legendFailed} <i className="dot conflict" />{m.legendConflict}
        </span>
        {q.isFetching && <span className="muted">{m.loading}</span>}
      </div>
      {q.error && <div className="error" role="alert">{q.error.message}</div>}
      <div className="cal-body">
        {view === 'day' ? (
          <DayList runs={days.get(dayKey(anchor)) ?? []} onOpen={setOpen} empty={q.isFetched ? m.noRuns : m.loading} />
        ) : (
          <div className={`cal-grid ${view}`} role="grid" aria-label={title}>
            <div className="cal-head" role="row">{weekdays.map((w) => <div key={w} role="columnheader">{w}</div>)}</div>
            <div className="cal-cells">
              {win.days.map((d) => {
                const k = dayKey(d);
                const list = days.get(k) ?? [];
                const limit = view === 'month' ? CHIPS_PER_DAY : CHIPS_PER_WEEK_DAY;
                const nConf = list.reduce((n, r) => n + (r.conflict ? 1 : 0), 0);
                const outside = view === 'month' && d.getMonth() !== anchor.getMonth();
                return (
                  <div key={k} role="gridcell" aria-label={`${cellDate.format(d)}: ${fmt(m.runs, { count: list.length })}`}
                    className={`cal-day${outside ? ' outside' : ''}${k === today ? ' today' : ''}`} data-day={k}>
                    <div className="cal-day-head">
                      <button type="button" className="ghost small cal-date" onClick={() => openDay(d)}>{d.getDate()}</button>
                      {list.length > 0 && <span className="cal-count">{list.length.toLocaleString(lang)}</span>}
                      {nConf > 0 && <span className="cal-conf" title={fmt(m.conflicts, { count: nConf })}>⚠ {nConf}</span>}
                    </div>
                    {firstShown(list, limit).map((r, i) => <RunChip key={i} run={r} onOpen={setOpen} />)}
                    {list.length > limit && <button type="button" className="ghost small cal-more" onClick={() => openDay(d)}>{fmt(m.more, { count: (list.length - limit).toLocaleString(lang) })}</button>}
                  </div>
                );
              })}
            </div>
          </div>
        )}
        {open && <RunDetail run={open} runs={runs} onClose={() => setOpen(null)} />}
      </div>
    </div>
  );
}

export { runTone };

/** A day's chips: its conflicting and failed runs first (what needs attention), then the rest, each in time order. */
function firstShown(list: CalendarRun[], limit: number): CalendarRun[] {
  const trouble = (r: CalendarRun) => !!r.conflict || r.state === 'Failed';
  const out = list.filter(trouble).slice(0, limit);
  for (let i = 0; i < list.length && out.length < limit; i++) if (!trouble(list[i])) out.push(list[i]);
  return out;
}
