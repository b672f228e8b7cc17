// `strata agent`: runs on a KVM host, dials the management server (WebSocket, see protocol.ts), and serves the
// HypervisorDriver calls it is sent with a local QEMU driver. It reports its capabilities, sends heartbeats and VM
// power changes, and reconnects with capped, jittered exponential backoff whenever the link drops. VMs outlive
// the agent: after a restart the QEMU driver re-adopts them from the work dir (pidfile + QMP) when the server asks
// for the host's VM power states, which it does each time the agent connects.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { HypervisorDriver, HostConnectSpec, PowerState } from '../hypervisors/driver';
import type { Logger } from '../kernel/services';
import { createQemuDriver } from '../hypervisors/qemu/qemu-driver';
import type { AccelSetting } from '../hypervisors/qemu/accel';
import {
  AGENT_PATH, CloseCode, DEFAULT_BACKOFF, FATAL_CLOSE_CODES, PROTOCOL_VERSION, backoffDelay, fromWire, isDriverMethod,
  methodInfo, parseServerMessage, toWire, type AgentCapabilities, type AgentMessage, type BackoffOptions, type ServerMessage,
} from './protocol';
import { RequestJournal } from './request-journal';
import { probeCapabilities } from './capabilities';
import { parseFrame, TunnelServer } from './tunnel';

export interface AgentOptions {
  /** The management server: http(s)://host:port (the agent connects to ws(s)://host:port/agent); several, comma
   *  separated, when several servers share one database: a failed or lost link moves on to the next one. */
  server: string;
  token: string;
  /** Shown in the server's events; default the machine's host name. */
  name?: string;
  /** VM runtime files, the request journal; default ~/.strata-agent. */
  workDir: string;
  /** Accelerator for hosts whose URL names none (default auto: probe /dev/kvm with a timeout). */
  accel?: AccelSetting;
  /** Address other hosts reach this one at (live migration); default the local address of the server link. */
  address?: string;
  log?: Logger;
  backoff?: BackoffOptions;
  /** Tests: another driver than QEMU; it gets the callback for VM power changes. */
  createDriver?: (onPowerChange: (hostId: string, vmId: string, state: PowerState) => void) => HypervisorDriver;
  capabilities?: () => Promise<AgentCapabilities>;
}

