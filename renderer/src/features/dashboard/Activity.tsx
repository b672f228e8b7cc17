// Latest alerts (admins), latest events and jobs, newest first, on the shared list kit (count, refresh, column
// chooser, CSV export, a scrolling server-paged table): the jobs this console is running (from the jobs store, with
// progress) and the server's (listAsyncJobs), which include jobs started by other clients.
import { useMemo } from 'react';
import { useStateLabel } from '../../i18n/glossary';
import { useList } from '../../api/hooks';
import { useCloud } from '../../app/client-context';
import type { Column } from '../../components/DataTable';
import { Card } from '../../components/Page';
import { ListFrame } from '../../components/kit/ListFrame';
import { usePagedList } from '../../components/kit/paged-list';
import { dateColumn } from '../../components/kit/When';
import { hrefOf } from '../../state/route-store';
import { useJobsStore } from '../../state/jobs-store';
import { useUiStore } from '../../state/ui-store';
import { useDashMessages } from './messages';
import type { Alert, AsyncJob, Event } from '../../../../core/contract/responses';

/**
 * A page of 25: the cards show about eight rows; older ones load as the operator scrolls. Listing the newest of
 * 100,000 jobs costs the server: every 20 s is enough (jobs started here are followed live by the jobs store).
 */
const PAGE = 25;
const ROW = 34;
const LEVEL_TONE: Record<string, string> = { INFO: 'idle', WARN: 'warn', ERROR: 'bad' };

type ServerJob = AsyncJob;

/** The name of the object a finished job returned ({"virtualmachine": {"name": ...}}), if any. */
function resultName(j: ServerJob): string | undefined {
  for (const v of Object.values((j.jobresult ?? {}) as Record<string, unknown>)) {
    if (v && typeof v === 'object' && 'name' in v) return String((v as { name: unknown }).name);
  }
  return undefined;
}

/**
 * The VM a job acted on, named even when the job's result does not carry it (a failed deploy returns only an
 * error); a VM gone since shows as "VM" and its short id. react-query shares one lookup per VM.
 */
function JobVm({ j }: { j: ServerJob }) {
  const id = j.jobinstanceid!;
  const known = resultName(j);
  const vm = useList('listVirtualMachines', { id, listall: true }, { enabled: !known });
  const v = vm.data?.items[0];
  return <a href={hrefOf(['instances', id])}>{known ?? (v ? v.displayname || v.name : `VM ${id.slice(0, 8)}`)}</a>;
}

/** org.apache.cloudstack.api.command.user.vm.DeployVMCmd -> DeployVM */
const commandOf = (cmd: string) => cmd.split('.').pop()?.replace(/Cmd$/, '') ?? cmd;

export function AlertsCard() {
  const m = useDashMessages();
  const list = usePagedList('listAlerts', {}, (a) => a.id, { pageSize: PAGE, everyMs: 30_000 });
  const columns = useMemo((): Column<Alert>[] => [
    dateColumn<Alert>('sent', m.time, (a) => a.sent),
    { key: 'name', header: m.type, width: 'minmax(160px, 1fr)', csv: (a) => a.name ?? a.type, render: (a) => <code title={String(a.type)}>{a.name ?? a.type}</code> },
    { key: 'description', header: m.description, width: 'minmax(200px, 3fr)', csv: (a) => a.description, render: (a) => <span title={a.description}>{a.description}</span> },
  ], [m]);
  return (
    <Card title={m.alerts} actions={<a href={hrefOf(['alerts'])}>{m.allAlerts}</a>}>
      <div className="dash-list">
        <ListFrame<Alert> label={m.alerts} list={list} columns={columns} rowHeight={ROW} empty={m.noAlerts} />
      </div>
    </Card>
  );
}

