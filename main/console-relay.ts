// VM consoles of any server, for the desktop window. The window's CSP lets the renderer open WebSockets to
// 127.0.0.1 only, and a renderer could not trust a server's private CA anyway; so main relays: for each console
// it asks the server for an endpoint itself (console:open), keeps the proxy's WebSocket URL, and gives the renderer
// a single-use loopback URL. When the renderer connects there, main connects to the server's proxy first and only
// then accepts the renderer's upgrade, so a refusal (401/403/409/502) reaches the renderer as a refused upgrade,
// exactly as a direct connection would, and close codes (4001 VM stopped, ...) pass through unchanged.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** How long a relay URL may wait for the renderer (endpoint tokens themselves live 60 s on the server). */
export const TICKET_TTL_MS = 30_000;
const UPSTREAM_TIMEOUT_MS = 10_000;

interface Ticket { target: string; protocols: string[]; expires: number }

export interface ConsoleRelayOptions {
  /** The only Origin a renderer connection may come from (the app's own, e.g. app://strata). */
  appOrigin: string;
  now?: () => number;
}

/** Close codes a WebSocket may send; others (1005 none, 1006 abnormal, 1015 TLS) are reported as 1011. */
const sendable = (code: number) => code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=UTF-8\r\nConnection: close\r\n\r\n${text}\n`);
}

export class ConsoleRelay {
  readonly #tickets = new Map<string, Ticket>();
  readonly #sockets = new Set<WebSocket>();
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #now: () => number;
  #server: Server | null = null;
  #port = 0;

  constructor(private readonly o: ConsoleRelayOptions) {
    this.#now = o.now ?? Date.now;
  }

  /** Listens on an ephemeral loopback port. */
  async start(): Promise<void> {
    const server = createServer((_req, res) => { res.writeHead(404).end(); });
    server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as { port: number }).port;
  }

  /** A single-use loopback URL that relays to `target` (a ws: or wss: URL the server gave for a console). */
  ticket(target: string, protocols: string[] = ['binary']): string {
    if (!this.#server) throw new Error('the console relay is not started');
    const u = new URL(target);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new Error(`not a WebSocket URL: ${u.protocol}`);
    const now = this.#now();
    for (const [k, t] of this.#tickets) if (t.expires <= now) this.#tickets.delete(k);
    const id = randomBytes(24).toString('base64url');
    this.#tickets.set(id, { target, protocols, expires: now + TICKET_TTL_MS });
    return `ws://127.0.0.1:${this.#port}/relay/${id}`;
  }

  /** Closes every relayed console and stops listening. */
  async close(): Promise<void> {
    for (const ws of this.#sockets) ws.terminate();
    this.#tickets.clear();
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.o.appOrigin) return refuse(socket, 403, 'Forbidden');
    const id = /^\/relay\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1];
    const t = id ? this.#tickets.get(id) : undefined;
    if (!id || !t || t.expires <= this.#now()) return refuse(socket, 404, 'Not Found');
    this.#tickets.delete(id); // single use, like the server's token behind it
    socket.on('error', () => socket.destroy());

    const upstream = new WebSocket(t.target, t.protocols, { handshakeTimeout: UPSTREAM_TIMEOUT_MS, perMessageDeflate: false });
    // Until the renderer's upgrade is accepted its socket is raw HTTP: failures are answered there as HTTP.
    let accepted = false;
    const refuseOnce = (status: number, text: string) => { if (!accepted && !socket.destroyed) refuse(socket, status, text); };
    // The renderer gave up while we dialled ('end': HTTP server sockets are half-open, so a FIN alone is no 'close').
    const gaveUp = () => { if (!accepted) { upstream.terminate(); socket.destroy(); } };
    socket.once('end', gaveUp);
    socket.once('close', gaveUp);
    upstream.once('unexpected-response', (_r, res) => {
      refuseOnce(res.statusCode ?? 502, res.statusMessage || 'Refused by the console proxy');
      upstream.terminate();
    });
    upstream.on('error', () => refuseOnce(502, 'Bad Gateway'));
    upstream.once('open', () => {
      if (socket.destroyed) { upstream.terminate(); return; }
      accepted = true;
      this.#wss.handleUpgrade(req, socket, head, (client) => this.#pipe(client, upstream));
    });
  }

  #pipe(client: WebSocket, upstream: WebSocket): void {
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const forward = (to: WebSocket) => (data: RawData, isBinary: boolean) => {
      if (to.readyState === WebSocket.OPEN) to.send(data, { binary: isBinary });
    };
    client.on('message', forward(upstream));
    upstream.on('message', forward(client));
    const closeOther = (other: WebSocket, self: WebSocket) => (code: number, reason: Buffer) => {
      this.#sockets.delete(self);
      if (other.readyState === WebSocket.OPEN || other.readyState === WebSocket.CONNECTING) {
        if (sendable(code)) other.close(code, reason); else other.close(1011, 'console connection lost');
      }
      this.#sockets.delete(other);
    };
    client.on('close', closeOther(upstream, client));
    upstream.on('close', closeOther(client, upstream));
    client.on('error', () => client.terminate());
    upstream.on('error', () => upstream.terminate()); // 'close' follows and ends the renderer's side
  }
}
