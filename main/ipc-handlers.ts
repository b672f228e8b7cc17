// What each contract channel does. The `Handlers` type makes a channel without a handler a compile error.
import type { ConnectionManager } from './connections';
import type { AppInfo } from './ipc-contract';
import { IpcFailure, type Handlers } from './ipc';

export interface WindowOps {
  /** Stops (true) or resumes menu accelerators for this window's page (webContents.setIgnoreMenuShortcuts). */
  ignoreMenuShortcuts(ignore: boolean): void;
  minimize(): void;
  isMaximized(): boolean;
  maximize(): void;
  unmaximize(): void;
  close(): void;
}

export interface HandlerDeps {
  connections: Pick<ConnectionManager, 'list' | 'add' | 'remove' | 'test' | 'retry' | 'call'>;
  appInfo(): AppInfo;
  /** The window owning the sender's web contents (BrowserWindow.fromWebContents). */
  windowOf(sender: object): WindowOps | null;
}

export function createHandlers(d: HandlerDeps): Handlers {
  const win = (sender: object): WindowOps => {
    const w = d.windowOf(sender);
    if (!w) throw new IpcFailure({ code: 'not-found', message: 'no window for this sender' });
    return w;
  };
  return {
    'connections:list': () => d.connections.list(),
    'connections:add': (req) => d.connections.add(req),
    'connections:remove': async (req) => { await d.connections.remove(req.id); return null; },
    'connections:test': (req) => d.connections.test(req),
    'connections:retry': (req) => d.connections.retry(req.id),
    'api:call': async (req) => {
      const r = await d.connections.call(req.connectionId, req.command, req.params ?? {}, req.method ?? 'GET');
      if (!r.ok) throw new IpcFailure(r.error);
      return r.value;
    },
    'app:info': () => d.appInfo(),
    'window:minimize': (_req, ctx) => { win(ctx.sender).minimize(); return null; },
    'window:toggleMaximize': (_req, ctx) => {
      const w = win(ctx.sender);
      if (w.isMaximized()) w.unmaximize(); else w.maximize();
      return null;
    },
    'window:close': (_req, ctx) => { win(ctx.sender).close(); return null; },
    'window:setKeyboardGrab': (req, ctx) => { win(ctx.sender).ignoreMenuShortcuts(req.grab === 'on'); return null; },
  };
}
