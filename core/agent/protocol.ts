// The wire protocol between `strata agent` (on a KVM host) and the management server: JSON text frames over one
// WebSocket that the agent opens to `<server>/agent` (the agent dials out, so hosts need no open port).
//
//   agent -> server   hello      first frame: protocol version, agent name, token, capabilities
//   server -> agent   welcome    the host the token belongs to, and the heartbeat interval
//   agent -> server   heartbeat  every `heartbeatMs`; the server answers heartbeat-ack (each side watches the other)
//   server -> agent   request    one HypervisorDriver call: idempotency id, method, arguments
//   agent -> server   progress   bytes done of a long request (snapshots, template copies, migrations)
//   agent -> server   response   the call's result, or its error as data ({ message, code })
//   agent -> server   event      a VM's power state changed on its own (guest poweroff, crash)
//   agent -> server   bye        the agent is shutting down on purpose
//   both ways         stream-*   byte streams to VM consoles, with binary frames (tunnel.ts)
//
// A refusal or an end decided by the server is a WebSocket close code (CloseCode) with a readable reason.
// Request ids are idempotency keys: after a reconnect the server re-sends what was in flight with the same id and
// the agent answers from its journal instead of running the call again (request-journal.ts).
import type { PowerState } from '../hypervisors/driver';

export const PROTOCOL_VERSION = 1;
export const AGENT_PATH = '/agent';

/** What an agent reports about its machine in hello (stored with the host; the driver's HostInfo has the rest). */
export interface AgentCapabilities {
  cpus: number;
  /** MHz per core. */
  cpuMhz: number;
  memoryBytes: number;
  /** kvm or tcg: the outcome of the agent's accelerator probe. */
  accelerator: string;
  qemuVersion: string;
  workDir: string;
  hostname: string;
  agentVersion: string;
}

export interface WireError {
  message: string;
  /** interrupted: the agent restarted while running the request; unknown-method; bad-request. */
  code?: 'interrupted' | 'unknown-method' | 'bad-request' | 'failed';
}

export type AgentMessage =
  | { type: 'hello'; v: number; name: string; token: string; capabilities: AgentCapabilities }
  | { type: 'heartbeat'; seq: number }
  | { type: 'response'; id: string; ok: true; result: unknown }
  | { type: 'response'; id: string; ok: false; error: WireError }
  | { type: 'progress'; id: string; done: number; total: number }
  | { type: 'event'; event: 'power'; vmId: string; state: PowerState }
  | { type: 'bye'; reason: string }
  | { type: 'stream-opened'; sid: number; password: string | null }
  | { type: 'stream-error'; sid: number; message: string }
  | { type: 'stream-close'; sid: number };

export type ServerMessage =
  | { type: 'welcome'; v: number; hostId: string; hostName: string; heartbeatMs: number }
  | { type: 'heartbeat-ack'; seq: number }
  | { type: 'request'; id: string; method: DriverMethod; args: unknown[] }
  | { type: 'stream-open'; sid: number; hostId: string; vmId: string }
  | { type: 'stream-close'; sid: number };

/** Close codes (4000-4999 is the application range). The agent gives up on the fatal ones. */
export const CloseCode = {
  Normal: 1000,
  /** The server could not bring the host up (connectHost failed); the agent retries with backoff. */
  ConnectFailed: 4000,
  BadHello: 4400,
  BadToken: 4401,
  HelloTimeout: 4408,
  /** Another agent connected with the same host's token. */
  Replaced: 4409,
  /** The host was deleted. */
  HostRemoved: 4410,
  /** No heartbeat within the timeout. */
  HeartbeatTimeout: 4411,
  VersionMismatch: 4426,
  ServerShutdown: 1001,
} as const;

export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.BadToken, CloseCode.Replaced, CloseCode.HostRemoved, CloseCode.VersionMismatch, CloseCode.BadHello,
]);

interface MethodInfo {
  /** Longest the server waits for the answer. */
  timeoutMs: number;
  /** Reads the host: safe to run again, so not journaled. */
  read?: boolean;
}

