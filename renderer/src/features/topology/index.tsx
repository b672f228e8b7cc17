// Topology: zone > pod > cluster > host (> VM) as a drawn map or a tree, coloured by state or allocation,
// with search. View and colouring live in the route (#/topology?view=tree&metric=cpu) so they can be linked.
import { useCallback, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Page } from '../../components/Page';
import { useCloud, useCan } from '../../app/client-context';
import { useRoute } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import { useTopologyMessages } from './messages';
import { useTopology } from './topology-data';
import { METRICS, bucketOf, stateBucket, type Metric } from './colors';
import { HostFailures } from '../infrastructure/HostFailures';
import { TopologyMap, type MapFocus } from './TopologyMap';
import { TopologyTree, type TreeReveal } from './TopologyTree';
import { Legend } from './Legend';
import { SearchResults, type Picked } from './SearchResults';
import { useMapSearch } from './use-map-search';
import { NetworkPanel } from './NetworkPanel';
import { useNetworkChoices, useNetworkSpan } from './use-network-span';
import type { Labels } from './draw';
import './topology.css';

export default function TopologyView() {
  const m = useTopologyMessages();
  const { client } = useCloud();
  const qc = useQueryClient();
  const canAddZone = useCan('createZone');
  const canHosts = useCan('listHosts');
  const [mountedAt] = useState(() => performance.now());
  const { query, navigate } = useRoute();
  const view = query.view === 'tree' ? 'tree' : 'map';
  const metric: Metric = (METRICS as string[]).includes(query.metric) ? (query.metric as Metric) : 'state';
  const setQuery = (patch: Record<string, string>) => navigate(['topology'], { ...query, ...patch });

  const topo = useTopology();
  const t = topo.data;
  // A guest network shown on the map (#/topology?network=<id>): its router's and VMs' hosts are highlighted.
  const canNetworks = useCan('listNetworks');
  const networkId = query.network || undefined;
  const choices = useNetworkChoices(canNetworks);
  const span = useNetworkSpan(networkId);
  const [raw, setRaw] = useState('');
  const search = useMapSearch(t, raw);
  // The legend's choice belongs to the metric it was made for: another metric starts with none.
  const [legend, setLegend] = useState<{ metric: Metric; bucket: number | null }>({ metric, bucket: null });
  const legendBucket = legend.metric === metric ? legend.bucket : null;
  const setLegendBucket = (bucket: number | null) => setLegend({ metric, bucket });
  const [focus, setFocus] = useState<MapFocus | null>(null);
  const [reveal, setReveal] = useState<TreeReveal | null>(null);
  const [picked, setPicked] = useState<{ id: string; name: string } | null>(null);

  // What the map emphasises: search matches (hosts, and hosts of matching VMs), else the legend's choice.
  const highlight = useMemo(() => {
    if (!t) return null;
    if (search.query) {
      const set = new Set(search.hostIndexes);
      for (const v of search.vms) { const h = v.hostid ? t.hostById.get(v.hostid) : undefined; if (h) set.add(h.index); }
      return set;
    }
    if (networkId && span.data) return new Set([...span.data.hosts.keys()].flatMap((id) => t.hostById.get(id)?.index ?? []));
    if (legendBucket !== null) return new Set(t.hosts.filter((h) => bucketOf(h, metric) === legendBucket).map((h) => h.index));
    return null;
  }, [t, search.query, search.hostIndexes, search.vms, networkId, span.data, legendBucket, metric]);

  // New search results: frame them all (a single VM is framed with its dot ringed). Done while rendering, once per
  // result set (React's pattern for state that follows other state); the nonce only has to differ from the last.
  const [framed, setFramed] = useState<Set<number> | null>(null);
  if ((search.query || networkId) && highlight?.size && highlight !== framed) {
    setFramed(highlight);
    const onlyVm = search.hostIndexes.length === 0 && search.vms.length === 1 ? search.vms[0] : undefined;
    setFocus((f) => ({ hostIndexes: [...highlight], vmId: onlyVm?.id, nonce: (f?.nonce ?? 0) + 1 }));
    setPicked(onlyVm ? { id: onlyVm.id, name: onlyVm.name } : null);
  }

  const pick = useCallback((p: Picked) => {
    if (!t) return;
    const hostId = p.kind === 'host' ? p.host.id : p.vm.hostid;
    if (p.kind === 'vm' && !hostId) { navigate(['instances', p.vm.id]); return; }
    const h = t.hostById.get(hostId!);
    if (!h) return;
    const vmId = p.kind === 'vm' ? p.vm.id : undefined;
    setPicked({ id: vmId ?? h.id, name: p.kind === 'vm' ? p.vm.name : h.name });
    setFocus({ hostIndexes: [h.index], vmId, nonce: Date.now() });
    setReveal({ hostId: h.id, vmId, nonce: Date.now() });
  }, [t, navigate]);

  const labels: Labels = useMemo(() => ({
    zone: (z) => fmt(m.zoneTitle, { name: z.name, pods: z.pods.length, hosts: z.hostCount }) + (z.allocationstate === 'Disabled' ? m.disabledSuffix : ''),
    pod: (p) => fmt(m.podTitle, { name: p.name, clusters: p.clusters.length, hosts: p.hostCount }) + (p.allocationstate === 'Disabled' ? m.disabledSuffix : ''),
    cluster: (c) => fmt(m.clusterTitle, { name: c.name, hosts: c.hosts.length }) + (c.allocationstate === 'Disabled' ? m.disabledSuffix : ''),
    vmCount: (n) => fmt(m.vmCount, { n }),
    hostState: (h) => {
      const b = stateBucket(h.state, h.resourcestate);
      if (b === 'Up' || b === 'Disabled' || b === 'Other') return null;
      return b === 'Maintenance' ? m[b] : `⚠ ${m[b]}`;
    },
  }), [m]);

  const openHost = useCallback((id: string) => navigate(['infrastructure', 'hosts', id]), [navigate]);
  const openVm = useCallback((id: string) => navigate(['instances', id]), [navigate]);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: [client.connectionId, 'topology-vms'] });
    void qc.invalidateQueries({ queryKey: [client.connectionId, 'topology-network'] });
    void topo.refetch();
  };

  const subtitle = t ? fmt(m.summary, { zones: t.zones.length, pods: t.podCount, clusters: t.clusterCount, hosts: t.hosts.length }) : undefined;
  const toolbar = (
    <div className="topo-toolbar">
      <div className="topo-tabs" role="tablist" aria-label={m.viewLabel}>
        {(['map', 'tree'] as const).map((v) => (
          <button key={v} role="tab" aria-selected={view === v} onClick={() => setQuery({ view: v === 'map' ? '' : v })}>{m[v]}</button>
        ))}
      </div>
      {view === 'map' && (
        <span className="topo-inline"><label htmlFor="topo-metric">{m.colourBy}</label>
          <select id="topo-metric" value={metric} onChange={(e) => setQuery({ metric: e.target.value === 'state' ? '' : e.target.value })}>
            {METRICS.map((x) => <option key={x} value={x}>{m[x]}</option>)}
          </select>
        </span>
      )}
      <span className="topo-inline topo-search"><label htmlFor="topo-find">{m.find}</label>
        <input id="topo-find" type="search" value={raw} placeholder={m.findPlaceholder} onChange={(e) => setRaw(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setRaw('');
            // Enter jumps to the best match (exact host names come first).
            if (e.key === 'Enter' && search.query === raw.trim()) {
              const first: Picked | null = search.hosts[0] ? { kind: 'host', host: search.hosts[0] } : search.vms[0] ? { kind: 'vm', vm: search.vms[0] } : null;
              if (first) pick(first);
            }
          }} />
      </span>
      {canNetworks && (
        <span className="topo-inline"><label htmlFor="topo-network">{m.network}</label>
          <select id="topo-network" value={networkId ?? ''} onChange={(e) => { setRaw(''); setQuery({ network: e.target.value }); }}>
            <option value="">{m.noNetwork}</option>
            {networkId && !choices.data?.some((n) => n.id === networkId) && <option value={networkId}>{span.data?.network.name ?? networkId}</option>}
            {(choices.data ?? []).map((n) => <option key={n.id} value={n.id}>{`${n.name} (${n.type})`}</option>)}
          </select>
        </span>
      )}
      <button onClick={refresh} disabled={topo.isFetching}>{m.refresh}</button>
    </div>
  );

  let body;
  if (topo.error) body = <div className="error">{fmt(m.loadFailed, { text: topo.error.message })}</div>;
  else if (!t) body = <div className="loading">{m.loading}</div>;
  else if (t.zones.length === 0) {
    body = (
      <div className="card"><div className="card-body">
        <p>{m.empty}</p>
        {canAddZone && <button className="primary" onClick={() => navigate(['infrastructure', 'zones', 'wizard'])}>{m.openWizard}</button>}
      </div></div>
    );
  } else {
    body = (
      <>
        {canHosts && <HostFailures />}
        <div className="topo-stage">
          {view === 'map' ? (
            <div className="topo-map-col">
              <Legend topo={t} metric={metric} active={search.query ? null : legendBucket} onToggle={(b) => { setRaw(''); setLegendBucket(b); }} />
              <TopologyMap topo={t} metric={metric} highlight={highlight} focus={focus} labels={labels} mountedAt={mountedAt}
                ariaLabel={fmt(m.mapLabel, { hosts: t.hosts.length, zones: t.zones.length })}
                controls={{ zoomIn: m.zoomIn, zoomOut: m.zoomOut, fit: m.fit }} onOpenHost={openHost} onOpenVm={openVm} />
            </div>
          ) : (
            <TopologyTree topo={t} reveal={reveal} onOpenHost={openHost} onOpenVm={openVm} />
          )}
          {search.query ? <SearchResults s={search} m={m} active={picked?.id ?? null} onPick={pick} onClear={() => setRaw('')} />
            : networkId && <NetworkPanel span={span.data} loading={span.isLoading} error={span.error ? span.error.message : null} topo={t} m={m}
              active={picked?.id ?? null} onPick={pick} onClose={() => setQuery({ network: '' })} />}
        </div>
      </>
    );
  }

  return (
    <Page title={m.title} subtitle={subtitle} toolbar={toolbar}>
      <div className="topo-sr" aria-live="polite" data-testid="topology-status">{picked ? fmt(m.showing, { name: picked.name }) : ''}</div>
      {body}
    </Page>
  );
}
