// VM consoles (reference sections 5.7 and 7.4): createConsoleEndpoint hands out a one-time token for the console
// proxy WebSocket of the management server, which bridges it to the VM's VNC server.
import { defineCommands } from '../command';
import { p } from '../params';
import { ALL_ROLES } from '../roles';

export const consoleCommands = defineCommands({
  createConsoleEndpoint: {
    description: 'Create a console endpoint to connect to a VM console',
    since: '4.18.0',
    async: false, authorized: ALL_ROLES,
    params: {
      virtualmachineid: p.req.uuid({ description: 'ID of the VM' }),
      token: p.string({ description: 'Extra security token, valid when the extra validation is enabled; the ' +
        'WebSocket must then present it as its extra parameter' }),
    },
    response: { kind: 'object', name: 'consoleendpoint' },
  },
});

/** Where the console proxy listens on the management server (relative to its base URL). */
export const CONSOLE_WEBSOCKET_PATH = 'console/websockify';
export const CONSOLE_PAGE_PATH = 'console/vnc.html';

/** The `websocket` map of a console endpoint: enough for any RFB-over-WebSocket client to connect. */
export interface ConsoleWebSocketInfo {
  token: string;
  host: string;
  /** A string, as CloudStack sends it. */
  port: string;
  /** Relative path without a leading slash (noVNC's `path` setting). */
  path: string;
  extra?: string;
}

/** `createconsoleendpointresponse.consoleendpoint`. */
export interface ConsoleEndpointResponse {
  success: boolean;
  url?: string;
  websocket?: ConsoleWebSocketInfo;
  /** Why no endpoint was created (success false). */
  details?: string;
}

/**
 * The WebSocket URL of a console endpoint: the proxy's host and port, with wss: when the console page is https.
 * `sameOrigin` (browser mode, where the console page and the API share an origin) reaches the proxy there instead:
 * the server's own idea of its host name may not be reachable from the browser, and the session cookie goes along.
 */
export function consoleWebSocketUrl(ep: { url?: string; websocket: ConsoleWebSocketInfo }, sameOrigin?: { protocol: string; host: string }): string {
  const w = ep.websocket;
  const q = new URLSearchParams({ token: w.token });
  if (w.extra) q.set('extra', w.extra);
  const path = w.path.replace(/^\/+/, '');
  if (sameOrigin) return `${sameOrigin.protocol === 'https:' ? 'wss' : 'ws'}://${sameOrigin.host}/${path}?${q}`;
  const secure = ep.url ? ep.url.startsWith('https:') : w.port === '443';
  const host = w.host.includes(':') && !w.host.startsWith('[') ? `[${w.host}]` : w.host;
  return `${secure ? 'wss' : 'ws'}://${host}:${w.port}/${path}?${q}`;
}

/**
 * WebSocket close codes of the console proxy (4000-4999 are for applications). The reason text says the same in
 * words; clients show it and may offer to reconnect after a VNC drop.
 */
export const ConsoleCloseCode = {
  /** The VM stopped (or is being stopped, migrated away, destroyed). */
  VmStopped: 4001,
  /** The VM's VNC server closed the connection (guest powered off, QEMU exited). */
  VncClosed: 4002,
  /** The RFB handshake with the client failed (unsupported version or security type). */
  Handshake: 4003,
  /** The management server is shutting down. */
  ServerShutdown: 1001,
} as const;
