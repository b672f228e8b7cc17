// The one IPC contract between the renderer and main. From this file derive:
//   - the preload allow-list and the object it exposes on `window.strata` (`buildBridge`),
//   - main's payload validators (`validateRequest`), used by the single `handle()` wrapper,
//   - the renderer's types (`DesktopBridge`, `ConnectionInfo`, ...), imported with `import type`.
// Pure: no Node, no Electron, no DOM. Every call answers `IpcResult` (errors travel as data, never as throws).
import { s, validate, type Infer, type Schema } from './ipc-schema';

// ---------------------------------------------------------------------------------------------------- results
export type IpcErrorCode =
  | 'invalid-payload' // the request did not match the channel's schema
  | 'forbidden'       // the sender is not our app's main frame
  | 'not-found'       // unknown connection id
  | 'api'             // the CloudStack API answered an error (errorcode/cserrorcode/errortext are CloudStack's)
  | 'network'         // the server could not be reached, timed out, or answered something that is not the API
  | 'not-ready'       // the connection is failed or still connecting
  | 'keychain'        // the OS keychain refused or is unavailable
  | 'internal';

export interface IpcError { code: IpcErrorCode; message: string; errorcode?: number; cserrorcode?: number }
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

// ------------------------------------------------------------------------------------------------ value types
export type ConnectionKind = 'embedded' | 'strata' | 'cloudstack';

export type ConnectionStatus =
  | { state: 'connecting'; attempt: number }
  | { state: 'ready'; since: number; version?: string }
  | { state: 'failed'; reason: string; errorcode?: number; attempt: number; retryAt: number | null };

/** What the renderer may know about a connection: never a secret. */
export interface ConnectionInfo {
  id: string;
  name: string;
  kind: ConnectionKind;
  /** Server base URL, e.g. https://cloud.example.com (the API is at <url>/client/api). */
  url: string;
  authType: 'keys' | 'password';
  username?: string;
  domain?: string;
  status: ConnectionStatus;
}

export interface ConnectionTestResult { version?: string; username?: string; userId?: string; account?: string }

export interface AppInfo {
  name: string;
  version: string;
  packaged: boolean;
  platform: string;
  arch: string;
  versions: { electron?: string; chrome?: string; node: string };
}

/** Any parsed CloudStack JSON answer, e.g. `{ listzonesresponse: { count, zone: [...] } }`. */
export type CloudStackResponse = Record<string, any>;

/**
 * console:open: a VM console of a connection, as a single-use loopback WebSocket URL that main relays to the
 * server's console proxy (main/console-relay.ts); or why the server gave no console (VM not running, ...).
 */
export type ConsoleOpenResult = { success: true; url: string } | { success: false; details: string };

export type MenuCommand = 'commandPalette' | 'newConnection';

// ------------------------------------------------------------------------------------------------- the schemas
/** Phantom marker carrying a response type; `{}` at runtime. */
export interface Returns<T> { readonly __returns?: T }
const returns = <T>(): Returns<T> => ({});

const connectionId = s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'letters, digits, - or _' });
const secret = (max: number) => s.string({ min: 1, max });

const connectionDraft = s.object({
  kind: s.enum(['strata', 'cloudstack']),
  name: s.string({ min: 1, max: 100 }),
  url: s.url(['http:', 'https:']),
  auth: s.union('type', {
    keys: s.object({ apiKey: secret(512), secretKey: secret(512) }),
    password: s.object({ username: secret(255), password: secret(1024), domain: s.optional(s.string({ max: 1024 })) }),
  }),
});

/** Params main sets itself on every request; the renderer may not pass them. */
export const RESERVED_PARAMS = ['command', 'response', 'apikey', 'signature', 'signatureversion', 'expires', 'sessionkey'] as const;

const apiCall = s.object({
  connectionId,
  command: s.string({ min: 1, max: 100, pattern: /^[A-Za-z][A-Za-z0-9]*$/, patternHint: 'a CloudStack command name (letters and digits)',
    forbidden: ['login', 'logout'] }),
  params: s.optional(s.record({
    key: s.string({ min: 1, max: 128, pattern: /^[A-Za-z][A-Za-z0-9_.[\]-]*$/, patternHint: 'a CloudStack parameter name' }),
    value: s.string({ max: 1_048_576 }),
    maxEntries: 1000,
    forbiddenKeys: RESERVED_PARAMS,
  })),
  method: s.optional(s.enum(['GET', 'POST'])),
});

interface InvokeSpec { request: Schema; response: Returns<unknown> }

