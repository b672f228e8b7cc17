// Hover card for a host tile or a VM dot: what an operator checks before clicking through.
import { StateBadge } from '../../components/StateBadge';
import { useTopologyMessages } from './messages';
import type { Hit } from './hit-test';
import type { Topology } from './topology-data';

export function MapTooltip({ hit, topo, x, y, flipX, flipY }: { hit: Hit; topo: Topology; x: number; y: number; flipX: boolean; flipY: boolean }) {
  const m = useTopologyMessages();
  if (hit.kind !== 'host' && hit.kind !== 'vm') return null;
  const h = topo.hosts[hit.hostIndex];
  // Keep the card inside the map: flip to the left/top near the right/bottom edges.
  const style = { left: x + 14, top: y + 14, transform: `translate(${flipX ? 'calc(-100% - 28px)' : '0'}, ${flipY ? 'calc(-100% - 28px)' : '0'})` };
  return (
    <div className="topo-tip" style={style} role="tooltip">
      {hit.kind === 'vm' ? (
        <>
          <div className="topo-tip-title">{hit.vm.name}</div>
          <dl>
            <dt>{m.tipVmState}</dt><dd><StateBadge state={hit.vm.state} /></dd>
            <dt>{m.tipHost}</dt><dd>{h.name}</dd>
          </dl>
        </>
      ) : (
        <>
          <div className="topo-tip-title">{h.name}</div>
          <dl>
            <dt>{m.tipState}</dt><dd><StateBadge state={h.state} /></dd>
            <dt>{m.tipResource}</dt><dd><StateBadge state={h.resourcestate} /></dd>
            <dt>{m.tipCpu}</dt><dd>{h.cpuPct.toFixed(1)} % · {h.cpunumber} × {h.cpuspeed} MHz</dd>
            <dt>{m.tipMem}</dt><dd>{h.memPct.toFixed(1)} % · {(h.memorytotal / 2 ** 30).toFixed(0)} GiB</dd>
            <dt>{m.tipUse}</dt><dd>{m.cpuShort} {h.cpuUsedPct.toFixed(1)} % · {m.memShort} {h.memUsedPct.toFixed(1)} %</dd>
            <dt>{m.tipCluster}</dt><dd>{h.clustername}</dd>
          </dl>
        </>
      )}
      <div className="topo-tip-hint">{m.tipOpen}</div>
    </div>
  );
}
