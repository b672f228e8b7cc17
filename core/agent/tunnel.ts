// Byte streams tunnelled over an agent link, for the console proxy: the VNC server of a VM on an agent host is
// reached through the agent (it listens on a unix socket or 127.0.0.1 there, never on the network).
//   server -> agent  {type:'stream-open', sid, hostId, vmId}   agent connects to the VM's VNC server
//   agent -> server  {type:'stream-opened', sid, password} | {type:'stream-error', sid, message}
//   both ways        binary frames: 4-byte big-endian sid, then the bytes
//   both ways        {type:'stream-close', sid}                 the stream ended on that side
// Writes complete when the WebSocket has taken the frame, so a slow link slows the writer (backpressure).
import net from 'node:net';
import { Duplex } from 'node:stream';

export interface TunnelLink {
  json(m: object): void;
  binary(frame: Buffer, done: (err?: Error) => void): void;
}

export const frameOf = (sid: number, payload: Buffer): Buffer => {
  const b = Buffer.allocUnsafe(4 + payload.length);
  b.writeUInt32BE(sid, 0);
  payload.copy(b, 4);
  return b;
};

export const parseFrame = (b: Buffer): { sid: number; payload: Buffer } | null =>
  b.length < 4 ? null : { sid: b.readUInt32BE(0), payload: b.subarray(4) };

const OPEN_TIMEOUT_MS = 10_000;

function tunnelDuplex(link: TunnelLink, sid: number, onGone: () => void): Duplex {
  let closedHere = false;
  return new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) { link.binary(frameOf(sid, chunk), cb); },
    final(cb) { closedHere = true; link.json({ type: 'stream-close', sid }); cb(); },
    destroy(err, cb) {
      if (!closedHere) link.json({ type: 'stream-close', sid });
      closedHere = true;
      onGone();
      cb(err);
    },
  });
}

/** The server's end: opens streams to VMs on one agent's host. */
export class TunnelClient {
  private readonly streams = new Map<number, { duplex: Duplex; open?: { resolve(p: string | null): void; reject(e: Error): void } }>();

  /** Stream ids are per link (both ends make a new tunnel per connection), so the count starts with the link. */
  private lastSid = 0;

  constructor(private readonly link: TunnelLink) {}

  open(hostId: string, vmId: string): Promise<{ stream: Duplex; password: string | null }> {
    this.lastSid = (this.lastSid + 1) % 0xffffffff;
    const sid = this.lastSid;
    const duplex = tunnelDuplex(this.link, sid, () => this.streams.delete(sid));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('the agent did not open the console stream in time')), OPEN_TIMEOUT_MS);
      const fail = (e: Error) => { clearTimeout(timer); this.streams.delete(sid); duplex.destroy(); reject(e); };
      this.streams.set(sid, { duplex, open: {
        resolve: (password) => { clearTimeout(timer); resolve({ stream: duplex, password }); },
        reject: fail,
      } });
      this.link.json({ type: 'stream-open', sid, hostId, vmId });
    });
  }

  opened(sid: number, password: string | null): void {
    const s = this.streams.get(sid);
    const o = s?.open;
    if (!s || !o) return;
    s.open = undefined;
    o.resolve(password);
  }

  failed(sid: number, message: string): void { this.streams.get(sid)?.open?.reject(new Error(message)); }

  data(sid: number, payload: Buffer): void { this.streams.get(sid)?.duplex.push(payload); }

  /** The agent's side ended: the reader sees the end; our side is released. */
  closed(sid: number): void {
    const s = this.streams.get(sid);
    if (!s) return;
    this.streams.delete(sid);
    if (s.open) { s.open.reject(new Error('the agent closed the console stream')); return; }
    s.duplex.push(null);
    s.duplex.destroy();
  }

  closeAll(reason: string): void {
    for (const [sid, s] of this.streams) {
      this.streams.delete(sid);
      if (s.open) s.open.reject(new Error(reason));
      else s.duplex.destroy(new Error(reason));
    }
  }
}

/** The agent's end: connects streams the server opens to local sockets. */
export class TunnelServer {
  private readonly sockets = new Map<number, net.Socket>();

  constructor(private readonly link: TunnelLink,
    private readonly connect: (hostId: string, vmId: string) => Promise<{ socket: net.Socket; password: string | null }>) {}

  async open(sid: number, hostId: string, vmId: string): Promise<void> {
    let c: { socket: net.Socket; password: string | null };
    try {
      c = await this.connect(hostId, vmId);
    } catch (e) {
      this.link.json({ type: 'stream-error', sid, message: (e as Error).message });
      return;
    }
    const sock = c.socket;
    this.sockets.set(sid, sock);
    sock.on('data', (d: Buffer) => {
      sock.pause();
      this.link.binary(frameOf(sid, d), () => sock.resume());
    });
    sock.on('close', () => {
      if (this.sockets.get(sid) !== sock) return;
      this.sockets.delete(sid);
      this.link.json({ type: 'stream-close', sid });
    });
    sock.on('error', () => undefined); // close follows
    this.link.json({ type: 'stream-opened', sid, password: c.password });
  }

  data(sid: number, payload: Buffer): void { this.sockets.get(sid)?.write(payload); }

  /** The server's side ended: the socket is ended, and its close is reported back so both ends let go. */
  closed(sid: number): void { this.sockets.get(sid)?.end(); }

  closeAll(): void {
    for (const sock of this.sockets.values()) sock.destroy();
    this.sockets.clear();
  }
}
