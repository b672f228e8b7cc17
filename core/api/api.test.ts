// The API as clients meet it over HTTP: auth, envelopes, error codes and texts, XML, paging, roles, async jobs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, sessionClient, keyClient, waitJob, type TestServer } from '../testing/harness';

let t: TestServer;
let admin: Awaited<ReturnType<typeof sessionClient>>;
let keys: { apikey: string; secretkey: string };

beforeAll(async () => {
  t = await startTestServer();
  admin = await sessionClient(t.url);
  const r = await admin.call('registerUserKeys', { id: admin.login.userid }, 'POST');
  keys = r.json.registeruserkeysresponse.userkeys;
});
afterAll(() => t.stop());

describe('authentication', () => {
  it('login answers the session key and admin identity', () => {
    expect(admin.login.username).toBe('admin');
    expect(admin.login.type).toBe('1');
    expect(typeof admin.login.timeout).toBe('number');
    expect(admin.sessionKey.length).toBeGreaterThan(20);
  });

  it('login by GET is refused with 405 and a plain text', async () => {
    const r = await fetch(`${t.url}/client/api?command=login&username=admin&password=x&response=json`);
    expect(r.status).toBe(405);
    expect(await r.text()).toBe('Please use HTTP POST to authenticate using this API');
  });

  it('a wrong password gets 531 with CloudStack text', async () => {
    await expect(sessionClient(t.url, 'admin', 'wrong')).rejects.toThrow(/Failed to authenticate user admin in domain/);
  });

  it('signed requests work with SHA1 and SHA512; wrong secret, expired or unsigned get 401', async () => {
    const ok = await keyClient(t.url, keys.apikey, keys.secretkey)('listZones');
    expect(ok.status).toBe(200);
    const ok512 = await keyClient(t.url, keys.apikey, keys.secretkey)('listZones', {}, { algo: 'sha512' });
    expect(ok512.status).toBe(200);
    const bad = await keyClient(t.url, keys.apikey, 'not-the-secret')('listZones');
    expect(bad.status).toBe(401);
    expect(bad.json.listzonesresponse.errortext).toBe('unable to verify user credentials and/or request signature');
    const expired = await keyClient(t.url, keys.apikey, keys.secretkey)('listZones', {}, { expires: new Date(Date.now() - 1000) });
    expect(expired.status).toBe(401);
    const none = await fetch(`${t.url}/client/api?command=listZones&response=json`);
    expect(none.status).toBe(401);
  });

  it('an unknown command is 401 with keys and 432 errorresponse with a session', async () => {
    expect((await keyClient(t.url, keys.apikey, keys.secretkey)('noSuchCommand')).status).toBe(401);
    const r = await admin.call('noSuchCommand');
    expect(r.status).toBe(432);
    expect(r.json.errorresponse.errortext).toBe('The API [noSuchCommand] does not exist or is not available for the account admin.');
  });

  it('logout ends the session', async () => {
    const s = await sessionClient(t.url);
    expect((await s.call('logout')).json.logoutresponse.description).toBe('success');
    expect((await s.call('listZones')).status).toBe(401);
  });
});

