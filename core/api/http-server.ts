// The HTTP front: /client/api for the CloudStack API. Bound to 127.0.0.1 unless told otherwise.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from './dispatcher';
import { headerSafe } from './header-values';
import { JSON_CONTENT_TYPE } from './serialize';
import { writeStreamed } from './stream';

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-XSS-Protection': '1;mode=block',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

export interface RunningServer { url: string; port: number; host: string; server: Server; close(): Promise<void> }

/** Takes over a connection that asked to upgrade (WebSocket); it must answer or destroy the socket. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface ServerOptions {
  host?: string; port?: number; extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Upgrade (WebSocket) handlers by exact URL path, e.g. '/console/websockify', '/agent'. */
  upgradeRoutes?: Record<string, UpgradeHandler>;
  /** Told about a streamed list answer that failed after its headers went out (the connection is cut). */
  onStreamError?: (e: unknown) => void;
}

export async function startHttpServer(dispatcher: Dispatcher, opts: ServerOptions = {}): Promise<RunningServer> {
  const server = createServer((req, res) => {
    handle(dispatcher, req, res, opts).catch((e) => {
      if (res.headersSent) { res.destroy(); return; }
      sendError(res, 500, `Internal error: ${e instanceof Error ? e.message : String(e)}`);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('clientError', answerClientError);
  // Upgraded connections leave the HTTP server's bookkeeping: they are tracked here so close() ends them too.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const path = (req.url ?? '/').split('?')[0];
    const routes = opts.upgradeRoutes ?? {};
    if (Object.hasOwn(routes, path)) return routes[path](req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=UTF-8\r\nConnection: close\r\n\r\nNo WebSocket endpoint here\n');
    socket.once('finish', () => socket.destroy());
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`, port, host, server,
    close: () => new Promise((resolve) => {
      for (const s of upgraded) s.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function handle(dispatcher: Dispatcher, req: IncomingMessage, res: ServerResponse, opts: ServerOptions) {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path !== '/client/api' && path !== '/client/api/') {
    if (opts.extraRoutes?.(req, res)) return;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8', ...SECURITY_HEADERS });
    res.end('Not found. The CloudStack API is at /client/api');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'POST') {
    res.writeHead(405, { 'Content-Type': 'text/plain; charset=UTF-8', Allow: 'GET, POST', ...SECURITY_HEADERS });
    res.end('Only GET and POST are supported');
    return;
  }
  let body: string | null = null;
  if (req.method === 'POST') {
    body = await readBody(req);
    if (body === null) {
      res.writeHead(413, { 'Content-Type': 'text/plain; charset=UTF-8', ...SECURITY_HEADERS });
      res.end('Request body too large');
      return;
    }
    // Only form bodies carry parameters; anything else is ignored as CloudStack's servlet does.
    if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) body = null;
  }
  const out = await dispatcher.handle({
    method: req.method, rawQuery: q < 0 ? '' : url.slice(q + 1), body,
    cookieHeader: req.headers.cookie, remote: req.socket.remoteAddress, requestId: req.headers['x-request-id'] as string | undefined,
  });
  if (out.stream) {
    await writeStreamed(res, out.status, { 'Content-Type': out.contentType, ...SECURITY_HEADERS, ...out.headers }, out.stream,
      (e) => opts.onStreamError?.(e));
    return;
  }
  // The buffer is reused only once the whole answer was handed to the OS ('finish'); a cut connection keeps it.
  if (out.release) res.once('finish', out.release);
  // Sent as bytes: given a string, Node scans it once for Content-Length and again to encode it (a page of 500 VMs
  // is over 600 KB). JSON answers come encoded (serialize.ts toJsonBytes).
  send(res, out.status, { 'Content-Type': out.contentType, ...SECURITY_HEADERS, ...safeHeaders(out.headers) },
    out.bytes ?? Buffer.from(out.body, 'utf8'));
}

/** Header values from the dispatcher may echo user text: each is made something HTTP can carry. */
function safeHeaders(h: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.map((x) => headerSafe(x)) : headerSafe(v);
  return out;
}

/**
 * Writes a whole answer with its length. Should a header still be refused, nothing of the first attempt
 * survives (status text, length, headers): the client gets a complete 500 error instead of a length that
 * promises more than is sent.
 */
function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer): void {
  try {
    res.writeHead(status, { ...headers, 'Content-Length': body.length });
  } catch (e) {
    sendError(res, 500, `Internal error: cannot write the response headers (${(e as Error).message})`);
    return;
  }
  res.end(body);
}

const errorEnvelope = (status: number, text: string) =>
  Buffer.from(JSON.stringify({ errorresponse: { uuidList: [], errorcode: status, errortext: text } }), 'utf8');

/** A CloudStack JSON error envelope, written with headers that cannot fail. */
function sendError(res: ServerResponse, status: number, text: string): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const body = errorEnvelope(status, text);
  res.statusCode = status;
  res.statusMessage = STATUS_CODES[status] ?? 'Error';
  res.writeHead(status, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': body.length, ...SECURITY_HEADERS });
  res.end(body);
}

export const TOO_LONG_TEXT = 'The request line or headers are too long for a GET: send long requests with HTTP POST ' +
  '(parameters in an application/x-www-form-urlencoded body)';

/**
 * Requests Node cannot parse never reach the handler; without this they get no answer or a bare status.
 * A query over Node's header limit (16 KiB) is a 414 in CloudStack's envelope that says to use POST.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || err.code === 'ECONNRESET') { socket.destroy(); return; }
  const tooLong = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLong ? 414 : 400;
  const text = tooLong ? TOO_LONG_TEXT : 'Malformed HTTP request';
  const body = errorEnvelope(status, text);
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\n` +
    `Content-Length: ${body.length}\r\nConnection: close\r\n` +
    Object.entries(SECURITY_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooBig = true; else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
