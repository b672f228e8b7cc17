// The console proxy: WebSocket (noVNC, any RFB-over-WebSocket client) <-> the VM's VNC server.
// Order of work on an upgrade request, so that every refusal is a plain HTTP answer and nothing is left open:
//   1. the request must be a WebSocket handshake and carry a token -> 400/401
//   2. the token is redeemed (single use) and checked (expiry, extra token, user, VM Running, access) -> 401/403/409
//   3. the VM's VNC server is opened and the proxy authenticates to it itself (the password stays here) -> 502
//   4. only then the connection is upgraded; the client gets an RFB handshake with security type None and the
//      VM's ServerInit, and from there bytes are relayed both ways with backpressure.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Logger } from '../kernel/services';
import type { UpgradeHandler } from '../api/http-server';
import { ConsoleCloseCode } from '../contract/commands/console';
import type { Admission } from './service';
import type { OpenVncStream, VncStream } from './vnc-stream';
import { ByteQueue, rfbServerHandshake, vncClientHandshake, type RfbPeer, type ServerInit } from './rfb';

export interface ProxyDeps {
  admit(token: string, extra: string | null, cookieHeader: string | undefined): Promise<Admission>;
  open: OpenVncStream;
  log: Logger;
}

const VNC_HANDSHAKE_MS = 10_000;
const CLIENT_HANDSHAKE_MS = 30_000;
/** Send-buffer bounds of the VNC -> client direction: pause reading the VM above HIGH, resume below LOW. */
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

interface Session { vmId: string; ws: WebSocket; upstream: Duplex }

/** Answers an upgrade request with a plain HTTP error and closes the connection. */
export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return;
  const body = Buffer.from(`${text}\n`);
  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    `Content-Type: text/plain; charset=UTF-8\r\nContent-Length: ${body.length}\r\nCache-Control: no-store\r\n` +
    'X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n'), body]));
}

const isWebSocketHandshake = (req: IncomingMessage) => req.method === 'GET'
  && (req.headers.upgrade ?? '').toLowerCase() === 'websocket'
  && /^[A-Za-z0-9+/]{22}==$/.test(req.headers['sec-websocket-key'] ?? '')
  && req.headers['sec-websocket-version'] === '13';

/** Chunks from the VM side: pooled reads when the stream offers them, else 'data' events (agent tunnels). */
type Chunks = (fn: (chunk: Buffer, release: () => void) => void) => void;
const noop = () => undefined;

function chunksOf(v: VncStream): Chunks {
  if (v.chunks) return (fn) => v.chunks!.onChunk(fn);
  let sink: (chunk: Buffer, release: () => void) => void = noop;
  v.stream.on('data', (b: Buffer) => sink(b, noop));
  return (fn) => { sink = fn; };
}

/** The VM side as an RFB peer for the handshake; `detach` pauses it and returns what came after ServerInit. */
function upstreamPeer(stream: Duplex, chunks: Chunks): RfbPeer & { detach(): Buffer } {
  const queue = new ByteQueue();
  const onEnd = () => queue.fail(new Error('the VNC server closed the connection during the handshake'));
  const onError = (e: Error) => queue.fail(e);
  // Handshake bytes are copied: a pooled buffer goes back at once.
  chunks((b, release) => { queue.push(Buffer.from(b)); release(); });
  stream.on('end', onEnd).on('close', onEnd).on('error', onError);
  return {
    queue, write: (b) => { stream.write(b); },
    detach() {
      stream.pause();
      stream.off('end', onEnd).off('close', onEnd).off('error', onError);
      return queue.drain();
    },
  };
}

/** Runs a handshake with a deadline; on timeout the queue fails, which ends the handshake with that error. */
async function withDeadline<T>(queue: ByteQueue, ms: number, what: string, run: Promise<T>): Promise<T> {
  const t = setTimeout(() => queue.fail(new Error(`${what} timed out after ${ms} ms`)), ms);
  try { return await run; } finally { clearTimeout(t); }
}

const toBuffer = (d: RawData): Buffer => (Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d));

