// Window state survives restarts, never opens off-screen, and the menu carries the accelerators operators expect.
import { describe, it, expect, vi } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { parseWindowState, fitToDisplays, loadWindowState, trackWindowState, DEFAULT_WINDOW_STATE } from './window-state';
import { menuTemplate, type MenuItemTemplate } from './menu';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window state', () => {
  it('parses what it saved and survives garbage', () => {
    expect(parseWindowState('{"x":10,"y":20,"width":1000,"height":700,"maximized":true}')).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    expect(parseWindowState('{"width":100,"height":100}')).toEqual({ width: 800, height: 560, maximized: false });
    expect(parseWindowState('not json')).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState('{"width":"big"}')).toEqual(DEFAULT_WINDOW_STATE);
    expect(loadWindowState('/nonexistent/window-state.json')).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('drops a position on a display that is gone and shrinks to fit', () => {
    expect(fitToDisplays({ x: 100, y: 100, width: 1200, height: 800, maximized: false }, screen)).toEqual({ x: 100, y: 100, width: 1200, height: 800, maximized: false });
    expect(fitToDisplays({ x: 3000, y: 100, width: 1200, height: 800, maximized: false }, screen)).toEqual({ width: 1200, height: 800, maximized: false });
    expect(fitToDisplays({ x: 0, y: 0, width: 4000, height: 3000, maximized: true }, screen)).toEqual({ x: 0, y: 0, width: 1920, height: 1080, maximized: true });
  });

  it('saves on close, and after moves settle', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'strata-ws-')), 'window-state.json');
    const win = Object.assign(new EventEmitter(), {
      bounds: { x: 5, y: 6, width: 1100, height: 750 }, isMaximized: () => false, isMinimized: () => false,
      getNormalBounds() { return this.bounds; },
    });
    trackWindowState(win, file, 10);
    win.emit('move');
    await new Promise((r) => setTimeout(r, 40));
    expect(loadWindowState(file)).toEqual({ x: 5, y: 6, width: 1100, height: 750, maximized: false });
    win.bounds = { x: 50, y: 60, width: 900, height: 650 };
    win.emit('close');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 50, y: 60, width: 900, height: 650, maximized: false });
    writeFileSync(file, '{');
    expect(loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
  });
});

describe('native menu', () => {
  const flat = (items: MenuItemTemplate[]): MenuItemTemplate[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);

  it('forwards Ctrl+K to the renderer as the command palette and hides devtools outside development', () => {
    const send = vi.fn();
    const items = flat(menuTemplate({ isMac: false, isDev: false, appName: 'Strata', send, openExternal: vi.fn() }));
    const palette = items.find((i) => i.accelerator === 'CmdOrCtrl+K')!;
    palette.click!();
    expect(send).toHaveBeenCalledWith('commandPalette');
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(items.some((i) => i.role === 'reload')).toBe(true);
    expect(items.filter((i) => i.submenu).map((i) => i.label)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help']);
    const dev = flat(menuTemplate({ isMac: true, isDev: true, appName: 'Strata', send, openExternal: vi.fn() }));
    expect(dev.some((i) => i.role === 'toggleDevTools')).toBe(true);
    expect(dev[0].label).toBe('Strata');
  });
});
