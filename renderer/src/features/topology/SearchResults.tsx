// The search's matches beside the map: hosts (matched locally) and VMs (from the server). Picking one pans the
// map (or opens the tree) to it; "Open" goes to its page.
import { fmt } from '../../i18n/messages';
import { hrefOf } from '../../state/route-store';
import { StateBadge } from '../../components/StateBadge';
import type { TopologyMessages } from './messages';
import type { MapSearch, VmMatch } from './use-map-search';
import type { HostNode } from './topology-data';

export type Picked = { kind: 'host'; host: HostNode } | { kind: 'vm'; vm: VmMatch };

export function SearchResults({ s, m, active, onPick, onClear }: { s: MapSearch; m: TopologyMessages; active: string | null; onPick(p: Picked): void; onClear(): void }) {
  const total = s.hostTotal + s.vmTotal;
  return (
    <aside className="topo-results" aria-label={m.results}>
      <header>
        <strong>{s.vmLoading && total === 0 ? m.searching : fmt(m.matchCount, { n: total })}</strong>
        <button className="ghost" onClick={onClear}>{m.clear}</button>
      </header>
      {s.vmError && <div className="error">{fmt(m.searchFailed, { text: s.vmError })}</div>}
      {!s.vmLoading && total === 0 && <div className="note">{fmt(m.noMatch, { q: s.query })}</div>}
      <ul>
        {s.hosts.map((h) => (
          <li key={h.id} className={active === h.id ? 'active' : ''}>
            <button onClick={() => onPick({ kind: 'host', host: h })}>
              <span><strong>{h.name}</strong> <StateBadge state={h.state} /></span>
              <span className="sub">{fmt(m.hostResult, { cluster: h.clustername })}</span>
            </button>
            <a href={hrefOf(['infrastructure', 'hosts', h.id])} aria-label={`${m.open} ${h.name}`}>{m.open}</a>
          </li>
        ))}
        {s.vms.map((v) => (
          <li key={v.id} className={active === v.id ? 'active' : ''}>
            <button onClick={() => onPick({ kind: 'vm', vm: v })}>
              <span><strong>{v.name}</strong> <StateBadge state={v.state} /></span>
              <span className="sub">{v.hostid ? fmt(m.vmResult, { host: v.hostname ?? v.hostid }) : m.vmNoHost}</span>
            </button>
            <a href={hrefOf(['instances', v.id])} aria-label={`${m.open} ${v.name}`}>{m.open}</a>
          </li>
        ))}
      </ul>
    </aside>
  );
}
