// The embedded connection: a real core started through the launcher, the admin password generated and kept in the
// SecretStore, API keys registered on first start and reused after, rotated keys recovered, crashes reported. Also
// the utilityProcess launcher's protocol, with a fake process running the real core-process handler.
import { describe, it, expect } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionManager, EMBEDDED_ID } from './connections';
import { inProcessLauncher, createCoreProcessHandler, type CoreLauncher } from './embedded-core';
import { utilityProcessLauncher, type UtilityProcessLike } from './core-launcher';
import { MemorySecretStore } from './secret-store';
import { EMBEDDED_ACCOUNT } from './embedded-credentials';

const silent = { info() {}, warn() {}, error() {} };
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe('embedded connection', () => {
  it('first start: generates the admin password, registers keys, signs with them; next start reuses them', async () => {
    const dataDir = tmp('strata-ud-');
    const coreDir = join(dataDir, 'core');
    const secrets = new MemorySecretStore();
    const m = new ConnectionManager({ dataDir, secrets, embedded: inProcessLauncher(coreDir, silent) });
    await m.start();
    const [embedded] = m.list();
    expect(embedded).toMatchObject({ id: EMBEDDED_ID, kind: 'embedded', authType: 'keys', username: 'admin', status: { state: 'ready' } });
    expect(embedded.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const stored = JSON.parse(secrets.entries.get(EMBEDDED_ACCOUNT)!);
    expect(stored.adminPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(stored.apiKey && stored.secretKey).toBeTruthy();
    expect(JSON.stringify(m.list())).not.toContain(stored.adminPassword);
    const zones = await m.call(EMBEDDED_ID, 'listUsers', { username: 'admin' });
    expect(zones.ok && zones.value.listusersresponse.user[0].apikey).toBe(stored.apiKey);
    await expect(m.remove(EMBEDDED_ID)).rejects.toMatchObject({ error: { code: 'invalid-payload' } });
    await m.stop();

    const again = new ConnectionManager({ dataDir, secrets, embedded: inProcessLauncher(coreDir, silent) });
    await again.start();
    expect(again.list()[0].status.state).toBe('ready');
    expect(JSON.parse(secrets.entries.get(EMBEDDED_ACCOUNT)!)).toEqual(stored); // same keys: nothing re-registered
    await again.stop();
  });

  it('recovers when the console rotates the admin keys', async () => {
    const secrets = new MemorySecretStore();
    const m = new ConnectionManager({ dataDir: tmp('strata-ud-'), secrets, embedded: inProcessLauncher(tmp('strata-core-'), silent) });
    await m.start();
    const before = JSON.parse(secrets.entries.get(EMBEDDED_ACCOUNT)!);
    const me = await m.call(EMBEDDED_ID, 'listUsers', { username: 'admin' });
    const rotated = await m.call(EMBEDDED_ID, 'registerUserKeys', { id: me.ok ? me.value.listusersresponse.user[0].id : '' }, 'POST');
    expect(rotated.ok).toBe(true);
    expect((await m.call(EMBEDDED_ID, 'listZones')).ok).toBe(true);
    const after = JSON.parse(secrets.entries.get(EMBEDDED_ACCOUNT)!);
    expect(after.adminPassword).toBe(before.adminPassword);
    expect(after.apiKey).not.toBe(before.apiKey);
    await m.stop();
  });

  it('reports a keychain failure and a core crash as failed statuses', async () => {
    const broken = { get: async () => { throw new Error('no Secret Service'); }, set: async () => {}, delete: async () => false };
    const timers = { setTimeout: () => 0, clearTimeout: () => {} };
    const m = new ConnectionManager({ dataDir: tmp('strata-ud-'), secrets: broken as any, timers, embedded: inProcessLauncher(tmp('strata-core-'), silent) });
    await m.start();
    expect(m.list()[0].status).toMatchObject({ state: 'failed', reason: 'no Secret Service' });
    await m.stop();

    let exit!: (reason: string) => void;
    const crashy: CoreLauncher = { ...inProcessLauncher(tmp('strata-core-'), silent), onExit: (l) => { exit = l; } };
    const c = new ConnectionManager({ dataDir: tmp('strata-ud-'), secrets: new MemorySecretStore(), timers, embedded: crashy });
    await c.start();
    exit('the embedded core stopped unexpectedly (exit code 9)');
    expect(c.list()[0].status).toMatchObject({ state: 'failed', reason: 'the embedded core stopped unexpectedly (exit code 9)' });
    await c.stop();
  });
});

/** A stand-in for Electron's UtilityProcess: runs the real core-process handler in this process. */
function fakeFork(log: string[]) {
  return (modulePath: string) => {
    log.push(`fork ${modulePath}`);
    const proc = new EventEmitter() as EventEmitter & UtilityProcessLike;
    const handler = createCoreProcessHandler((reply) => setImmediate(() => proc.emit('message', reply)),
      (code) => setImmediate(() => proc.emit('exit', code)), silent);
    proc.postMessage = (m: any) => { log.push(`-> ${m.type}`); void handler(m); };
    proc.kill = () => { log.push('kill'); setImmediate(() => proc.emit('exit', 15)); return true; };
    return proc;
  };
}

describe('utilityProcess launcher', () => {
  it('starts the core over the message protocol, answers its URL, and stops it cleanly', async () => {
    const log: string[] = [];
    const launcher = utilityProcessLauncher({ fork: fakeFork(log), entry: '/app/dist/main/core-process.cjs', dataDir: tmp('strata-core-') });
    const exits: string[] = [];
    launcher.onExit((r) => exits.push(r));
    const { url } = await launcher.start({ adminPassword: 'first-start-password' });
    const login = await fetch(`${url}/client/api`, { method: 'POST', body: new URLSearchParams({ command: 'login', username: 'admin',
      password: 'first-start-password', response: 'json' }) });
    expect(login.status).toBe(200);
    await launcher.stop();
    expect(log).toEqual(['fork /app/dist/main/core-process.cjs', '-> start', '-> stop']);
    expect(exits).toEqual([]); // asked to stop: not reported as a crash
  });

  it('reports a start failure with the core\'s reason', async () => {
    const log: string[] = [];
    const file = join(tmp('strata-core-'), 'a-file');
    writeFileSync(file, 'not a folder');
    const launcher = utilityProcessLauncher({ fork: fakeFork(log), entry: 'x', dataDir: join(file, 'core') });
    await expect(launcher.start({ adminPassword: 'pw' })).rejects.toThrow(/^the embedded core failed to start: /);
    expect(log).toContain('kill');
  });
});