export const invokeChannels = {
  'connections:list': { request: s.none(), response: returns<ConnectionInfo[]>() },
  'connections:add': { request: connectionDraft, response: returns<ConnectionInfo>() },
  'connections:remove': { request: s.object({ id: connectionId }), response: returns<null>() },
  'connections:test': { request: connectionDraft, response: returns<ConnectionTestResult>() },
  'connections:retry': { request: s.object({ id: connectionId }), response: returns<ConnectionInfo>() },
  'api:call': { request: apiCall, response: returns<CloudStackResponse>() },
  'console:open': {
    request: s.object({ connectionId, virtualmachineid: s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9-]+$/, patternHint: 'a VM id' }) }),
    response: returns<ConsoleOpenResult>(),
  },
  'app:info': { request: s.none(), response: returns<AppInfo>() },
  'window:minimize': { request: s.none(), response: returns<null>() },
  'window:toggleMaximize': { request: s.none(), response: returns<null>() },
  'window:close': { request: s.none(), response: returns<null>() },
  // While a VM console has focus its keys belong to the guest: the app menu's accelerators stand down.
  'window:setKeyboardGrab': { request: s.object({ grab: s.enum(['on', 'off']) }), response: returns<null>() },
} as const satisfies Record<`${string}:${string}`, InvokeSpec>;

/** Main -> renderer notifications. */
export const eventChannels = {
  'connections:changed': returns<ConnectionInfo[]>(),
  'app:menuCommand': returns<{ command: MenuCommand }>(),
} as const satisfies Record<`${string}:${string}`, Returns<unknown>>;

// ------------------------------------------------------------------------------------------- derived types
export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type RequestOf<C extends InvokeChannel> = Infer<(typeof invokeChannels)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = (typeof invokeChannels)[C]['response'] extends Returns<infer T> ? T : never;
export type EventPayload<E extends EventChannel> = (typeof eventChannels)[E] extends Returns<infer T> ? T : never;
export type ConnectionDraft = Infer<typeof connectionDraft>;
export type ApiCallRequest = Infer<typeof apiCall>;

type BridgeFn<C extends InvokeChannel> = RequestOf<C> extends void
  ? () => Promise<IpcResult<ResponseOf<C>>>
  : (request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>;
type Namespace = InvokeChannel extends `${infer N}:${string}` ? N : never;

/** What the preload exposes on `window.strata` (renderer: `import type { DesktopBridge } from '.../main/ipc-contract'`). */
export type DesktopBridge = {
  readonly [N in Namespace]: { readonly [C in InvokeChannel as C extends `${N}:${infer M}` ? M : never]: BridgeFn<C> };
} & {
  /** Subscribes to a main -> renderer event; returns the unsubscribe function. */
  readonly on: <E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void) => () => void;
};

// ------------------------------------------------------------------------------------------ runtime helpers
export const invokeChannelNames = Object.keys(invokeChannels) as InvokeChannel[];
export const eventChannelNames = Object.keys(eventChannels) as EventChannel[];

export const isInvokeChannel = (c: unknown): c is InvokeChannel => typeof c === 'string' && Object.hasOwn(invokeChannels, c);
export const isEventChannel = (c: unknown): c is EventChannel => typeof c === 'string' && Object.hasOwn(eventChannels, c);

/** Null when the payload is acceptable for the channel, else a sentence saying which field is wrong and why. */
export function validateRequest(channel: InvokeChannel, payload: unknown): string | null {
  return validate(invokeChannels[channel].request, payload, 'request');
}

export interface BridgeTransport {
  invoke(channel: InvokeChannel, payload: unknown): Promise<unknown>;
  /** Must hand the listener only the payload, never the IPC event object. Returns the unsubscribe function. */
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

/**
 * Builds the object the preload exposes: one function per allow-listed channel and a guarded `on`. A transport
 * failure (no handler, closed window) becomes an `{ok:false}` value, so the renderer never needs try/catch.
 */
export function buildBridge(t: BridgeTransport): DesktopBridge {
  const out: Record<string, Record<string, (request?: unknown) => Promise<unknown>>> = {};
  for (const channel of invokeChannelNames) {
    const [ns, method] = channel.split(':') as [string, string];
    out[ns] ??= {};
    out[ns][method] = (request?: unknown) => t.invoke(channel, request).catch((e: unknown) => ({
      ok: false, error: { code: 'internal', message: `IPC ${channel} failed: ${e instanceof Error ? e.message : String(e)}` },
    }));
  }
  const on = (event: unknown, listener: unknown) => {
    if (!isEventChannel(event)) throw new Error(`unknown event channel: ${String(event)}`);
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    return t.subscribe(event, (payload) => (listener as (p: unknown) => void)(payload));
  };
  return Object.freeze({ ...Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Object.freeze(v)])), on }) as unknown as DesktopBridge;
}
