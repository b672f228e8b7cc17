// Every long action: those the operator started here, live while they run (progress, result, error text); the
// next scheduled runs (cancellable); and the server's recent jobs, so the history survives a reload.
import { useJobsStore } from '../state/jobs-store';
import { useUiStore } from '../state/ui-store';
import { useShellMessages } from './shell-messages';
import { When } from '../components/kit/When';
import { ServerJobs, UpcomingRuns } from './JobsHistory';

export function JobsPanel() {
  const m = useShellMessages();
  const { jobs, clearFinished } = useJobsStore();
  const close = () => useUiStore.getState().setJobsOpen(false);
  const local = new Set(jobs.map((j) => j.jobid).filter(Boolean) as string[]);
  return (
    <aside className="jobs-panel" aria-label={m.jobs}>
      <header><h2>{m.jobs}</h2><button className="ghost" onClick={clearFinished}>{m.clearFinished}</button><button className="icon" aria-label="close" onClick={close}>✕</button></header>
      <div className="jobs-scroll">
        <section aria-label={m.thisSession}>
          <h3 className="jobs-sub">{m.thisSession}</h3>
          {jobs.length === 0 ? <p className="muted">{m.noJobs}</p> : (
            <ul>
              {jobs.map((j) => (
                <li key={j.id} className={`job ${j.status}`}>
                  <div className="job-line"><strong>{j.label}</strong><span className={`badge tone-${j.status === 'succeeded' ? 'ok' : j.status === 'failed' ? 'bad' : 'busy'}`}>{m[j.status]}</span></div>
                  <div className="job-meta">{j.command}{j.jobid ? ` · ${j.jobid.slice(0, 8)}` : ''} · <When value={j.started} /></div>
                  {j.status === 'running' && <progress max={100} value={j.progress || undefined} />}
                  {j.error && <div className="job-error">{j.error}</div>}
                </li>
              ))}
            </ul>
          )}
        </section>
        <UpcomingRuns />
        <ServerJobs hide={local} />
      </div>
    </aside>
  );
}
