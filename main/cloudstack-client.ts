// A CloudStack API client for main: signs requests with API keys (signature version 3, as python cs and the Go
// SDK do) or holds a login session (sessionkey parameter + the server's cookies, re-login once on 401). Works
// against Strata and Apache CloudStack alike. Answers are data: `{ok:true, value: <parsed JSON>}` or an IpcError
// carrying CloudStack's errorcode/cserrorcode/errortext.
import { canonicalString, signCanonical } from '../core/public-signing';
import type { CloudStackResponse, ConnectionTestResult, IpcError, IpcResult } from './ipc-contract';

export type ServerAuth =
  | { type: 'keys'; apiKey: string; secretKey: string }
  | { type: 'password'; username: string; password: string; domain?: string };

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Server base URL as returned by `normalizeServerUrl`. */
  url: string;
  auth: ServerAuth;
  fetch?: FetchLike;
  timeoutMs?: number;
  now?: () => number;
}

/** Accepts what operators paste (`host:8080/client/api`, trailing slashes) and returns the base URL. */
export function normalizeServerUrl(input: string): { ok: true; url: string } | { ok: false; message: string } {
  let u: URL;
  try { u = new URL(input.trim()); } catch { return { ok: false, message: `not a valid URL: '${input}'` }; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, message: `the URL must start with http:// or https:// (got ${u.protocol})` };
  if (u.username || u.password) return { ok: false, message: 'the URL must not contain a user name or password' };
  if (!u.hostname) return { ok: false, message: `the URL has no host: '${input}'` };
  let path = u.pathname.replace(/\/+$/, '');
  if (path.toLowerCase().endsWith('/client/api')) path = path.slice(0, -'/client/api'.length);
  else if (path.toLowerCase().endsWith('/client')) path = path.slice(0, -'/client'.length);
  return { ok: true, url: `${u.protocol}//${u.host}${path}` };
}

export const apiEndpoint = (baseUrl: string) => `${baseUrl}/client/api`;

/** ISO-8601 without milliseconds, as CloudStack's `expires` parser expects. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SIGNATURE_LIFETIME_MS = 10 * 60_000;

/** The query pairs of a key-signed request (HMAC-SHA1, understood by every CloudStack version). */
export function signedParams(pairs: [string, string][], apiKey: string, secretKey: string, nowMs: number): [string, string][] {
  const all: [string, string][] = [...pairs, ['apiKey', apiKey], ['signatureVersion', '3'], ['expires', isoSeconds(nowMs + SIGNATURE_LIFETIME_MS)]];
  return [...all, ['signature', signCanonical(canonicalString(all), secretKey, 'sha1')]];
}

function errorOf(e: unknown, endpoint: string, timeoutMs: number): IpcError {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return { code: 'network', message: `no answer from ${endpoint} within ${Math.round(timeoutMs / 1000)} s` };
  }
  const cause = err?.cause?.message ?? err?.cause?.code ?? err?.message ?? String(e);
  return { code: 'network', message: `cannot reach ${endpoint}: ${cause}` };
}

/** The single `<command>response` object of a CloudStack answer. */
const inner = (json: any): any => (json && typeof json === 'object' ? Object.values(json)[0] : undefined);

async function parseAnswer(res: Response, endpoint: string): Promise<IpcResult<CloudStackResponse>> {
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  if (json === undefined || typeof json !== 'object' || json === null) {
    return { ok: false, error: { code: 'network', message: `${endpoint} answered HTTP ${res.status} without CloudStack JSON (is this the API URL?)` } };
  }
  if (res.status >= 400) {
    const body = inner(json) ?? {};
    return { ok: false, error: {
      code: 'api',
      message: typeof body.errortext === 'string' ? body.errortext : `HTTP ${res.status}`,
      errorcode: typeof body.errorcode === 'number' ? body.errorcode : res.status,
      ...(typeof body.cserrorcode === 'number' ? { cserrorcode: body.cserrorcode } : {}),
    } };
  }
  return { ok: true, value: json };
}

interface Session { key: string; cookies: Map<string, string>; username?: string; userId?: string; account?: string }

export class CloudStackClient {
  readonly endpoint: string;
  #auth: ServerAuth;
  #session: Session | null = null;
  #loggingIn: Promise<IpcResult<Session>> | null = null;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #now: () => number;

  constructor(opts: ClientOptions) {
    this.endpoint = apiEndpoint(opts.url);
    this.#auth = opts.auth;
    this.#fetch = opts.fetch ?? ((url, init) => fetch(url, init));
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
    this.#now = opts.now ?? Date.now;
  }

