// Latest alerts (admins), latest events and jobs: the ones this console is running (from the jobs store, with
// progress) and the latest ones on the server (listAsyncJobs), which include jobs started by other clients.
import { useStateLabel } from '../../i18n/glossary';
import { useList } from '../../api/hooks';
import { useCloud } from '../../app/client-context';
import { DataTable, type Column } from '../../components/DataTable';
import { Card } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { hrefOf } from '../../state/route-store';
import { useJobsStore } from '../../state/jobs-store';
import { useUiStore } from '../../state/ui-store';
import { useDashMessages } from './messages';
import type { Alert, AsyncJob, Event } from '../../../../core/contract/responses';
import { dateColumn } from '../../components/kit/When';

const LATEST = 10;
const ROW = 34;
const height = (n: number) => Math.max(1, n) * ROW + 2;
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
 * Names of the VMs jobs acted on when their result does not carry one (a failed deploy returns only an error):
 * one listVirtualMachines ids= call for the page; a VM gone since shows as "VM" and its short id.
 */
function useVmNames(jobs: ServerJob[]): (id: string) => string {
  const ids = [...new Set(jobs.filter((j) => j.jobinstancetype === 'VirtualMachine' && j.jobinstanceid && !resultName(j)).map((j) => j.jobinstanceid!))].sort();
  const vms = useList('listVirtualMachines',
    { ids: ids.join(','), listall: true }, { enabled: ids.length > 0 });
  const names = new Map((vms.data?.items ?? []).map((v) => [v.id, v.displayname || v.name]));
  return (id) => names.get(id) ?? `VM ${id.slice(0, 8)}`;
}

/** org.apache.cloudstack.api.command.user.vm.DeployVMCmd -> DeployVM */
const commandOf = (cmd: string) => cmd.split('.').pop()?.replace(/Cmd$/, '') ?? cmd;

export function AlertsCard() {
  const m = useDashMessages();
  const alerts = useList('listAlerts', { page: 1, pagesize: LATEST }, { refetchMs: 30_000 });
  const items = alerts.data?.items ?? [];
  const columns: Column<Alert>[] = [
    dateColumn<Alert>('sent', m.time, (a) => a.sent),
    { key: 'name', header: m.type, width: 'minmax(160px, 1fr)', render: (a) => <code title={String(a.type)}>{a.name ?? a.type}</code> },
    { key: 'description', header: m.description, width: 'minmax(200px, 3fr)', render: (a) => <span title={a.description}>{a.description}</span> },
  ];
  return (
    <Card title={m.alerts} actions={<a href={hrefOf(['alerts'])}>{m.allAlerts}</a>}>
      {alerts.error && <div className="error" role="alert">{fmt(m.loadFailed, { text: alerts.error.message })}</div>}
      <DataTable label={m.alerts} columns={columns} rowCount={items.length} row={(i) => items[i]} rowId={(a) => a.id} rowHeight={ROW}
        height={height(items.length)} empty={alerts.isFetched ? m.noAlerts : m.loading} />
    </Card>
  );
}

export function EventsCard() {
  const m = useDashMessages();
  const stateLabel = useStateLabel();
  const { identity } = useCloud();
  const listall = identity.accountType !== 0 ? true : undefined;
  const events = useList('listEvents', { listall, page: 1, pagesize: LATEST }, { refetchMs: 20_000 });
  const items = events.data?.items ?? [];
  const columns: Column<Event>[] = [
    dateColumn<Event>('created', m.time, (e) => e.created),
    { key: 'level', header: m.level, width: 90, render: (e) => <span className={`badge tone-${LEVEL_TONE[e.level] ?? 'idle'}`} title={e.level}>{stateLabel(e.level)}</span> },
    { key: 'type', header: m.type, width: 'minmax(170px, 1.2fr)', render: (e) => <code title={e.type}>{e.type}</code> },
    { key: 'description', header: m.description, width: 'minmax(200px, 3fr)', render: (e) => <span title={e.description}>{e.description}</span> },
  ];
  return (
    <Card title={m.events} actions={<a href={hrefOf(['events'])}>{m.allEvents}</a>}>
      {events.error && <div className="error" role="alert">{fmt(m.loadFailed, { text: events.error.message })}</div>}
      <DataTable label={m.events} columns={columns} rowCount={items.length} row={(i) => items[i]} rowId={(e) => e.id} rowHeight={ROW}
        height={height(items.length)} empty={events.isFetched ? m.noEvents : m.loading} />
    </Card>
  );
}

export function JobsCard() {
  const m = useDashMessages();
  const { client, identity } = useCloud();
  const listall = identity.accountType !== 0 ? true : undefined;
  const allJobs = useJobsStore((s) => s.jobs);
  const local = allJobs.filter((j) => j.connectionId === client.connectionId && j.status === 'running');
  const mine = new Set(allJobs.filter((j) => j.jobid).map((j) => j.jobid!));
  // Jobs started here are followed live by the jobs store (and refresh this list when they end); the server list is
  // for jobs started elsewhere, and listing the newest of 100,000 jobs costs the server: every 20 s is enough.
  const jobs = useList('listAsyncJobs', { listall, page: 1, pagesize: LATEST }, { refetchMs: 20_000 });
  const items = jobs.data?.items ?? [];
  const vmName = useVmNames(items);
  const status = (j: ServerJob) => (j.jobstatus === 0 ? ['busy', m.pending] : j.jobstatus === 1 ? ['ok', m.succeeded] : ['bad', m.failed]);
  const columns: Column<ServerJob>[] = [
    dateColumn<ServerJob>('created', m.time, (j) => j.created),
    { key: 'cmd', header: m.command, width: 'minmax(140px, 1.2fr)', render: (j) => <span title={j.cmd}>{commandOf(j.cmd)}{mine.has(j.jobid) && <span className="muted"> · {m.here}</span>}</span> },
    { key: 'status', header: m.status, width: 120, render: (j) => { const [tone, text] = status(j); return <span className={`badge tone-${tone}`} title={(j.jobresult as { errortext?: string } | undefined)?.errortext}>{text}</span>; } },
    { key: 'resource', header: m.resource, width: 'minmax(120px, 1fr)', render: (j) => (
      j.jobinstancetype === 'VirtualMachine' && j.jobinstanceid
        ? <a href={hrefOf(['instances', j.jobinstanceid])}>{resultName(j) ?? vmName(j.jobinstanceid)}</a>
        : <span>{[j.jobinstancetype, resultName(j)].filter(Boolean).join(' ') || '—'}</span>
    ) },
    { key: 'account', header: m.account, width: 'minmax(90px, .7fr)', render: (j) => j.account ?? '—' },
  ];
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
      {jobs.error && <div className="error" role="alert">{fmt(m.loadFailed, { text: jobs.error.message })}</div>}
      <DataTable label={m.jobs} columns={columns} rowCount={items.length} row={(i) => items[i]} rowId={(j) => j.jobid} rowHeight={ROW}
        height={height(items.length)} empty={jobs.isFetched ? m.noJobs : m.loading} />
    </Card>
  );
}
