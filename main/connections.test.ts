// The ConnectionManager against a REAL Strata server in this process (startTestServer): key-signed and session
// connections, CloudStack's error text on failure, backoff retries, and secrets kept out of the metadata file.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, sessionClient, ADMIN_PASSWORD, type TestServer } from '../core/testing/harness';
import { ConnectionManager, backoffDelay, type Timers } from './connections';
import { MemorySecretStore } from './secret-store';
import { IpcFailure } from './ipc';
import type { ConnectionInfo } from './ipc-contract';

let t: TestServer;
let keys: { apikey: string; secretkey: string };

beforeAll(async () => {
  t = await startTestServer();
  const admin = await sessionClient(t.url);
  const r = await admin.call('registerUserKeys', { id: admin.login.userid });
  keys = r.json.registeruserkeysresponse.userkeys;
});
afterAll(async () => { await t?.stop(); });

function manager(over: Partial<ConstructorParameters<typeof ConnectionManager>[0]> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-main-'));
  const secrets = new MemorySecretStore();
  const changes: ConnectionInfo[][] = [];
  const m = new ConnectionManager({ dataDir, secrets, onChange: (l) => changes.push(l), ...over });
  return { m, dataDir, secrets, changes };
}

const keysDraft = (secretKey: string, url = t.url) =>
  ({ kind: 'strata' as const, name: 'Lab', url: `${url}/client/api`, auth: { type: 'keys' as const, apiKey: keys.apikey, secretKey } });
const passwordDraft = (password: string) =>
  ({ kind: 'cloudstack' as const, name: 'Session', url: t.url, auth: { type: 'password' as const, username: 'admin', password, domain: '/' } });

