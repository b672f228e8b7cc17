// The management server's end of the agent links: a WebSocket endpoint at /agent on the API server (attached to
// its HTTP `upgrade` event), one session per connected host, and request/response matching for the
// RemoteKvmDriver. Host states follow the links (host-link.ts).
//
// Requests caught by a disconnect are neither lost nor run twice. A request keeps its id (the agent's idempotency
// key) while its host's link is down; when the agent is back within `retryWindowMs` the request is sent once
// more with the same id, and the agent answers it from its journal (the outcome of the first run, the first run
// itself if still going, or `interrupted` if the agent restarted mid-run). A request whose agent does not come
// back in time, or drops again, fails with 534 saying its outcome is unknown; when the agent reconnects later,
// its host's VMs are reconciled with the power states it reports (host-link.ts), so the database converges.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ProgressFn } from '../hypervisors/driver';
import type { Services } from '../kernel/services';
import { resourceUnavailable } from '../kernel/errors';
import {
  AGENT_PATH, CloseCode, PROTOCOL_VERSION, fromWire, methodInfo, parseAgentMessage, toWire,
  type AgentCapabilities, type AgentMessage, type DriverMethod, type ServerMessage, type WireError,
} from './protocol';
import { authenticateAgent, bringHostUp, hostLinkLost, vmPowerChanged } from './host-link';
import { parseFrame, TunnelClient } from './tunnel';

export interface AgentHubOptions {
  services: () => Services;
  /** Heartbeat interval agents are told to use (default 10 s). */
  heartbeatMs?: number;
  /** Silence after which a host goes to Alert and its link is dropped (default 3 heartbeats). */
  heartbeatTimeoutMs?: number;
  /** How long requests caught by a disconnect wait for the agent to come back (default 60 s). */
  retryWindowMs?: number;
  helloTimeoutMs?: number;
}

export interface AgentHub {
  /** Takes HTTP upgrades to /agent; false for any other path (the caller handles or refuses those). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** One driver call on a host's agent; 534 when the host has no agent connected. */
  call(hostId: string, method: DriverMethod, args: unknown[], onProgress?: ProgressFn): Promise<unknown>;
  /** The agent is connected, its host was brought Up, and it was heard from within the heartbeat timeout. */
  isAlive(hostId: string): boolean;
  isConnected(hostId: string): boolean;
  /** A byte stream to a VM's VNC server on an agent host, tunnelled over the agent's link. */
  openVncStream(hostId: string, vmId: string): Promise<{ stream: Duplex; password: string | null }>;
  /** Ends a host's link for good (the host was deleted): the agent is told and exits. */
  disconnect(hostId: string, reason: string): void;
  /** Hosts with a connected agent. */
  connectedHosts(): string[];
  close(): Promise<void>;
}

interface Session {
  ws: WebSocket; hostId: string; hostName: string; agentName: string; caps: AgentCapabilities;
  lastSeen: number; heard: boolean; ready: boolean; timedOut: boolean; bye: string | null; tunnel: TunnelClient;
}

