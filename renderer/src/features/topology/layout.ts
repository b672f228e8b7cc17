// Places the hierarchy in world coordinates: hosts as square tiles in a grid per cluster, clusters packed in
// rows inside their pod, pods inside their zone, zones side by side. Pure, so it is computed once per data change
// and tested without a DOM; drawing and hit-testing read its flat arrays.
import type { Topology, ZoneNode, PodNode, ClusterNode } from './topology-data';

export const TILE = 24;
export const GAP = 4;
const PAD = 10;
/** Height of a group's title band. */
export const HEAD = 22;

export interface Rect { x: number; y: number; w: number; h: number }
export interface Placed<T> extends Rect { node: T }

export interface Layout {
  zones: Placed<ZoneNode>[];
  pods: Placed<PodNode>[];
  clusters: Placed<ClusterNode>[];
  /** Top-left corner of host i (Topology.hosts order): hostXY[2i], hostXY[2i+1]. Tiles are TILE x TILE. */
  hostXY: Float32Array;
  bounds: Rect;
}

interface Box { w: number; h: number; place(x: number, y: number): void }

/** Shelf packing: left to right, wrapping at maxW; returns the packed size. */
function pack(items: Box[], maxW: number, gap: number): { w: number; h: number; at: { x: number; y: number }[] } {
  const at: { x: number; y: number }[] = [];
  let x = 0, y = 0, rowH = 0, w = 0;
  for (const it of items) {
    if (x > 0 && x + it.w > maxW) { x = 0; y += rowH + gap; rowH = 0; }
    at.push({ x, y });
    x += it.w + gap;
    rowH = Math.max(rowH, it.h);
    w = Math.max(w, x - gap);
  }
  return { w, h: items.length ? y + rowH : 0, at };
}

/**
 * Packs with the row width whose result is closest to the wanted aspect ratio (width / height). Candidate widths
 * are the prefix sums of the boxes' widths, i.e. "k boxes on the first row", for every k.
 */
function packBest(items: Box[], aspect: number, gap: number) {
  let best = pack(items, Infinity, gap);
  let bestScore = Infinity;
  let sum = -gap;
  for (const it of items) {
    sum += it.w + gap;
    const p = pack(items, sum, gap);
    const score = Math.abs(Math.log((p.w || 1) / (p.h || 1) / aspect));
    if (score < bestScore - 1e-9) { best = p; bestScore = score; }
  }
  return best;
}

/** A group: title band + padded children, placed relative to its own origin until place() fixes it. */
function group<T>(node: T, children: Box[], aspect: number, gap: number, out: Placed<T>[], minW = 120): Box {
  const packed = packBest(children, aspect, gap);
  const w = Math.max(minW, packed.w + 2 * PAD);
  const h = HEAD + packed.h + 2 * PAD - (children.length ? 0 : PAD);
  return {
    w, h,
    place(x, y) {
      out.push({ node, x, y, w, h });
      children.forEach((c, i) => c.place(x + PAD + packed.at[i].x, y + HEAD + PAD + packed.at[i].y));
    },
  };
}

/** `aspect`: the map's wanted width / height, e.g. the canvas's. */
export function layoutTopology(t: Topology, aspect = 1.6): Layout {
  const hostXY = new Float32Array(t.hosts.length * 2);
  const zones: Placed<ZoneNode>[] = [], pods: Placed<PodNode>[] = [], clusters: Placed<ClusterNode>[] = [];
  const step = TILE + GAP;

  const clusterBox = (c: ClusterNode): Box => {
    const n = c.hosts.length;
    const cols = Math.max(4, Math.ceil(Math.sqrt(n * 1.6)));
    const rows = Math.max(1, Math.ceil(n / cols));
    const grid: Box = {
      w: cols * step - GAP, h: rows * step - GAP,
      place(x, y) {
        c.hosts.forEach((h, i) => { hostXY[h.index * 2] = x + (i % cols) * step; hostXY[h.index * 2 + 1] = y + Math.floor(i / cols) * step; });
      },
    };
    return group(c, [grid], 1, GAP, clusters, 0);
  };
  // Siblings sharing a row split its width: each one's own aspect shrinks with the square root of their count,
  // which tends to put a few zones (or pods) side by side and many in a grid.
  const share = (a: number, n: number) => a / Math.sqrt(Math.max(1, n));
  const zoneAspect = share(aspect, t.zones.length);
  const podBox = (p: PodNode, a: number) => group(p, p.clusters.map(clusterBox), a, GAP * 3, pods);
  const zoneBox = (z: ZoneNode) => group(z, z.pods.map((p) => podBox(p, share(zoneAspect, z.pods.length))), zoneAspect, GAP * 5, zones, 160);

  const top = t.zones.map(zoneBox);
  const packed = packBest(top, aspect, 40);
  top.forEach((b, i) => b.place(packed.at[i].x, packed.at[i].y));
  return { zones, pods, clusters, hostXY, bounds: { x: 0, y: 0, w: Math.max(packed.w, 1), h: Math.max(packed.h, 1) } };
}

/** Bounding box of some hosts' tiles. */
export function hostsBounds(l: Layout, indexes: number[]): Rect | null {
  if (!indexes.length) return null;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const i of indexes) {
    const x = l.hostXY[i * 2], y = l.hostXY[i * 2 + 1];
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + TILE); y1 = Math.max(y1, y + TILE);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Where a host tile's VM dots go (world units), for `n` VMs: shared by drawing and hit-testing. */
export interface DotGrid { x0: number; y0: number; cell: number; cols: number; shown: number }

export function vmDotGrid(tileX: number, tileY: number, n: number): DotGrid {
  const m = TILE * 0.08;
  const w = TILE - 2 * m, h = TILE * 0.56 - m;
  let cell = TILE / 6;
  while (cell > TILE / 14 && Math.floor(w / cell) * Math.floor(h / cell) < n) cell *= 0.9;
  const cols = Math.max(1, Math.floor(w / cell));
  const capacity = cols * Math.max(1, Math.floor(h / cell));
  // When not all fit, the last cell shows "+N" instead of a dot.
  const shown = n <= capacity ? n : capacity - 1;
  return { x0: tileX + m, y0: tileY + TILE - m - Math.max(1, Math.floor(h / cell)) * cell, cell, cols, shown };
}