export function EventsCard() {
  const m = useDashMessages();
  const stateLabel = useStateLabel();
  const { identity } = useCloud();
  const listall = identity.accountType !== 0 ? true : undefined;
  const list = usePagedList('listEvents', { listall }, (e) => e.id, { pageSize: PAGE, everyMs: 20_000 });
  const columns = useMemo((): Column<Event>[] => [
    dateColumn<Event>('created', m.time, (e) => e.created),
    // The minimum widths add up to what a half-width card has at 1440 px (about 560 px), so the card never scrolls
    // sideways; the type column holds the longest event types whole ("TEMPLATE.DOWNLOAD.FAILED", in the card's 12 px
    // code font); only the description, free text, ends in an ellipsis, whole on hover.
    { key: 'level', header: m.level, width: 76, csv: (e) => e.level, render: (e) => <span className={`badge tone-${LEVEL_TONE[e.level] ?? 'idle'}`} title={e.level}>{stateLabel(e.level)}</span> },
    { key: 'type', header: m.type, width: 'minmax(196px, 1fr)', csv: (e) => e.type, render: (e) => <code title={e.type}>{e.type}</code> },
    { key: 'description', header: m.description, width: 'minmax(120px, 3fr)', csv: (e) => e.description, render: (e) => <span title={e.description}>{e.description}</span> },
  ], [m, stateLabel]);
  return (
    <Card title={m.events} actions={<a href={hrefOf(['events'])}>{m.allEvents}</a>}>
      <div className="dash-list">
        <ListFrame<Event> label={m.events} list={list} columns={columns} rowHeight={ROW} empty={m.noEvents} />
      </div>
    </Card>
  );
}

export function JobsCard() {
  const m = useDashMessages();
  const { client, identity } = useCloud();
  const listall = identity.accountType !== 0 ? true : undefined;
  const allJobs = useJobsStore((s) => s.jobs);
  const local = allJobs.filter((j) => j.connectionId === client.connectionId && j.status === 'running');
  const mine = useMemo(() => new Set(allJobs.filter((j) => j.jobid).map((j) => j.jobid!)), [allJobs]);
  const list = usePagedList('listAsyncJobs', { listall }, (j) => j.jobid, { pageSize: PAGE, everyMs: 20_000 });
  const columns = useMemo((): Column<ServerJob>[] => {
    const status = (j: ServerJob) => (j.jobstatus === 0 ? ['busy', m.pending] : j.jobstatus === 1 ? ['ok', m.succeeded] : ['bad', m.failed]);
    return [
      dateColumn<ServerJob>('created', m.time, (j) => j.created),
      { key: 'cmd', header: m.command, width: 'minmax(140px, 1.2fr)', csv: (j) => commandOf(j.cmd), render: (j) => <span title={j.cmd}>{commandOf(j.cmd)}{mine.has(j.jobid) && <span className="muted"> · {m.here}</span>}</span> },
      { key: 'status', header: m.status, width: 120, csv: (j) => status(j)[1], render: (j) => { const [tone, text] = status(j); return <span className={`badge tone-${tone}`} title={(j.jobresult as { errortext?: string } | undefined)?.errortext}>{text}</span>; } },
      { key: 'resource', header: m.resource, width: 'minmax(120px, 1fr)', csv: (j) => resultName(j) ?? j.jobinstanceid, render: (j) => (
        j.jobinstancetype === 'VirtualMachine' && j.jobinstanceid
          ? <JobVm j={j} />
          : <span>{[j.jobinstancetype, resultName(j)].filter(Boolean).join(' ') || '—'}</span>
      ) },
      { key: 'account', header: m.account, width: 'minmax(90px, .7fr)', render: (j) => j.account ?? '—' },
    ];
  }, [m, mine]);
  return (
    <Card title={m.jobs} actions={<button className="ghost" onClick={() => useUiStore.getState().setJobsOpen(true)}>{m.allJobs}</button>}>
      {local.length > 0 && (
        <ul className="dash-local-jobs">
          {local.map((j) => (
            <li key={j.id}>
              <span>{j.label}</span>
              <progress max={100} value={j.progress || undefined} aria-label={j.label} />
            </li>
          ))}
        </ul>
      )}
      <div className="dash-list">
        <ListFrame<ServerJob> label={m.jobs} list={list} columns={columns} rowHeight={ROW} empty={m.noJobs} />
      </div>
    </Card>
  );
}
