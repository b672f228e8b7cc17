// The desktop console relay against real WebSocket servers on loopback: bytes flow both ways, the upstream's
// refusals and close codes reach the renderer unchanged, and relay URLs are single-use, short-lived and only
// for the app's own origin. console:open asks the server for the endpoint itself.
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, type Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { ConsoleRelay, TICKET_TTL_MS } from './console-relay';
import { createHandlers } from './ipc-handlers';
import { validateRequest } from './ipc-contract';

const APP_ORIGIN = 'app://strata';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const f of cleanup.splice(0).reverse()) await f(); });

/** A console proxy stand-in: echoes with a prefix; token "stop" closes 4001, anything but "good*" or "stop" is 403. */
async function upstream(): Promise<{ url: (token: string) => string; seen: string[]; live: () => number; answered: () => number }> {
  const seen: string[] = [];
  let answered = 0;
  const server: Server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const token = new URL(req.url!, 'http://x').searchParams.get('token') ?? '';
    seen.push(`${token} ${req.headers['sec-websocket-protocol']}`);
    if (!token.startsWith('good') && token !== 'stop' && token !== 'slow') { socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n'); return; }
    const accept = () => {
      answered++;
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (token === 'stop') { ws.close(4001, 'The VM stopped'); return; }
        ws.on('message', (d, binary) => ws.send(Buffer.concat([Buffer.from('echo:'), d as Buffer]), { binary }));
      });
    };
    if (token === 'slow') setTimeout(accept, 300); else accept();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => { for (const c of wss.clients) c.terminate(); server.close(() => r()); }));
  const port = (server.address() as { port: number }).port;
  return { url: (token) => `ws://127.0.0.1:${port}/console/websockify?token=${token}`, seen, live: () => wss.clients.size,
    answered: () => answered };
}

async function relay(now?: () => number) {
  const r = new ConsoleRelay({ appOrigin: APP_ORIGIN, now });
  await r.start();
  cleanup.push(() => r.close());
  return r;
}

/** Connects like the renderer; resolves with what happened: opened (and the socket) or the refused status. */
function connect(url: string, origin = APP_ORIGIN): Promise<{ ws: WebSocket } | { refused: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['binary'], { origin });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ refused: -1 }));
  });
}

const nextMessage = (ws: WebSocket) => new Promise<{ text: string; binary: boolean }>((r) =>
  ws.once('message', (d, binary) => r({ text: (d as Buffer).toString(), binary })));
const closed = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((r) =>
  ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));

