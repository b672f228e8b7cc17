// Remembers the main window's bounds and maximized state in userData/window-state.json. A saved position that is
// no longer on any display (monitor unplugged) is dropped so the window never opens off-screen.
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect { x: number; y: number; width: number; height: number }
export interface WindowState { x?: number; y?: number; width: number; height: number; maximized: boolean }

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1440, height: 900, maximized: false };
const MIN = { width: 800, height: 560 };

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function parseWindowState(text: string | null): WindowState {
  let j: any;
  try { j = text ? JSON.parse(text) : null; } catch { j = null; }
  if (!j || !num(j.width) || !num(j.height)) return { ...DEFAULT_WINDOW_STATE };
  return {
    width: Math.max(MIN.width, Math.round(j.width)), height: Math.max(MIN.height, Math.round(j.height)),
    maximized: j.maximized === true, ...(num(j.x) && num(j.y) ? { x: Math.round(j.x), y: Math.round(j.y) } : {}),
  };
}

const overlap = (a: Rect, b: Rect) =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

/** Keeps the position only if a good part of the title bar area is visible; shrinks to the largest work area. */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (workAreas.length === 0) return state;
  const biggest = workAreas.reduce((a, b) => (a.width * a.height >= b.width * b.height ? a : b));
  const width = Math.min(state.width, biggest.width);
  const height = Math.min(state.height, biggest.height);
  const out: WindowState = { width, height, maximized: state.maximized };
  if (state.x !== undefined && state.y !== undefined) {
    const titleBar: Rect = { x: state.x, y: state.y, width, height: Math.min(48, height) };
    const visible = workAreas.some((w) => overlap(titleBar, w) >= Math.min(titleBar.width * titleBar.height, 100 * 48) / 2);
    if (visible) { out.x = state.x; out.y = state.y; }
  }
  return out;
}

export function loadWindowState(file: string): WindowState {
  try { return parseWindowState(readFileSync(file, 'utf8')); } catch { return { ...DEFAULT_WINDOW_STATE }; }
}

export function saveWindowState(file: string, s: WindowState): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(s) + '\n');
    renameSync(`${file}.tmp`, file);
  } catch { /* losing the window position is not worth an error dialog */ }
}

export interface TrackedWindow {
  on(event: 'resize', listener: () => void): unknown;
  on(event: 'move', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  isMaximized(): boolean;
  isMinimized(): boolean;
  getNormalBounds(): Rect;
}

/** Saves the state shortly after the user stops resizing or moving, and on close. */
export function trackWindowState(win: TrackedWindow, file: string, debounceMs = 500): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const save = () => {
    if (win.isMinimized()) return;
    saveWindowState(file, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  const later = () => { if (timer) clearTimeout(timer); timer = setTimeout(save, debounceMs); };
  win.on('resize', later);
  win.on('move', later);
  win.on('close', () => { if (timer) clearTimeout(timer); save(); });
}