const MIN = 60_000;
/** Every HypervisorDriver method an agent serves (shutdown is the agent's own business). */
export const DRIVER_METHODS = {
  connectHost: { timeoutMs: 2 * MIN },
  disconnectHost: { timeoutMs: MIN },
  pingHost: { timeoutMs: 15_000, read: true },
  startVm: { timeoutMs: 3 * MIN },
  stopVm: { timeoutMs: 5 * MIN },
  rebootVm: { timeoutMs: MIN },
  destroyVm: { timeoutMs: 3 * MIN },
  vmPowerStates: { timeoutMs: MIN, read: true },
  scaleVm: { timeoutMs: MIN },
  migrateVm: { timeoutMs: 15 * MIN },
  createVolume: { timeoutMs: 30 * MIN },
  deleteVolume: { timeoutMs: 5 * MIN },
  resizeVolume: { timeoutMs: 10 * MIN },
  attachVolume: { timeoutMs: 2 * MIN },
  detachVolume: { timeoutMs: 2 * MIN },
  snapshotVolume: { timeoutMs: 65 * MIN },
  revertSnapshot: { timeoutMs: 60 * MIN },
  deleteSnapshot: { timeoutMs: 5 * MIN },
  vmStats: { timeoutMs: 30_000, read: true },
  hostStats: { timeoutMs: 30_000, read: true },
  sampleHost: { timeoutMs: 30_000, read: true },
  pauseVm: { timeoutMs: MIN },
  resumeVm: { timeoutMs: MIN },
  attachIso: { timeoutMs: MIN },
  detachIso: { timeoutMs: MIN },
  ensureTemplate: { timeoutMs: 60 * MIN },
  removeTemplate: { timeoutMs: 5 * MIN },
  consoleEndpoint: { timeoutMs: 30_000, read: true },
  listPoolFiles: { timeoutMs: MIN, read: true },
  storageHeartbeat: { timeoutMs: 15_000 },
  heartbeatAge: { timeoutMs: 15_000, read: true },
  prepareMigration: { timeoutMs: 3 * MIN },
  sendMigration: { timeoutMs: 12 * MIN },
  finishMigration: { timeoutMs: 2 * MIN },
  applyRouter: { timeoutMs: 2 * MIN },
  removeRouter: { timeoutMs: MIN },
  routerRunning: { timeoutMs: 15_000, read: true },
  routerLbHealth: { timeoutMs: 10_000, read: true },
  plugNic: { timeoutMs: MIN },
  unplugNic: { timeoutMs: MIN },
  vmSnapshot: { timeoutMs: 35 * MIN },
  exportImage: { timeoutMs: 65 * MIN },
} as const satisfies Record<string, MethodInfo>;

export type DriverMethod = keyof typeof DRIVER_METHODS;

export const isDriverMethod = (m: unknown): m is DriverMethod =>
  typeof m === 'string' && Object.prototype.hasOwnProperty.call(DRIVER_METHODS, m);

export const methodInfo = (m: DriverMethod): MethodInfo => DRIVER_METHODS[m];

export class ProtocolError extends Error {}

// ---- values on the wire: JSON plus Maps (vmPowerStates) and progress callbacks (sent as a marker) ----

const isMapMarker = (v: Record<string, unknown>) => Object.keys(v).length === 1 && Array.isArray(v.$map);
const isProgressMarker = (v: Record<string, unknown>) => Object.keys(v).length === 1 && v.$progress === true;

/** A driver argument or result as JSON: Maps become {$map: entries}, functions {$progress: true}. */
export function toWire(v: unknown): unknown {
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [k, toWire(x)]) };
  if (typeof v === 'function') return { $progress: true };
  if (Array.isArray(v)) return v.map(toWire);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toWire(x);
    return out;
  }
  return v;
}

