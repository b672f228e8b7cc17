// Events about this VM (listEvents resourceid=<vm>), newest first; refreshed while a job acts on the VM so the
// operator sees "Starting VM ..." turn into "start succeeded" without reloading.
import { useList } from '../../api/hooks';
import { useCan } from '../../app/client-context';
import { DataTable, type Column } from '../../components/DataTable';
import { Card } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { useInstMessages } from './messages';
import type { Vm } from './vm';
import type { Event } from '../../../../core/contract/responses';
import { dateColumn } from '../../components/kit/When';

type VmEvent = Event;

const PAGE = 50;
const ROW = 34;
const LEVEL_TONE: Record<string, string> = { INFO: 'idle', WARN: 'warn', ERROR: 'bad' };

export function VmEvents({ vm, poll }: { vm: Vm; poll: boolean }) {
  const m = useInstMessages();
  const can = useCan('listEvents');
  const events = useList('listEvents', { resourceid: vm.id, listall: true, page: 1, pagesize: PAGE },
    { enabled: can, refetchMs: poll ? 1500 : undefined });
  if (!can) return null;
  const items = events.data?.items ?? [];
  const count = events.data?.count ?? 0;
  const columns: Column<VmEvent>[] = [
    dateColumn<Event>('created', m.time, (e) => e.created),
    { key: 'level', header: m.level, width: 80, render: (e) => <span className={`badge tone-${LEVEL_TONE[e.level] ?? 'idle'}`}>{e.level}</span> },
    { key: 'type', header: m.type, width: 140, render: (e) => <code>{e.type}</code> },
    { key: 'state', header: m.eventState, width: 100, render: (e) => e.state ?? '—' },
    { key: 'description', header: m.description, width: 'minmax(240px, 3fr)', render: (e) => <span title={e.description}>{e.description}</span> },
    { key: 'user', header: m.user, width: 110, render: (e) => e.username ?? '—' },
  ];
  return (
    <Card title={count > items.length ? fmt(m.eventsLatest, { shown: items.length, count }) : fmt(m.eventsTitle, { count })}>
      {events.error && <div className="error" role="alert">{events.error.message}</div>}
      <DataTable label={m.events} columns={columns} rowCount={items.length} row={(i) => items[i]} rowId={(e) => e.id}
        rowHeight={ROW} height={Math.min(Math.max(items.length, 1), 10) * ROW + 2} empty={events.isFetched ? m.noEvents : m.loading} />
    </Card>
  );
}
