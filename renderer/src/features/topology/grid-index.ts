// Uniform grid over world coordinates for hit-testing: a pointer position looks at one cell's few candidates
// instead of every host, so hover stays cheap at any host count.
import type { Rect } from './layout';

export class GridIndex {
  private cells = new Map<number, number[]>();

  constructor(private readonly cell: number) {}

  private key(cx: number, cy: number): number {
    // World coordinates are non-negative and bounded, so a fixed stride keeps keys unique.
    return cx * 1_000_003 + cy;
  }

  insert(id: number, r: Rect): void {
    const c = this.cell;
    for (let cx = Math.floor(r.x / c); cx <= Math.floor((r.x + r.w) / c); cx++) {
      for (let cy = Math.floor(r.y / c); cy <= Math.floor((r.y + r.h) / c); cy++) {
        const k = this.key(cx, cy);
        const list = this.cells.get(k);
        if (list) list.push(id); else this.cells.set(k, [id]);
      }
    }
  }

  /** Ids whose cell contains the point (the caller checks the exact rectangle). */
  candidates(x: number, y: number): number[] {
    return this.cells.get(this.key(Math.floor(x / this.cell), Math.floor(y / this.cell))) ?? [];
  }
}
