// What each contract channel does. The `Handlers` type makes a channel without a handler a compile error.
import type { ConnectionManager } from './connections';
import type { ConsoleRelay } from './console-relay';
import type { AppInfo, ConsoleOpenResult } from './ipc-contract';
import { consoleWebSocketUrl, type ConsoleEndpointResponse } from '../core/contract/commands/console';
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
  /** Relays consoles: the renderer may open WebSockets to loopback only. */
  consoles: Pick<ConsoleRelay, 'ticket'>;
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
    'console:open': async (req): Promise<ConsoleOpenResult> => {
      // Main asks for the endpoint itself, so the relay only ever reaches what the server named as its console proxy.
      const r = await d.connections.call(req.connectionId, 'createConsoleEndpoint', { virtualmachineid: req.virtualmachineid }, 'GET');
      if (!r.ok) throw new IpcFailure(r.error);
      const ep = (r.value as { createconsoleendpointresponse?: { consoleendpoint?: ConsoleEndpointResponse } })
        .createconsoleendpointresponse?.consoleendpoint;
      if (!ep?.success || !ep.websocket) return { success: false, details: ep?.details ?? 'The server gave no console endpoint' };
      return { success: true, url: d.consoles.ticket(consoleWebSocketUrl({ url: ep.url, websocket: ep.websocket })) };
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
