// Getting a console connection: a fresh createConsoleEndpoint for each (re)connect (tokens are single-use), the
// WebSocket URL built from its answer, what a close code means, and the reconnect backoff.
import { api, CloudError, type CloudClient } from '../../api/cloud-client';
import { desktopBridge } from '../../api/desktop-client';
import type { DesktopBridge } from '../../../../main/ipc-contract';
import { ConsoleCloseCode, consoleWebSocketUrl, type ConsoleEndpointResponse } from '../../../../core/contract/commands/console';

/** Gives the WebSocket URL of a new console session (one token each time), or throws ConsoleUnavailable. */
export type EndpointSource = () => Promise<string>;

/** Why no console could be had; `kind` says whether retrying can help. */
export class ConsoleUnavailable extends Error {
  constructor(readonly kind: 'notRunning' | 'denied' | 'tokenSpent' | 'other', message: string) { super(message); }
}

/** Errors that retrying cannot fix (no access, no such VM) as ConsoleUnavailable; others unchanged. */
function denialOf(e: unknown): unknown {
  if (e instanceof CloudError && (e.errorcode === 531 || e.errorcode === 431 || e.errorcode === 432)) return new ConsoleUnavailable('denied', e.message);
  return e;
}

/** A server's reason for giving no endpoint as ConsoleUnavailable. */
const noEndpoint = (details: string) => new ConsoleUnavailable(/not running/i.test(details) ? 'notRunning' : 'other', details);

/** createConsoleEndpoint for a VM; throws ConsoleUnavailable with the server's reason. */
export async function fetchEndpoint(client: CloudClient, vmId: string): Promise<Required<Pick<ConsoleEndpointResponse, 'websocket'>> & ConsoleEndpointResponse> {
  let r: { consoleendpoint?: ConsoleEndpointResponse };
  try {
    r = await api(client, 'createConsoleEndpoint', { virtualmachineid: vmId });
  } catch (e) {
    throw denialOf(e);
  }
  const ep = r.consoleendpoint;
  if (!ep?.success || !ep.websocket) throw noEndpoint(ep?.details ?? 'The server gave no console endpoint');
  return ep as Required<Pick<ConsoleEndpointResponse, 'websocket'>> & ConsoleEndpointResponse;
}

/** An endpoint source that asks the API each time. */
export function apiSource(client: CloudClient, vmId: string, sameOrigin: boolean): EndpointSource {
  return async () => consoleWebSocketUrl(await fetchEndpoint(client, vmId), sameOrigin ? location : undefined);
}

/**
 * Desktop: main asks the server for each endpoint and relays the console over loopback (main/console-relay.ts),
 * because the window may open WebSockets to 127.0.0.1 only and cannot trust a server's private CA.
 */
export function relaySource(bridge: DesktopBridge, connectionId: string, vmId: string): EndpointSource {
  return async () => {
    const r = await bridge.console.open({ connectionId, virtualmachineid: vmId });
    if (!r.ok) throw denialOf(new CloudError(r.error.errorcode ?? 530, r.error.message, r.error.cserrorcode));
    if (!r.value.success) throw noEndpoint(r.value.details);
    return r.value.url;
  };
}

/** Where a console view gets its connections: relayed by main in the desktop app, same-origin in browser mode. */
export function consoleSource(client: CloudClient, vmId: string): EndpointSource {
  const bridge = desktopBridge();
  return bridge ? relaySource(bridge, client.connectionId, vmId) : apiSource(client, vmId, true);
}

/** A source that has one ready URL (a console page opened with a token): it may be used once only. */
export function oneShotSource(url: string, then?: EndpointSource): EndpointSource {
  let used = false;
  return async () => {
    if (!used) { used = true; return url; }
    if (then) return then();
    throw new ConsoleUnavailable('tokenSpent', 'This console link has been used');
  };
}

export type CloseKind = 'vmStopped' | 'vncClosed' | 'handshake' | 'serverShutdown' | 'refused' | 'lost';

/**
 * What the end of a session means. `opened`: the WebSocket upgrade succeeded (a refused upgrade, with its HTTP
 * answer, shows up in the browser only as code 1006 before open). Only a stopped VM is not retried automatically.
 */
export function describeClose(code: number | undefined, opened: boolean): { kind: CloseKind; retry: boolean } {
  if (code === ConsoleCloseCode.VmStopped) return { kind: 'vmStopped', retry: false };
  if (code === ConsoleCloseCode.VncClosed) return { kind: 'vncClosed', retry: true };
  if (code === ConsoleCloseCode.Handshake) return { kind: 'handshake', retry: false };
  if (code === ConsoleCloseCode.ServerShutdown) return { kind: 'serverShutdown', retry: true };
  if (!opened) return { kind: 'refused', retry: true };
  return { kind: 'lost', retry: true };
}

/** Automatic reconnects after a drop: 1, 2, 4, 8, 16, 30 s, then the operator decides. */
export const MAX_AUTO_RECONNECTS = 6;
export function backoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
}
