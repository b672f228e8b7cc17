// The ConnectionManager: the embedded core plus any number of remote Strata or Apache CloudStack servers, open at
// once. Each connection has a status (connecting / ready / failed with CloudStack's reason) and reconnects with
// exponential backoff. Secrets stay in the SecretStore and in this process: the renderer only ever sees
// `ConnectionInfo`. Written against interfaces (fetch, SecretStore, CoreLauncher, timers) so it runs in plain Node.
import { randomUUID } from 'node:crypto';
import { CloudStackClient, normalizeServerUrl, type FetchLike, type ServerAuth } from './cloudstack-client';
import { loadConnections, saveConnections, type StoredConnection } from './connection-store';
import type { CoreLauncher } from './embedded-core';
import { loadOrCreateEmbeddedSecret, registerEmbeddedKeys, EMBEDDED_ADMIN } from './embedded-credentials';
import type {
  CloudStackResponse, ConnectionDraft, ConnectionInfo, ConnectionStatus, ConnectionTestResult, IpcError, IpcResult,
} from './ipc-contract';
import { IpcFailure } from './ipc';
import { SecretStoreError, type SecretStore } from './secret-store';

export const EMBEDDED_ID = 'embedded';
const secretAccount = (id: string) => `connection:${id}`;

export interface Timers { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void }

export interface ConnectionManagerOptions {
  /** Where connections.json lives (the app's userData folder). */
  dataDir: string;
  secrets: SecretStore;
  fetch?: FetchLike;
  /** The embedded core; absent = remote connections only. */
  embedded?: CoreLauncher | null;
  backoff?: { initialMs: number; maxMs: number };
  timers?: Timers;
  now?: () => number;
  newId?: () => string;
  onChange?: (list: ConnectionInfo[]) => void;
  requestTimeoutMs?: number;
}

interface Entry {
  info: Omit<ConnectionInfo, 'status'>;
  status: ConnectionStatus;
  client: CloudStackClient | null;
  failures: number;
  timer: unknown;
  connecting: Promise<void> | null;
  removed: boolean;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); t.unref?.(); return t; },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Delay before retry number `failures` (1, 2, 3...): initial, doubled each time, capped. */
export function backoffDelay(failures: number, b = { initialMs: 1000, maxMs: 60_000 }): number {
  return Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, failures - 1));
}

const keychainError = (e: unknown): IpcError =>
  ({ code: 'keychain', message: e instanceof Error ? e.message : String(e) });

export class ConnectionManager {
  readonly #o: ConnectionManagerOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #timers: Timers;
  readonly #now: () => number;
  #stopped = false;

