// Issue 9: the server fetches no internal URL for a caller. Through the real HTTP API: registerTemplate and
// registerIso refuse loopback, link-local, any-local and multicast hosts (literal or by name) with CloudStack's
// "Illegal host specified in url"; a public URL that redirects to 127.0.0.1 fails its download without the
// internal server being asked; root admins reach internal hosts only with allow.internal.url.hosts.for.root.admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { buildKvmLab, ok, waitDownload, type Call, type KvmLab } from '../testing/kvm-fixtures';

let t: TestServer;
let admin: Call;
let user: Call;
let lab: KvmLab;
/** A service only the server itself can reach; records every request it gets. */
let internal: { server: http.Server; port: number; hits: string[] };

async function listen(host: string, handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

beforeAll(async () => {
  t = await startTestServer();
  admin = (await sessionClient(t.url)).call;
  lab = await buildKvmLab(admin, t.dataDir);
  await ok(admin, 'createAccount', { username: 'mallory', password: 'mallory-pw', email: 'm@x', firstname: 'M', lastname: 'X', accounttype: '0' });
  user = (await sessionClient(t.url, 'mallory', 'mallory-pw')).call;
  const hits: string[] = [];
  const s = await listen('127.0.0.1', (req, res) => { hits.push(req.url ?? ''); res.end('secret admin page'); });
  internal = { ...s, hits };
}, 60_000);
afterAll(async () => {
  internal?.server.close();
  await t?.stop();
});

const register = (call: Call, url: string, command = 'registerTemplate') => call(command, {
  name: `u-${Math.random().toString(36).slice(2, 8)}`, displaytext: 'x', url, zoneid: lab.zoneId,
  ...(command === 'registerTemplate' ? { format: 'QCOW2', hypervisor: 'KVM' } : {}),
});

describe('URLs the server would fetch for a caller', () => {
  it.each([
    'http://127.0.0.1:PORT/x.qcow2', 'http://localhost:PORT/x.qcow2', 'http://[::1]:PORT/x.qcow2', 'http://2130706433:PORT/x.qcow2',
    'http://0.0.0.0:PORT/x.qcow2', 'http://169.254.169.254/latest/meta-data', 'http://224.0.0.1/x.qcow2', 'http://[::ffff:127.0.0.1]:PORT/x',
  ])('a user registering %s gets 431 Illegal host specified in url, and nothing is fetched', async (pattern) => {
    const url = pattern.replace('PORT', String(internal.port));
    for (const command of ['registerTemplate', 'registerIso']) {
      const r = await register(user, url, command);
      expect(r.status).toBe(431);
      expect(r.json[`${command.toLowerCase()}response`].errortext).toBe('Illegal host specified in url');
    }
    await new Promise((res) => setTimeout(res, 200));
    expect(internal.hits).toEqual([]);
  });

  const publicAddress = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it.skipIf(!publicAddress)('a URL on a public address that redirects to 127.0.0.1 fails its download; the internal service is never asked', async () => {
    const redirector = await listen(publicAddress!, (_req, res) => {
      res.writeHead(302, { Location: `http://127.0.0.1:${internal.port}/steal.qcow2` }).end();
    });
    try {
      const r = await register(user, `http://${publicAddress}:${redirector.port}/image.qcow2`);
      expect(r.status).toBe(200);
      const tpl = await waitDownload(user, 'template', r.json.registertemplateresponse.template[0].id, 20_000, 'self');
      expect(tpl.status).toBe(`Download Failed: cannot download http://${publicAddress}:${redirector.port}/image.qcow2: Illegal host specified in url`);
      expect(internal.hits).toEqual([]);
    } finally {
      redirector.server.close();
    }
  });

  it('root admins reach internal hosts only when allow.internal.url.hosts.for.root.admin is true', async () => {
    const url = `http://127.0.0.1:${internal.port}/x.qcow2`;
    // The server's config (test servers opt in) is overridden by a configurations row, shared by all servers.
    await t.core.svc.db.insertInto('configurations').values({ name: 'allow.internal.url.hosts.for.root.admin', value: 'false' }).execute();
    const refused = await register(admin, url);
    expect([refused.status, refused.json.registertemplateresponse.errortext]).toEqual([431, 'Illegal host specified in url']);
    await t.core.svc.db.updateTable('configurations').set({ value: 'true' }).where('name', '=', 'allow.internal.url.hosts.for.root.admin').execute();
    const allowed = await register(admin, url);
    expect(allowed.status).toBe(200);
    // Fetched (and refused by the image check, since the page is no image): the opt-in reached the download too.
    const tpl = await waitDownload(admin, 'template', allowed.json.registertemplateresponse.template[0].id, 20_000);
    expect(tpl.status).toMatch(/^Download Failed: the image is in no format qemu-img recognizes/);
    expect(internal.hits).toEqual(['/x.qcow2']);
  });
});
