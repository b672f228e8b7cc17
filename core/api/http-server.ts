// The HTTP front: /client/api for the CloudStack API. Bound to 127.0.0.1 unless told otherwise.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from './dispatcher';
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
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e instanceof Error ? e.message : e));
    });
  });
  server.keepAliveTimeout = 30_000;
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
    cookieHeader: req.headers.cookie, remote: req.socket.remoteAddress,
  });
  if (out.stream) {
    await writeStreamed(res, out.status, { 'Content-Type': out.contentType, ...SECURITY_HEADERS, ...out.headers }, out.stream,
      (e) => opts.onStreamError?.(e));
    return;
  }
  // Encoded once here: given a string, Node scans it once for Content-Length and again to encode it (a page of
  // 500 VMs is over 600 KB).
  const bytes = Buffer.from(out.body, 'utf8');
  res.writeHead(out.status, { 'Content-Type': out.contentType, 'Content-Length': bytes.length, ...SECURITY_HEADERS, ...out.headers });
  res.end(bytes);
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
