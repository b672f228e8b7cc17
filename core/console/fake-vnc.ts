// A small VNC server for tests and the throughput benchmark: RFB 3.8, VNC Authentication checked with des.ts
// (or None without a password), a fixed framebuffer, and raw-encoded full-screen updates on request. It records
// the key events it gets, so a test can see bytes arriving from the client, and counts open connections.
import net from 'node:net';
import { desEncryptEcb, vncKey } from './des';
import { ByteQueue } from './rfb';
import { randomBytes } from 'node:crypto';

export interface FakeVncOptions {
  /** VNC password; null offers security type None. */
  password: string | null;
  width?: number;
  height?: number;
  name?: string;
  /** Full-screen updates sent for each non-incremental FramebufferUpdateRequest (default 1; the bench sends many). */
  framesPerRequest?: number;
  /** Listen on this unix socket instead of 127.0.0.1 with a free port. */
  socketPath?: string;
}

export interface FakeVnc {
  /** Where it listens: a unix socket path, or 127.0.0.1 and a port. */
  target: { socketPath?: string; host?: string; port?: number };
  keys: number[];
  /** Connections currently open. */
  connections(): number;
  /** Bytes of one full-screen update message. */
  frameBytes: number;
  /** Ends every connection (as when QEMU exits). */
  dropAll(): void;
  close(): Promise<void>;
}

/** Bytes of the client messages that have a fixed size (type -> total length). */
const FIXED: Record<number, number> = { 0: 20, 3: 10, 4: 8, 5: 6 };

function pixelFormat(): Buffer {
  // 32 bits per pixel, depth 24, little endian, true colour, 8 bits per channel (what QEMU announces too).
  const b = Buffer.alloc(16);
  b.writeUInt8(32, 0); b.writeUInt8(24, 1); b.writeUInt8(0, 2); b.writeUInt8(1, 3);
  b.writeUInt16BE(255, 4); b.writeUInt16BE(255, 6); b.writeUInt16BE(255, 8);
  b.writeUInt8(16, 10); b.writeUInt8(8, 11); b.writeUInt8(0, 12);
  return b;
}

/** One FramebufferUpdate with one full-screen raw rectangle. */
function fullFrame(width: number, height: number): Buffer {
  const head = Buffer.alloc(4 + 12);
  head.writeUInt8(0, 0); head.writeUInt16BE(1, 2);
  head.writeUInt16BE(0, 4); head.writeUInt16BE(0, 6); head.writeUInt16BE(width, 8); head.writeUInt16BE(height, 10);
  head.writeInt32BE(0, 12); // raw encoding
  return Buffer.concat([head, randomBytes(width * height * 4)]);
}

export async function startFakeVnc(o: FakeVncOptions): Promise<FakeVnc> {
  const width = o.width ?? 640;
  const height = o.height ?? 480;
  const name = Buffer.from(o.name ?? 'fake-vnc');
  const frame = fullFrame(width, height);
  const sockets = new Set<net.Socket>();
  const keys: number[] = [];

  async function session(s: net.Socket): Promise<void> {
    const q = new ByteQueue();
    s.on('data', (b: Buffer) => q.push(b));
    s.on('close', () => q.fail(new Error('closed')));
    s.write('RFB 003.008\n');
    await q.read(12);
    s.write(Buffer.from(o.password === null ? [1, 1] : [1, 2]));
    await q.read(1);
    if (o.password !== null) {
      const challenge = randomBytes(16);
      s.write(challenge);
      const answer = await q.read(16);
      if (!Buffer.from(desEncryptEcb(vncKey(o.password), challenge)).equals(answer)) {
        const reason = Buffer.from('Authentication failed');
        const r = Buffer.alloc(8); r.writeUInt32BE(1, 0); r.writeUInt32BE(reason.length, 4);
        s.end(Buffer.concat([r, reason]));
        return;
      }
    }
    s.write(Buffer.alloc(4)); // SecurityResult OK
    await q.read(1); // ClientInit
    const init = Buffer.alloc(4); init.writeUInt16BE(width, 0); init.writeUInt16BE(height, 2);
    const len = Buffer.alloc(4); len.writeUInt32BE(name.length);
    s.write(Buffer.concat([init, pixelFormat(), len, name]));
    for (;;) await message(s, q);
  }

  async function message(s: net.Socket, q: ByteQueue): Promise<void> {
    const type = (await q.read(1))[0];
    if (type === 2) { // SetEncodings
      const n = (await q.read(3)).readUInt16BE(1);
      await q.read(4 * n);
    } else if (type === 6) { // ClientCutText
      await q.read(7).then((h) => q.read(h.readUInt32BE(3)));
    } else if (FIXED[type]) {
      const body = await q.read(FIXED[type] - 1);
      if (type === 4 && body[0] === 1) keys.push(body.readUInt32BE(3));
      if (type === 3 && body[0] === 0) await sendFrames(s);
    } else {
      s.destroy();
    }
  }

  async function sendFrames(s: net.Socket): Promise<void> {
    for (let i = 0; i < (o.framesPerRequest ?? 1); i++) {
      if (!s.write(frame)) await new Promise((r) => s.once('drain', r));
      if (s.destroyed) return;
    }
  }

  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    session(s).catch(() => s.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (o.socketPath) server.listen(o.socketPath, resolve); else server.listen(0, '127.0.0.1', resolve);
  });
  const addr = server.address();
  const target = o.socketPath ? { socketPath: o.socketPath } : { host: '127.0.0.1', port: (addr as net.AddressInfo).port };
  return {
    target, keys, frameBytes: frame.length,
    connections: () => sockets.size,
    dropAll: () => { for (const s of sockets) s.destroy(); },
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
