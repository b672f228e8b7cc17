// Issue 9: every request gets a complete, well-formed CloudStack answer, whatever the text in it (CJK names,
// emoji, U+2028, control characters, 1 MB values), whatever cookies other local apps left, however long the query.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, sessionClient, type TestServer } from '../testing/harness';
import { rawRequest, csAnswerProblems, type RawReply } from '../testing/raw-http';
import { canonicalString, signCanonical } from './signature';

let t: TestServer;
let admin: Awaited<ReturnType<typeof sessionClient>>;
let keys: { apikey: string; secretkey: string };

beforeAll(async () => {
  t = await startTestServer();
  admin = await sessionClient(t.url);
  keys = (await admin.call('registerUserKeys', { id: admin.login.userid }, 'POST')).json.registeruserkeysresponse.userkeys;
});
afterAll(() => t.stop());

/** A session call sent raw, so the test sees the status line, the headers and the length as sent. */
function call(command: string, params: Record<string, string>, method: 'GET' | 'POST' = 'GET', cookie = `sessionkey=${admin.sessionKey}`): Promise<RawReply> {
  const q = new URLSearchParams({ command, response: 'json', sessionkey: admin.sessionKey, ...params }).toString();
  return method === 'GET'
    ? rawRequest(t.url, 'GET', `/client/api?${q}`, { Cookie: cookie })
    : rawRequest(t.url, 'POST', '/client/api', { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, q);
}

describe('error texts with any characters are answered completely', () => {
  it('a duplicate zone named 实验区 is a complete 431 whose X-Description decodes to the errortext', async () => {
    expect((await call('createZone', { name: '实验区', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '8.8.8.8' })).status).toBe(200);
    const r = await call('createZone', { name: '实验区', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '8.8.8.8' });
    expect(r.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(csAnswerProblems(r)).toEqual([]);
    expect(r.json.createzoneresponse.errortext).toBe('A zone with name 实验区 already exists');
    expect(decodeURIComponent(r.headers['x-description'])).toBe('A zone with name 实验区 already exists');
  });

  it.each([['日本'], ['💥'], ['a\u2028b'], ['tab\tnul\u0000bel\u0007'], ['\uD800 lone surrogate'], ['ÿ Latin-1 é'], ['100% sure']])(
    'listVirtualMachines id=%j and addHost podid=... answer whole errors', async (v) => {
      for (const r of [await call('listVirtualMachines', { id: v }), await call('addHost', { podid: v, zoneid: v, url: v, hypervisor: v }, 'POST')]) {
        expect(r.status).toBe(431);
        expect(csAnswerProblems(r)).toEqual([]);
        expect(r.headers['x-description']).toMatch(/^[\x20-\x7E]+$/);
      }
    });
});

describe('echoed values are length-limited', () => {
  it('archiveAlerts startdate=<1 MB> answers a short error that python http.client accepts', async () => {
    const huge = 'x'.repeat(1024 * 1024);
    const r = await call('archiveAlerts', { startdate: huge }, 'POST');
    expect(r.status).toBe(431);
    expect(csAnswerProblems(r)).toEqual([]);
    expect(r.body.length).toBeLessThan(2048);
    expect(r.json.archivealertsresponse.errortext).toMatch(/^Unable to parse date x{200}\.\.\. for command archivealerts/);
    // What cs and CloudMonkey use: http.client refuses header lines over 64 KiB.
    const py = `import http.client,sys,urllib.parse
c=http.client.HTTPConnection(sys.argv[1],int(sys.argv[2]))
c.request('POST','/client/api',urllib.parse.urlencode({'command':'archiveAlerts','response':'json','sessionkey':sys.argv[3],'startdate':'x'*1048576}),{'Content-Type':'application/x-www-form-urlencoded','Cookie':'sessionkey='+sys.argv[3]})
r=c.getresponse();print(r.status,len(r.read()))`;
    const u = new URL(t.url);
    const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', py, u.hostname, u.port, admin.sessionKey]);
    expect(stdout.trim()).toMatch(/^431 \d+$/);
  });
});

describe('cookies that do not parse are ignored', () => {
  it('a signed listZones with Cookie: other=100% is answered', async () => {
    const expires = new Date(Date.now() + 600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const all: [string, string][] = [['command', 'listZones'], ['response', 'json'], ['apiKey', keys.apikey], ['signatureVersion', '3'], ['expires', expires]];
    const q = new URLSearchParams([...all, ['signature', signCanonical(canonicalString(all), keys.secretkey, 'sha1')]]);
    const r = await rawRequest(t.url, 'GET', `/client/api?${q}`, { Cookie: 'other=100%; x=%E0%A4%A' });
    expect(r.status).toBe(200);
    expect(r.json.listzonesresponse).toBeDefined();
  });

  it('a session call with a broken cookie beside the session cookie is answered', async () => {
    const r = await call('listZones', {}, 'GET', `other=100%; sessionkey=${admin.sessionKey}`);
    expect(r.status).toBe(200);
  });
});

describe('a GET too long for the HTTP parser', () => {
  it('gets a 414 in the CloudStack envelope saying to use POST', async () => {
    const r = await call('listZones', { keyword: 'k'.repeat(20_000) });
    expect(r.status).toBe(414);
    expect(csAnswerProblems(r)).toEqual([]);
    expect(r.json.errorresponse.errortext).toMatch(/send long requests with HTTP POST/);
    // The same parameters by POST reach the command (whose own checks then apply).
    const post = await call('listZones', { keyword: 'k'.repeat(20_000) }, 'POST');
    expect(post.json.listzonesresponse.errortext).toMatch(/Value greater than max allowed length/);
  });
});
