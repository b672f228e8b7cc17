// Getting a console connection: a fresh createConsoleEndpoint for each (re)connect (tokens are single-use), the
// WebSocket URL built from its answer, what a close code means, and the reconnect backoff.
import { api, CloudError, type CloudClient } from '../../api/cloud-client';
import { ConsoleCloseCode, type ConsoleEndpointResponse, type ConsoleWebSocketInfo } from '../../../../core/contract/commands/console';

/** Gives the WebSocket URL of a new console session (one token each time), or throws ConsoleUnavailable. */
export type EndpointSource = () => Promise<string>;

/** Why no console could be had; `kind` says whether retrying can help. */
export class ConsoleUnavailable extends Error {
  constructor(readonly kind: 'notRunning' | 'denied' | 'tokenSpent' | 'other', message: string) { super(message); }
}

/**
 * The WebSocket URL of an endpoint. In browser mode the console page and the API share an origin, so the proxy is
 * reached there (the server's own idea of its host name may not be reachable from this browser, and the session
 * cookie goes along); elsewhere (desktop app, other servers) from the endpoint's host and port, with wss: when the
 * console URL is https.
 */
export function wsUrlOf(ep: { url?: string; websocket: ConsoleWebSocketInfo }, sameOrigin?: { protocol: string; host: string }): string {
  const w = ep.websocket;
  const q = new URLSearchParams({ token: w.token });
  if (w.extra) q.set('extra', w.extra);
  const path = w.path.replace(/^\/+/, '');
  if (sameOrigin) return `${sameOrigin.protocol === 'https:' ? 'wss' : 'ws'}://${sameOrigin.host}/${path}?${q}`;
  const secure = ep.url ? ep.url.startsWith('https:') : w.port === '443';
  const host = w.host.includes(':') && !w.host.startsWith('[') ? `[${w.host}]` : w.host;
  return `${secure ? 'wss' : 'ws'}://${host}:${w.port}/${path}?${q}`;
}

/** createConsoleEndpoint for a VM; throws ConsoleUnavailable with the server's reason. */
export async function fetchEndpoint(client: CloudClient, vmId: string): Promise<Required<Pick<ConsoleEndpointResponse, 'websocket'>> & ConsoleEndpointResponse> {
  let r: { consoleendpoint?: ConsoleEndpointResponse };
  try {
    r = await api(client, 'createConsoleEndpoint', { virtualmachineid: vmId });
  } catch (e) {
    if (e instanceof CloudError && (e.errorcode === 531 || e.errorcode === 431 || e.errorcode === 432)) throw new ConsoleUnavailable('denied', e.message);
    throw e;
  }
  const ep = r.consoleendpoint;
  if (!ep?.success || !ep.websocket) {
    const details = ep?.details ?? 'The server gave no console endpoint';
    throw new ConsoleUnavailable(/not running/i.test(details) ? 'notRunning' : 'other', details);
  }
  return ep as Required<Pick<ConsoleEndpointResponse, 'websocket'>> & ConsoleEndpointResponse;
}

/** An endpoint source that asks the API each time. */
export function apiSource(client: CloudClient, vmId: string, sameOrigin: boolean): EndpointSource {
  return async () => wsUrlOf(await fetchEndpoint(client, vmId), sameOrigin ? location : undefined);
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