describe('envelopes and errors', () => {
  it('answers XML when response is absent', async () => {
    const r = await fetch(`${t.url}/client/api?command=listCapabilities&sessionkey=${admin.sessionKey}`);
    expect(r.headers.get('content-type')).toBe('text/xml; charset=UTF-8');
    const body = await r.text();
    expect(body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><listcapabilitiesresponse cloud-stack-version="[^"]+"><capability>/);
  });

  it('JSON content type and a single key ending in response', async () => {
    const r = await admin.call('listCapabilities');
    expect(r.contentType).toBe('application/json; charset=UTF-8');
    expect(Object.keys(r.json)).toEqual(['listcapabilitiesresponse']);
    expect(typeof r.json.listcapabilitiesresponse.capability.cloudstackversion).toBe('string');
  });

  it('missing parameter, unknown id, bad integer and malformed map get 431/430 with exact texts', async () => {
    const missing = await admin.call('createZone', { name: 'z' }, 'POST');
    expect(missing.status).toBe(431);
    expect(missing.json.createzoneresponse.errortext).toMatch(/^Unable to execute API command createzone due to missing parameter /);
    expect(missing.json.createzoneresponse.cserrorcode).toBe(9999);
    expect(missing.json.createzoneresponse.uuidList).toEqual([]);
    const id = '6f2a2f4e-0000-4000-8000-000000000000';
    const unknown = await admin.call('listHosts', { id });
    const unknownOrEmpty = unknown.status === 431 ? unknown.json.listhostsresponse.errortext : null;
    if (unknownOrEmpty) expect(unknownOrEmpty).toContain(`Invalid parameter id value=${id} due to incorrect long value format, or entity does not exist`);
    else expect(unknown.json.listhostsresponse).toEqual({});
    const upd = await admin.call('updateZone', { id }, 'POST');
    expect(upd.status).toBe(431);
    expect(upd.json.updatezoneresponse.errortext).toBe(
      `Unable to execute API command updatezone due to invalid value. Invalid parameter id value=${id} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`);
    const badInt = await admin.call('listZones', { page: 'x', pagesize: '10' });
    expect(badInt.status).toBe(431);
    expect(badInt.json.listzonesresponse.errortext).toContain('invalid value x for parameter page');
    const map = await admin.call('listZones', { 'tags[a].key': 'x' });
    expect(map.status).toBe(430);
  });

  it('paging: pagesize above 500 is refused; page needs pagesize', async () => {
    expect((await admin.call('listZones', { page: '1', pagesize: '501' })).status).toBe(431);
    expect((await admin.call('listZones', { page: '1' })).status).toBe(431);
  });

  it('parameter names are case-insensitive', async () => {
    const r = await admin.call('listApis', { NAME: 'listZones' });
    expect(r.json.listapisresponse.count).toBe(1);
  });

  it('listApis describes params with boolean required and isasync', async () => {
    const r = await admin.call('listApis', { name: 'deployVirtualMachine' });
    const api = r.json.listapisresponse.api[0];
    expect(api.isasync).toBe(true);
    const zoneid = api.params.find((x: any) => x.name === 'zoneid');
    expect(zoneid).toMatchObject({ required: true, type: 'uuid' });
    expect(typeof zoneid.description).toBe('string');
  });
});

describe('roles and scoping', () => {
  it('a user account cannot call infrastructure commands and sees only its own resources', async () => {
    const domain = (await admin.call('listDomains', { listall: 'true' })).json.listdomainsresponse.domain[0];
    for (const u of ['alice', 'bob']) {
      const r = await admin.call('createAccount', {
        username: u, password: 'pw-' + u, email: `${u}@example.org`, firstname: u, lastname: 'L', accounttype: '0', domainid: domain.id,
      }, 'POST');
      expect(r.status).toBe(200);
    }
    const alice = await sessionClient(t.url, 'alice', 'pw-alice');
    const denied = await alice.call('createZone', { name: 'x', networktype: 'Advanced', dns1: '1.1.1.1', internaldns1: '1.1.1.1' }, 'POST');
    expect(denied.status).toBe(432);
    expect(denied.json.errorresponse.errortext).toContain('is not available for the account alice');
    const apis = (await alice.call('listApis')).json.listapisresponse.api.map((a: any) => a.name);
    expect(apis).toContain('deployVirtualMachine');
    expect(apis).not.toContain('addHost');
    const accounts = (await alice.call('listAccounts', { listall: 'true' })).json.listaccountsresponse;
    expect(accounts.account.map((a: any) => a.name)).toEqual(['alice']);
  });
});

describe('async jobs', () => {
  it('a failing async command answers a jobid and the job fails with a code and text', async () => {
    const r = await admin.call('reconnectHost', { id: '6f2a2f4e-0000-4000-8000-000000000001' }, 'POST');
    // Unknown ids are refused before any job is created.
    expect(r.status).toBe(431);
    const d = await admin.call('deleteDomain', { id: (await admin.call('listDomains', { listall: 'true' })).json.listdomainsresponse.domain[0].id }, 'POST');
    if (d.status === 200) {
      const j = await waitJob(admin.call, d.json.deletedomainresponse.jobid);
      expect(j.jobstatus).toBe(2);
      expect(typeof j.jobresult.errortext).toBe('string');
    } else {
      expect([431, 531, 536]).toContain(d.status);
    }
  });
});
