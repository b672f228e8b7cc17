// The jobs panel's server side, so its history survives reloads: the caller's recent async jobs (listAsyncJobs:
// status, duration, error text), and the next scheduled runs with a button that cancels one (cancelScheduledRun).
import { useList } from '../api/hooks';
import { useCan } from './client-context';
import { useRun } from '../components/kit/typed';
import { useNow, When } from '../components/kit/When';
import { apiUtc, parseCsDate } from '../components/kit/datetime';
import { fmt } from '../i18n/messages';
import { useShellMessages } from './shell-messages';

const HISTORY = 30;
const DAY_MS = 86_400_000;
const STATUS = ['running', 'succeeded', 'failed'] as const;

function took(from?: string, to?: string): string | null {
  const a = parseCsDate(from); const b = parseCsDate(to);
  if (!a || !b) return null;
  const s = Math.max(0, (b.getTime() - a.getTime()) / 1000);
  return s < 10 ? `${s.toFixed(1)} s` : s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
}

export function ServerJobs({ hide }: { hide: Set<string> }) {
  const m = useShellMessages();
  const can = useCan('listAsyncJobs');
  const q = useList('listAsyncJobs', { listall: true, page: 1, pagesize: HISTORY }, { enabled: can, refetchMs: 5000 });
  if (!can) return null;
  const jobs = (q.data?.items ?? []).filter((j) => !hide.has(j.jobid));
  return (
    <section aria-label={m.history}>
      <h3 className="jobs-sub">{m.history}</h3>
      <ul>
        {jobs.map((j) => {
          const status = STATUS[j.jobstatus] ?? 'failed';
          const d = took(j.created, j.completed);
          const err = (j.jobresult as { errortext?: string } | undefined)?.errortext;
          return (
            <li key={j.jobid} className={`job ${status}`}>
              <div className="job-line"><strong>{j.cmd.replace(/^.*\./, '').replace(/Cmd$/, '')}</strong><span className={`badge tone-${status === 'succeeded' ? 'ok' : status === 'failed' ? 'bad' : 'busy'}`}>{m[status]}</span></div>
              <div className="job-meta">{j.jobinstancetype ?? ''} {j.jobid.slice(0, 8)} · <When value={j.created} />{d ? ` · ${fmt(m.duration, { d })}` : ''}{j.account ? ` · ${j.account}` : ''}</div>
              {status === 'failed' && err && <div className="job-error">{err}</div>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function UpcomingRuns() {
  const m = useShellMessages();
  const can = useCan('listScheduledRuns');
  const canCancel = useCan('cancelScheduledRun');
  const run = useRun();
  const minute = Math.floor(useNow() / 60_000) * 60_000;
  const q = useList('listScheduledRuns', { listall: true, startdate: apiUtc(minute), enddate: apiUtc(minute + DAY_MS), page: 1, pagesize: 200 }, { enabled: can, refetchMs: 30_000 });
  if (!can) return null;
  const seen = new Set<string>();
  // A schedule's first upcoming run is the one cancelScheduledRun cancels.
  const next = (q.data?.items ?? []).filter((r) => r.state === 'Scheduled' && !seen.has(r.scheduleid) && seen.add(r.scheduleid)).slice(0, 6);
  return (
    <section aria-label={m.upcoming}>
      <h3 className="jobs-sub">{m.upcoming}</h3>
      {next.length === 0 ? <p className="muted">{m.noUpcoming}</p> : (
        <ul>
          {next.map((r) => (
            <li key={r.scheduleid} className="job">
              <div className="job-line"><strong>{r.action} · {r.resourcename ?? r.apicommand}</strong>
                {canCancel && <button type="button" className="small" onClick={() => void run('cancelScheduledRun', { scheduleid: r.scheduleid }, `${m.cancelRun}: ${r.action} ${r.resourcename ?? ''}`).catch(() => undefined)}>{m.cancelRun}</button>}
              </div>
              <div className="job-meta">{m.scheduled} · <When value={r.runat} />{r.description ? ` · ${r.description}` : ''}{r.account ? ` · ${r.account}` : ''}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
