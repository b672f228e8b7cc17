// An RFB client over a WebSocket, for tests and the benchmark: it plays noVNC's part (binary subprotocol, RFB 3.8
// handshake) and then exposes the byte stream. With a password it also authenticates, which is what a client of
// plain websockify must do itself.
import { WebSocket, type RawData } from 'ws';
import { ByteQueue, vncClientHandshake, type ServerInit } from './rfb';

export interface WsRfbClient {
  ws: WebSocket;
  init: ServerInit;
  /** Bytes from the server after ServerInit. */
  queue: ByteQueue;
  /** Bytes received after ServerInit. */
  bytesReceived(): number;
  send(b: Buffer): void;
  /** Resolves with the close code and reason once the WebSocket is closed. */
  closed: Promise<{ code: number; reason: string }>;
}

const asBuffer = (d: RawData): Buffer => (Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d));

/** An upgrade the server refused: its HTTP status and body. */
export class WsRefused extends Error {
  constructor(readonly status: number, readonly body: string) { super(`HTTP ${status}: ${body.trim()}`); }
}

/**
 * Opens a WebSocket; its messages are queued from the first one on (the server may send right after the 101
 * answer, in the same TCP segment, before a listener added after `open` would see it).
 */
export function openWs(url: string, o: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<{ ws: WebSocket; queue: ByteQueue }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, o.protocols ?? ['binary'], { headers: o.headers, perMessageDeflate: false });
    const queue = new ByteQueue();
    ws.on('message', (d: RawData) => queue.push(asBuffer(d)));
    ws.once('close', () => queue.fail(new Error('WebSocket closed')));
    ws.once('open', () => resolve({ ws, queue }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => { ws.terminate(); reject(new WsRefused(res.statusCode ?? 0, body)); });
    });
    ws.once('error', reject);
  });
}

/**
 * Connects and completes the RFB handshake. `keep: false` counts bytes after ServerInit without queueing them
 * (the benchmark streams hundreds of MB).
 */
export async function connectRfb(url: string, o: { password?: string | null; headers?: Record<string, string>; keep?: boolean } = {}): Promise<WsRfbClient> {
  const { ws, queue: handshake } = await openWs(url, { headers: o.headers });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const init = await vncClientHandshake({ queue: handshake, write: (b) => ws.send(b) }, o.password ?? null);
  // From here on the stream goes to a fresh queue (or is only counted).
  ws.removeAllListeners('message');
  const queue = new ByteQueue();
  let received = 0;
  const take = (b: Buffer) => { received += b.length; if (o.keep !== false) queue.push(b); };
  take(handshake.drain());
  ws.on('message', (d: RawData) => take(asBuffer(d)));
  ws.once('close', () => queue.fail(new Error('WebSocket closed')));
  return { ws, init, queue, bytesReceived: () => received, send: (b) => ws.send(b), closed };
}

/** RFB client messages used by tests and the benchmark. */
export const rfbMsg = {
  /** SetEncodings with the given encodings (0 = raw). */
  setEncodings(encodings: number[]): Buffer {
    const b = Buffer.alloc(4 + 4 * encodings.length);
    b.writeUInt8(2, 0); b.writeUInt16BE(encodings.length, 2);
    encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
    return b;
  },
  updateRequest(incremental: boolean, width: number, height: number): Buffer {
    const b = Buffer.alloc(10);
    b.writeUInt8(3, 0); b.writeUInt8(incremental ? 1 : 0, 1); b.writeUInt16BE(width, 6); b.writeUInt16BE(height, 8);
    return b;
  },
  key(down: boolean, keysym: number): Buffer {
    const b = Buffer.alloc(8);
    b.writeUInt8(4, 0); b.writeUInt8(down ? 1 : 0, 1); b.writeUInt32BE(keysym, 4);
    return b;
  },
};
