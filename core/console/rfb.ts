// The two RFB handshakes the console proxy performs (RFC 6143): as a client towards the VM's VNC server, where it
// does VNC Authentication with the VM's password, and as a server towards the WebSocket client, where it offers
// security type None only. After both, the proxy forwards the VM's ServerInit and relays bytes untouched.
import { vncAuthResponse } from './des';

/** Security types (RFC 6143 7.1.2). */
export const SecurityType = { Invalid: 0, None: 1, VncAuth: 2 } as const;

/** Longest desktop name accepted from a VNC server (a guard against a hostile length field). */
const MAX_NAME = 64 * 1024;

/** A handshake that cannot succeed (wrong version, no usable security type, refused password). */
export class RfbError extends Error {}

/**
 * Bytes arriving in arbitrary chunks (TCP segments, WebSocket messages), read back as exact lengths. Handshakes are
 * short exchanges, so one pending read at a time is enough.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private size = 0;
  private failure: Error | null = null;
  private waiter: { n: number; resolve(b: Buffer): void; reject(e: Error): void } | null = null;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.size += b.length;
    this.settle();
  }

  fail(e: Error): void {
    this.failure ??= e;
    this.settle();
  }

  read(n: number): Promise<Buffer> {
    if (this.waiter) return Promise.reject(new Error('ByteQueue: one read at a time'));
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject };
      this.settle();
    });
  }

  /** Everything received and not read yet (the start of the relayed stream). */
  drain(): Buffer {
    const all = Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    return all;
  }

  private settle(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.size >= w.n) {
      this.waiter = null;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = all.length > w.n ? [all.subarray(w.n)] : [];
      this.size = all.length - w.n;
      w.resolve(all.subarray(0, w.n));
    } else if (this.failure) {
      this.waiter = null;
      w.reject(this.failure);
    }
  }
}

/** The peer of a handshake: where its bytes arrive and how to send to it. */
export interface RfbPeer { queue: ByteQueue; write(b: Buffer): void }

const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };

function parseVersion(b: Buffer): { major: number; minor: number } | null {
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(b.toString('latin1'));
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** RFC 6143 7.1.1: 3.8 and 3.7 are themselves; anything else (3.3, 3.5, 3.4 of old clients) speaks 3.3. */
const effectiveMinor = (minor: number) => (minor >= 8 ? 8 : minor === 7 ? 7 : 3);

async function readReason(q: ByteQueue): Promise<string> {
  const len = (await q.read(4)).readUInt32BE(0);
  return len > 0 && len <= MAX_NAME ? (await q.read(len)).toString('utf8') : '';
}

/** What the VM's VNC server announced in ServerInit, and the raw message to pass on unchanged. */
export interface ServerInit { width: number; height: number; name: string; raw: Buffer }

/** Reads ServerInit (RFC 6143 7.3.2): size, pixel format, name. */
export async function readServerInit(q: ByteQueue): Promise<ServerInit> {
  const head = await q.read(24);
  const nameLen = head.readUInt32BE(20);
  if (nameLen > MAX_NAME) throw new RfbError(`VNC server sent a ${nameLen}-byte desktop name`);
  const name = nameLen > 0 ? await q.read(nameLen) : Buffer.alloc(0);
  return { width: head.readUInt16BE(0), height: head.readUInt16BE(2), name: name.toString('utf8'), raw: Buffer.concat([head, name]) };
}

/**
 * Client side, towards the VM's VNC server: version, security (None if offered, else VNC Authentication with
 * `password`), ClientInit with the shared flag set (several consoles of one VM must not kick each other out),
 * then ServerInit.
 */
export async function vncClientHandshake(server: RfbPeer, password: string | null): Promise<ServerInit> {
  const q = server.queue;
  const v = parseVersion(await q.read(12));
  if (!v || v.major !== 3) throw new RfbError('The VNC server does not speak RFB 3.x');
  const minor = effectiveMinor(v.minor);
  server.write(Buffer.from(`RFB 003.00${minor}\n`, 'latin1'));
  let type: number;
  if (minor === 3) {
    type = (await q.read(4)).readUInt32BE(0);
    if (type === SecurityType.Invalid) throw new RfbError(`VNC server refused the connection: ${await readReason(q)}`);
  } else {
    const count = (await q.read(1))[0];
    if (count === 0) throw new RfbError(`VNC server refused the connection: ${await readReason(q)}`);
    const offered = [...(await q.read(count))];
    if (offered.includes(SecurityType.None)) type = SecurityType.None;
    else if (offered.includes(SecurityType.VncAuth) && password !== null) type = SecurityType.VncAuth;
    else throw new RfbError(`VNC server offers no supported security type (offered ${offered.join(', ')})`);
    server.write(Buffer.from([type]));
  }
  if (type === SecurityType.VncAuth) {
    if (password === null) throw new RfbError('VNC server asks for a password and none is known');
    server.write(Buffer.from(vncAuthResponse(password, await q.read(16))));
  } else if (type !== SecurityType.None) {
    throw new RfbError(`VNC server chose unsupported security type ${type}`);
  }
  // 3.8 always sends SecurityResult; 3.3 and 3.7 only after authentication.
  if (minor === 8 || type === SecurityType.VncAuth) {
    const result = (await q.read(4)).readUInt32BE(0);
    if (result !== 0) {
      const reason = minor === 8 ? await readReason(q) : '';
      throw new RfbError(`VNC authentication failed${reason ? `: ${reason}` : ''}`);
    }
  }
  server.write(Buffer.from([1]));
  return readServerInit(q);
}

/**
 * Server side, towards the WebSocket client: RFB 3.8 (or the older version the client asks for) with security
 * type None, then the VM's ServerInit. The client's shared flag is ignored: the upstream session is shared.
 */
export async function rfbServerHandshake(client: RfbPeer, serverInit: Buffer): Promise<void> {
  const q = client.queue;
  client.write(Buffer.from('RFB 003.008\n', 'latin1'));
  const v = parseVersion(await q.read(12));
  if (!v || v.major !== 3) throw new RfbError('The client does not speak RFB 3.x');
  const minor = effectiveMinor(v.minor);
  if (minor === 3) {
    client.write(u32(SecurityType.None));
  } else {
    client.write(Buffer.from([1, SecurityType.None]));
    const chosen = (await q.read(1))[0];
    if (chosen !== SecurityType.None) {
      if (minor === 8) client.write(Buffer.concat([u32(1), u32(27), Buffer.from('Security type not supported')]));
      throw new RfbError(`The client chose security type ${chosen}; this proxy offers None only`);
    }
    if (minor === 8) client.write(u32(0));
  }
  await q.read(1); // ClientInit
  client.write(serverInit);
}