  setAuth(auth: ServerAuth): void {
    this.#auth = auth;
    this.#session = null;
  }

  /** One API call; with a session, a 401 (session expired or logged out) triggers one re-login and one retry. */
  async call(command: string, params: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET'): Promise<IpcResult<CloudStackResponse>> {
    if (this.#auth.type === 'keys') return this.#send(command, params, method, null);
    let session = this.#session;
    if (!session) {
      const l = await this.#login();
      if (!l.ok) return l;
      session = l.value;
    }
    const first = await this.#send(command, params, method, session);
    if (first.ok || first.error.errorcode !== 401) return first;
    if (this.#session === session) this.#session = null; // nobody re-logged in meanwhile
    const again = await this.#login();
    if (!again.ok) return again;
    return this.#send(command, params, method, again.value);
  }

  /** Checks the credentials: logs in (sessions) and asks for the server's capabilities. */
  async connect(): Promise<IpcResult<ConnectionTestResult>> {
    let who: ConnectionTestResult = {};
    if (this.#auth.type === 'password') {
      this.#session = null;
      const l = await this.#login();
      if (!l.ok) return l;
      who = { username: l.value.username, userId: l.value.userId, account: l.value.account };
    }
    const caps = await this.call('listCapabilities');
    if (!caps.ok) return caps;
    const version = inner(caps.value)?.capability?.cloudstackversion;
    return { ok: true, value: { ...who, ...(typeof version === 'string' ? { version } : {}) } };
  }

  /** Ends the login session, if any (best effort). */
  async close(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (session) await this.#send('logout', {}, 'POST', session).catch(() => undefined);
  }

  #login(): Promise<IpcResult<Session>> {
    return (this.#loggingIn ??= this.#doLogin().finally(() => { this.#loggingIn = null; }));
  }

  async #doLogin(): Promise<IpcResult<Session>> {
    const auth = this.#auth;
    if (auth.type !== 'password') return { ok: false, error: { code: 'internal', message: 'login needs a password connection' } };
    const pairs: [string, string][] = [['command', 'login'], ['username', auth.username], ['password', auth.password], ['response', 'json']];
    if (auth.domain) pairs.push(['domain', auth.domain]);
    const r = await this.#post(pairs, new Map());
    if (!r.ok) return r;
    const body = inner(r.value.json);
    if (typeof body?.sessionkey !== 'string') {
      return { ok: false, error: { code: 'network', message: `${this.endpoint} answered login without a session key` } };
    }
    const session: Session = { key: body.sessionkey, cookies: r.value.cookies, username: body.username, userId: body.userid, account: body.account };
    this.#session = session;
    return { ok: true, value: session };
  }

  async #send(command: string, params: Record<string, string>, method: 'GET' | 'POST', session: Session | null): Promise<IpcResult<CloudStackResponse>> {
    let pairs: [string, string][] = [['command', command], ['response', 'json'], ...Object.entries(params)];
    const auth = this.#auth;
    if (session) pairs.push(['sessionkey', session.key]);
    else if (auth.type === 'keys') pairs = signedParams(pairs, auth.apiKey, auth.secretKey, this.#now());
    const cookies = session?.cookies ?? new Map<string, string>();
    const r = method === 'POST' ? await this.#post(pairs, cookies) : await this.#request(`${this.endpoint}?${new URLSearchParams(pairs)}`, { method: 'GET' }, cookies);
    return r.ok ? { ok: true, value: r.value.json } : r;
  }

  #post(pairs: [string, string][], cookies: Map<string, string>) {
    return this.#request(this.endpoint, {
      method: 'POST', body: new URLSearchParams(pairs).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }, cookies);
  }

  async #request(url: string, init: RequestInit, cookies: Map<string, string>): Promise<IpcResult<{ json: CloudStackResponse; cookies: Map<string, string> }>> {
    const headers = new Headers(init.headers);
    headers.set('accept', 'application/json');
    if (cookies.size > 0) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    let res: Response;
    try {
      res = await this.#fetch(url, { ...init, headers, redirect: 'error', signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (e) {
      return { ok: false, error: errorOf(e, this.endpoint, this.#timeoutMs) };
    }
    const jar = new Map(cookies);
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const pair = c.split(';', 1)[0];
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    let parsed: IpcResult<CloudStackResponse>;
    try { parsed = await parseAnswer(res, this.endpoint); } catch (e) { return { ok: false, error: errorOf(e, this.endpoint, this.#timeoutMs) }; }
    return parsed.ok ? { ok: true, value: { json: parsed.value, cookies: jar } } : parsed;
  }
}
