// The console proxy in front of a real QEMU VM (the test guest, 96 MB, TCG): the proxy authenticates to QEMU's
// password-protected VNC itself, the client sees None security and the VM's own ServerInit, keystrokes typed
// through the WebSocket reach the guest's shell, and the refusals and clean-ups hold with a real VNC server.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createQemuDriver, type QemuDriver } from '../hypervisors/qemu/qemu-driver';
import { ensureGuestImages, GUEST_READY_BANNER } from '../hypervisors/qemu/guest-image';
import { openSerial, type SerialConsole } from '../hypervisors/qemu/serial';
import { qemuInstalled, rootVolume, SKIP_REASON, tempDir, uuid, vmSpec } from '../hypervisors/qemu/test-support';
import { isAlive } from '../hypervisors/qemu/proc';
import { ByteQueue, vncClientHandshake } from './rfb';
import { connectVnc } from './vnc-stream';
import { createConsoleWorld, type ConsoleWorld } from './test-support';
import { connectRfb, openWs, rfbMsg, WsRefused } from './ws-client';

if (!qemuInstalled) console.warn(`Skipping console proxy QEMU tests: ${SKIP_REASON}`);

const pipes = () => process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap').length;

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Keysyms of a line of lowercase text (ASCII keysyms are the characters), then Return. */
function typeLine(text: string): Buffer {
  const keys = [...text].map((ch) => ch.charCodeAt(0)).concat(0xff0d);
  return Buffer.concat(keys.flatMap((k) => [rfbMsg.key(true, k), rfbMsg.key(false, k)]));
}

