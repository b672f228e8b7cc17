// A host's evacuation as it happens: the host's resource state moving Enabled -> PrepareForMaintenance ->
// Maintenance (or ErrorInMaintenance), and each VM leaving it: queued, migrating (with its job's progress) to which
// host, migrated, stopped instead (and why), or failed with the server's error. Polled every second while the
// host prepares (the same lists the server already answers: the host's jobs, the VM jobs since, the VMs still on
// it); shown on the host's page and, after "Enter maintenance" is confirmed, in a dialog over the hosts list.
import { useMemo } from 'react';
import { useList } from '../../api/hooks';
import { apiUtc, parseCsDate } from '../../components/kit/datetime';
import { useStateLabel } from '../../i18n/glossary';
import { fmt } from '../../i18n/messages';
import { useJobsStore } from '../../state/jobs-store';
import { hrefOf } from '../../state/route-store';
import { countBy, evacuationJobs, evacuationRows, latestPrepareJob, type EvacRow } from './evacuation-model';
import { useInfraMessages, type InfraMessages } from './messages';

const LIVE_MS = 1000;
const IN_MAINTENANCE = new Set(['PrepareForMaintenance', 'ErrorInPrepareForMaintenance', 'Maintenance', 'ErrorInMaintenance']);
const TONE: Record<EvacRow['state'], string> = {
  queued: 'idle', migrating: 'busy', migrated: 'ok', stopping: 'busy', stopped: 'warn', failed: 'bad', notMoved: 'bad',
};

/**
 * The evacuation card. On the host's page (no `startedAt`): the host's latest evacuation, shown while the host is
 * in maintenance or preparing. After a confirmation (`startedAt`, when it was confirmed): the evacuation that
 * confirmation started, followed through the jobs panel's entry (its job id, or the server's refusal).
 */
export function HostEvacuation({ hostId, startedAt }: { hostId: string; startedAt?: number }) {
  const m = useInfraMessages();
  const always = startedAt !== undefined;
  const tracked = useJobsStore((s) => (always ? s.jobs.find((j) => j.command === 'prepareHostForMaintenance' && j.started >= startedAt) : undefined));
  const host = useList('listHosts', { id: hostId }).data?.items[0];
  const hostJobs = useList('listAsyncJobs', { listall: true, resourceid: hostId, resourcetype: 'Host', page: 1, pagesize: 20 });
  const jobs = hostJobs.data?.items ?? [];
  const prepare = always ? jobs.find((j) => j.jobid === tracked?.jobid) : latestPrepareJob(jobs);
  const rstate = host?.resourcestate ?? '';
  const live = prepare?.jobstatus === 0 || rstate === 'PrepareForMaintenance';
  const refused = always && !tracked?.jobid && tracked?.status === 'failed' ? tracked.error : undefined;
  const refetchMs = live || (always && !prepare && !refused) ? LIVE_MS : undefined;
  // Same keys as the lists above, now polled: every view of this host updates together while it prepares.
  useList('listHosts', { id: hostId }, { refetchMs });
  useList('listAsyncJobs', { listall: true, resourceid: hostId, resourcetype: 'Host', page: 1, pagesize: 20 }, { refetchMs });
  const since = prepare ? apiUtc(parseCsDate(prepare.created) ?? 0) : '';
  const vmJobs = useList('listAsyncJobs', { listall: true, resourcetype: 'VirtualMachine', startdate: since, page: 1, pagesize: 500 },
    { enabled: !!prepare, refetchMs });
  const onHost = useList('listVirtualMachines', { hostid: hostId, listall: true, page: 1, pagesize: 500 }, { refetchMs });
  // The plan the confirmation showed (cached, never fetched here: it is refused once the host prepares).
  const plan = useList('listHostMaintenancePlan', { id: hostId }, { enabled: false }).data?.items;
  const rows = useMemo(() => (prepare ? evacuationRows({
    preparing: live, jobs: evacuationJobs(prepare, vmJobs.data?.items ?? []), onHost: onHost.data?.items ?? [], plan,
  }) : []), [prepare, live, vmJobs.data, onHost.data, plan]);

  if (!always && !(prepare && (live || IN_MAINTENANCE.has(rstate)))) return null;
  const error = refused ?? (hostJobs.error ?? vmJobs.error ?? onHost.error)?.message;
  return (
    <section className="card evac" aria-label={m.evacTitle}>
      <header className="card-head">
        <h2>{m.evacTitle}</h2>
        <HostSteps m={m} state={rstate} />
        {always && <a href={hrefOf(['infrastructure', 'hosts', hostId])}>{m.evacHostPage}</a>}
      </header>
      <div className="evac-body">
        {error && <div className="error" role="alert">{error}</div>}
        {!prepare ? !refused && <p className="muted" aria-busy="true">{m.evacWaiting}</p> : <>
          <p className="evac-summary" role="status">
            {fmt(m.evacSummary, { done: countBy(rows, 'migrated', 'stopped'), total: rows.length, failed: countBy(rows, 'failed', 'notMoved') })}
            {live && <progress max={100} value={prepare.jobprocstatus ?? 0} aria-label={m.evacTitle} />}
          </p>
          {/* Ended with no rows: no VM had to move, or its jobs are past the newest 500 VM jobs listed. */}
          {rows.length === 0 ? <p className="muted">{live ? m.planEmpty : m.evacNoRows}</p> : <EvacTable m={m} rows={rows} />}
        </>}
      </div>
    </section>
  );
}

/** Enabled -> PrepareForMaintenance -> Maintenance, the current step marked (ErrorInMaintenance as the last). */
function HostSteps({ m, state }: { m: InfraMessages; state: string }) {
  const label = useStateLabel();
  const failed = state.startsWith('Error');
  const at = state === 'Maintenance' || failed ? 2 : state.includes('PrepareForMaintenance') ? 1 : 0;
  const steps = [label('Enabled'), label('PrepareForMaintenance'), failed ? label(state) : label('Maintenance')];
  return (
    <ol className="evac-steps" aria-label={m.resourceState}>
      {steps.map((s, i) => (
        <li key={i} className={i === at ? `current${failed ? ' failed' : ''}` : i < at ? 'done' : ''} aria-current={i === at ? 'step' : undefined}>{s}</li>
      ))}
    </ol>
  );
}

function EvacTable({ m, rows }: { m: InfraMessages; rows: EvacRow[] }) {
  const what = (r: EvacRow) => {
    if (r.state === 'migrated') return fmt(m.evacMigrated, { host: r.host ?? '?' });
    if (r.state === 'migrating') return r.host ? fmt(m.evacMigratingTo, { host: r.host }) : m.evacMigrating;
    if (r.state === 'queued') return r.host ? fmt(m.evacQueuedFor, { host: r.host }) : m.evacQueued;
    return { stopping: m.evacStopping, stopped: m.evacStopped, failed: m.evacFailed, notMoved: m.evacNotMoved }[r.state];
  };
  return (
    <table className="evac-table">
      <thead><tr><th scope="col">{m.planVm}</th><th scope="col">{m.evacState}</th></tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-state={r.state}>
            <td className="maint-plan-vm"><a href={hrefOf(['instances', r.id])} title={r.name}>{r.name}</a></td>
            <td>
              <span className={`badge tone-${TONE[r.state]}`}>{what(r)}</span>
              {r.progress !== undefined && <progress max={100} value={r.progress} aria-label={fmt(m.evacProgress, { name: r.name })} />}
              {r.error && <span className="maint-plan-reason">{r.error}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
