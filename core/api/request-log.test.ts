// What the management server logs about API requests: no secret of a login or a signed request reaches the log,
// and the async job a request submits logs under that request's id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLog } from '../testing/capture-log';
import { ADMIN_PASSWORD, keyClient, sessionClient, startTestServer, waitJob, type TestServer } from '../testing/harness';

describe('request logging', () => {
  const out = captureLog('debug');
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer({ log: out.log }); }, 60_000);
  afterAll(async () => { await t?.stop(); });

  it('a login and a signed request leave no password, session key, API key, secret key or signature in the log', async () => {
    const admin = await sessionClient(t.url);
    await admin.call('listZones');
    const keys = (await admin.call('registerUserKeys', { id: admin.login.userid })).json.registeruserkeysresponse.userkeys;
    const signed = keyClient(t.url, keys.apikey, keys.secretkey);
    const r = await signed('listZones', {});
    expect(r.status).toBe(200);
    const bad = await signed('listZones', { zzz: 'tampered' }, { expires: new Date(Date.now() - 60_000) });
    expect(bad.status).toBe(401);

    const text = out.lines.join('');
    expect(text).toContain('"msg":"api request"');
    for (const secret of [ADMIN_PASSWORD, admin.sessionKey, keys.apikey, keys.secretkey]) expect(text).not.toContain(secret);
    // Every request line shows the parameters, with the secret ones redacted.
    const lines = out.records().filter((r) => r.msg === 'api request');
    expect(lines.some((l) => String(l.body).includes('password=[REDACTED]'))).toBe(true);
    expect(lines.some((l) => String(l.query).includes('signature=[REDACTED]') && String(l.query).includes('apiKey=[REDACTED]'))).toBe(true);
  });

  it("carries the request id into the async job's log lines", async () => {
    const admin = await sessionClient(t.url);
    const domain = (await admin.call('createDomain', { name: 'ToDelete' })).json.createdomainresponse.domain;
    const res = await fetch(`${t.url}/client/api?${new URLSearchParams({ command: 'deleteDomain', id: domain.id, response: 'json', sessionkey: admin.sessionKey })}`,
      { headers: { cookie: `sessionkey=${admin.sessionKey}`, 'x-request-id': 'req-delete-domain-1' } });
    expect(res.headers.get('x-request-id')).toBe('req-delete-domain-1');
    const { jobid } = ((await res.json()) as { deletedomainresponse: { jobid: string } }).deletedomainresponse;
    expect((await waitJob(admin.call, jobid)).jobstatus).toBe(1);
    const jobLines = out.records().filter((r) => r.jobId === jobid);
    expect(jobLines.length).toBeGreaterThanOrEqual(2); // started, succeeded
    for (const l of jobLines) expect(l.reqId).toBe('req-delete-domain-1');
    // Requests without an id get one, answered in X-Request-Id.
    const plain = await fetch(`${t.url}/client/api?command=listZones&response=json`, { headers: { cookie: `sessionkey=${admin.sessionKey}` } });
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
