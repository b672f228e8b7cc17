// Guest networks: a server-paged list with type and zone filters and keyword search, the create dialogs (isolated,
// shared, L2) and a detail pane with the network's instances, router and IP ranges.
import { TagFilter } from '../tags/TagFilter';
import { tagFilterParams } from '../tags/TagsCard';
import { useCurrentProject } from '../projects/ProjectSwitcher';
import { useMemo, useState } from 'react';
import type { Column } from '../../components/DataTable';
import { StateBadge } from '../../components/StateBadge';
import { useCan, useCloud } from '../../app/client-context';
import { useList } from '../../api/hooks';
import { useRoute } from '../../state/route-store';
import { ListFrame } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { useAllowed } from '../../components/kit/allowed';
import { usePagedList, useDebounced } from '../../components/kit/paged-list';
import { FilterSelect } from '../../components/kit/Widgets';
import { dateColumn } from '../../components/kit/When';
import { useNetMessages } from './messages';
import { useNetworkActions } from './network-actions';
import { CreateNetworkDialog } from './CreateNetworkDialog';
import { NetworkDetail } from './NetworkDetail';
import type { Network } from './types';

const networkId = (n: Network) => n.id;

export function useTypeLabel() {
  const m = useNetMessages();
  return (t: string | undefined) => (t === 'Isolated' ? m.isolated : t === 'Shared' ? m.shared : t === 'L2' ? m.l2 : t ?? '—');
}

export function NetworksTab({ openId }: { openId?: string }) {
  const m = useNetMessages();
  const typeLabel = useTypeLabel();
  const { identity } = useCloud();
  const admin = identity.accountType !== 0;
  const { query, navigate } = useRoute();
  const [keyword, setKeyword] = useState('');
  const kw = useDebounced(keyword);
  const [type, setType] = useState(query.type ?? '');
  const [zoneid, setZoneid] = useState(query.zoneid ?? '');
  const [tag, setTag] = useState('');
  const project = useCurrentProject();
  const list = usePagedList('listNetworks', { ...(project ? { projectid: project } : { listall: true }), keyword: kw, type, zoneid, ...tagFilterParams(tag) }, networkId);
  const zones = useList('listZones', {});
  const canCreate = useCan('createNetwork');
  const [creating, setCreating] = useState(false);
  const actions = useNetworkActions();
  const anyAction = useAllowed(actions);

  const columns = useMemo((): Column<Network>[] => [
    { key: 'name', header: m.name, width: 'minmax(160px, 1.4fr)', render: (n) => <strong title={n.displaytext !== n.name ? n.displaytext : n.name}>{n.name}</strong>, csv: (n) => n.name },
    { key: 'state', header: m.state, width: 120, render: (n) => <StateBadge state={n.state} />, csv: (n) => n.state },
    { key: 'type', header: m.type, width: 90, render: (n) => typeLabel(n.type), csv: (n) => n.type },
    { key: 'cidr', header: m.cidr, width: 150, render: (n) => n.cidr ?? '—' },
    ...(admin ? [{ key: 'vlan', header: m.vlan, width: 80, render: (n: Network) => n.vlan ?? '—' }] : []),
    { key: 'zone', header: m.zone, width: 'minmax(100px, .7fr)', render: (n) => n.zonename ?? '—' },
    { key: 'owner', header: m.account, width: 'minmax(100px, .8fr)', csv: (n) => n.account ?? n.domain,
      // A domain-wide (shared) network has no account: its domain, marked as such.
      render: (n) => n.account ?? n.project ?? <span className="muted" title={`${m.domain}: ${n.domain ?? '—'}`}>{n.domain ?? '—'} ({m.domain})</span> },
    { key: 'offering', header: m.offering, width: 'minmax(140px, 1fr)', render: (n) => n.networkofferingname ?? '—' },
    dateColumn<Network>('created', m.created, (n) => n.created),
  ], [m, admin, typeLabel]);

  const zoneOptions = [['', m.allZones] as [string, string], ...(zones.data?.items ?? []).map((z): [string, string] => [z.id, z.name])];
  return (
    <>
      <ListFrame<Network>
        label={m.networks}
        list={list}
        columns={columns}
        keyword={{ value: keyword, onChange: setKeyword }}
        empty={m.noNetworks}
        filters={(
          <>
            <FilterSelect label={m.type} value={type} onChange={setType}
              options={[['', m.allTypes], ['Isolated', m.isolated], ['Shared', m.shared], ['L2', m.l2]]} />
            {zoneOptions.length > 2 && <FilterSelect label={m.zone} value={zoneid} onChange={setZoneid} options={zoneOptions} />}
            <TagFilter key={tag} value={tag} onApply={setTag} />
          </>
        )}
        actions={canCreate && (
<button type="button" className="primary" onClick={() => setCreating(true)}>{m.createNetwork}</button>)}
        bulk={anyAction ? () => <BulkActions actions={actions} list={list} nameOf={(n) => n.name} /> : undefined}
        onOpen={(n) => navigate(['networks', 'networks', n.id], query)}
        detail={openId && <NetworkDetail id={openId} onClose={() => navigate(['networks', 'networks'], query)} onChanged={list.refresh} />}
      />
      {creating && <CreateNetworkDialog initialType="Isolated" admin={admin} onClose={() => setCreating(false)}
        onDone={(id) => { list.refresh(); if (id) navigate(['networks', 'networks', id]); }} />}
    </>
  );
}
