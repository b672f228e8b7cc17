// What the colours mean, with how many hosts fall in each; an entry can be toggled to highlight those hosts
// (e.g. "show me every Alert host").
import { useMemo } from 'react';
import { fmt } from '../../i18n/messages';
import { ALLOC_BOUNDS, STATE_BUCKETS, bucketCount, bucketOf, paletteOf, readThemeColors, type Metric } from './colors';
import { useTopologyMessages } from './messages';
import { useUiStore } from '../../state/ui-store';
import type { Topology } from './topology-data';

export function Legend({ topo, metric, active, onToggle }: { topo: Topology; metric: Metric; active: number | null; onToggle(b: number | null): void }) {
  const m = useTopologyMessages();
  const theme = useUiStore((s) => s.theme);
  const colors = useMemo(() => paletteOf(readThemeColors(theme), metric), [theme, metric]);
  const counts = useMemo(() => {
    const c = new Array(bucketCount(metric)).fill(0);
    for (const h of topo.hosts) c[bucketOf(h, metric)]++;
    return c;
  }, [topo, metric]);
  const label = (b: number) => metric === 'state'
    ? m[STATE_BUCKETS[b]]
    : `${ALLOC_BOUNDS[b]}${b + 1 < ALLOC_BOUNDS.length ? `–${ALLOC_BOUNDS[b + 1]}` : '+'} %`;
  return (
    <div className="topo-legend" role="group" aria-label={m.legend} title={m.legendHint}>
      <span className="topo-legend-title">{m[metric]}</span>
      {counts.map((n, b) => (
        <button key={b} className={`topo-legend-item${active === b ? ' active' : ''}`} aria-pressed={active === b}
          disabled={n === 0 && active !== b} onClick={() => onToggle(active === b ? null : b)}
          aria-label={`${label(b)}: ${fmt(m.hostsIn, { n })}`}>
          <span className="swatch" style={{ background: colors[b] }} aria-hidden />
          <span>{label(b)}</span>
          <span className="muted">{n}</span>
        </button>
      ))}
      <span className="topo-legend-hint" aria-hidden>{m.mapHelp}</span>
    </div>
  );
}