interface Pending {
  id: string; hostId: string; method: DriverMethod; frame: string; session: Session | null; retried: boolean;
  /** Part of bringing this link's host up: fails with the link instead of waiting for the next one. */
  bound: boolean;
  resolve(v: unknown): void; reject(e: Error): void; onProgress?: ProgressFn;
  timer: NodeJS.Timeout; windowTimer?: NodeJS.Timeout;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createAgentHub(o: AgentHubOptions): AgentHub {
  const heartbeatMs = o.heartbeatMs ?? 10_000;
  const heartbeatTimeoutMs = o.heartbeatTimeoutMs ?? 3 * heartbeatMs;
  const retryWindowMs = o.retryWindowMs ?? 60_000;
  const helloTimeoutMs = o.helloTimeoutMs ?? 10_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 2 ** 20 });
  const sessions = new Map<string, Session>();
  const pending = new Map<string, Pending>();
  const names = new Map<string, string>();
  const work = new Set<Promise<unknown>>();
  let closed = false;
  const svc = () => o.services();

  /** Background work on host rows, tracked so close() can wait for it before the database goes away. */
  function track(p: Promise<unknown>, what: string): void {
    const t = p.catch((e) => svc().log.warn(`agent hub: ${what} failed`, { error: errText(e) })).finally(() => work.delete(t));
    work.add(t);
  }

  const send = (s: Session, m: ServerMessage | string) => {
    if (s.ws.readyState === s.ws.OPEN) s.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  };

  function settle(p: Pending, err: Error | null, value?: unknown): void {
    if (pending.get(p.id) !== p) return;
    pending.delete(p.id);
    clearTimeout(p.timer);
    if (p.windowTimer) clearTimeout(p.windowTimer);
    if (err) p.reject(err); else p.resolve(value);
  }

  const hostLabel = (hostId: string) => names.get(hostId) ?? hostId;
  const outcomeUnknown = (p: Pending, why: string) => resourceUnavailable(
    `Host ${hostLabel(p.hostId)}: ${why} while it was running ${p.method}; the command's outcome is unknown ` +
    '(the host\'s VMs are reconciled with what it reports when its agent reconnects)');

  function agentError(p: Pending, e: WireError): Error {
    if (e.code === 'interrupted') return outcomeUnknown(p, 'the agent restarted');
    return new Error(e.message);
  }

  /** The link of `s` is gone: its requests wait for the agent to come back, for `retryWindowMs`. */
  function orphanRequests(s: Session): void {
    for (const p of pending.values()) {
      if (p.session !== s) continue;
      if (p.bound) { settle(p, new Error(`the link to the agent of host ${s.hostName} closed`)); continue; }
      p.session = null;
      p.windowTimer = setTimeout(() => settle(p, outcomeUnknown(p,
        `its agent disconnected and did not come back within ${Math.round(retryWindowMs / 1000)} s`)), retryWindowMs);
    }
  }

  /** A new link for the host: requests left by the previous one are sent again, once, with the same ids. */
  function resend(s: Session): void {
    for (const p of pending.values()) {
      if (p.hostId !== s.hostId || p.session !== null) continue;
      if (p.retried) { settle(p, outcomeUnknown(p, 'its agent disconnected twice')); continue; }
      p.retried = true;
      if (p.windowTimer) clearTimeout(p.windowTimer);
      p.session = s;
      send(s, p.frame);
    }
  }

  async function hello(ws: WebSocket, m: Extract<AgentMessage, { type: 'hello' }>): Promise<Session | null> {
    if (m.v !== PROTOCOL_VERSION) {
      ws.close(CloseCode.VersionMismatch, `protocol version ${m.v} is not supported (this server speaks ${PROTOCOL_VERSION})`);
      return null;
    }
    const h = await authenticateAgent(svc(), m.token);
    if (h === null) {
      svc().log.warn('agent refused: invalid token', { agent: m.name });
      ws.close(CloseCode.BadToken, 'invalid agent token (addHost url=agent://NAME answers one; has the host been deleted?)');
      return null;
    }
    if (closed || ws.readyState !== ws.OPEN) return null;
    const old = sessions.get(h.id);
    if (old) {
      sessions.delete(h.id);
      orphanRequests(old);
      old.ws.close(CloseCode.Replaced, 'another agent connected with this host\'s token');
    }
    const tunnel = new TunnelClient({
      json: (f) => { if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(f)); },
      binary: (f, done) => { if (ws.readyState === ws.OPEN) ws.send(f, done); else done(new Error('the agent link is closed')); },
    });
    const s: Session = { ws, hostId: h.id, hostName: h.name, agentName: m.name, caps: m.capabilities, lastSeen: Date.now(),
      heard: true, ready: false, timedOut: false, bye: null, tunnel };
    sessions.set(h.id, s);
    names.set(h.id, h.name);
    send(s, { type: 'welcome', v: PROTOCOL_VERSION, hostId: h.id, hostName: h.name, heartbeatMs });
    resend(s);
    const current = () => sessions.get(h.id) === s;
    const link = { isCurrent: current, onUp: () => { s.ready = true; } };
    track(bringHostUp(svc(), h, { name: m.name, caps: m.capabilities }, (method, args) => request(h.id, method, args, undefined, s), link)
      .catch((e) => {
        if (current() && !s.ready) s.ws.close(CloseCode.ConnectFailed, `the host could not be brought up: ${errText(e)}`.slice(0, 120));
        throw e;
      }), `bringing host ${h.name} up`);
    return s;
  }

  function onMessage(s: Session, m: AgentMessage): void {
    s.lastSeen = Date.now();
    s.heard = true;
    switch (m.type) {
      case 'heartbeat': send(s, { type: 'heartbeat-ack', seq: m.seq }); return;
      case 'response': {
        const p = pending.get(m.id);
        if (!p || p.hostId !== s.hostId) return; // late answer to a request that timed out or failed
        if (m.ok) settle(p, null, fromWire(m.result));
        else settle(p, agentError(p, m.error));
        return;
      }
      case 'progress': pending.get(m.id)?.onProgress?.(m.done, m.total); return;
      case 'event': track(vmPowerChanged(svc(), s.hostId, m.vmId, m.state), `power report of VM ${m.vmId}`); return;
      case 'bye': s.bye = m.reason; return;
      case 'stream-opened': s.tunnel.opened(m.sid, m.password); return;
      case 'stream-error': s.tunnel.failed(m.sid, m.message); return;
      case 'stream-close': s.tunnel.closed(m.sid); return;
      case 'hello': return;
    }
  }

  function onClose(s: Session, code: number, reason: string): void {
    if (sessions.get(s.hostId) !== s) return; // replaced by a newer link, or dropped by close()
    sessions.delete(s.hostId);
    orphanRequests(s);
    s.tunnel.closeAll('the link to the agent closed');
    if (s.timedOut) return; // already moved to Alert
    const why = s.bye !== null ? `its agent ${s.agentName} shut down (${s.bye})`
      : `the link to its agent ${s.agentName} was closed (code ${code}${reason ? `: ${reason}` : ''})`;
    track(hostLinkLost(svc(), s.hostId, 'ShutdownRequested', why), `marking host ${s.hostName} disconnected`);
  }

  function accept(ws: WebSocket): void {
    let session: Session | null = null;
    let authenticating = false;
    const helloTimer = setTimeout(() => ws.close(CloseCode.HelloTimeout, 'no hello'), helloTimeoutMs);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        const f = session !== null ? parseFrame(data as Buffer) : null;
        if (f && session) { session.lastSeen = Date.now(); session.tunnel.data(f.sid, f.payload); }
        return;
      }
      let m: AgentMessage;
      try {
        m = parseAgentMessage(data.toString());
      } catch (e) {
        if (session === null) ws.close(CloseCode.BadHello, errText(e).slice(0, 120));
        else svc().log.warn('agent hub: malformed frame ignored', { host: session.hostId, error: errText(e) });
        return;
      }
      if (session !== null) { onMessage(session, m); return; }
      if (authenticating) return;
      if (m.type !== 'hello') { ws.close(CloseCode.BadHello, 'the first frame must be hello'); return; }
      authenticating = true;
      clearTimeout(helloTimer);
      hello(ws, m).then((s) => { session = s; }, (e) => {
        svc().log.error('agent hub: hello failed', { error: errText(e) });
        ws.close(CloseCode.ConnectFailed, 'server error');
      });
    });
    ws.on('error', () => undefined); // a close event follows
    ws.on('close', (code, reason) => {
      clearTimeout(helloTimer);
      if (session !== null) onClose(session, code, reason.toString());
    });
  }

  /** Heartbeat watch and last_pinged upkeep, one pass over the sessions per tick. */
  const watch = setInterval(() => {
    const now = Date.now();
    const heard: string[] = [];
    for (const s of sessions.values()) {
      if (now - s.lastSeen > heartbeatTimeoutMs) {
        s.timedOut = true;
        track(hostLinkLost(svc(), s.hostId, 'PingTimeout', `no heartbeat from its agent for ${Math.round((now - s.lastSeen) / 1000)} s`),
          `marking host ${s.hostName} in alert`);
        s.ws.terminate();
        continue;
      }
      if (s.heard && s.ready) heard.push(s.hostId);
      s.heard = false;
    }
    const at = svc().clock.now();
    for (let i = 0; i < heard.length; i += 500) {
      track(svc().db.updateTable('hosts').set({ last_pinged: at }).where('id', 'in', heard.slice(i, i + 500)).execute(), 'last_pinged update');
    }
  }, Math.min(heartbeatMs, heartbeatTimeoutMs / 2));
  watch.unref?.();

  /** Sends one request; `bound` ties it to that link (no retry on the next one). */
  function request(hostId: string, method: DriverMethod, args: unknown[], onProgress?: ProgressFn, bound?: Session): Promise<unknown> {
    const s = sessions.get(hostId);
    if (!s || closed || (bound && bound !== s)) {
      return Promise.reject(resourceUnavailable(`Host ${hostLabel(hostId)} is not connected: its agent (strata agent) ` +
        'is not running or cannot reach the management server'));
    }
    const id = randomUUID();
    const frame = JSON.stringify({ type: 'request', id, method, args: toWire(args) as unknown[] } satisfies ServerMessage);
    const info = methodInfo(method);
    return new Promise((resolve, reject) => {
      const p: Pending = { id, hostId, method, frame, session: s, retried: false, bound: !!bound, resolve, reject, onProgress,
        timer: setTimeout(() => settle(p, resourceUnavailable(`Host ${hostLabel(hostId)}: its agent did not answer ${method} ` +
          `within ${Math.round(info.timeoutMs / 1000)} s`)), info.timeoutMs) };
      pending.set(id, p);
      send(s, frame);
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      if ((req.url ?? '').split('?')[0] !== AGENT_PATH) return false;
      if (closed) { socket.destroy(); return true; }
      wss.handleUpgrade(req, socket, head, accept);
      return true;
    },
    call: (hostId, method, args, onProgress) => request(hostId, method, args, onProgress),
    isAlive: (hostId) => {
      const s = sessions.get(hostId);
      return !!s && s.ready && Date.now() - s.lastSeen <= heartbeatTimeoutMs;
    },
    isConnected: (hostId) => sessions.has(hostId),
    disconnect(hostId, reason) {
      const s = sessions.get(hostId);
      if (!s) return;
      sessions.delete(hostId);
      s.tunnel.closeAll(reason);
      for (const p of pending.values()) if (p.hostId === hostId) settle(p, resourceUnavailable(`Host ${s.hostName}: ${reason}`));
      s.ws.close(CloseCode.HostRemoved, reason.slice(0, 120));
    },
    openVncStream(hostId, vmId) {
      const s = sessions.get(hostId);
      if (!s) return Promise.reject(resourceUnavailable(`Host ${hostLabel(hostId)} is not connected: its agent is not running`));
      return s.tunnel.open(hostId, vmId);
    },
    connectedHosts: () => [...sessions.keys()],
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(watch);
      const all = [...sessions.values()];
      sessions.clear();
      for (const p of pending.values()) settle(p, resourceUnavailable(`Host ${hostLabel(p.hostId)}: the management server is shutting down`));
      for (const s of all) {
        s.tunnel.closeAll('the management server is shutting down');
        track(hostLinkLost(svc(), s.hostId, 'ManagementServerDown', 'the management server shut down'), 'marking hosts disconnected');
        s.ws.close(CloseCode.ServerShutdown, 'management server shutting down');
      }
      while (work.size > 0) await Promise.all([...work]);
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}
