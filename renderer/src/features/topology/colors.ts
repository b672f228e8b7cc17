// How a host is coloured on the map: by state (health first: maintenance, disconnected, alert, then whether it
// takes new VMs), by CPU / memory allocation, or by CPU / memory use (the newest sample: listHostsMetrics) in fixed buckets. Colours come from CSS variables so both themes work.
import type { HostNode } from './topology-data';

export type Metric = 'state' | 'cpu' | 'memory' | 'cpuUsed' | 'memoryUsed';
export const METRICS: Metric[] = ['state', 'cpu', 'memory', 'cpuUsed', 'memoryUsed'];

export const STATE_BUCKETS = ['Up', 'Alert', 'Down', 'Disconnected', 'Maintenance', 'Disabled', 'Other'] as const;
export type StateBucket = typeof STATE_BUCKETS[number];

/** Lower bounds of the allocation buckets, in percent. */
export const ALLOC_BOUNDS = [0, 20, 40, 60, 80, 90];

export function stateBucket(state: string, resourcestate: string): StateBucket {
  if (/Maintenance/.test(resourcestate)) return 'Maintenance';
  // Down is HA's verdict (link gone and storage heartbeat stopped: fenced, VMs recovered): its own colour and word.
  if (state === 'Down') return 'Down';
  if (state === 'Disconnected' || state === 'Error' || state === 'Unknown') return 'Disconnected';
  if (state === 'Alert') return 'Alert';
  if (resourcestate === 'Disabled') return 'Disabled';
  if (state === 'Up') return 'Up';
  return 'Other';
}

export function allocBucket(percent: number): number {
  let b = 0;
  for (let i = 0; i < ALLOC_BOUNDS.length; i++) if (percent >= ALLOC_BOUNDS[i]) b = i;
  return b;
}

/** Index into the metric's palette. */
export function bucketOf(h: HostNode, metric: Metric): number {
  if (metric === 'state') return STATE_BUCKETS.indexOf(stateBucket(h.state, h.resourcestate));
  const value = { cpu: h.cpuPct, memory: h.memPct, cpuUsed: h.cpuUsedPct, memoryUsed: h.memUsedPct }[metric];
  return allocBucket(value);
}

export function bucketCount(metric: Metric): number {
  return metric === 'state' ? STATE_BUCKETS.length : ALLOC_BOUNDS.length;
}

export interface ThemeColors {
  bg: string; panel: string; panel2: string; border: string; text: string; muted: string; accent: string;
  state: string[]; heat: string[];
  vm: { running: string; stopped: string; busy: string; bad: string };
}

/**
 * Reads a theme's variables from a probe element carrying that data-theme, so the colours are right during the
 * render that follows a theme switch (the document's own attribute is updated later, by an effect in App).
 */
export function readThemeColors(theme: string): ThemeColors {
  const probe = document.createElement('div');
  probe.dataset.theme = theme;
  probe.style.display = 'none';
  document.body.appendChild(probe);
  const cs = getComputedStyle(probe);
  try {
    return themeColorsFrom(cs);
  } finally {
    probe.remove();
  }
}

function themeColorsFrom(cs: CSSStyleDeclaration): ThemeColors {
  const v = (name: string, dflt: string) => cs.getPropertyValue(name).trim() || dflt;
  return {
    bg: v('--bg', '#f4f6f9'), panel: v('--panel', '#fff'), panel2: v('--panel-2', '#f0f3f7'), border: v('--border', '#dde3ea'),
    text: v('--text', '#1b2330'), muted: v('--muted', '#5f6b7a'), accent: v('--accent', '#2563eb'),
    // Tile fills need stronger, more distinct hues than the badge text colours; topology.css defines them per theme.
    state: STATE_BUCKETS.map((b) => v(`--topo-${b.toLowerCase()}`, '#888')),
    heat: ALLOC_BOUNDS.map((_, i) => v(`--topo-heat-${i}`, '#888')),
    vm: { running: v('--ok', '#15803d'), stopped: v('--idle', '#475569'), busy: v('--busy', '#a16207'), bad: v('--bad', '#b91c1c') },
  };
}

export function paletteOf(c: ThemeColors, metric: Metric): string[] {
  return metric === 'state' ? c.state : c.heat;
}

export function vmColor(c: ThemeColors, state: string): string {
  if (state === 'Running') return c.vm.running;
  if (state === 'Stopped' || state === 'Destroyed' || state === 'Expunging') return c.vm.stopped;
  if (state === 'Error' || state === 'Unknown') return c.vm.bad;
  return c.vm.busy;
}

/** Black or white text, whichever reads better on a tile colour (#rgb, #rrggbb or rgb()). */
export function textOn(color: string): string {
  let r = 128, g = 128, b = 128;
  const hex = color.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].split('').map((x) => x + x).join('') : hex[1];
    [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  } else {
    const m = color.match(/(\d+)\D+(\d+)\D+(\d+)/);
    if (m) [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#111' : '#fff';
}
