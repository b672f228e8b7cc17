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
