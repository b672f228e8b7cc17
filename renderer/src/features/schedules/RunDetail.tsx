// One run opened from the calendar: what, when, on which resource, and its job (queryAsyncJobResult: status,
// duration, error text). An upcoming run that is its schedule's next can be cancelled.
import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useCloud, useCan } from '../../app/client-context';
import { Properties } from '../../components/Page';
import { RowLink, resourceHref } from '../../components/kit/links';
import { useRun } from '../../components/kit/typed';
import { When } from '../../components/kit/When';
import { parseCsDate } from '../../components/kit/datetime';
import { fmt } from '../../i18n/messages';
import { useUiStore } from '../../state/ui-store';
import { formatRun } from './cron-preview';
import { runTone, type CalendarRun } from './run-model';
import { conflictText, stateText } from './RunChip';
import { useSchedMessages } from './messages';

export function duration(from?: string, to?: string): string {
  const a = parseCsDate(from); const b = parseCsDate(to);
  if (!a || !b) return '—';
  const s = Math.max(0, Math.round((b.getTime() - a.getTime()) / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function RunDetail({ run, runs, onClose }: { run: CalendarRun; runs: CalendarRun[]; onClose(): void }) {
  const m = useSchedMessages();
  const lang = useUiStore((s) => s.language);
  const { client } = useCloud();
  const act = useRun();
  const canCancel = useCan('cancelScheduledRun');
  const job = useQuery({
    queryKey: [client.connectionId, 'queryAsyncJobResult', { jobid: run.jobid }],
    queryFn: () => client.call('queryAsyncJobResult', { jobid: run.jobid }),
    enabled: !!run.jobid,
  });
  const isNext = run.state === 'Scheduled' && runs.find((r) => r.scheduleid === run.scheduleid && r.state === 'Scheduled') === run;
  const j = job.data as { jobstatus?: number; cmd?: string; created?: string; completed?: string; jobresult?: { errortext?: string } } | undefined;
  const href = resourceHref(run.resourcetype, run.resourceid);
  return (
    <aside className="run-detail" aria-label={m.run}>
      <header>
        <h2>{run.action} · {run.resourcename ?? run.apicommand}</h2>
        <button type="button" className="icon" aria-label={m.close} onClick={onClose}>✕</button>
      </header>
      <Properties rows={[
        [m.state, <span className={`badge tone-${runTone(run.state)}`}>{stateText(run.state, m)}</span>],
        [m.when, formatRun(run.t, lang)],
        [m.schedule, run.description ?? run.apicommand],
        [m.resource, run.resourceid ? <RowLink href={href}>{run.resourcename ?? run.resourceid}</RowLink> : '—'],
        [m.account, run.account],
        ...(run.conflict ? [[m.legendConflict, <span className="cal-conf">⚠ {conflictText(run, m)}</span>] as [string, ReactNode]] : []),
        ...(run.jobid ? [
          [m.job, <code>{run.jobid}</code>],
          [m.started, <When value={run.started ?? j?.created} />],
          [m.completed, <When value={run.completed ?? j?.completed} />],
          [m.duration, duration(run.started ?? j?.created, run.completed ?? j?.completed)],
        ] as [string, ReactNode][] : []),
        ...(run.errortext || j?.jobresult?.errortext ? [[m.error, <span className="error-text">{run.errortext ?? j?.jobresult?.errortext}</span>] as [string, ReactNode]] : []),
      ]} />
      {isNext && canCancel && (
        <div className="run-detail-actions">
          <button type="button" className="danger" title={m.cancelHint}
            onClick={() => void act('cancelScheduledRun', { scheduleid: run.scheduleid }, fmt(m.jobCancel, { name: run.resourcename ?? run.action })).then(onClose, () => undefined)}>{m.cancelRun}</button>
          <p className="muted small">{m.cancelHint}</p>
        </div>
      )}
      {run.state === 'Scheduled' && !isNext && <p className="muted small">{m.notNext}</p>}
    </aside>
  );
}
