// createConsoleEndpoint and the console proxy through a real core and HTTP server, in front of a small VNC server
// that checks VNC Authentication (fake-vnc.ts). The real-QEMU run of the same path is in proxy-qemu.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { startFakeVnc, type FakeVnc } from './fake-vnc';
import { connectVnc } from './vnc-stream';
import type { HypervisorDriver } from '../hypervisors/driver';
import { consoleOnlyDriver, createConsoleWorld, type ConsoleWorld } from './test-support';
import { connectRfb, openWs, rfbMsg, WsRefused, type WsRfbClient } from './ws-client';

const PASSWORD = 'pw-12345';

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('VM consoles: createConsoleEndpoint and the console proxy', () => {
  let w: ConsoleWorld;
  let vnc: FakeVnc;
  let vncPassword = PASSWORD;
  let vm: string;
  const clients: WsRfbClient[] = [];

  beforeAll(async () => {
    w = await createConsoleWorld();
    vnc = await startFakeVnc({ password: PASSWORD, width: 640, height: 480, name: 'guest-desktop' });
    w.useKvmDriver(consoleOnlyDriver(() => ({ ...vnc.target, password: vncPassword })));
    vm = await w.addVm({ hostId: w.kvmHost });
  });
  afterEach(() => { for (const c of clients.splice(0)) c.ws.terminate(); vncPassword = PASSWORD; });
  afterAll(async () => { await w.stop(); await vnc.close(); });

  async function endpoint(vmId = vm, params: Record<string, string> = {}, client = w.admin) {
    const r = await client.call('createConsoleEndpoint', { virtualmachineid: vmId, ...params });
    return { status: r.status, json: r.json, ep: r.json?.createconsoleendpointresponse?.consoleendpoint };
  }
  const wsUrl = (token: string, extra?: string) =>
    `${w.url.replace('http', 'ws')}/console/websockify?token=${encodeURIComponent(token)}${extra ? `&extra=${extra}` : ''}`;
  async function connect(token: string, o: Parameters<typeof connectRfb>[1] = {}, extra?: string) {
    const c = await connectRfb(wsUrl(token, extra), o);
    clients.push(c);
    return c;
  }
  async function refusal(url: string, headers?: Record<string, string>): Promise<WsRefused> {
    const e = await openWs(url, { headers }).then(({ ws }) => { ws.terminate(); return null; }, (err: unknown) => err);
    expect(e).toBeInstanceOf(WsRefused);
    return e as WsRefused;
  }

  it('answers a one-time endpoint in CloudStack 4.18 shape: url and websocket host, port (a string), path, token', async () => {
    const { status, ep } = await endpoint();
    expect(status).toBe(200);
    const port = String(w.server.port);
    expect(ep).toEqual({
      success: true,
      url: `${w.url}/console/vnc.html?token=${ep.websocket.token}`,
      websocket: { token: ep.websocket.token, host: '127.0.0.1', port, path: 'console/websockify' },
    });
    expect(ep.websocket.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await endpoint()).ep.websocket.token).not.toBe(ep.websocket.token);
  });

  it('refuses unknown VMs with the 431 not-found text and foreign VMs with 531', async () => {
    const missing = randomUUID();
    const r = await endpoint(missing);
    expect(r.status).toBe(431);
    expect(r.json.createconsoleendpointresponse.errortext).toContain(`Invalid parameter virtualmachineid value=${missing}`);
    const bob = await w.newUser('bob');
    const denied = await endpoint(vm, {}, bob);
    expect(denied.status).toBe(531);
    expect(denied.ep).toBeUndefined();
  });

  it('answers success=false with the reason for a stopped VM and for hosts without console access', async () => {
    const stopped = await endpoint(await w.addVm({ hostId: null, state: 'Stopped' }));
    expect(stopped.ep).toEqual({ success: false, details: expect.stringMatching(/is not running \(it is Stopped\)/) });
    const sim = await endpoint(await w.addVm({ hostId: w.simHost }));
    expect(sim.ep).toEqual({ success: false, details: 'Console access is not supported for VMs on Simulator hosts' });
  });

  it('bridges a token to the VM: None security for the client, the VM ServerInit, bytes both ways', async () => {
    const { ep } = await endpoint();
    // By hand first: the client is offered security type None only, never VNC Authentication.
    const { ws, queue: q } = await openWs(wsUrl(ep.websocket.token));
    expect((await q.read(12)).toString()).toBe('RFB 003.008\n');
    ws.send(Buffer.from('RFB 003.008\n'));
    expect([...(await q.read(2))]).toEqual([1, 1]);
    ws.send(Buffer.from([1]));
    expect((await q.read(4)).readUInt32BE(0)).toBe(0);
    ws.send(Buffer.from([1]));
    const init = await q.read(24);
    expect([init.readUInt16BE(0), init.readUInt16BE(2)]).toEqual([640, 480]);
    expect((await q.read(init.readUInt32BE(20))).toString()).toBe('guest-desktop');
    ws.terminate();

    const c = await connect((await endpoint()).ep.websocket.token);
    expect(c.init).toMatchObject({ width: 640, height: 480, name: 'guest-desktop' });
    c.send(Buffer.concat([rfbMsg.key(true, 0x61), rfbMsg.key(false, 0x61), rfbMsg.updateRequest(false, 640, 480)]));
    const update = await c.queue.read(vnc.frameBytes);
    expect(update.readUInt8(0)).toBe(0); // FramebufferUpdate
    expect([update.readUInt16BE(8), update.readUInt16BE(10)]).toEqual([640, 480]);
    await until(() => vnc.keys.includes(0x61));
  });

  it("uses the driver's openVncStream when it has one (how remote agent hosts tunnel the VNC bytes)", async () => {
    let opened = 0;
    w.useKvmDriver({
      hypervisor: 'KVM', shutdown: async () => undefined,
      openVncStream: async () => { opened++; return { stream: await connectVnc(vnc.target), password: PASSWORD }; },
    } as unknown as HypervisorDriver);
    try {
      const c = await connect((await endpoint()).ep.websocket.token);
      expect([c.init.name, opened]).toEqual(['guest-desktop', 1]);
      c.send(rfbMsg.updateRequest(false, 640, 480));
      expect((await c.queue.read(vnc.frameBytes)).readUInt16BE(2)).toBe(1);
    } finally {
      w.useKvmDriver(consoleOnlyDriver(() => ({ ...vnc.target, password: vncPassword })));
    }
  });

  it('refuses a reused, expired, forged or missing token before upgrading, with a clear text', async () => {
    const { ep } = await endpoint();
    await connect(ep.websocket.token);
    const reused = await refusal(wsUrl(ep.websocket.token));
    expect([reused.status, reused.body]).toEqual([401, 'This console token was already used; ask for a new one with createConsoleEndpoint\n']);

    const late = (await endpoint()).ep.websocket.token;
    w.clock.advance(61_000);
    const expired = await refusal(wsUrl(late));
    expect(expired.status).toBe(401);
    expect(expired.body).toMatch(/expired/);

    const forged = await refusal(wsUrl(randomBytes(32).toString('base64url')));
    expect([forged.status, forged.body.trim()]).toEqual([401, 'Invalid console token']);
    expect((await refusal(wsUrl('x'))).status).toBe(401);
    expect((await refusal(`${w.url.replace('http', 'ws')}/console/websockify`)).body).toMatch(/Missing console token/);
  });

  it("refuses a token shown with another user's session, and a token whose VM stopped since", async () => {
    const bob = await w.newUser('carol');
    const { ep } = await endpoint();
    const foreign = await refusal(wsUrl(ep.websocket.token), { cookie: `sessionkey=${bob.sessionKey}` });
    expect([foreign.status, foreign.body.trim()]).toEqual([403, 'This console token was issued to another user']);

    const own = (await endpoint()).ep.websocket.token;
    expect((await connect(own, { headers: { cookie: `sessionkey=${w.admin.sessionKey}` } })).init.width).toBe(640);

    const other = await w.addVm({ hostId: w.kvmHost });
    const token = (await endpoint(other)).ep.websocket.token;
    await w.core.svc.db.updateTable('vms').set({ state: 'Stopped', host_id: null }).where('id', '=', other).execute();
    const stopped = await refusal(wsUrl(token));
    expect(stopped.status).toBe(409);
    expect(stopped.body).toMatch(/is not running \(it is Stopped\)/);
  });

  it("opens a console whatever other apps' cookies the browser sends with it (issue 9)", async () => {
    // Browsers send every 127.0.0.1 cookie to our port; one that does not URL-decode must neither fail the
    // connection nor burn its one-time token.
    const token = (await endpoint()).ep.websocket.token;
    const c = await connect(token, { headers: { cookie: `other=100%; sessionkey=${w.admin.sessionKey}; x=%E0%A4%A` } });
    expect(c.init.width).toBe(640);
  });

  it('requires the extra security token when one was given to createConsoleEndpoint', async () => {
    const { ep } = await endpoint(vm, { token: 'my-extra' });
    expect(ep.websocket.extra).toBe('my-extra');
    expect(ep.url).toContain('&extra=my-extra');
    expect((await refusal(wsUrl(ep.websocket.token, 'wrong'))).body).toMatch(/extra security token/);
    const again = (await endpoint(vm, { token: 'my-extra' })).ep.websocket.token;
    expect((await connect(again, {}, 'my-extra')).init.width).toBe(640);
  });

  it('answers 502 without upgrading when the VM refuses the password, and leaves nothing open', async () => {
    vncPassword = 'wrong-pw';
    const r = await refusal(wsUrl((await endpoint()).ep.websocket.token));
    expect(r.status).toBe(502);
    expect(r.body).toMatch(/VNC authentication failed: Authentication failed/);
    await until(() => vnc.connections() === 0);
  });

  it('closing the client frees the VNC connection and the session', async () => {
    const before = vnc.connections();
    const c = await connect((await endpoint()).ep.websocket.token);
    await until(() => vnc.connections() === before + 1);
    expect(w.core.consoles.stats().sessions).toBe(1);
    c.ws.close();
    await c.closed;
    await until(() => vnc.connections() === before && w.core.consoles.stats().sessions === 0);
  });

  it('closes the consoles of a VM that stops (4001), and says when the VNC server went away (4002)', async () => {
    const a = await connect((await endpoint()).ep.websocket.token);
    const b = await connect((await endpoint()).ep.websocket.token);
    w.core.svc.events.notify({ kind: 'state', resourceType: 'VirtualMachine', resourceId: vm, state: 'Stopping' });
    expect(await a.closed).toEqual({ code: 4001, reason: 'The VM is Stopping' });
    expect((await b.closed).code).toBe(4001);
    await until(() => vnc.connections() === 0);

    const c = await connect((await endpoint()).ep.websocket.token);
    vnc.dropAll();
    expect(await c.closed).toEqual({ code: 4002, reason: "The VM's display closed the connection" });
    await until(() => w.core.consoles.stats().sessions === 0);
  });

  it('serves the console page at the endpoint url with a strict CSP and no inline script', async () => {
    const { ep } = await endpoint();
    const page = await fetch(ep.url);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('The console viewer is provided by the Strata console app');
    expect(html).not.toMatch(/<script>(?!<)/);
    const js = await fetch(`${w.url}/console/console-info.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain('console/websockify');
    // Loading the page does not use the token.
    expect((await connect(ep.websocket.token)).init.width).toBe(640);
  });

  it('answers 404 on other upgrade paths and 400 to a non-WebSocket upgrade', async () => {
    expect((await refusal(`${w.url.replace('http', 'ws')}/nowhere`)).status).toBe(404);
    // An upgrade without a WebSocket key (raw socket: fetch does not let a caller ask for an upgrade).
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(w.server.port, '127.0.0.1', () => {
        s.write('GET /console/websockify?token=x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
      });
      let got = '';
      s.on('data', (d) => { got += d.toString(); }).on('close', () => resolve(got)).on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[^]*A WebSocket handshake \(version 13\) is expected here/);
  });

  it('forgets tokens after their window, and closing the server closes open consoles (1001)', async () => {
    await endpoint();
    expect(await w.core.consoles.pendingTokens()).toBeGreaterThan(0);
    w.clock.advance(61_000);
    expect(await w.core.consoles.pendingTokens()).toBe(0);
    const c = await connect((await endpoint()).ep.websocket.token);
    await w.core.consoles.disconnectAll();
    expect((await c.closed).code).toBe(1001);
  });
});
