// The RFB handshakes on their own: the client-facing side with RFB 3.3, 3.7 and 3.8 clients, and the VM-facing
// side against the fake VNC server (VNC Authentication, None, a refused password). Token bookkeeping too.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ByteQueue, RfbError, rfbServerHandshake, vncClientHandshake, type RfbPeer } from './rfb';
import { startFakeVnc } from './fake-vnc';
import { ConsoleTokens } from './tokens';
import type { Caller } from '../identity/caller';

/** Two ends of an in-memory connection. */
function pipe(): { server: RfbPeer; client: RfbPeer } {
  const toServer = new ByteQueue();
  const toClient = new ByteQueue();
  return { server: { queue: toServer, write: (b) => toClient.push(b) }, client: { queue: toClient, write: (b) => toServer.push(b) } };
}

const SERVER_INIT = Buffer.from('serverinit');

describe('RFB server handshake towards the client', () => {
  it.each([
    ['RFB 003.008\n', [1, 1], true],
    ['RFB 003.007\n', [1, 1], false],
  ])('%j: offers None only, then passes ServerInit on', async (version, types, securityResult) => {
    const { server, client } = pipe();
    const done = rfbServerHandshake(server, SERVER_INIT);
    expect((await client.queue.read(12)).toString()).toBe('RFB 003.008\n');
    client.write(Buffer.from(version));
    expect([...(await client.queue.read(2))]).toEqual(types);
    client.write(Buffer.from([1]));
    if (securityResult) expect((await client.queue.read(4)).readUInt32BE(0)).toBe(0);
    client.write(Buffer.from([0])); // ClientInit, not shared: ignored, the session is shared upstream
    await done;
    expect((await client.queue.read(SERVER_INIT.length)).equals(SERVER_INIT)).toBe(true);
  });

  it('speaks 3.3 to old clients (the server names the security type)', async () => {
    const { server, client } = pipe();
    const done = rfbServerHandshake(server, SERVER_INIT);
    await client.queue.read(12);
    client.write(Buffer.from('RFB 003.003\n'));
    expect((await client.queue.read(4)).readUInt32BE(0)).toBe(1);
    client.write(Buffer.from([1]));
    await done;
    expect((await client.queue.read(SERVER_INIT.length)).toString()).toBe('serverinit');
  });

  it('refuses a client that insists on VNC Authentication, telling it why', async () => {
    const { server, client } = pipe();
    const done = rfbServerHandshake(server, SERVER_INIT).catch((e: unknown) => e);
    await client.queue.read(12);
    client.write(Buffer.from('RFB 003.008\n'));
    await client.queue.read(2);
    client.write(Buffer.from([2]));
    expect(await done).toBeInstanceOf(RfbError);
    expect((await client.queue.read(4)).readUInt32BE(0)).toBe(1);
    const len = (await client.queue.read(4)).readUInt32BE(0);
    expect((await client.queue.read(len)).toString()).toBe('Security type not supported');
  });

  it('refuses what is not RFB', async () => {
    const { server, client } = pipe();
    const done = rfbServerHandshake(server, SERVER_INIT).catch((e: unknown) => e);
    client.write(Buffer.from('GET / HTTP/1.'));
    expect(String(await done)).toMatch(/does not speak RFB/);
  });
});

describe('RFB client handshake towards the VNC server', () => {
  async function handshake(password: string | null, serverPassword: string | null) {
    const vnc = await startFakeVnc({ password: serverPassword, width: 800, height: 600, name: 'desk' });
    const s = net.connect(vnc.target.port!, '127.0.0.1');
    const queue = new ByteQueue();
    s.on('data', (b: Buffer) => queue.push(b)).on('close', () => queue.fail(new Error('closed')));
    try {
      return await vncClientHandshake({ queue, write: (b) => s.write(b) }, password);
    } finally {
      s.destroy();
      await vnc.close();
    }
  }

  it('authenticates with the password (DES challenge-response) and reads ServerInit', async () => {
    expect(await handshake('s3cret!!', 's3cret!!')).toMatchObject({ width: 800, height: 600, name: 'desk' });
  });

  it('takes None when the server offers it', async () => {
    expect((await handshake(null, null)).name).toBe('desk');
  });

  it('reports a refused password with the server reason', async () => {
    await expect(handshake('wrong', 's3cret!!')).rejects.toThrow('VNC authentication failed: Authentication failed');
  });
});

describe('console tokens', () => {
  const caller = { userId: 'u1' } as Caller;

  it('are single-use, expire after the TTL, and are forgotten a TTL later', () => {
    const clock = { t: 0, now: () => clock.t };
    const tokens = new ConsoleTokens(clock, 60_000);
    const a = tokens.issue('vm1', caller, null).token;
    const b = tokens.issue('vm1', caller, null).token;
    expect(tokens.pending()).toBe(2);
    expect(tokens.redeem(a)).toMatchObject({ ok: true, ticket: { vmId: 'vm1', caller } });
    expect(tokens.redeem(a)).toEqual({ ok: false, why: 'used' });
    clock.t = 60_001;
    expect(tokens.redeem(b)).toEqual({ ok: false, why: 'expired' });
    expect(tokens.redeem('A'.repeat(43))).toEqual({ ok: false, why: 'invalid' });
    expect(tokens.sweep()).toBe(2);
    clock.t = 120_002;
    expect(tokens.sweep()).toBe(0);
    expect(tokens.redeem(b)).toEqual({ ok: false, why: 'invalid' });
  });
});