describe.skipIf(!qemuInstalled)('console proxy with a real QEMU VM', () => {
  const tmp = tempDir('scq-');
  let w: ConsoleWorld;
  let driver: QemuDriver;
  let vmId: string;
  let instanceName: string;
  let serial: SerialConsole;
  let pid: number;

  const wsUrl = (token: string) => `${w.url.replace('http', 'ws')}/console/websockify?token=${token}`;
  async function token(client = w.admin): Promise<string> {
    const r = await client.call('createConsoleEndpoint', { virtualmachineid: vmId });
    return r.json.createconsoleendpointresponse.consoleendpoint.websocket.token;
  }
  async function refusal(url: string): Promise<WsRefused> {
    const e = await openWs(url).then(({ ws }) => { ws.terminate(); return null; }, (err: unknown) => err);
    expect(e).toBeInstanceOf(WsRefused);
    return e as WsRefused;
  }

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    w = await createConsoleWorld();
    driver = createQemuDriver({ workDir: path.join(tmp.dir, 'work'), stopTimeoutMs: 8000 });
    await driver.connectHost({ hostId: w.kvmHost, name: 'kvm-1', url: 'qemu://localhost?accel=tcg', details: {} });
    const pool = path.join(tmp.dir, 'pool');
    const templateId = uuid();
    await driver.ensureTemplate!(w.kvmHost, { templateId, sourcePath: guest.qcow2, poolId: 'pool-1', poolPath: pool });
    const root = rootVolume(pool, templateId);
    root.path = await driver.createVolume(w.kvmHost, root);
    const spec = vmSpec([root]);
    vmId = spec.id;
    instanceName = spec.instanceName;
    await driver.startVm(w.kvmHost, spec);
    pid = driver.pidOf(vmId)!;
    w.useKvmDriver(driver);
    await w.addVm({ hostId: w.kvmHost, id: vmId });
    serial = await openSerial((await driver.consoleEndpoint!(w.kvmHost, vmId))!.serialSocketPath!);
    await serial.waitFor(new RegExp(GUEST_READY_BANNER), 90_000);
  }, 180_000);

  afterAll(async () => {
    serial?.close();
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    await w?.stop();
    tmp.cleanup();
  });

  it("hands the client the VM's own ServerInit over None security, and bytes flow both ways", async () => {
    // What QEMU itself announces, read with the VM's password directly.
    const ep = (await driver.consoleEndpoint!(w.kvmHost, vmId))!.vnc!;
    const direct = await connectVnc(ep);
    const q = new ByteQueue();
    direct.on('data', (b: Buffer) => q.push(b));
    const expected = await vncClientHandshake({ queue: q, write: (b) => direct.write(b) }, ep.password);
    direct.destroy();
    expect(expected.name).toContain(instanceName);

    const c = await connectRfb(wsUrl(await token()));
    expect({ width: c.init.width, height: c.init.height, name: c.init.name }).toEqual({ width: expected.width, height: expected.height, name: expected.name });
    expect(c.init.width).toBeGreaterThanOrEqual(640);

    c.send(Buffer.concat([rfbMsg.setEncodings([0]), rfbMsg.updateRequest(false, c.init.width, c.init.height)]));
    const head = await c.queue.read(4);
    expect(head.readUInt8(0)).toBe(0); // FramebufferUpdate
    const rect = await c.queue.read(12);
    const [rw, rh, enc] = [rect.readUInt16BE(4), rect.readUInt16BE(6), rect.readInt32BE(8)];
    expect(enc).toBe(0);
    expect(rw * rh).toBeGreaterThan(0);
    expect((await c.queue.read(rw * rh * 4)).length).toBe(rw * rh * 4); // 32 bpp, QEMU's default pixel format

    // Keystrokes through the proxy reach the shell on the VGA console (tty1).
    c.send(typeLine('touch /tmp/typed-via-vnc'));
    await expect.poll(async () => serial.exec('test -e /tmp/typed-via-vnc && echo T$((40+2))T'), { timeout: 20_000, interval: 500 }).toContain('T42T');
    c.ws.close();
    await c.closed;
  }, 60_000);

  it('refuses reused, expired and forged tokens, and users who cannot see the VM (531)', async () => {
    const t = await token();
    const c = await connectRfb(wsUrl(t));
    expect((await refusal(wsUrl(t))).body).toMatch(/already used/);
    c.ws.terminate();
    const late = await token();
    w.clock.advance(61_000);
    expect((await refusal(wsUrl(late))).body).toMatch(/expired/);
    expect((await refusal(wsUrl(randomBytes(32).toString('base64url')))).body).toMatch(/Invalid console token/);
    const eve = await w.newUser('eve');
    const r = await eve.call('createConsoleEndpoint', { virtualmachineid: vmId });
    expect(r.status).toBe(531);
    expect(r.json.createconsoleendpointresponse.errorcode).toBe(531);
  }, 30_000);

  it('closing the client frees the VNC socket', async () => {
    await until(() => w.core.consoles.stats().sessions === 0);
    const before = pipes();
    const c = await connectRfb(wsUrl(await token()));
    expect(pipes()).toBe(before + 1); // the unix socket to QEMU's VNC server
    expect(w.core.consoles.stats().sessions).toBe(1);
    c.ws.close();
    expect((await c.closed).code).toBe(1005);
    await until(() => pipes() === before && w.core.consoles.stats().sessions === 0);
  }, 30_000);

  it('stopping the VM closes its console with a reason, and no new console is offered', async () => {
    const c = await connectRfb(wsUrl(await token()));
    const r = await w.admin.call('stopVirtualMachine', { id: vmId });
    expect(r.status).toBe(200);
    expect(await c.closed).toEqual({ code: 4001, reason: 'The VM is Stopping' });
    await until(() => !isAlive(pid), 30_000);
    await until(() => w.core.consoles.stats().sessions === 0);
    await expect.poll(async () => (await w.admin.call('createConsoleEndpoint', { virtualmachineid: vmId })).json
      .createconsoleendpointresponse.consoleendpoint, { timeout: 20_000 }).toEqual({ success: false, details: expect.stringMatching(/is not running/) });
  }, 60_000);
});
