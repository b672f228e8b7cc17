// The usage card of a VM's, host's, volume's or zone's page: a range picker (1 h to 1 y: the server answers from
// the tier that keeps the range near 1,000 points, or a custom range typed in), the object's graphs sharing one
// cursor, drag on any graph to zoom into a custom window (fetched at the finer resolution it then allows), and
// live updates on the short ranges.
import { useId, useState } from 'react';
import { Card } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { useUiStore } from '../../state/ui-store';
import { DEFAULT_WINDOW, LIVE_RANGES, RANGE_KEYS, RANGE_SECONDS, type History, type HistoryKind, type RangeKey, type Window } from './history-model';
import { useMetricsMessages } from './messages';
import { TimeSeriesChart, type ChartSeries, type TimeSeriesChartProps } from './TimeSeriesChart';
import { windowLabel } from './time-format';
import { useUsageHistory } from './use-usage-history';
import { CustomRangeForm } from './CustomRangeForm';
import './metrics.css';

type M = ReturnType<typeof useMetricsMessages>;
type Graph = Omit<TimeSeriesChartProps, 't' | 'from' | 'to' | 'syncKey' | 'onZoom'>;

const hasData = (v: (number | null)[] | undefined) => !!v?.some((x) => x !== null && x > 0);

/** The graphs of a VM: CPU, memory, disk I/O, and network (bytes and packets) once the VM moved any packets. */
function vmGraphs(m: M, h: History): Graph[] {
  const c = h.cols;
  const graphs: Graph[] = [
    { title: m.cpu, unit: 'percent', series: [{ label: m.average, values: c.cpu, color: '--chart-1' }, { label: m.max, values: c.cpuMax, color: '--chart-1', dashed: true }] },
    { title: m.memory, unit: 'bytes', series: [{ label: m.average, values: c.mem, color: '--chart-2' }, { label: m.max, values: c.memMax, color: '--chart-2', dashed: true }] },
    { title: m.disk, unit: 'bytesPerSec', series: [{ label: m.read, values: c.diskRead, color: '--chart-3' }, { label: m.write, values: c.diskWrite, color: '--chart-4' }] },
  ];
  if (hasData(c.netRx) || hasData(c.netTx)) {
    graphs.push({ title: m.network, unit: 'bytesPerSec', series: [{ label: m.rx, values: c.netRx, color: '--chart-3' }, { label: m.tx, values: c.netTx, color: '--chart-4' }] });
  }
  if (hasData(c.pktRx) || hasData(c.pktTx)) {
    graphs.push({ title: m.packets, unit: 'perSec', series: [{ label: m.rx, values: c.pktRx, color: '--chart-1' }, { label: m.tx, values: c.pktTx, color: '--chart-2' }] });
  }
  return graphs;
}

/** A volume's own disk I/O: bytes and operations per second. */
function volumeGraphs(m: M, h: History): Graph[] {
  const c = h.cols;
  return [
    { title: m.disk, unit: 'bytesPerSec', series: [{ label: m.read, values: c.diskRead, color: '--chart-3' }, { label: m.write, values: c.diskWrite, color: '--chart-4' }] },
    { title: m.iops, unit: 'perSec', series: [{ label: m.read, values: c.iopsRead, color: '--chart-1' }, { label: m.write, values: c.iopsWrite, color: '--chart-2' }] },
  ];
}

/** A zone's CPU, memory and storage use as shares of what it has (its hosts' MHz and memory, its pools' capacity). */
function zoneGraphs(m: M, h: History): Graph[] {
  const c = h.cols;
  return [
    { title: m.cpu, unit: 'percent', series: [{ label: m.average, values: c.cpu, color: '--chart-1' }, { label: m.max, values: c.cpuMax, color: '--chart-1', dashed: true }] },
    { title: m.memoryPct, unit: 'percent', series: [{ label: m.average, values: c.memPct, color: '--chart-2' }, { label: m.max, values: c.memPctMax, color: '--chart-2', dashed: true }] },
    { title: m.storagePct, unit: 'percent', series: [{ label: m.average, values: c.storagePct, color: '--chart-3' }] },
  ];
}

const GRAPHS: Record<HistoryKind, (m: M, h: History) => Graph[]> = { vm: vmGraphs, host: hostGraphs, volume: volumeGraphs, zone: zoneGraphs };

function hostGraphs(m: M, h: History): Graph[] {
  const c = h.cols;
  const pair = (avg: (number | null)[], max: (number | null)[], color: string): ChartSeries[] =>
    [{ label: m.average, values: avg, color }, { label: m.max, values: max, color, dashed: true }];
  return [
    { title: m.cpu, unit: 'percent', series: pair(c.cpu, c.cpuMax, '--chart-1') },
    { title: m.memory, unit: 'bytes', series: pair(c.mem, c.memMax, '--chart-2') },
    { title: m.load, unit: 'number', series: pair(c.load, c.loadMax, '--chart-3') },
  ];
}

export function UsageGraphs({ kind, id, title }: { kind: HistoryKind; id: string; title?: string }) {
  const m = useMetricsMessages();
  const [picking, setPicking] = useState(false);
  const locale = useUiStore((s) => s.language);
  const [win, setWin] = useState<Window>(DEFAULT_WINDOW);
  const q = useUsageHistory(kind, id, win);
  const syncKey = useId();
  const h = q.data;
  // Only labels the window until the first answer gives its exact bounds.
  const [now] = useState(() => Math.floor(Date.now() / 1000));
  const from = h?.from ?? (win.key === 'custom' ? win.from : now - RANGE_SECONDS[win.key]);
  const to = h?.to ?? (win.key === 'custom' ? win.to : now);
  const live = win.key !== 'custom' && LIVE_RANGES.has(win.key);
  const graphs = h ? GRAPHS[kind](m, h) : [];

  const picker = (
    <div className="ts-ranges" role="group" aria-label={m.range}>
      {RANGE_KEYS.map((k: RangeKey) => (
        <button key={k} className="small" aria-pressed={win.key === k} onClick={() => { setPicking(false); setWin({ key: k }); }}>{m[`r${k}`]}</button>
      ))}
      <button className="small" aria-pressed={win.key === 'custom'} aria-expanded={picking} onClick={() => setPicking((p) => !p)}>{m.customRange}</button>
      {win.key === 'custom' && <button className="small" onClick={() => setWin({ key: '1h' })}>{m.resetZoom}</button>}
    </div>
  );
  return (
    <Card title={title ?? m.usage} actions={picker}>
      {picking && <CustomRangeForm from={from} to={to} onCancel={() => setPicking(false)}
        onApply={(a, b) => { setPicking(false); setWin({ key: 'custom', from: a, to: b }); }} />}
      <div className="ts-range muted" role="status" aria-label={m.range}>
        {windowLabel(from, to, locale)}{live ? ` · ${m.live}` : ''}{win.key === 'custom' ? ` · ${m.custom}` : ''}
        <span className="ts-hint"> · {m.zoomHint}</span>
      </div>
      {q.error && <div className="error" role="alert">{fmt(m.failed, { text: q.error.message })}</div>}
      {h && h.t.length === 0 && <p className="muted">{m.noData}</p>}
      {!h && !q.error && <p className="muted">{m.loading}</p>}
      <div className="ts-grid">
        {h && h.t.length > 0 && graphs.map((g) => (
          <TimeSeriesChart key={g.title} {...g} t={h.t} from={from} to={to} syncKey={syncKey} latestLabel={m.latest}
            onZoom={(a, b) => setWin({ key: 'custom', from: a, to: b })} />
        ))}
      </div>
    </Card>
  );
}