describe('remote connections', () => {
  it('signs requests with API keys: listZones and an odd-character POST work', async () => {
    const { m } = manager();
    const info = await m.add(keysDraft(keys.secretkey));
    expect(info).toMatchObject({ kind: 'strata', url: t.url, authType: 'keys', status: { state: 'ready', version: '4.20.0.0-strata' } });
    const zones = await m.call(info.id, 'listZones');
    expect(zones).toEqual({ ok: true, value: { listzonesresponse: expect.any(Object) } });
    // Values that URL-encoders disagree on must still verify (signature canonicalization matches the server's).
    const created = await m.call(info.id, 'createDomain', { name: "lab (a) ~*!'x" }, 'POST');
    expect(created).toMatchObject({ ok: true, value: { createdomainresponse: { domain: { name: "lab (a) ~*!'x" } } } });
    const listed = await m.call(info.id, 'listDomains', { keyword: "lab (a) ~*!'x", listall: 'true' });
    expect(listed.ok && listed.value.listdomainsresponse.count).toBe(1);
    await m.stop();
  });

  it('returns CloudStack errors as data with CloudStack codes and text', async () => {
    const { m } = manager();
    const info = await m.add(keysDraft(keys.secretkey));
    const r = await m.call(info.id, 'listZones', { id: 'not-a-uuid' });
    expect(r).toMatchObject({ ok: false, error: { code: 'api', errorcode: 431 } });
    expect(await m.call('nope', 'listZones')).toEqual({ ok: false, error: { code: 'not-found', message: 'no connection with id nope' } });
    await m.stop();
  });

  it('logs in with username/password and logs in again after the session is dropped', async () => {
    const { m } = manager();
    const info = await m.add(passwordDraft(ADMIN_PASSWORD));
    expect(info).toMatchObject({ authType: 'password', username: 'admin', domain: '/', status: { state: 'ready' } });
    expect((await m.call(info.id, 'listZones')).ok).toBe(true);
    expect(await m.call(info.id, 'logout')).toEqual({ ok: true, value: { logoutresponse: { description: 'success' } } });
    const again = await m.call(info.id, 'listZones');
    expect(again.ok).toBe(true);
    expect(m.get(info.id).status.state).toBe('ready');
    await m.stop();
  });

  it('a wrong secret shows a failed status with CloudStack\'s text, and retries', async () => {
    const scheduled: number[] = [];
    const timers: Timers = { setTimeout: (_fn, ms) => { scheduled.push(ms); return scheduled.length; }, clearTimeout: () => {} };
    const { m } = manager({ timers });
    const info = await m.add(keysDraft('wrong-secret'));
    expect(info.status).toMatchObject({ state: 'failed', reason: 'unable to verify user credentials and/or request signature',
      errorcode: 401, attempt: 1, retryAt: expect.any(Number) });
    expect(scheduled).toEqual([1000]);
    expect(await m.call(info.id, 'listZones')).toEqual({ ok: false, error: { code: 'not-ready',
      message: "connection 'Lab' is not ready: unable to verify user credentials and/or request signature" } });
    await m.retry(info.id);
    expect(m.get(info.id).status).toMatchObject({ state: 'failed', attempt: 2 });
    expect(scheduled).toEqual([1000, 2000]);
    const pw = await m.add(passwordDraft('wrong-password'));
    expect(pw.status).toMatchObject({ state: 'failed', errorcode: 531 });
    expect((pw.status as any).reason).toMatch(/^Failed to authenticate user admin in domain .*; please provide valid credentials$/);
    await m.stop();
  });

  it('an unreachable server fails with the network reason, backs off, and recovers', async () => {
    const pending: (() => void)[] = [];
    const delays: number[] = [];
    const timers: Timers = { setTimeout: (fn, ms) => { delays.push(ms); pending.push(fn); return pending.length; }, clearTimeout: () => {} };
    let down = 3;
    const flaky = (url: string, init: RequestInit) => (down-- > 0 ? Promise.reject(Object.assign(new TypeError('fetch failed'),
      { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' } })) : fetch(url, init));
    const { m, changes } = manager({ timers, fetch: flaky });
    const info = await m.add(keysDraft(keys.secretkey));
    expect(info.status).toMatchObject({ state: 'failed', reason: `cannot reach ${t.url}/client/api: connect ECONNREFUSED 127.0.0.1:9` });
    // Each retry settles a moment after its timer fires (a fetch, then a login): wait for its outcome, not a fixed
    // time. The next retry's timer is set before the failure is reported.
    for (const attempt of [2, 3]) {
      pending.shift()!();
      await expect.poll(() => m.get(info.id).status, { timeout: 5_000, interval: 5 }).toMatchObject({ state: 'failed', attempt });
    }
    pending.shift()!();
    await expect.poll(() => m.get(info.id).status.state, { timeout: 5_000, interval: 5 }).toBe('ready');
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(changes.at(-1)![0].status.state).toBe('ready');
    expect(backoffDelay(20)).toBe(60_000);
    await m.stop();
  });

  it('keeps secrets out of the metadata file, restores connections, and forgets secrets on remove', async () => {
    const { m, dataDir, secrets } = manager();
    const a = await m.add(keysDraft(keys.secretkey));
    const b = await m.add(passwordDraft(ADMIN_PASSWORD));
    const onDisk = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f), 'utf8')).join('\n');
    expect(onDisk).toContain(a.id);
    expect(onDisk).not.toContain(keys.secretkey);
    expect(onDisk).not.toContain(keys.apikey);
    expect(onDisk).not.toContain(ADMIN_PASSWORD);
    expect(JSON.stringify(m.list())).not.toContain(keys.secretkey);
    expect(JSON.stringify(m.list())).not.toContain(ADMIN_PASSWORD);
    expect(JSON.parse(secrets.entries.get(`connection:${a.id}`)!)).toEqual({ type: 'keys', apiKey: keys.apikey, secretKey: keys.secretkey });
    await m.stop();

    const reopened = new ConnectionManager({ dataDir, secrets });
    await reopened.start();
    expect(reopened.list().map((c) => [c.id, c.status.state])).toEqual([[a.id, 'ready'], [b.id, 'ready']]);
    await reopened.remove(a.id);
    expect(secrets.entries.has(`connection:${a.id}`)).toBe(false);
    expect(readFileSync(join(dataDir, 'connections.json'), 'utf8')).not.toContain(a.id);
    await expect(reopened.remove(a.id)).rejects.toBeInstanceOf(IpcFailure);
    await reopened.stop();
  });

  it('tests a draft without saving it', async () => {
    const { m, dataDir, secrets } = manager();
    expect(await m.test(passwordDraft(ADMIN_PASSWORD))).toMatchObject({ username: 'admin', account: 'admin', version: '4.20.0.0-strata' });
    await expect(m.test(keysDraft('bad'))).rejects.toMatchObject({ error: { code: 'api', errorcode: 401 } });
    await expect(m.test({ ...keysDraft('bad'), url: 'ftp://x' })).rejects.toMatchObject({ error: { code: 'invalid-payload' } });
    expect(readdirSync(dataDir)).toEqual([]);
    expect(secrets.entries.size).toBe(0);
  });
});
