// What is under the pointer: a VM dot (when dots are shown), a host tile (through the grid index), else the
// innermost group. Uses the same geometry as drawing (layout.ts), so what you see is what you hit.
import { GridIndex } from './grid-index';
import { TILE, vmDotGrid, type Layout, type Placed } from './layout';
import type { ClusterNode, PodNode, Topology, VmDot, ZoneNode } from './topology-data';

export type Hit =
  | { kind: 'vm'; hostIndex: number; vm: VmDot }
  | { kind: 'host'; hostIndex: number }
  | { kind: 'cluster'; g: Placed<ClusterNode> }
  | { kind: 'pod'; g: Placed<PodNode> }
  | { kind: 'zone'; g: Placed<ZoneNode> };

export function buildHostIndex(layout: Layout, hostCount: number): GridIndex {
  const grid = new GridIndex(TILE * 4);
  for (let i = 0; i < hostCount; i++) grid.insert(i, { x: layout.hostXY[i * 2], y: layout.hostXY[i * 2 + 1], w: TILE, h: TILE });
  return grid;
}

const inside = (g: { x: number; y: number; w: number; h: number }, x: number, y: number) => x >= g.x && x <= g.x + g.w && y >= g.y && y <= g.y + g.h;

export function hitTest(topo: Topology, layout: Layout, grid: GridIndex, x: number, y: number, dots: Map<string, VmDot[]> | null): Hit | null {
  for (const i of grid.candidates(x, y)) {
    const hx = layout.hostXY[i * 2], hy = layout.hostXY[i * 2 + 1];
    if (x < hx || x > hx + TILE || y < hy || y > hy + TILE) continue;
    const vms = dots?.get(topo.hosts[i].id);
    if (vms?.length) {
      const g = vmDotGrid(hx, hy, vms.length);
      const col = Math.floor((x - g.x0) / g.cell), row = Math.floor((y - g.y0) / g.cell);
      const k = row * g.cols + col;
      if (col >= 0 && col < g.cols && row >= 0 && k < g.shown) return { kind: 'vm', hostIndex: i, vm: vms[k] };
    }
    return { kind: 'host', hostIndex: i };
  }
  const c = layout.clusters.find((g) => inside(g, x, y));
  if (c) return { kind: 'cluster', g: c };
  const p = layout.pods.find((g) => inside(g, x, y));
  if (p) return { kind: 'pod', g: p };
  const z = layout.zones.find((g) => inside(g, x, y));
  return z ? { kind: 'zone', g: z } : null;
}
