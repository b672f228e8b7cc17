// Test fixture: a real core (SQLite file in a temp folder) behind a real HTTP server on 127.0.0.1, plus small
// clients that speak the API the way external clients do (form POST login + sessionkey, or signed API keys).
import { mkdtempSync, rmSync } from 'node:fs';
import { killQemuProcessesUnder } from './qemu-cleanup';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, startServer, type Core, type CoreOptions, type RunningServer } from '../index';
import { silentLogger } from '../kernel/logger';
import { canonicalString, signCanonical } from '../api/signature';
import { testDatabaseUrl } from './test-db';

export const ADMIN_PASSWORD = 'test-admin-password';

export interface TestServer {
  core: Core;
  /** The database URL (or SQLite file) the core opened. */
  db: string;
  server: RunningServer;
  dataDir: string;
  url: string;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/**
 * Test servers let the root admin register images from 127.0.0.1 (the tests' own file servers), the opt-in an
 * operator sets with allow.internal.url.hosts.for.root.admin; `settings` overrides it and adds others.
 */
export const TEST_SETTINGS: Record<string, string> = { 'allow.internal.url.hosts.for.root.admin': 'true' };

/** A core and its HTTP server; its database is the data folder's SQLite file, or under the MariaDB test run
 * (STRATA_TEST_MYSQL) a database of its own standing for that file (a restart on the same dataDir re-opens it). */
export async function startTestServer(opts: { dataDir?: string; hostPingIntervalMs?: number; agents?: CoreOptions['agents'];
  settings?: Record<string, string>; log?: CoreOptions['log'];
  /** Another server's database (several management servers on one database). */ db?: string;
  cluster?: CoreOptions['cluster']; metrics?: CoreOptions['metrics']; clock?: CoreOptions['clock'];
  /** The scheduler ticks only when a test calls core.scheduler.tick(), unless given an interval here. */
  scheduler?: CoreOptions['scheduler'] } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'strata-test-'));
  const db = opts.db ?? await testDatabaseUrl(join(dataDir, 'strata.db'));
  const core = await createCore({ dataDir, db, adminPassword: ADMIN_PASSWORD, log: opts.log ?? silentLogger, hostPingIntervalMs: opts.hostPingIntervalMs ?? 0,
    agents: opts.agents, cluster: opts.cluster, settings: { ...TEST_SETTINGS, ...opts.settings },
    metrics: opts.metrics ?? { intervalMs: 0 }, clock: opts.clock, scheduler: opts.scheduler ?? { intervalMs: 0 } });
  const server = await startServer(core, { host: '127.0.0.1', port: 0 });
  return {
    core, server, dataDir, db, url: server.url,
    stop: async ({ keepData = false } = {}) => {
      await server.close();
      await core.stop();
      if (!keepData) {
        // Guests of the server's local KVM hosts outlive it by design; with their data gone they must not run on.
        killQemuProcessesUnder(dataDir);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export interface ApiReply { status: number; contentType: string; text: string; json: any; headers: Headers }

async function reply(res: Response): Promise<ApiReply> {
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json, headers: res.headers };
}

/** A client holding a login session (what the web UI and browser mode do). */
export async function sessionClient(url: string, username = 'admin', password = ADMIN_PASSWORD, domain?: string) {
  const form = new URLSearchParams({ command: 'login', username, password, response: 'json', ...(domain ? { domain } : {}) });
  const res = await reply(await fetch(`${url}/client/api`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
  if (res.status !== 200) throw new Error(`login failed: ${res.text}`);
  const key: string = res.json.loginresponse.sessionkey;
  const call = async (command: string, params: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET') => {
    const q = new URLSearchParams({ command, response: 'json', sessionkey: key, ...params });
    const r = method === 'GET'
      ? await fetch(`${url}/client/api?${q}`, { headers: { cookie: `sessionkey=${key}` } })
      : await fetch(`${url}/client/api`, { method: 'POST', body: q, headers: { cookie: `sessionkey=${key}`, 'content-type': 'application/x-www-form-urlencoded' } });
    return reply(r);
  };
  return { sessionKey: key, login: res.json.loginresponse, call };
}

/** A client signing requests with API keys, signature version 3 (what python cs, CloudMonkey and the Go SDK do). */
export function keyClient(url: string, apiKey: string, secret: string) {
  return async (command: string, params: Record<string, string> = {}, o: { expires?: Date; algo?: 'sha1' | 'sha512' } = {}) => {
    const expires = (o.expires ?? new Date(Date.now() + 600_000)).toISOString().replace(/\.\d+Z$/, 'Z');
    const all: [string, string][] = Object.entries({ command, response: 'json', apiKey, signatureVersion: '3', expires, ...params });
    const signature = signCanonical(canonicalString(all), secret, o.algo ?? 'sha1');
    const q = new URLSearchParams([...all, ['signature', signature]]);
    return reply(await fetch(`${url}/client/api?${q}`));
  };
}

/** Polls queryAsyncJobResult until the job finishes. */
export async function waitJob(call: (c: string, p?: Record<string, string>) => Promise<ApiReply>, jobid: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await call('queryAsyncJobResult', { jobid });
    const j = r.json?.queryasyncjobresultresponse;
    if (j && j.jobstatus !== 0) return j;
    if (Date.now() > until) throw new Error(`job ${jobid} did not finish: ${r.text}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}
