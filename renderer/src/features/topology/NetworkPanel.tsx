// The chosen guest network beside the map: its virtual router (state, addresses, host), the hosts it spans (each with
// its count of the network's VMs; the router's host marked) and its VMs with their addresses. The map highlights
// the same hosts; picking a host or VM here frames it like a search result. Hosts come in the map's order.
import { fmt } from '../../i18n/messages';
import { hrefOf } from '../../state/route-store';
import { StateBadge } from '../../components/StateBadge';
import type { TopologyMessages } from './messages';
import type { NetworkSpan } from './use-network-span';
import type { Topology } from './topology-data';
import type { Picked } from './SearchResults';

interface Props {
  span: NetworkSpan | undefined; loading: boolean; error: string | null; topo: Topology; m: TopologyMessages;
  active: string | null; onPick(p: Picked): void; onClose(): void;
}

export function NetworkPanel({ span, loading, error, topo, m, active, onPick, onClose }: Props) {
  const hostName = (id?: string, fallback?: string) => (id ? topo.hostById.get(id)?.name ?? fallback ?? id : undefined);
  const r = span?.router;
  return (
    <aside className="topo-results topo-network" aria-label={m.networkPanel} data-testid="topology-network">
      <header>
        <strong>{span ? span.network.name : m.networkLoading}</strong>
        <button className="ghost" onClick={onClose}>{m.clear}</button>
      </header>
      {error && <div className="error">{fmt(m.networkFailed, { text: error })}</div>}
      {loading && !span && <div className="note">{m.networkLoading}</div>}
      {span && (
        <>
          <div className="note">
            {[span.network.type, span.network.cidr, span.network.broadcasturi ?? span.network.broadcastdomaintype].filter(Boolean).join(' · ')}
            {' '}<StateBadge state={span.network.state} />
          </div>
          <h4>{m.router}</h4>
          {r ? (
            <ul><li className={active === r.hostid ? 'active' : ''}>
              <button onClick={() => { const h = r.hostid ? topo.hostById.get(r.hostid) : undefined; if (h) onPick({ kind: 'host', host: h }); }}>
                <span><strong>{r.name}</strong> <StateBadge state={r.state} /></span>
                <span className="sub">{[r.guestipaddress, r.publicip, hostName(r.hostid, r.hostname) ? fmt(m.onHost, { host: hostName(r.hostid, r.hostname)! }) : m.noHost]
                  .filter(Boolean).join(' · ')}</span>
              </button>
              <a href={hrefOf(['networks', 'routers', r.id])} aria-label={`${m.open} ${r.name}`}>{m.open}</a>
            </li></ul>
          ) : <div className="note">{m.noRouter}</div>}
          <h4>{fmt(m.spansHosts, { n: span.hosts.size })}</h4>
          {span.hosts.size === 0 && <div className="note">{m.spansNone}</div>}
          <ul>
            {[...span.hosts].sort(([a], [b]) => (topo.hostById.get(a)?.index ?? 1e9) - (topo.hostById.get(b)?.index ?? 1e9)).map(([id, n]) => {
              const h = topo.hostById.get(id);
              return (
                <li key={id} className={active === id ? 'active' : ''}>
                  <button onClick={() => h && onPick({ kind: 'host', host: h })}>
                    <span><strong>{h?.name ?? id}</strong> {h && <StateBadge state={h.state} />}</span>
                    <span className="sub">{[fmt(m.countVms, { n }), r?.hostid === id ? m.routerHere : ''].filter(Boolean).join(' · ')}</span>
                  </button>
                </li>
              );
            })}
          </ul>
          <h4>{fmt(m.countVms, { n: span.vms.length + span.moreVms })}</h4>
          <ul>
            {span.vms.map((v) => (
              <li key={v.id} className={active === v.id ? 'active' : ''}>
                <button onClick={() => onPick({ kind: 'vm', vm: { id: v.id, name: v.name, state: v.state, hostid: v.hostid, hostname: v.hostname } })}>
                  <span><strong>{v.name}</strong> <StateBadge state={v.state} /></span>
                  <span className="sub">{[v.ip, hostName(v.hostid, v.hostname) ? fmt(m.onHost, { host: hostName(v.hostid, v.hostname)! }) : m.noHost].filter(Boolean).join(' · ')}</span>
                </button>
                <a href={hrefOf(['instances', v.id])} aria-label={`${m.open} ${v.name}`}>{m.open}</a>
              </li>
            ))}
          </ul>
          {span.moreVms > 0 && <div className="note">{fmt(m.moreNetworkVms, { n: span.moreVms })}</div>}
        </>
      )}
    </aside>
  );
}