export function createConsoleProxy(deps: ProxyDeps) {
  const wss = new WebSocketServer({
    noServer: true, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024, clientTracking: false,
    // noVNC asks for `binary` (websockify's name for raw binary frames); clients that ask for nothing get raw too.
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });
  const sessions = new Map<string, Set<Session>>();
  let count = 0;

  async function handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    if (!isWebSocketHandshake(req)) return refuseUpgrade(socket, 400, 'A WebSocket handshake (version 13) is expected here');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('token');
    if (!token) return refuseUpgrade(socket, 401, 'Missing console token: get one with createConsoleEndpoint');
    const a = await deps.admit(token, url.searchParams.get('extra'), req.headers.cookie);
    if (!a.ok) return refuseUpgrade(socket, a.status, a.text);
    const { vm, ticket } = a;
    let upstream: Duplex;
    let chunks: Chunks;
    let init: ServerInit;
    let early: Buffer;
    try {
      const vnc = await deps.open(vm.host_id!, vm.id);
      upstream = vnc.stream;
      chunks = chunksOf(vnc);
      const peer = upstreamPeer(upstream, chunks);
      try {
        init = await withDeadline(peer.queue, VNC_HANDSHAKE_MS, 'the VNC handshake', vncClientHandshake(peer, vnc.password));
      } catch (e) {
        upstream.destroy();
        throw e;
      }
      early = peer.detach();
    } catch (e) {
      deps.log.warn('console: cannot reach the VNC server', { vm: vm.id, error: (e as Error).message });
      return refuseUpgrade(socket, 502, `Cannot reach the console of VM ${vm.name}: ${(e as Error).message}`);
    }
    // The client may have gone while we were connecting; ws may also refuse the handshake: never leak the VM side.
    let started = false;
    socket.once('close', () => { if (!started) upstream.destroy(); });
    if (socket.destroyed) { upstream.destroy(); return; }
    wss.handleUpgrade(req, socket, head, (ws) => {
      started = true;
      deps.log.info('console opened', { vm: vm.id, user: ticket.caller.userId });
      void serve({ vmId: vm.id, ws, upstream }, chunks, init, early);
    });
  }

  function track(s: Session): void {
    let set = sessions.get(s.vmId);
    if (!set) sessions.set(s.vmId, (set = new Set()));
    set.add(s);
    count++;
  }

  function untrack(s: Session): void {
    const set = sessions.get(s.vmId);
    if (set?.delete(s)) {
      count--;
      if (set.size === 0) sessions.delete(s.vmId);
    }
  }

  async function serve(s: Session, chunks: Chunks, init: ServerInit, fromVm: Buffer): Promise<void> {
    const { ws, upstream } = s;
    track(s);
    if (upstream.destroyed) { untrack(s); ws.close(ConsoleCloseCode.VncClosed, "The VM's display closed the connection"); return; }
    const queue = new ByteQueue();
    const collect = (d: RawData) => queue.push(toBuffer(d));
    ws.on('message', collect);
    ws.once('close', () => { queue.fail(new Error('the client closed the connection')); untrack(s); upstream.destroy(); });
    ws.on('error', () => upstream.destroy());
    upstream.once('close', () => {
      if (ws.readyState === WebSocket.OPEN) ws.close(ConsoleCloseCode.VncClosed, "The VM's display closed the connection");
    });
    upstream.on('error', () => undefined); // 'close' follows and says it to the client
    try {
      await withDeadline(queue, CLIENT_HANDSHAKE_MS, 'the RFB handshake', rfbServerHandshake({ queue, write: (b) => ws.send(b) }, init.raw));
    } catch (e) {
      if (ws.readyState === WebSocket.OPEN) ws.close(ConsoleCloseCode.Handshake, (e as Error).message.slice(0, 120));
      upstream.destroy();
      return;
    }
    ws.off('message', collect);
    const fromClient = queue.drain();
    if (fromClient.length) upstream.write(fromClient);
    if (fromVm.length) ws.send(fromVm);
    relay(ws, upstream, chunks);
  }

  return {
    /** The upgrade handler for the console WebSocket path. */
    upgrade: ((req, socket, head) => {
      handle(req, socket, head).catch((e: Error) => {
        deps.log.error('console: upgrade failed', { error: e.message });
        refuseUpgrade(socket, 500, 'Internal error of the console proxy');
      });
    }) as UpgradeHandler,
    /** Closes every console of a VM (the VM stopped). */
    closeVm(vmId: string, code: number, reason: string): void {
      for (const s of sessions.get(vmId) ?? []) endSession(s, code, reason);
    },
    /** Closes every console; resolves once all are closed (or force-closed after 2 s). */
    async closeAll(code: number, reason: string): Promise<void> {
      const all = [...sessions.values()].flatMap((set) => [...set]);
      await Promise.all(all.map((s) => new Promise<void>((done) => {
        if (s.ws.readyState === WebSocket.CLOSED) return done();
        s.ws.once('close', () => done());
        endSession(s, code, reason);
        setTimeout(() => s.ws.terminate(), 2000).unref();
      })));
    },
    count: () => count,
  };
}

function endSession(s: Session, code: number, reason: string): void {
  if (s.ws.readyState === WebSocket.OPEN || s.ws.readyState === WebSocket.CONNECTING) s.ws.close(code, reason);
  s.upstream.destroy();
}

/** Copies bytes both ways. Each side is paused while the other has too much unsent, so memory stays bounded. */
function relay(ws: WebSocket, upstream: Duplex, chunks: Chunks): void {
  let inflight = 0;
  let upstreamPaused = false;
  chunks((chunk, release) => {
    if (ws.readyState !== WebSocket.OPEN) return release();
    const n = chunk.length;
    inflight += n;
    ws.send(chunk, { binary: true }, () => {
      release();
      inflight -= n;
      if (upstreamPaused && inflight < LOW_WATER) { upstreamPaused = false; upstream.resume(); }
    });
    if (!upstreamPaused && inflight > HIGH_WATER) { upstreamPaused = true; upstream.pause(); }
  });
  let wsPaused = false;
  upstream.on('drain', () => { if (wsPaused) { wsPaused = false; ws.resume(); } });
  ws.on('message', (d: RawData) => {
    if (!upstream.write(toBuffer(d)) && !wsPaused) { wsPaused = true; ws.pause(); }
  });
  upstream.resume();
}
