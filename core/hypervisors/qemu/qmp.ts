// A small QMP client over a unix socket. QMP speaks one JSON object per line: a greeting, then answers
// ({return}|{error}, echoing our `id`) and asynchronous events ({event}). Every wait here has a timeout, because
// a QEMU whose guest or main loop is stuck must never stall the management server.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

export interface QmpGreeting {
  version: { qemu: { major: number; minor: number; micro: number }; package: string };
  capabilities: string[];
}

/** A command QEMU refused: `qmpClass` is QMP's error class (GenericError, DeviceNotFound, ...). */
export class QmpError extends Error {
  constructor(readonly command: string, readonly qmpClass: string, desc: string) {
    super(`QMP ${command}: ${desc}`);
    this.name = 'QmpError';
  }
}

export interface QmpClient {
  readonly greeting: QmpGreeting;
  readonly closed: boolean;
  /** Runs a command; rejects on a QMP error, a timeout (default from connect options) or a closed socket. */
  execute<T = unknown>(command: string, args?: object, opts?: { timeoutMs?: number }): Promise<T>;
  /** Subscribes to events; returns the disposer. */
  onEvent(listener: (ev: QmpEvent) => void): () => void;
  /** Resolves with the first event matching `pred`, rejects after `timeoutMs` or when the socket closes. */
  waitEvent(pred: (ev: QmpEvent) => boolean, timeoutMs: number): Promise<QmpEvent>;
  /** Called once when the socket closes (QEMU exited or close() was called); returns the disposer. */
  onClose(listener: () => void): () => void;
  close(): void;
}

export interface QmpConnectOptions {
  /** Total time for connecting (retried while the socket does not exist yet), greeting and capabilities. */
  connectTimeoutMs?: number;
  /** Default timeout of each command. */
  commandTimeoutMs?: number;
}

interface Pending { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout; command: string }

/** Connects, reads the greeting and leaves capabilities negotiation mode. */
export async function connectQmp(path: string, opts: QmpConnectOptions = {}): Promise<QmpClient> {
  const connectTimeout = opts.connectTimeoutMs ?? 5000;
  const deadline = Date.now() + connectTimeout;
  const sock = await connectWithRetry(path, deadline);
  try {
    const client = await handshake(sock, path, deadline, opts.commandTimeoutMs ?? 10_000);
    return client;
  } catch (e) {
    sock.destroy();
    throw e;
  }
}

/** QEMU creates the socket a little after it starts: ENOENT/ECONNREFUSED are retried until the deadline. */
async function connectWithRetry(path: string, deadline: number): Promise<net.Socket> {
  for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const s = net.createConnection({ path });
        const t = setTimeout(() => { s.destroy(); reject(new Error(`QMP connect to ${path} timed out`)); },
          Math.max(50, deadline - Date.now()));
        s.once('connect', () => { clearTimeout(t); s.removeAllListeners('error'); resolve(s); });
        s.once('error', (e) => { clearTimeout(t); s.destroy(); reject(e); });
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const retriable = code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EAGAIN';
      if (!retriable || Date.now() + delay >= deadline) {
        throw new Error(`Could not connect to QMP socket ${path}: ${(e as Error).message}`);
      }
      await sleep(delay);
    }
  }
}

function handshake(sock: net.Socket, path: string, deadline: number, commandTimeout: number): Promise<QmpClient> {
  let greeting: QmpGreeting | null = null;
  let closed = false;
  let nextId = 1;
  let buf = '';
  const pending = new Map<string, Pending>();
  const eventListeners = new Set<(ev: QmpEvent) => void>();
  const closeListeners = new Set<() => void>();
  let ready: { resolve(c: QmpClient): void; reject(e: Error): void } | null = null;

  const failAll = (err: Error) => {
    for (const p of pending.values()) { clearTimeout(p.timer); p.reject(err); }
    pending.clear();
  };

  const onMessage = (msg: Record<string, unknown>) => {
    if ('QMP' in msg && greeting === null) {
      greeting = msg.QMP as QmpGreeting;
      client.execute('qmp_capabilities').then(() => ready?.resolve(client), (e: Error) => ready?.reject(e));
      return;
    }
    if (typeof msg.event === 'string') {
      for (const l of [...eventListeners]) {
        try { l(msg as unknown as QmpEvent); } catch { /* a faulty listener must not break the stream */ }
      }
      return;
    }
    const id = msg.id === undefined ? undefined : String(msg.id);
    const p = id === undefined ? undefined : pending.get(id);
    if (p === undefined) return; // answer to a command that already timed out
    pending.delete(id!);
    clearTimeout(p.timer);
    if ('error' in msg) {
      const err = msg.error as { class?: string; desc?: string };
      p.reject(new QmpError(p.command, err.class ?? 'GenericError', err.desc ?? 'unknown error'));
    } else {
      p.resolve(msg.return);
    }
  };

  sock.setEncoding('utf8');
  sock.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line === '') continue;
      try { onMessage(JSON.parse(line) as Record<string, unknown>); } catch { /* ignore a garbled line */ }
    }
  });
  sock.on('error', () => { /* 'close' follows and does the cleanup */ });
  // Runs once, from close() (synchronously, so `closed` is true at once) or when QEMU closes the socket.
  const markClosed = () => {
    if (closed) return;
    closed = true;
    failAll(new Error(`QMP socket ${path} closed`));
    ready?.reject(new Error(`QMP socket ${path} closed before the handshake finished`));
    for (const l of [...closeListeners]) { try { l(); } catch { /* ignore */ } }
    closeListeners.clear();
    eventListeners.clear();
  };
  sock.on('close', markClosed);

  const client: QmpClient = {
    get greeting() { return greeting!; },
    get closed() { return closed; },
    execute<T>(command: string, args?: object, o?: { timeoutMs?: number }): Promise<T> {
      if (closed) return Promise.reject(new Error(`QMP socket ${path} is closed (${command})`));
      const id = String(nextId++);
      const timeoutMs = o?.timeoutMs ?? commandTimeout;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`QMP ${command} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, command });
        sock.write(JSON.stringify(args === undefined ? { execute: command, id } : { execute: command, arguments: args, id }) + '\n');
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => { eventListeners.delete(listener); };
    },
    waitEvent(pred, timeoutMs) {
      return new Promise<QmpEvent>((resolve, reject) => {
        const done = () => { clearTimeout(timer); offEv(); offClose(); };
        const timer = setTimeout(() => { done(); reject(new Error(`QMP event wait timed out after ${timeoutMs} ms`)); }, timeoutMs);
        const offEv = client.onEvent((ev) => { if (pred(ev)) { done(); resolve(ev); } });
        const offClose = client.onClose(() => { done(); reject(new Error(`QMP socket ${path} closed while waiting for an event`)); });
      });
    },
    onClose(listener) {
      if (closed) { queueMicrotask(listener); return () => undefined; }
      closeListeners.add(listener);
      return () => { closeListeners.delete(listener); };
    },
    close() { sock.destroy(); markClosed(); },
  };

  return new Promise<QmpClient>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`QMP greeting from ${path} timed out`)), Math.max(50, deadline - Date.now()));
    ready = {
      resolve: (c) => { clearTimeout(t); ready = null; resolve(c); },
      reject: (e) => { clearTimeout(t); ready = null; reject(e); },
    };
  });
}
