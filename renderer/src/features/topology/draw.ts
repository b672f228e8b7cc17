// Paints the map onto a canvas in one pass: groups, then host tiles batched by colour (one path per colour, so
// 1,000 hosts are a handful of fill calls), then labels and VM dots only where the zoom makes them readable.
// Everything outside the visible rectangle is skipped.
import { TILE, HEAD, vmDotGrid, type Layout, type Placed, type Rect } from './layout';
import { paletteOf, textOn, vmColor, type Metric, type ThemeColors } from './colors';
import { intersects, visibleWorld, type View } from './viewport';
import type { HostNode, Topology, VmDot, ZoneNode, PodNode, ClusterNode } from './topology-data';
import { fitLabel, hostNameSize } from './fit-text';

export interface Labels {
  zone(z: ZoneNode): string;
  pod(p: PodNode): string;
  cluster(c: ClusterNode): string;
  vmCount(n: number): string;
  /** The word for a host that is not well (Down, Alert, ...), drawn on its tile so colour is not the only sign. */
  hostState(h: HostNode): string | null;
}

export interface Scene {
  topo: Topology;
  layout: Layout;
  colors: ThemeColors;
  metric: Metric;
  /** Palette bucket of each host, and host indexes per bucket, for the current metric. */
  buckets: Uint8Array;
  byBucket: number[][];
  highlight: Set<number> | null;
  focusVmId: string | null;
  hover: { hostIndex?: number; vmId?: string } | null;
  vmsByHost: Map<string, VmDot[]>;
  labels: Labels;
}

/** Tile size on screen from which names, VM counts and VM dots appear. */
export const SHOW_NAMES_PX = 40;
export const SHOW_DOTS_PX = 64;

function roundRect(ctx: CanvasRenderingContext2D, r: Rect, radius: number) {
  ctx.beginPath();
  ctx.roundRect(r.x, r.y, r.w, r.h, radius);
}

// Fitted labels per font, width and text: measuring is the costliest part of a frame full of host names, and
// while panning the same names are fitted to the same width again and again.
const fitted = new Map<string, string>();

/** Shortens text to maxW with an ellipsis, in the middle for host names (see fit-text.ts). */
function fitText(ctx: CanvasRenderingContext2D, text: string, maxW: number, mode: 'end' | 'middle' = 'end'): string {
  if (maxW <= 8) return '';
  const key = `${ctx.font}|${Math.round(maxW)}|${mode}|${text}`;
  const hit = fitted.get(key);
  if (hit !== undefined) return hit;
  if (fitted.size > 20_000) fitted.clear();
  const out = fitLabel((t) => ctx.measureText(t).width, text, maxW, mode);
  fitted.set(key, out);
  return out;
}

/** The full label when it fits, else the short one (a VM count as a bare number rather than "1 V…"). */
function fitOrShort(ctx: CanvasRenderingContext2D, full: string, short: string, maxW: number): string {
  return ctx.measureText(full).width <= maxW ? full : fitText(ctx, short, maxW);
}