export interface Agent {
  /** Resolves when stop() ran; rejects when the server refuses the agent for good (bad token, host deleted). */
  readonly finished: Promise<void>;
  hostId(): string | null;
  /** Welcomed by the server and not disconnected since. */
  isConnected(): boolean;
  /** Cuts the current link as a network failure would; the agent reconnects (tests, failure drills). */
  dropLink(): void;
  stop(): Promise<void>;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const PROGRESS_EVERY_MS = 250;

/** ws(s)://host:port/agent from what a user would type (http URL, with or without a path). */
export function agentUrl(server: string): string {
  const u = new URL(server);
  const scheme: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  if (!scheme[u.protocol]) throw new Error(`--server must be an http(s) or ws(s) URL, not ${server}`);
  u.protocol = scheme[u.protocol]!;
  if (!u.pathname.endsWith(AGENT_PATH)) u.pathname = AGENT_PATH;
  u.search = '';
  u.hash = '';
  return u.toString();
}

export function startAgent(o: AgentOptions): Agent {
  const log = o.log ?? silent;
  const urls = o.server.split(',').map((s) => s.trim()).filter(Boolean).map(agentUrl);
  if (urls.length === 0) throw new Error('--server needs at least one URL');
  let current = 0;
  let url = urls[0];
  const name = o.name ?? os.hostname();
  const workDir = path.resolve(o.workDir);
  const journal = new RequestJournal({ dir: path.join(workDir, 'agent-journal') });
  let ws: WebSocket | null = null;
  let hostId: string | null = null;
  let welcomed = false;
  let stopped = false;
  let attempt = 0;
  let seq = 0;
  let lastHeard = 0;
  let timers: NodeJS.Timeout[] = [];
  let reconnectTimer: NodeJS.Timeout | undefined;
  let caps: Promise<AgentCapabilities> | null = null;
  let localAddress: string | null = null;
  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const finished = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  finished.catch(() => undefined); // the caller may not listen; an unhandled rejection must not kill the process

  const onPowerChange = (_hostId: string, vmId: string, state: PowerState) => {
    // Dropped when offline: the server asks for every VM's power state when the agent reconnects.
    send({ type: 'event', event: 'power', vmId, state });
  };
  const driver = o.createDriver?.(onPowerChange) ?? createQemuDriver({ workDir, accel: o.accel, log, onPowerStateChange: onPowerChange });
  const pruner = setInterval(() => journal.prune(), 60_000);
  let tunnel: TunnelServer | null = null;

  /** A local connection to a VM's VNC server, for the server's console proxy (tunnel.ts). */
  async function vncSocket(hostId: string, vmId: string): Promise<{ socket: net.Socket; password: string | null }> {
    const vnc = (await driver.consoleEndpoint?.(hostId, vmId))?.vnc;
    if (!vnc) throw new Error('the VM has no VNC display on its host (is it running?)');
    const socket = vnc.socketPath ? net.connect({ path: vnc.socketPath }) : net.connect({ host: vnc.host ?? '127.0.0.1', port: vnc.port ?? 5900 });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => { socket.destroy(); reject(new Error('connecting to the VM\'s VNC server timed out')); }, 5000);
      socket.once('connect', () => { clearTimeout(t); resolve(); });
      socket.once('error', (e) => { clearTimeout(t); reject(new Error(`cannot reach the VM's VNC server: ${e.message}`)); });
    });
    socket.setNoDelay(true);
    return { socket, password: vnc.password };
  }

  function send(m: AgentMessage): boolean {
    if (ws === null || (!welcomed && m.type !== 'hello') || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(m));
    return true;
  }

  function clearTimers(): void {
    for (const t of timers) clearInterval(t);
    timers = [];
  }

  function connect(): void {
    reconnectTimer = undefined;
    if (stopped) return;
    const sock = new WebSocket(url, { handshakeTimeout: 10_000, maxPayload: 16 * 2 ** 20 });
    ws = sock;
    sock.on('upgrade', (res) => { localAddress = res.socket.localAddress ?? null; });
    sock.on('open', () => {
      caps ??= (o.capabilities ?? (() => probeCapabilities({ workDir, accel: o.accel })))();
      caps.then((capabilities) => {
        if (ws !== sock) return;
        send({ type: 'hello', v: PROTOCOL_VERSION, name, token: o.token, capabilities });
      }, (e: Error) => {
        caps = null;
        log.error('could not read this host\'s capabilities', { error: e.message });
        sock.close(CloseCode.Normal, 'agent error');
      });
    });
    tunnel?.closeAll();
    tunnel = new TunnelServer({
      json: (f) => { if (sock.readyState === WebSocket.OPEN) sock.send(JSON.stringify(f)); },
      binary: (f, done) => { if (sock.readyState === WebSocket.OPEN) sock.send(f, done); else done(new Error('link closed')); },
    }, vncSocket);
    const streams = tunnel;
    sock.on('message', (data, isBinary) => {
      if (ws !== sock) return;
      if (isBinary) {
        const f = parseFrame(data as Buffer);
        if (f) streams.data(f.sid, f.payload);
        return;
      }
      let m: ServerMessage;
      try {
        m = parseServerMessage(data.toString());
      } catch (e) {
        log.warn('ignored a malformed frame from the server', { error: (e as Error).message });
        return;
      }
      lastHeard = Date.now();
      if (m.type === 'stream-open') void streams.open(m.sid, m.hostId, m.vmId);
      else if (m.type === 'stream-close') streams.closed(m.sid);
      else onMessage(sock, m);
    });
    sock.on('error', (e) => log.warn(`link to ${url}: ${e.message}`));
    sock.on('close', (code, reason) => onClose(sock, code, reason.toString()));
  }

  function onMessage(sock: WebSocket, m: ServerMessage): void {
    if (m.type === 'welcome') {
      if (m.v !== PROTOCOL_VERSION) { sock.close(CloseCode.VersionMismatch, `agent speaks protocol ${PROTOCOL_VERSION}`); return; }
      hostId = m.hostId;
      welcomed = true;
      attempt = 0;
      log.info(`connected to ${url} as host ${m.hostName} (${m.hostId})`);
      const every = Math.max(100, m.heartbeatMs);
      timers.push(setInterval(() => send({ type: 'heartbeat', seq: ++seq }), every));
      // The server answers every heartbeat: three intervals of silence mean the link is dead even if TCP says not.
      timers.push(setInterval(() => {
        if (Date.now() - lastHeard > 3 * every) {
          log.warn('the management server stopped answering; reconnecting');
          sock.terminate();
        }
      }, every));
      return;
    }
    if (m.type === 'request') void serve(m);
  }

  async function serve(m: Extract<ServerMessage, { type: 'request' }>): Promise<void> {
    if (!isDriverMethod(m.method) || typeof driver[m.method] !== 'function') {
      send({ type: 'response', id: m.id, ok: false, error: { message: `This agent does not offer ${String(m.method)}`, code: 'unknown-method' } });
      return;
    }
    const method = m.method;
    let lastProgress = 0;
    const progress = (done: number, total: number) => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_EVERY_MS && done !== total) return;
      lastProgress = now;
      send({ type: 'progress', id: m.id, done, total });
    };
    const exec = async () => {
      const args = fromWire(m.args, progress) as unknown[];
      if (method === 'connectHost') args[0] = localSpec(args[0] as HostConnectSpec);
      const fn = driver[method] as (...a: unknown[]) => Promise<unknown>;
      return toWire(await fn.apply(driver, args));
    };
    const outcome = methodInfo(method).read
      ? await exec().then((result) => ({ ok: true as const, result }), (e: Error) => ({ ok: false as const, error: { message: e.message, code: 'failed' as const } }))
      : await journal.run(m.id, exec);
    // Sent on the current link: if it dropped meanwhile, the server sends the request again and the journal answers.
    if (outcome.ok) send({ type: 'response', id: m.id, ok: true, result: outcome.result });
    else send({ type: 'response', id: m.id, ok: false, error: outcome.error });
  }

  /** The server's spec names the host agent://NAME; the local driver needs an address it can listen on. */
  function localSpec(spec: HostConnectSpec): HostConnectSpec {
    let query = '';
    try { query = new URL(spec.url).search; } catch { /* no parameters */ }
    let addr = o.address ?? localAddress ?? '127.0.0.1';
    addr = addr.replace(/^::ffff:/, '');
    return { ...spec, url: `qemu://${addr.includes(':') ? `[${addr}]` : addr}/${query}` };
  }

  function onClose(sock: WebSocket, code: number, reason: string): void {
    if (ws !== sock) return;
    ws = null;
    tunnel?.closeAll();
    const was = welcomed;
    welcomed = false;
    clearTimers();
    if (stopped) return;
    if (FATAL_CLOSE_CODES.has(code)) {
      log.error(`the management server refused this agent: ${reason || 'no reason given'} (code ${code})`);
      void shutdownDriver().then(() => settle.reject(new Error(`The management server refused this agent: ${reason || `code ${code}`}`)));
      stopped = true;
      clearInterval(pruner);
      return;
    }
    // With several servers, the next attempt goes to the next one: the one just lost may be the one that died.
    const lost = url;
    current = (current + 1) % urls.length;
    url = urls[current];
    const delay = backoffDelay(urls.length > 1 && current !== 0 ? 0 : attempt++, o.backoff ?? DEFAULT_BACKOFF);
    log.warn(`${was ? 'lost the link to' : 'could not connect to'} ${lost}${reason ? ` (${reason})` : ''}; trying ${url} in ${delay} ms`, { code });
    reconnectTimer = setTimeout(connect, delay);
  }

  async function shutdownDriver(): Promise<void> {
    await driver.shutdown().catch((e: Error) => log.warn('driver shutdown failed', { error: e.message }));
  }

  connect();

  return {
    finished,
    hostId: () => hostId,
    isConnected: () => welcomed,
    dropLink: () => { ws?.terminate(); },
    async stop() {
      if (stopped) return finished.catch(() => undefined);
      stopped = true;
      clearTimers();
      clearInterval(pruner);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const sock = ws;
      if (sock && sock.readyState === WebSocket.OPEN) {
        if (welcomed) sock.send(JSON.stringify({ type: 'bye', reason: 'agent stopped' } satisfies AgentMessage));
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { sock.terminate(); resolve(); }, 2000);
          sock.once('close', () => { clearTimeout(t); resolve(); });
          sock.close(CloseCode.Normal, 'agent stopped');
        });
      } else {
        sock?.terminate();
      }
      ws = null;
      welcomed = false;
      // VMs keep running: the driver only lets go of their QMP sockets, for the next agent process to adopt.
      await shutdownDriver();
      settle.resolve();
    },
  };
}
