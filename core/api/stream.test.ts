// Big list answers (pagesize=-1, pages over 500) are streamed to the socket batch by batch; what a client reads
// must be exactly the answer it got before streaming: a valid CloudStack JSON or XML document with the right count.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, sessionClient, type TestServer } from '../testing/harness';
import { buildLab, deployMany } from '../bench/lab';
import { toJson, toXml } from './serialize';

const VMS = 1_150; // three batches of 500, the last one partial

let t: TestServer;
let admin: Awaited<ReturnType<typeof sessionClient>>;

beforeAll(async () => {
  t = await startTestServer();
  admin = await sessionClient(t.url);
  const lab = await buildLab(t.core, { hosts: 4 });
  expect((await deployMany(t.core, lab, VMS, 50)).failed).toBe(0);
}, 120_000);
afterAll(() => t.stop());

/** The same list through the in-process path (collected, rendered in one piece as before streaming). */
async function whole(params: Record<string, string>, command = 'listVirtualMachines') {
  return t.core.dispatcher.invoke(await t.core.admin(), command, params);
}

async function get(params: Record<string, string>, command = 'listVirtualMachines') {
  const q = new URLSearchParams({ command, sessionkey: admin.sessionKey, ...params });
  const res = await fetch(`${t.url}/client/api?${q}`, { headers: { cookie: `sessionkey=${admin.sessionKey}` } });
  return { res, text: await res.text() };
}

describe('streamed list answers', () => {
  it('pagesize=-1 in JSON: chunked, byte for byte the one-piece answer, every VM once with the right count', async () => {
    const { res, text } = await get({ response: 'json', listall: 'true', pagesize: '-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const body = JSON.parse(text).listvirtualmachinesresponse;
    expect(body.count).toBe(VMS);
    expect(body.virtualmachine).toHaveLength(VMS);
    expect(new Set(body.virtualmachine.map((v: { id: string }) => v.id)).size).toBe(VMS);
    expect(text).toBe(toJson('listvirtualmachinesresponse', await whole({ listall: 'true', pagesize: '-1' })));
  });

  it('pagesize=-1 in XML: byte for byte the one-piece document', async () => {
    const { res, text } = await get({ listall: 'true', pagesize: '-1' });
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(text).toBe(toXml('listvirtualmachinesresponse', await whole({ listall: 'true', pagesize: '-1' }), t.core.svc.config.version));
    expect(text.match(/<virtualmachine>/g)).toHaveLength(VMS);
    expect(text).toContain(`<count>${VMS}</count>`);
  });

  it('a keyword search over every VM streams too; a page of at most 500 keeps its Content-Length', async () => {
    const search = await get({ response: 'json', listall: 'true', pagesize: '-1', keyword: 'VM' });
    expect(search.res.headers.get('transfer-encoding')).toBe('chunked');
    expect(JSON.parse(search.text).listvirtualmachinesresponse.count).toBe(VMS);
    expect(search.text).toBe(toJson('listvirtualmachinesresponse', await whole({ listall: 'true', pagesize: '-1', keyword: 'VM' })));
    const small = await get({ response: 'json', listall: 'true', page: '3', pagesize: '500' });
    expect(small.res.headers.get('content-length')).not.toBeNull();
    expect(JSON.parse(small.text).listvirtualmachinesresponse.virtualmachine).toHaveLength(VMS - 1000);
  });

  it('listVolumes pagesize=-1 streams too, byte for byte the one-piece answer and the pages of 500 in turn', async () => {
    const { res, text } = await get({ response: 'json', listall: 'true', pagesize: '-1' }, 'listVolumes');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(text).toBe(toJson('listvolumesresponse', await whole({ listall: 'true', pagesize: '-1' }, 'listVolumes')));
    const all = JSON.parse(text).listvolumesresponse;
    expect(all.count).toBe(VMS);
    const pages: { id: string }[] = [];
    for (let page = 1; page <= 3; page++) {
      pages.push(...JSON.parse((await get({ response: 'json', listall: 'true', page: String(page), pagesize: '500' }, 'listVolumes')).text).listvolumesresponse.volume);
    }
    expect(all.volume.map((v: { id: string }) => v.id)).toEqual(pages.map((v) => v.id));
  });

  it('listEvents pagesize=-1 streams too, byte for byte the one-piece answer and the pages of 500 in turn', async () => {
    const { res, text } = await get({ response: 'json', listall: 'true', type: 'VM.CREATE', pagesize: '-1' }, 'listEvents');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(text).toBe(toJson('listeventsresponse', await whole({ listall: 'true', type: 'VM.CREATE', pagesize: '-1' }, 'listEvents')));
    const all = JSON.parse(text).listeventsresponse;
    // Only the deploys' events (no background work writes these), more than one batch of them.
    expect(all.count).toBeGreaterThanOrEqual(VMS);
    const pages: { id: string }[] = [];
    for (let page = 1; page <= Math.ceil(all.count / 500); page++) {
      pages.push(...JSON.parse((await get({ response: 'json', listall: 'true', type: 'VM.CREATE', page: String(page), pagesize: '500' }, 'listEvents')).text).listeventsresponse.event);
    }
    expect(all.event.map((e: { id: string }) => e.id)).toEqual(pages.map((e) => e.id));
  });
});
