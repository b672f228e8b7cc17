// QMP client against a scripted unix-socket server: the protocol (greeting, capabilities, ids, events) and the
// guarantees the driver relies on: a silent QEMU makes commands time out, a closed socket fails them at once.
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectQmp, QmpError } from './qmp';
import { tempDir } from './test-support';

type Reply = (cmd: { execute: string; id?: string; arguments?: unknown }, sock: net.Socket) => void;

function fakeQemu(sockPath: string, reply: Reply, greet = true): Promise<net.Server> {
  const server = net.createServer((s) => {
    if (greet) s.write(JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 }, package: '' }, capabilities: [] } }) + '\r\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        reply(JSON.parse(line), s);
      }
    });
    s.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(sockPath, () => resolve(server)));
}

const answer = (s: net.Socket, id: string | undefined, body: object) => s.write(JSON.stringify({ ...body, id }) + '\r\n');

describe('QMP client', () => {
  const tmp = tempDir('qmp-');
  const servers: net.Server[] = [];
  afterEach(() => { for (const s of servers.splice(0)) s.close(); });
  afterAll(() => tmp.cleanup());

  it('negotiates, matches answers to commands by id, reports errors and delivers events', async () => {
    const sock = path.join(tmp.dir, 'a.sock');
    servers.push(await fakeQemu(sock, (c, s) => {
      if (c.execute === 'qmp_capabilities') answer(s, c.id, { return: {} });
      else if (c.execute === 'query-status') {
        s.write(JSON.stringify({ event: 'RESUME', timestamp: { seconds: 1, microseconds: 0 } }) + '\r\n');
        answer(s, c.id, { return: { status: 'running', running: true } });
      } else answer(s, c.id, { error: { class: 'CommandNotFound', desc: `The command ${c.execute} has not been found` } });
    }));
    const qmp = await connectQmp(sock);
    expect(qmp.greeting.version.qemu.major).toBe(7);
    const events: string[] = [];
    const off = qmp.onEvent((e) => events.push(e.event));
    expect(await qmp.execute('query-status')).toEqual({ status: 'running', running: true });
    expect(events).toEqual(['RESUME']);
    off();
    const err = await qmp.execute('bogus').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpError);
    expect((err as QmpError).qmpClass).toBe('CommandNotFound');
    qmp.close();
    expect(qmp.closed).toBe(true);
    await expect(qmp.execute('query-status')).rejects.toThrow(/closed/);
  });

  it('times out a command QEMU never answers, and a greeting that never comes', async () => {
    const sock = path.join(tmp.dir, 'b.sock');
    servers.push(await fakeQemu(sock, (c, s) => { if (c.execute === 'qmp_capabilities') answer(s, c.id, { return: {} }); }));
    const qmp = await connectQmp(sock, { commandTimeoutMs: 200 });
    await expect(qmp.execute('query-status')).rejects.toThrow(/timed out after 200 ms/);
    await expect(qmp.waitEvent(() => true, 100)).rejects.toThrow(/timed out/);
    qmp.close();

    const mute = path.join(tmp.dir, 'c.sock');
    servers.push(await fakeQemu(mute, () => undefined, false));
    await expect(connectQmp(mute, { connectTimeoutMs: 300 })).rejects.toThrow(/greeting .* timed out/);
  });

  it('fails pending commands when QEMU goes away, and gives up on a socket that never appears', async () => {
    const sock = path.join(tmp.dir, 'd.sock');
    servers.push(await fakeQemu(sock, (c, s) => { if (c.execute === 'qmp_capabilities') answer(s, c.id, { return: {} }); else s.destroy(); }));
    const qmp = await connectQmp(sock);
    let closed = false;
    qmp.onClose(() => { closed = true; });
    await expect(qmp.execute('quit')).rejects.toThrow(/closed/);
    expect(closed).toBe(true);
    await expect(connectQmp(path.join(tmp.dir, 'none.sock'), { connectTimeoutMs: 200 })).rejects.toThrow(/Could not connect/);
  });
});