  constructor(o: ConnectionManagerOptions) {
    this.#o = o;
    this.#timers = o.timers ?? defaultTimers;
    this.#now = o.now ?? Date.now;
    o.embedded?.onExit((reason) => {
      const e = this.#entries.get(EMBEDDED_ID);
      if (e && !this.#stopped) { e.client = null; this.#fail(e, { code: 'internal', message: reason }); }
    });
  }

  /** Loads the saved connections, starts the embedded core, and makes a first attempt on each (in parallel). */
  async start(): Promise<void> {
    if (this.#o.embedded) {
      this.#add({ id: EMBEDDED_ID, name: 'This computer', kind: 'embedded', url: 'http://127.0.0.1', authType: 'keys', username: EMBEDDED_ADMIN });
    }
    for (const c of loadConnections(this.#o.dataDir)) this.#add(c);
    await Promise.all([...this.#entries.values()].map((e) => this.#attempt(e)));
  }

  list(): ConnectionInfo[] {
    return [...this.#entries.values()].map((e) => ({ ...e.info, status: { ...e.status } }));
  }

  get(id: string): ConnectionInfo {
    const e = this.#entry(id);
    return { ...e.info, status: { ...e.status } };
  }

  /** Saves a remote connection (secret to the keychain first) and answers after its first attempt. */
  async add(draft: ConnectionDraft): Promise<ConnectionInfo> {
    const url = this.#url(draft.url);
    const id = (this.#o.newId ?? randomUUID)();
    const meta: StoredConnection = {
      id, name: draft.name, kind: draft.kind, url, authType: draft.auth.type,
      ...(draft.auth.type === 'password' ? { username: draft.auth.username, ...(draft.auth.domain ? { domain: draft.auth.domain } : {}) } : {}),
    };
    const secret = draft.auth.type === 'keys'
      ? { type: 'keys', apiKey: draft.auth.apiKey, secretKey: draft.auth.secretKey }
      : { type: 'password', password: draft.auth.password };
    try { await this.#o.secrets.set(secretAccount(id), JSON.stringify(secret)); } catch (e) { throw new IpcFailure(keychainError(e)); }
    const e = this.#add(meta);
    this.#persist();
    await this.#attempt(e);
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const e = this.#entry(id);
    if (e.info.kind === 'embedded') throw new IpcFailure({ code: 'invalid-payload', message: 'the embedded connection cannot be removed' });
    e.removed = true;
    this.#timers.clearTimeout(e.timer);
    this.#entries.delete(id);
    this.#persist();
    this.#changed();
    await e.client?.close();
    try { await this.#o.secrets.delete(secretAccount(id)); } catch (err) { throw new IpcFailure(keychainError(err)); }
  }

  /** Tries credentials without saving anything. */
  async test(draft: ConnectionDraft): Promise<ConnectionTestResult> {
    const client = new CloudStackClient({ url: this.#url(draft.url), auth: draft.auth as ServerAuth, fetch: this.#o.fetch, timeoutMs: this.#o.requestTimeoutMs });
    const r = await client.connect();
    await client.close();
    if (!r.ok) throw new IpcFailure(r.error);
    return r.value;
  }

  /** Reconnects now, skipping the backoff wait. */
  async retry(id: string): Promise<ConnectionInfo> {
    const e = this.#entry(id);
    await this.#attempt(e);
    return this.get(id);
  }

  /** One API call on a connection. CloudStack errors come back as data, with CloudStack's codes and text. */
  async call(id: string, command: string, params: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET'): Promise<IpcResult<CloudStackResponse>> {
    const e = this.#entries.get(id);
    if (!e) return { ok: false, error: { code: 'not-found', message: `no connection with id ${id}` } };
    if (e.connecting) await e.connecting;
    if (e.status.state !== 'ready' || !e.client) {
      const why = e.status.state === 'failed' ? e.status.reason : 'still connecting';
      return { ok: false, error: { code: 'not-ready', message: `connection '${e.info.name}' is not ready: ${why}` } };
    }
    let r = await e.client.call(command, params, method);
    if (!r.ok && r.error.errorcode === 401 && e.info.kind === 'embedded') {
      const renewed = await this.#renewEmbeddedKeys(e);  // keys rotated from the console, or core data reset
      if (renewed) r = await e.client.call(command, params, method);
    }
    if (!r.ok && r.error.code === 'network' && !e.connecting) this.#fail(e, r.error);
    return r;
  }

  /** Stops retry timers, ends login sessions and stops the embedded core. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const e of this.#entries.values()) this.#timers.clearTimeout(e.timer);
    await Promise.all([...this.#entries.values()].map((e) => e.client?.close()));
    await this.#o.embedded?.stop();
  }

  // ---------------------------------------------------------------------------------------------- internals

  #url(input: string): string {
    const n = normalizeServerUrl(input);
    if (!n.ok) throw new IpcFailure({ code: 'invalid-payload', message: n.message });
    return n.url;
  }

  #entry(id: string): Entry {
    const e = this.#entries.get(id);
    if (!e) throw new IpcFailure({ code: 'not-found', message: `no connection with id ${id}` });
    return e;
  }

  #add(info: Omit<ConnectionInfo, 'status'>): Entry {
    const e: Entry = { info, status: { state: 'connecting', attempt: 0 }, client: null, failures: 0, timer: null, connecting: null, removed: false };
    this.#entries.set(info.id, e);
    return e;
  }

  #persist(): void {
    const remote = [...this.#entries.values()].filter((e) => e.info.kind !== 'embedded').map((e) => e.info as StoredConnection);
    saveConnections(this.#o.dataDir, remote);
  }

  #changed(): void { this.#o.onChange?.(this.list()); }

  #setStatus(e: Entry, status: ConnectionStatus): void {
    e.status = status;
    this.#changed();
  }

  #attempt(e: Entry): Promise<void> {
    if (e.connecting) return e.connecting;
    this.#timers.clearTimeout(e.timer);
    e.timer = null;
    this.#setStatus(e, { state: 'connecting', attempt: e.failures + 1 });
    const run = async () => {
      let r: IpcResult<ConnectionTestResult>;
      try {
        r = e.info.kind === 'embedded' ? await this.#connectEmbedded(e) : await this.#connectRemote(e);
      } catch (err) {
        r = { ok: false, error: err instanceof SecretStoreError ? keychainError(err) : { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
      }
      if (e.removed || this.#stopped) return;
      if (r.ok) {
        e.failures = 0;
        this.#setStatus(e, { state: 'ready', since: this.#now(), ...(r.value.version ? { version: r.value.version } : {}) });
      } else {
        this.#fail(e, r.error);
      }
    };
    e.connecting = run().finally(() => { e.connecting = null; });
    return e.connecting;
  }

  #fail(e: Entry, error: IpcError): void {
    e.failures += 1;
    this.#timers.clearTimeout(e.timer);
    const delay = backoffDelay(e.failures, this.#o.backoff);
    const retryAt = this.#stopped ? null : this.#now() + delay;
    e.timer = this.#stopped ? null : this.#timers.setTimeout(() => { e.timer = null; void this.#attempt(e); }, delay);
    this.#setStatus(e, { state: 'failed', reason: error.message, attempt: e.failures, retryAt,
      ...(error.errorcode !== undefined ? { errorcode: error.errorcode } : {}) });
  }

  async #connectRemote(e: Entry): Promise<IpcResult<ConnectionTestResult>> {
    const raw = await this.#o.secrets.get(secretAccount(e.info.id));
    if (!raw) return { ok: false, error: { code: 'keychain', message: 'the secret of this connection is missing from the OS keychain; remove the connection and add it again' } };
    const s = JSON.parse(raw);
    const auth: ServerAuth = s.type === 'keys'
      ? { type: 'keys', apiKey: s.apiKey, secretKey: s.secretKey }
      : { type: 'password', username: e.info.username ?? '', password: s.password, ...(e.info.domain ? { domain: e.info.domain } : {}) };
    await e.client?.close();
    const client = new CloudStackClient({ url: e.info.url, auth, fetch: this.#o.fetch, timeoutMs: this.#o.requestTimeoutMs });
    const r = await client.connect();
    e.client = r.ok ? client : null;
    return r;
  }

  async #connectEmbedded(e: Entry): Promise<IpcResult<ConnectionTestResult>> {
    let secret = await loadOrCreateEmbeddedSecret(this.#o.secrets);
    const { url } = await this.#o.embedded!.start({ adminPassword: secret.adminPassword });
    e.info = { ...e.info, url };
    if (!secret.apiKey || !secret.secretKey) {
      const reg = await registerEmbeddedKeys(url, this.#o.secrets, secret, this.#o.fetch);
      if (!reg.ok) return reg;
      secret = reg.value;
    }
    const client = new CloudStackClient({ url, auth: { type: 'keys', apiKey: secret.apiKey!, secretKey: secret.secretKey! }, fetch: this.#o.fetch });
    e.client = client;
    const r = await client.connect();
    if (r.ok || r.error.errorcode !== 401) return r;
    return (await this.#renewEmbeddedKeys(e)) ? client.connect() : r;
  }

  async #renewEmbeddedKeys(e: Entry): Promise<boolean> {
    const current = await loadOrCreateEmbeddedSecret(this.#o.secrets);
    const reg = await registerEmbeddedKeys(e.info.url, this.#o.secrets, current, this.#o.fetch);
    if (!reg.ok) return false;
    e.client?.setAuth({ type: 'keys', apiKey: reg.value.apiKey!, secretKey: reg.value.secretKey! });
    return true;
  }
}
