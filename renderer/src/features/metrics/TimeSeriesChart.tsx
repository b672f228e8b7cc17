// A time-series graph drawn by uPlot (canvas; 100,000 points in a fraction of a second): time axis in the user's
// locale and time zone, the theme's colours from CSS variables, a tooltip with every series' value at the cursor,
// and drag-to-zoom, which reports the chosen window to the caller (who fetches it at a finer resolution).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useUiStore } from '../../state/ui-store';
import { binaryIncrs, formatValue, type Unit } from './units';
import { timeAxisValues, tooltipTime } from './time-format';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** A CSS variable holding the colour (e.g. `--chart-1`), so both themes stay in the stylesheet. */
  color: string;
  /** Drawn dashed and unfilled (maxima beside averages). */
  dashed?: boolean;
}

export interface TimeSeriesChartProps {
  title: string;
  unit: Unit;
  t: number[];
  series: ChartSeries[];
  /** The window shown (seconds): the x axis spans it even where there are no points. */
  from: number;
  to: number;
  height?: number;
  /** Graphs with the same key move one cursor together. */
  syncKey?: string;
  /** Words before the newest values in the caption (e.g. "Latest"). */
  latestLabel?: string;
  onZoom?(from: number, to: number): void;
}

/** uPlot's axis font (its default): labels are measured in it to size the value axis. */
const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif';
let measurer: CanvasRenderingContext2D | null = null;
/**
 * The value axis as wide as its longest label plus the tick and a gap: a fixed width cut "1,000 KiB/s" to
 * ",000 KiB/s" at the left edge (and wasted room on "100 %").
 */
function valueAxisSize(_u: uPlot, values: string[] | null): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!values || !measurer) return 78;
  measurer.font = AXIS_FONT;
  const widest = Math.max(0, ...values.map((v) => measurer!.measureText(v).width));
  return Math.ceil(widest) + 20;
}

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

export function TimeSeriesChart({ title, unit, t, series, from, to, height = 160, syncKey, latestLabel, onZoom }: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useUiStore((s) => s.theme);
  const locale = useUiStore((s) => s.language);
  const data = [t, ...series.map((s) => s.values)] as uPlot.AlignedData;
  // The latest props for uPlot's callbacks and the rebuild below, kept current after every render (declared before
  // the effects that read them, so they run first).
  const windowRef = useRef({ from, to });
  const zoomRef = useRef(onZoom);
  const dataRef = useRef(data);
  const seriesRef = useRef(series);
  useEffect(() => {
    windowRef.current = { from, to };
    zoomRef.current = onZoom;
    dataRef.current = data;
    seriesRef.current = series;
  });
  const shape = series.map((s) => `${s.label}|${s.color}|${s.dashed ? 1 : 0}`).join(',');

  // The plot is rebuilt when what it looks like changes (theme, language, unit, series); new data only redraws.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = cssVar('--muted');
    const grid = cssVar('--border');
    const tip = document.createElement('div');
    tip.className = 'ts-tooltip';
    tip.setAttribute('role', 'tooltip');
    let hovered = false;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      // Room on the right for the last time label, which uPlot centres on its tick.
      padding: [8, 28, 0, 0],
      legend: { show: false },
      scales: {
        x: { time: true, range: () => [windowRef.current.from, windowRef.current.to] },
        y: { range: (_u, _min, max) => (unit === 'percent' ? [0, 100] : [0, max > 0 ? max * 1.1 : 1]) },
      },
      axes: [
        { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, space: 80,
          values: (_u, splits, _ax, _space, incr) => timeAxisValues(splits, incr, locale) },
        { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: valueAxisSize,
          incrs: unit === 'bytes' || unit === 'bytesPerSec' ? binaryIncrs() : undefined,
          values: (_u, splits) => splits.map((v) => formatValue(v, unit, locale)) },
      ],
      series: [{}, ...seriesRef.current.map((s): uPlot.Series => {
        const color = cssVar(s.color);
        return { label: s.label, stroke: color, width: s.dashed ? 1 : 1.5, dash: s.dashed ? [4, 3] : undefined,
          fill: s.dashed ? undefined : `${color}22`, spanGaps: false };
      })],
      cursor: { drag: { x: true, y: false, setScale: false }, sync: syncKey ? { key: syncKey } : undefined },
      hooks: {
        ready: [(u) => {
          u.over.appendChild(tip);
          // Synced graphs move their cursors together; only the one under the pointer shows a tooltip.
          u.over.addEventListener('mouseenter', () => { hovered = true; });
          u.over.addEventListener('mouseleave', () => { hovered = false; tip.style.display = 'none'; });
        }],
        setCursor: [(u) => (hovered ? showTooltip(u, tip, unit, locale) : undefined)],
        setSelect: [(u) => {
          const { left, width } = u.select;
          if (width < 3) return;
          const a = u.posToVal(left, 'x');
          const b = u.posToVal(left + width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          zoomRef.current?.(Math.floor(a), Math.ceil(b));
        }],
      },
    };
    const u = new uPlot(opts, dataRef.current, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => { ro.disconnect(); u.destroy(); plot.current = null; };
  }, [theme, locale, unit, shape, height, syncKey]);

  useEffect(() => { plot.current?.setData(data, true); });

  const latest = series.filter((s) => !s.dashed).map((s) => `${s.label} ${formatValue(lastValue(s.values), unit, locale)}`).join(' · ');
  return (
    <figure className="ts-chart" aria-label={title} data-points={t.length}>
      <figcaption><span className="ts-title">{title}</span> <span className="muted ts-latest">{t.length > 0 ? `${latestLabel ? `${latestLabel}: ` : ''}${latest}` : '—'}</span></figcaption>
      <div ref={box} className="ts-plot" />
    </figure>
  );
}

function lastValue(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}

/** The tooltip: the time of the point under the cursor and each series' value, beside the cursor. */
function showTooltip(u: uPlot, tip: HTMLDivElement, unit: Unit, locale: string) {
  const i = u.cursor.idx;
  const left = u.cursor.left ?? -1;
  if (i === null || i === undefined || left < 0) { tip.style.display = 'none'; return; }
  const rows: HTMLElement[] = [];
  const head = document.createElement('div');
  head.className = 'ts-tip-time';
  head.textContent = tooltipTime(u.data[0][i], locale);
  rows.push(head);
  for (let s = 1; s < u.series.length; s++) {
    const row = document.createElement('div');
    const swatch = document.createElement('span');
    swatch.className = 'ts-swatch';
    swatch.style.background = String(u.series[s].stroke instanceof Function ? '' : u.series[s].stroke);
    row.append(swatch, `${u.series[s].label}: ${formatValue(u.data[s][i] as number | null, unit, locale)}`);
    rows.push(row);
  }
  tip.replaceChildren(...rows);
  tip.style.display = 'block';
  const overWidth = u.over.clientWidth;
  const onRight = left < overWidth / 2;
  tip.style.left = onRight ? `${left + 12}px` : '';
  tip.style.right = onRight ? '' : `${overWidth - left + 12}px`;
}