export function drawScene(ctx: CanvasRenderingContext2D, s: Scene, v: View, width: number, height: number, dpr: number): void {
  const { layout, colors: c } = s;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = c.bg;
  ctx.fillRect(0, 0, width, height);
  const vis = visibleWorld(v, width, height);
  const px = 1 / v.scale; // one screen pixel in world units
  ctx.setTransform(dpr * v.scale, 0, 0, dpr * v.scale, dpr * v.tx, dpr * v.ty);

  // Groups: zones, pods, clusters.
  ctx.lineWidth = px;
  for (const [list, fill, radius] of [[layout.zones, c.panel, 10], [layout.pods, c.panel2, 8], [layout.clusters, c.panel, 6]] as const) {
    ctx.fillStyle = fill;
    ctx.strokeStyle = c.border;
    for (const g of list) {
      if (!intersects(g, vis)) continue;
      roundRect(ctx, g, radius);
      ctx.fill();
      ctx.stroke();
    }
  }

  // Host tiles, one path per colour; dimmed when a search highlights others.
  const palette = paletteOf(c, s.metric);
  const xy = layout.hostXY;
  const dim = s.highlight && s.highlight.size > 0;
  for (let b = 0; b < s.byBucket.length; b++) {
    ctx.fillStyle = palette[b];
    ctx.globalAlpha = dim ? 0.22 : 1;
    ctx.beginPath();
    for (const i of s.byBucket[b]) {
      const x = xy[i * 2], y = xy[i * 2 + 1];
      if (x > vis.x + vis.w || y > vis.y + vis.h || x + TILE < vis.x || y + TILE < vis.y) continue;
      ctx.rect(x, y, TILE, TILE);
    }
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  if (dim) {
    ctx.lineWidth = 3 * px;
    ctx.strokeStyle = c.accent;
    for (const i of s.highlight!) {
      ctx.fillStyle = palette[s.buckets[i]];
      ctx.fillRect(xy[i * 2], xy[i * 2 + 1], TILE, TILE);
      ctx.strokeRect(xy[i * 2] - 2 * px, xy[i * 2 + 1] - 2 * px, TILE + 4 * px, TILE + 4 * px);
    }
  }
  if (s.hover?.hostIndex !== undefined) {
    const i = s.hover.hostIndex;
    ctx.lineWidth = 2 * px;
    ctx.strokeStyle = c.text;
    ctx.strokeRect(xy[i * 2] - px, xy[i * 2 + 1] - px, TILE + 2 * px, TILE + 2 * px);
  }

  const tilePx = TILE * v.scale;
  if (tilePx >= SHOW_DOTS_PX) drawVmDots(ctx, s, vis, px);

  // Text in screen space so it stays crisp at any zoom.
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.textBaseline = 'middle';
  const headPx = HEAD * v.scale;
  // A group's title with its counts when they fit; else its name alone ("Cluster 1-1", not "Cluster 1-1 · …").
  const title = (g: Placed<{ name: string }>, text: string, size: number, color: string) => {
    const sx = g.x * v.scale + v.tx, sy = g.y * v.scale + v.ty, sw = g.w * v.scale;
    if (sx > width || sy > height || sx + sw < 0 || sy + headPx < 0) return;
    ctx.font = `600 ${size}px system-ui, sans-serif`;
    ctx.fillStyle = color;
    ctx.fillText(fitOrShort(ctx, text, g.node.name, sw - 14), sx + 7, sy + Math.min(headPx, 26) / 2 + 1);
  };
  if (headPx >= 9) {
    for (const z of layout.zones) title(z, s.labels.zone(z.node), Math.min(14, Math.max(10, headPx * 0.6)), c.text);
    for (const p of layout.pods) title(p, s.labels.pod(p.node), Math.min(13, Math.max(10, headPx * 0.55)), c.muted);
  }
  if (headPx >= 9) for (const g of layout.clusters) title(g, s.labels.cluster(g.node), Math.min(12, Math.max(9, headPx * 0.5)), c.text);
  if (tilePx >= SHOW_NAMES_PX) drawHostText(ctx, s, v, width, height, palette, tilePx);
}

function drawHostText(ctx: CanvasRenderingContext2D, s: Scene, v: View, width: number, height: number, palette: string[], tilePx: number) {
  const xy = s.layout.hostXY;
  const size = Math.min(13, Math.max(9, tilePx / 7));
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  const dim = s.highlight && s.highlight.size > 0;
  for (let b = 0; b < s.byBucket.length; b++) {
    const onTile = textOn(palette[b]);
    for (const i of s.byBucket[b]) {
      // Dimmed tiles are nearly the background colour: their labels need the theme's muted text colour.
      ctx.fillStyle = dim && !s.highlight!.has(i) ? s.colors.muted : onTile;
      const sx = xy[i * 2] * v.scale + v.tx, sy = xy[i * 2 + 1] * v.scale + v.ty;
      if (sx > width || sy > height || sx + tilePx < 0 || sy + tilePx < 0) continue;
      const h: HostNode = s.topo.hosts[i];
      drawHostName(ctx, h.name, tilePx - 8, size, sx + 4, sy + size * 0.9);
      const word = s.labels.hostState(h);
      if (word) ctx.fillText(fitText(ctx, word, tilePx - 8), sx + 4, sy + size * 2.1);
      const vms = s.vmsByHost.get(h.id);
      if (vms && tilePx < SHOW_DOTS_PX) ctx.fillText(fitOrShort(ctx, s.labels.vmCount(vms.length), String(vms.length), tilePx - 8), sx + 4, sy + tilePx - size * 0.9);
      else if (vms && vms.length === 0) ctx.fillText(fitOrShort(ctx, s.labels.vmCount(0), '0', tilePx - 8), sx + 4, sy + tilePx - size * 0.9);
    }
  }
}

const nameSizes = new Map<string, number>();

/** A host's name on its tile: whole, in a smaller font if need be; cut in the middle only when even that is too long. */
function drawHostName(ctx: CanvasRenderingContext2D, name: string, maxW: number, size: number, x: number, y: number) {
  const key = `${size}|${Math.round(maxW)}|${name}`;
  let fit = nameSizes.get(key);
  if (fit === undefined) {
    if (nameSizes.size > 20_000) nameSizes.clear();
    fit = hostNameSize(ctx.measureText(name).width, maxW, size);
    nameSizes.set(key, fit);
  }
  if (fit === size) { ctx.fillText(name, x, y); return; }
  const font = ctx.font;
  ctx.font = `600 ${fit}px system-ui, sans-serif`;
  ctx.fillText(fitText(ctx, name, maxW, 'middle'), x, y);
  ctx.font = font;
}

function drawVmDots(ctx: CanvasRenderingContext2D, s: Scene, vis: Rect, px: number) {
  const xy = s.layout.hostXY;
  for (const h of s.topo.hosts) {
    const vms = s.vmsByHost.get(h.id);
    if (!vms || vms.length === 0) continue;
    const x = xy[h.index * 2], y = xy[h.index * 2 + 1];
    if (x > vis.x + vis.w || y > vis.y + vis.h || x + TILE < vis.x || y + TILE < vis.y) continue;
    const g = vmDotGrid(x, y, vms.length);
    const r = g.cell * 0.36;
    // A backing plate keeps state colours readable on any tile colour.
    const rows = Math.ceil((g.shown + (g.shown < vms.length ? 1 : 0)) / g.cols);
    ctx.fillStyle = s.colors.panel;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(g.x0 - g.cell * 0.1, g.y0 - g.cell * 0.1, g.cols * g.cell + g.cell * 0.2, rows * g.cell + g.cell * 0.2);
    ctx.globalAlpha = 1;
    // One path per VM state colour; rings for the focused / hovered VM afterwards.
    const paths = new Map<string, Path2D>();
    let ring: { cx: number; cy: number; focus: boolean } | null = null;
    for (let k = 0; k < g.shown; k++) {
      const vm = vms[k];
      const cx = g.x0 + (k % g.cols) * g.cell + g.cell / 2, cy = g.y0 + Math.floor(k / g.cols) * g.cell + g.cell / 2;
      const color = vmColor(s.colors, vm.state);
      let path = paths.get(color);
      if (!path) { path = new Path2D(); paths.set(color, path); }
      path.moveTo(cx + r, cy);
      path.arc(cx, cy, r, 0, Math.PI * 2);
      if (vm.id === s.focusVmId || vm.id === s.hover?.vmId) ring = { cx, cy, focus: vm.id === s.focusVmId };
    }
    for (const [color, path] of paths) { ctx.fillStyle = color; ctx.fill(path); }
    if (ring) {
      ctx.lineWidth = (ring.focus ? 4 : 2) * px;
      ctx.strokeStyle = ring.focus ? s.colors.accent : s.colors.text;
      ctx.beginPath();
      ctx.arc(ring.cx, ring.cy, r + (ring.focus ? 4 : 2.5) * px, 0, Math.PI * 2);
      ctx.stroke();
    }
    if (g.shown < vms.length) {
      const k = g.shown;
      ctx.fillStyle = s.colors.text;
      ctx.font = `600 ${g.cell * 0.7}px system-ui, sans-serif`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'center';
      ctx.fillText(`+${vms.length - g.shown}`, g.x0 + (k % g.cols) * g.cell + g.cell / 2, g.y0 + Math.floor(k / g.cols) * g.cell + g.cell / 2);
      ctx.textAlign = 'start';
    }
  }
}
