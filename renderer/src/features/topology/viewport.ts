// Pan and zoom: screen = world * scale + (tx, ty). Kept as plain numbers so pointer handlers mutate a ref and
// only schedule a frame, never a React render.
import type { Rect } from './layout';

export interface View { scale: number; tx: number; ty: number }

export const MAX_SCALE = 8;

export function fitView(r: Rect, width: number, height: number, margin = 24, maxScale = MAX_SCALE): View {
  const scale = Math.min(maxScale, Math.max(1e-3, Math.min((width - 2 * margin) / r.w, (height - 2 * margin) / r.h)));
  return { scale, tx: width / 2 - (r.x + r.w / 2) * scale, ty: height / 2 - (r.y + r.h / 2) * scale };
}

/** Zooms by `factor` keeping the world point under (sx, sy) fixed on screen. */
export function zoomAt(v: View, factor: number, sx: number, sy: number, minScale: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(minScale, v.scale * factor));
  const k = scale / v.scale;
  return { scale, tx: sx - (sx - v.tx) * k, ty: sy - (sy - v.ty) * k };
}

export function toWorld(v: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.tx) / v.scale, y: (sy - v.ty) / v.scale };
}

/** The world rectangle visible on a screen of this size. */
export function visibleWorld(v: View, width: number, height: number): Rect {
  return { x: -v.tx / v.scale, y: -v.ty / v.scale, w: width / v.scale, h: height / v.scale };
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
