// The desktop app minus Electron (whose binary cannot be downloaded here): the renderer in Chromium, and behind a
// stand-in preload main's real IPC layer — `dispatch` (sender checks, the contract's schemas), the handlers, the
// ConnectionManager (keys held by main, an in-memory secret store in place of the keychain) and the console relay.
// An operator adds a remote Strata server, sees its VMs, and types into a real QEMU guest over a console that
// main relays (the window itself only ever opens a loopback WebSocket to the relay).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { apiAsAdmin } from './pages/session';
import { ConsolePo } from './pages/console';
import { ConnectionManager } from '../main/connections';
import { ConsoleRelay } from '../main/console-relay';
import { createHandlers } from '../main/ipc-handlers';
import { dispatch, type Handler, type IpcEventLike, type SenderPolicy } from '../main/ipc';
import { eventChannelNames, invokeChannelNames, type InvokeChannel } from '../main/ipc-contract';
import { MemorySecretStore } from '../main/secret-store';
import { APP_ORIGIN, appProtocolResponse } from '../main/security';

let lab: LabServer;
let keys: { apikey: string; secretkey: string };
const cleanup: (() => Promise<unknown> | void)[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(360_000);
  lab = await startLabServer({ kvm: true, timeoutMs: 300_000 });
  const api = await apiAsAdmin(lab.url, lab.adminPassword);
  const admin = (await api('listUsers', { username: 'admin' })).user[0];
  keys = (await api('registerUserKeys', { id: admin.id })).userkeys;
});
test.afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
  await lab?.stop();
});

/**
 * The window's content as main's app:// protocol handler serves it (same files, same CSP, which lets the window
 * open WebSockets to loopback only), but over http on loopback: Chromium here has no app:// scheme.
 */
async function appShell(): Promise<string> {
  const server = createServer((req, res) => {
    void appProtocolResponse(new Request(`${APP_ORIGIN}${req.url}`), 'dist/renderer', (p) => readFile(p)).then(async (r) => {
      res.writeHead(r.status, Object.fromEntries(r.headers));
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Main's side, wired as main.ts wires it, answering the page through an exposed function instead of ipcMain. */
async function desktopMain(page: Page, appOrigin: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-desktop-'));
  const relay = new ConsoleRelay({ appOrigin });
  await relay.start();
  const connections = new ConnectionManager({
    dataDir, secrets: new MemorySecretStore(), embedded: null,
    onChange: (list) => void page.evaluate((l) => (window as any).__strataEmit('connections:changed', l), list).catch(() => {}),
  });
  cleanup.push(() => relay.close(), () => connections.stop(), () => rmSync(dataDir, { recursive: true, force: true }));
  const handlers = createHandlers({ connections, consoles: relay, appInfo: () => ({}) as never, windowOf: () => null });
  const frame = { url: `${appOrigin}/index.html`, parent: null };
  const sender = { mainFrame: frame };
  const policy: SenderPolicy = { appOrigin, trusted: new WeakSet([sender]) };
  const event: IpcEventLike = { sender, senderFrame: frame };
  await page.exposeFunction('__strataInvoke', (channel: InvokeChannel, payload: unknown) =>
    dispatch(channel, handlers[channel] as Handler<typeof channel>, policy, event, payload === undefined ? [] : [payload]));
  // The preload's bridge (main/ipc-contract buildBridge), rebuilt in the page: one function per channel, and `on`.
  await page.addInitScript(({ channels, events }) => {
    const w = window as any;
    const listeners = new Map<string, Set<(p: unknown) => void>>();
    const bridge: Record<string, any> = {};
    for (const c of channels) {
      const [ns, method] = c.split(':');
      (bridge[ns] ??= {})[method] = (req?: unknown) => w.__strataInvoke(c, req);
    }
    bridge.on = (e: string, fn: (p: unknown) => void) => {
      if (!events.includes(e)) throw new Error(`unknown event channel: ${e}`);
      (listeners.get(e) ?? listeners.set(e, new Set()).get(e)!).add(fn);
      return () => listeners.get(e)!.delete(fn);
    };
    w.__strataEmit = (e: string, p: unknown) => listeners.get(e)?.forEach((fn) => fn(p));
    w.strata = Object.freeze(bridge);
  }, { channels: invokeChannelNames as string[], events: eventChannelNames as string[] });
  return { relay };
}

test('an operator adds a remote server with API keys and types into a VM console that main relays', async ({ page }) => {
  const shell = await appShell();
  await desktopMain(page, shell);
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(`${shell}/index.html`);

  await page.getByRole('button', { name: '+ Connection' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Kind').selectOption('strata');
  await dialog.getByLabel('Name').fill('Lab server');
  await dialog.getByLabel('URL').fill(`${lab.url}/client/api`);
  await dialog.getByLabel('API key').fill(keys.apikey);
  await dialog.getByLabel('Secret key').fill(keys.secretkey);
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByLabel('Connection', { exact: true })).toContainText('Lab server · ready', { timeout: 30_000 });
  await expect(page.getByRole('navigation', { name: 'main' })).toBeVisible();

  await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Instances' }).click();
  await page.getByRole('link', { name: lab.vmName!, exact: true }).click();
  await page.getByRole('button', { name: 'Console', exact: true }).click();
  const c = new ConsolePo(page, lab.vmName!);
  await c.expectConnected();
  await c.typeText('echo DESKTOP-$((6*7))-RELAYED > /dev/ttyS0\n');
  await expect.poll(() => readFileSync(lab.serialLog!, 'utf8'), { timeout: 20_000 }).toContain('DESKTOP-42-RELAYED');
  // The window's only WebSocket went to main's loopback relay, never to the server's proxy itself.
  expect(sockets.length).toBeGreaterThan(0);
  for (const u of sockets) expect(u).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/relay\/[A-Za-z0-9_-]+$/);
});

test('a server reached by user name and password works; a wrong secret key fails with the server reason, and retries', async ({ page }) => {
  const shell = await appShell();
  await desktopMain(page, shell);
  await page.goto(`${shell}/index.html`);
  const add = async (name: string, auth: 'keys' | 'password', a: string, b: string) => {
    await page.getByRole('button', { name: '+ Connection' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add connection' });
    await dialog.getByLabel('Kind').selectOption('strata');
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('URL').fill(lab.url);
    await dialog.getByLabel('Authentication').selectOption(auth);
    await dialog.getByLabel(auth === 'keys' ? 'API key' : 'Username').fill(a);
    await dialog.getByLabel(auth === 'keys' ? 'Secret key' : 'Password').fill(b);
    await dialog.getByRole('button', { name: 'Add' }).click();
  };
  const switcher = page.getByLabel('Connection', { exact: true });

  await add('By password', 'password', 'admin', lab.adminPassword);
  await expect(switcher).toContainText('By password · ready', { timeout: 30_000 });
  await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Instances' }).click();
  await expect(page.getByRole('link', { name: lab.vmName!, exact: true })).toBeVisible();

  await add('Wrong secret', 'keys', keys.apikey, 'not-the-secret');
  await expect(switcher).toContainText('Wrong secret · failed', { timeout: 30_000 });
  await expect(page.getByText(/Connection failed: .*(credentials|signature)/i)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry now' })).toBeVisible();
});
