// Virtual routers (admins): every network's router with its state, addresses and host; start, stop, reboot and
// destroy, one or many at once; a router's page shows where it runs and links to its network.
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { StateBadge } from '../../components/StateBadge';
import { useRoute } from '../../state/route-store';
import { ListFrame, DetailPane } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { ActionBar } from '../../components/actions';
import { Properties } from '../../components/Page';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { FilterSelect } from '../../components/kit/Widgets';
import { useOne, PendingPane } from '../../components/kit/use-one';
import { RowLink, resourceHref } from '../../components/kit/links';
import { When, dateColumn } from '../../components/kit/When';
import { useStateLabel } from '../../i18n/glossary';
import { useNetMessages } from './messages';
import { useRouterActions } from './network-actions';
import type { Router } from './types';

const ROUTER_STATES = ['Running', 'Stopped', 'Starting', 'Stopping', 'Error'];

export function RoutersTab({ openId }: { openId?: string }) {
  const m = useNetMessages();
  const stateLabel = useStateLabel();
  const { query, navigate } = useRoute();
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const [state, setState] = useState(query.state ?? '');
  const list = usePagedList('listRouters', { listall: true, keyword: kw, state, networkid: query.networkid }, (r) => r.id);
  const actions = useRouterActions();
  const columns = useMemo((): Column<Router>[] => [
    { key: 'name', header: m.name, width: 'minmax(140px, 1fr)', render: (r) => <strong>{r.name}</strong>, csv: (r) => r.name },
    { key: 'state', header: m.state, width: 110, render: (r) => <StateBadge state={r.state} />, csv: (r) => r.state },
    { key: 'network', header: m.network, width: 'minmax(140px, 1fr)',
      render: (r) => <RowLink href={resourceHref('Network', r.guestnetworkid)}>{r.guestnetworkname ?? '—'}</RowLink>, csv: (r) => r.guestnetworkname },
    { key: 'guest', header: m.guestIp, width: 130, render: (r) => r.guestipaddress ?? '—' },
    { key: 'public', header: m.publicIp, width: 'minmax(130px, .8fr)', render: (r) => r.publicip ?? '—' },
    { key: 'host', header: m.host, width: 'minmax(110px, .8fr)', render: (r) => r.hostname ?? '—' },
    { key: 'account', header: m.account, width: 'minmax(90px, .6fr)', render: (r) => r.account ?? '—' },
    dateColumn<Router>('created', m.created, (r) => r.created),
  ], [m]);
  return (
    <ListFrame<Router>
      label={m.routers}
      list={list}
      columns={columns}
      keyword={{ value: keyword, onChange: setKeyword }}
      empty={m.noRouters}
      filters={<FilterSelect label={m.state} value={state} onChange={setState}
        options={[['', m.allStates], ...ROUTER_STATES.map((s): [string, string] => [s, stateLabel(s)])]} />}
      bulk={() => <BulkActions actions={actions} list={list} nameOf={(r) => r.name} />}
      onOpen={(r) => navigate(['networks', 'routers', r.id], query)}
      detail={openId && <RouterDetail id={openId} onClose={() => navigate(['networks', 'routers'], query)} onChanged={list.refresh} />}
    />
  );
}

function RouterDetail({ id, onClose, onChanged }: { id: string; onClose(): void; onChanged(): void }) {
  const m = useNetMessages();
  const { item: r, loading, error } = useOne('listRouters', { id, listall: true });
  const actions = useRouterActions();
  if (!r) return <PendingPane loading={loading} error={error} onClose={onClose} />;
  return (
    <DetailPane title={r.name} states={[r.state]} onClose={onClose} actions={<ActionBar actions={actions} rows={[r]} nameOf={(x) => x.name} onDone={onChanged} />}>
      <Properties rows={[
        [m.id, <code key="id" className="kit-mono">{r.id}</code>],
        [m.state, <StateBadge key="s" state={r.state} />],
        [m.network, <RowLink key="n" href={resourceHref('Network', r.guestnetworkid)}>{r.guestnetworkname ?? '—'}</RowLink>],
        [m.guestIp, r.guestipaddress ?? '—'],
        [m.gateway, r.gateway ?? '—'],
        [m.publicIp, r.publicip ?? '—'],
        [m.networkDomain, r.networkdomain ?? '—'],
        [m.host, r.hostname ?? '—'],
        [m.zone, r.zonename ?? '—'],
        [m.account, `${r.account ?? '—'} / ${r.domain ?? '—'}`],
        [m.version, r.version ?? '—'],
        [m.created, <When key="c" value={r.created} />],
      ]} />
    </DetailPane>
  );
}
