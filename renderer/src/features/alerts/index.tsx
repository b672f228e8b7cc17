// Alerts (administrators): CloudStack's numeric alert types shown by name, filter by type and keyword, full
// text in the pane beside the list, archive and delete (archiveAlerts/deleteAlerts) where the role allows.
import { NotifyToggle } from './browser-notify';
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { ActionBar, type Action } from '../../components/actions';
import { Page, Properties } from '../../components/Page';
import { useRoute } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { ListFrame, DetailPane } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { FilterSelect } from '../../components/kit/Widgets';
import { useAllowed } from '../../components/kit/allowed';
import { argsOf } from '../../components/kit/typed';
import { useAlertsMessages, useAlertTypeNames, ALERT_TYPE_NUMBERS } from './messages';
import type { Alert } from '../../../../core/contract/responses';
import { When, dateColumn } from '../../components/kit/When';

const alertId = (a: Alert) => a.id;

/** "Host (7)" for known numbers, "Type 42" otherwise. */
function useTypeName() {
  const m = useAlertsMessages();
  const names = useAlertTypeNames() as Record<string, string>;
  return (n: number) => (names[`t${n}`] ? `${names[`t${n}`]} (${n})` : fmt(m.typeN, { n }));
}

function useAlertActions(): Action<Alert>[] {
  const m = useAlertsMessages();
  return useMemo(() => [
    { id: 'archive', command: 'archiveAlerts', label: m.archive, bulk: true,
      params: (a) => argsOf('archiveAlerts', { ids: [a.id] }), describe: (a) => fmt(m.jobArchive, { name: a.name ?? a.id }) },
    { id: 'delete', command: 'deleteAlerts', label: m.delete, bulk: true, danger: true,
      params: (a) => argsOf('deleteAlerts', { ids: [a.id] }), describe: (a) => fmt(m.jobDelete, { name: a.name ?? a.id }) },
  ], [m]);
}

export default function AlertsView() {
  const m = useAlertsMessages();
  const typeName = useTypeName();
  const { path, query, navigate } = useRoute();
  const openId = path[1];
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const [type, setType] = useState(query.type ?? '');
  const list = usePagedList('listAlerts', { keyword: kw, type }, alertId);
  const actions = useAlertActions();
  const anyAction = useAllowed(actions);
  const columns: Column<Alert>[] = [
    { key: 'type', header: m.type, width: 'minmax(200px, .9fr)', render: (a) => <span className="badge tone-warn">{typeName(a.type)}</span> },
    { key: 'name', header: m.name, width: 'minmax(150px, .9fr)', render: (a) => <span className="kit-mono">{a.name ?? '—'}</span> },
    { key: 'desc', header: m.description, width: 'minmax(240px, 2.4fr)', render: (a) => <span title={a.description}>{a.description}</span> },
    dateColumn<Alert>('sent', m.sent, (a) => a.sent),
  ];
  return (
    <Page title={m.title} subtitle={m.subtitle} toolbar={<NotifyToggle />}>
      <ListFrame<Alert>
        label={m.alerts}
        list={list}
        columns={columns}
        keyword={{ value: keyword, onChange: setKeyword }}
        empty={m.noAlerts}
        filters={<FilterSelect label={m.type} value={type} onChange={setType} options={[['', m.allTypes], ...ALERT_TYPE_NUMBERS.map((n): [string, string] => [String(n), typeName(n)])]} />}
        bulk={anyAction ? () => <BulkActions actions={actions} list={list} nameOf={(a) => a.name ?? a.id} /> : undefined}
        onOpen={(a) => navigate(openId === a.id ? ['alerts'] : ['alerts', a.id], query)}
        detail={openId && <AlertDetail id={openId} onClose={() => navigate(['alerts'], query)} onChanged={list.refresh} />}
      />
    </Page>
  );
}

function AlertDetail({ id, onClose, onChanged }: { id: string; onClose(): void; onChanged(): void }) {
  const m = useAlertsMessages();
  const typeName = useTypeName();
  const { item: a, loading, error } = useOne('listAlerts', { id });
  const actions = useAlertActions();
  if (!a) return <PendingPane loading={loading} error={error} onClose={onClose} />;
  return (
    <DetailPane title={typeName(a.type)} onClose={onClose} actions={<ActionBar actions={actions} rows={[a]} nameOf={(x) => x.name ?? x.id} onDone={onChanged} />}>
      <p style={{ margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{a.description}</p>
      <Properties rows={[[m.name, <span className="kit-mono">{a.name ?? '—'}</span>], [m.sent, <When value={a.sent} />], [m.id, <span className="kit-mono">{a.id}</span>]]} />
      <p className="field-hint">{m.archiveHint}</p>
    </DetailPane>
  );
}
