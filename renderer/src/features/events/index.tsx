// Events, newest first: level, type, date range, keyword and archived filters; a row expands (in the pane
// beside the list) to its full description, the steps of the same action, and a link to the resource.
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { ActionBar, type Action } from '../../components/actions';
import { Page, Properties } from '../../components/Page';
import { useList } from '../../api/hooks';
import { useRoute } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { ListFrame, DetailPane } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { FilterSelect } from '../../components/kit/Widgets';
import { RowLink, resourceHref } from '../../components/kit/links';
import { useAllowed } from '../../components/kit/allowed';
import { argsOf } from '../../components/kit/typed';
import { useEventsMessages } from './messages';
import { useStateLabel } from '../../i18n/glossary';
import './events.css';
import type { Event } from '../../../../core/contract/responses';
import { When, dateColumn, formatDateTime } from '../../components/kit/When';

/** An event as listEvents answers it. */
export type CsEvent = Event;

const LEVEL_TONE: Record<string, string> = { INFO: 'idle', WARN: 'warn', ERROR: 'bad' };
export function LevelBadge({ level }: { level: string }) {
  const label = useStateLabel();
  return <span className={`badge tone-${LEVEL_TONE[level] ?? 'idle'}`} title={level}>{label(level)}</span>;
}
const eventId = (e: CsEvent) => e.id;

function ResourceLink({ e }: { e: CsEvent }) {
  const m = useEventsMessages();
  const name = e.resourcename ?? e.resourceid;
  if (!name) return <span className="muted">—</span>;
  const href = resourceHref(e.resourcetype, e.resourceid);
  return <RowLink href={href} label={href ? fmt(m.openResource, { name: `${e.resourcetype ?? ''} ${name}`.trim() }) : undefined}>{name}</RowLink>;
}

function useEventActions(): Action<CsEvent>[] {
  const m = useEventsMessages();
  return useMemo(() => [
    { id: 'archive', command: 'archiveEvents', label: m.archive, bulk: true, when: (e) => !e.archived,
      params: (e) => argsOf('archiveEvents', { ids: [e.id] }), describe: (e) => fmt(m.jobArchive, { type: e.type }) },
    { id: 'delete', command: 'deleteEvents', label: m.delete, bulk: true, danger: true,
      params: (e) => argsOf('deleteEvents', { ids: [e.id] }), describe: (e) => fmt(m.jobDelete, { type: e.type }) },
  ], [m]);
}

export default function EventsView() {
  const m = useEventsMessages();
  const stateLabel = useStateLabel();
  const { path, query, navigate } = useRoute();
  const openId = path[1];
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const [level, setLevel] = useState(query.level ?? '');
  const [type, setType] = useState(query.type ?? '');
  const typeKw = useDebounced(type);
  const [startdate, setStart] = useState('');
  const [enddate, setEnd] = useState('');
  const [archived, setArchived] = useState(false);
  const list = usePagedList('listEvents', {
    listall: true, keyword: kw, level, type: typeKw.trim(), startdate, enddate, ...(archived ? { archived: true } : {}),
  }, eventId);
  const types = useList('listEventTypes', {});
  const actions = useEventActions();
  const anyAction = useAllowed(actions);
  const open = (e: CsEvent) => navigate(['events', e.id], query);

  const columns: Column<CsEvent>[] = [
    { key: 'level', header: m.level, width: 80, render: (e) => <LevelBadge level={e.level} /> },
    // The description says most: it gets the room (types are short; a long one ends in "…" with its tooltip).
    { key: 'type', header: m.type, width: 'minmax(190px, .8fr)', render: (e) => <span className="kit-mono" title={e.type}>{e.type}</span> },
    { key: 'desc', header: m.description, width: 'minmax(240px, 3fr)', render: (e) => <span title={e.description}>{e.description}</span> },
    { key: 'res', header: m.resource, width: 'minmax(110px, .8fr)', render: (e) => <ResourceLink e={e} /> },
    { key: 'state', header: m.state, width: 110, render: (e) => (e.state ? stateLabel(e.state) : '—') },
    { key: 'account', header: m.account, width: 'minmax(90px, .6fr)', render: (e) => e.account ?? '—' },
    dateColumn<Event>('created', m.created, (e) => e.created),
  ];

  return (
    <Page title={m.title} subtitle={m.subtitle}>
      <ListFrame<CsEvent>
        label={m.events}
        list={list}
        columns={columns}
        keyword={{ value: keyword, onChange: setKeyword }}
        empty={m.noEvents}
        filters={(
          <>
            <FilterSelect label={m.level} value={level} onChange={setLevel} options={[['', m.allLevels], ...['INFO', 'WARN', 'ERROR'].map((l): [string, string] => [l, stateLabel(l)])]} />
            <label className="kit-filter"><span>{m.type}</span>
              <input className="ev-type" list="ev-types" value={type} onChange={(e) => setType(e.target.value)} placeholder={m.typeHint} />
            </label>
            <datalist id="ev-types">{(types.data?.items ?? []).map((t) => <option key={t.name} value={t.name} />)}</datalist>
            <label className="kit-filter"><span>{m.from}</span><input type="date" value={startdate} max={enddate || undefined} onChange={(e) => setStart(e.target.value)} /></label>
            <label className="kit-filter"><span>{m.to}</span><input type="date" value={enddate} min={startdate || undefined} onChange={(e) => setEnd(e.target.value)} /></label>
            <label className="kit-filter"><input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} />{m.showArchived}</label>
          </>
        )}
        bulk={anyAction ? () => <BulkActions actions={actions} list={list} nameOf={(e) => `${e.type} ${formatDateTime(e.created)}`} /> : undefined}
        onOpen={open}
        detail={openId && <EventDetail id={openId} archived={archived} onClose={() => navigate(['events'], query)} onChanged={list.refresh} />}
      />
    </Page>
  );
}

function EventDetail({ id, archived, onClose, onChanged }: { id: string; archived: boolean; onClose(): void; onChanged(): void }) {
  const m = useEventsMessages();
  const stateLabel = useStateLabel();
  const { item: e, loading, error } = useOne('listEvents', { id, listall: true, ...(archived ? { archived: true } : {}) });
  const actions = useEventActions();
  // An async action records Scheduled -> Started -> Completed events linked by parentid.
  const root = e?.parentid ?? e?.id;
  const steps = useList('listEvents', { startid: root, listall: true }, { enabled: !!root });
  if (!e) return <PendingPane loading={loading} error={error} onClose={onClose} />;
  const related = (steps.data?.items ?? []).filter((s) => s.id !== e.id);
  return (
    <DetailPane title={e.type} onClose={onClose} actions={<ActionBar actions={actions} rows={[e]} nameOf={(x) => x.type} onDone={onChanged} />}>
      <p className="ev-description">{e.description}</p>
      <Properties rows={[
        [m.level, <LevelBadge level={e.level} />], [m.state, e.state ?? '—'], [m.created, <When value={e.created} />],
        [m.resourceType, e.resourcetype ?? '—'], [m.resource, <ResourceLink e={e} />], [m.account, e.account ?? '—'],
        [m.user, e.username ?? '—'], [m.domain, e.domainpath ?? e.domain ?? '—'], [m.id, <span className="kit-mono">{e.id}</span>],
      ]} />
      {related.length > 0 && (
        <div>
          <h3>{m.related}</h3>
          <ol className="ev-steps">
            {related.map((s) => <li key={s.id}><LevelBadge level={s.level} /> {stateLabel(s.state ?? '')} · <When value={s.created} /> — {s.description}</li>)}
          </ol>
        </div>
      )}
    </DetailPane>
  );
}