describe('console relay', () => {
  it('relays binary frames both ways with the binary subprotocol, once per URL', async () => {
    const up = await upstream();
    const r = await relay();
    const url = r.ticket(up.url('good1'));
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/relay\/[A-Za-z0-9_-]{32}$/);
    const c = await connect(url);
    if (!('ws' in c)) throw new Error(`refused ${c.refused}`);
    c.ws.send(Buffer.from([1, 2, 3]));
    const m = await nextMessage(c.ws);
    expect(m).toEqual({ text: `echo:${String.fromCharCode(1, 2, 3)}`, binary: true });
    expect(up.seen).toEqual(['good1 binary']);
    c.ws.close();
    expect(await connect(url)).toEqual({ refused: 404 }); // spent
  });

  it('passes the proxy refusal as a refused upgrade and its close codes unchanged', async () => {
    const up = await upstream();
    const r = await relay();
    expect(await connect(r.ticket(up.url('bad')))).toEqual({ refused: 403 });
    const c = await connect(r.ticket(up.url('stop')));
    if (!('ws' in c)) throw new Error('refused');
    expect(await closed(c.ws)).toEqual({ code: 4001, reason: 'The VM stopped' });
  });

  it('refuses other origins, unknown and expired URLs, and non-WebSocket targets', async () => {
    const up = await upstream();
    let t = 1_000;
    const r = await relay(() => t);
    expect(await connect(r.ticket(up.url('good2')), 'https://evil.example')).toEqual({ refused: 403 });
    const late = r.ticket(up.url('good3'));
    t += TICKET_TTL_MS + 1;
    expect(await connect(late)).toEqual({ refused: 404 });
    expect(await connect(late.replace(/relay\/.*/, 'relay/nope'))).toEqual({ refused: 404 });
    expect(() => r.ticket('http://127.0.0.1:1/x')).toThrow(/not a WebSocket URL/);
    expect(up.seen).toEqual([]); // nothing refused here ever reached the server
  });

  it('a renderer that gives up while the proxy is still answering leaves no proxy connection open', async () => {
    const up = await upstream();
    const r = await relay();
    const ws = new WebSocket(r.ticket(up.url('slow')), ['binary'], { origin: APP_ORIGIN });
    ws.on('error', () => {});
    // Give up once the proxy has the request (it answers 300 ms later), not after a fixed time that a busy machine
    // may not reach the proxy in; then wait for its answer and check the relay closed what it opened.
    await expect.poll(() => up.seen, { timeout: 5_000, interval: 5 }).toEqual(['slow binary']);
    ws.terminate();
    await expect.poll(() => up.answered(), { timeout: 5_000, interval: 10 }).toBe(1);
    await expect.poll(() => up.live(), { timeout: 5_000, interval: 10 }).toBe(0);
  });

  it('a dropped proxy connection ends the renderer side with 1011', async () => {
    const up = await upstream();
    const r = await relay();
    const c = await connect(r.ticket(up.url('good4')));
    if (!('ws' in c)) throw new Error('refused');
    await cleanup[0](); // the proxy goes away (its sockets terminated)
    cleanup.shift();
    expect((await closed(c.ws)).code).toBe(1011);
  });
});

describe('console:open', () => {
  const endpoint = (ep: object) => ({ ok: true as const, value: { createconsoleendpointresponse: { consoleendpoint: ep } } });

  it('asks the connection for an endpoint and answers a relay URL to its proxy, or why there is none', async () => {
    const calls: unknown[] = [];
    const tickets: string[] = [];
    let answer: unknown = endpoint({ success: true, url: 'https://ms.lan:8443/console/vnc.html?token=T',
      websocket: { token: 'T', host: 'ms.lan', port: '8443', path: 'console/websockify' } });
    const h = createHandlers({
      connections: { call: async (...a: unknown[]) => { calls.push(a); return answer; } } as never,
      consoles: { ticket: (target: string) => { tickets.push(target); return 'ws://127.0.0.1:1/relay/x'; } },
      appInfo: () => ({}) as never, windowOf: () => null,
    });
    const ctx = { sender: {} } as never;
    expect(await h['console:open']({ connectionId: 'c1', virtualmachineid: 'vm-1' }, ctx)).toEqual({ success: true, url: 'ws://127.0.0.1:1/relay/x' });
    expect(calls).toEqual([['c1', 'createConsoleEndpoint', { virtualmachineid: 'vm-1' }, 'GET']]);
    expect(tickets).toEqual(['wss://ms.lan:8443/console/websockify?token=T']);
    answer = endpoint({ success: false, details: 'VM vm-1 is not running' });
    expect(await h['console:open']({ connectionId: 'c1', virtualmachineid: 'vm-1' }, ctx)).toEqual({ success: false, details: 'VM vm-1 is not running' });
    answer = { ok: false, error: { code: 'api', message: 'denied', errorcode: 531 } };
    await expect(h['console:open']({ connectionId: 'c1', virtualmachineid: 'vm-1' }, ctx)).rejects.toMatchObject({ error: { errorcode: 531 } });
    expect(tickets).toHaveLength(1);
  });

  it('the contract refuses a request without a connection or with a malformed VM id', () => {
    expect(validateRequest('console:open', { connectionId: 'c1', virtualmachineid: '0a1b-2c' })).toBeNull();
    expect(validateRequest('console:open', { virtualmachineid: 'x' })).toMatch(/connectionId/);
    expect(validateRequest('console:open', { connectionId: 'c1', virtualmachineid: '../x' })).toMatch(/virtualmachineid/);
  });
});