/** The inverse of toWire; a progress marker becomes `progress` (or a no-op). */
export function fromWire(v: unknown, progress?: (done: number, total: number) => void): unknown {
  if (Array.isArray(v)) return v.map((x) => fromWire(x, progress));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (isMapMarker(o)) return new Map((o.$map as [string, unknown][]).map(([k, x]) => [k, fromWire(x, progress)]));
    if (isProgressMarker(o)) return progress ?? (() => undefined);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = fromWire(x, progress);
    return out;
  }
  return v;
}

// ---- parsing: every frame is checked before use; a malformed one is a protocol error, not a crash ----

function object(text: string): Record<string, unknown> {
  let v: unknown;
  try { v = JSON.parse(text); } catch { throw new ProtocolError('frame is not JSON'); }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ProtocolError('frame is not a JSON object');
  return v as Record<string, unknown>;
}

function need(o: Record<string, unknown>, key: string, type: 'string' | 'number' | 'boolean' | 'object'): void {
  const t = o[key] === null ? 'null' : Array.isArray(o[key]) ? 'array' : typeof o[key];
  if (t !== type) throw new ProtocolError(`${String(o.type)}: field ${key} must be a ${type}`);
}

const POWER_STATES: ReadonlySet<string> = new Set(['PowerOn', 'PowerOff', 'PowerUnknown']);

export function parseAgentMessage(text: string): AgentMessage {
  const o = object(text);
  switch (o.type) {
    case 'hello':
      need(o, 'v', 'number'); need(o, 'name', 'string'); need(o, 'token', 'string'); need(o, 'capabilities', 'object');
      break;
    case 'heartbeat': need(o, 'seq', 'number'); break;
    case 'response':
      need(o, 'id', 'string'); need(o, 'ok', 'boolean');
      if (o.ok === false) { need(o, 'error', 'object'); need(o.error as Record<string, unknown>, 'message', 'string'); }
      break;
    case 'progress': need(o, 'id', 'string'); need(o, 'done', 'number'); need(o, 'total', 'number'); break;
    case 'event':
      need(o, 'vmId', 'string');
      if (o.event !== 'power' || !POWER_STATES.has(String(o.state))) throw new ProtocolError('event: unknown event or power state');
      break;
    case 'bye': need(o, 'reason', 'string'); break;
    case 'stream-opened':
      need(o, 'sid', 'number');
      if (o.password !== null) need(o, 'password', 'string');
      break;
    case 'stream-error': need(o, 'sid', 'number'); need(o, 'message', 'string'); break;
    case 'stream-close': need(o, 'sid', 'number'); break;
    default: throw new ProtocolError(`unknown message type ${JSON.stringify(o.type)}`);
  }
  return o as unknown as AgentMessage;
}

export function parseServerMessage(text: string): ServerMessage {
  const o = object(text);
  switch (o.type) {
    case 'welcome':
      need(o, 'v', 'number'); need(o, 'hostId', 'string'); need(o, 'hostName', 'string'); need(o, 'heartbeatMs', 'number');
      break;
    case 'heartbeat-ack': need(o, 'seq', 'number'); break;
    case 'request':
      need(o, 'id', 'string');
      if (!Array.isArray(o.args)) throw new ProtocolError('request: args must be an array');
      need(o, 'method', 'string');
      break;
    case 'stream-open': need(o, 'sid', 'number'); need(o, 'hostId', 'string'); need(o, 'vmId', 'string'); break;
    case 'stream-close': need(o, 'sid', 'number'); break;
    default: throw new ProtocolError(`unknown message type ${JSON.stringify(o.type)}`);
  }
  return o as unknown as ServerMessage;
}

// ---- reconnect backoff: exponential, capped, with jitter so a fleet of agents does not reconnect in step ----

export interface BackoffOptions { baseMs: number; maxMs: number }
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** Delay before reconnect attempt `attempt` (0-based): uniformly in [cap/2, cap], cap = min(max, base * 2^attempt). */
export function backoffDelay(attempt: number, o: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const cap = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.round(cap / 2 + random() * (cap / 2));
}
