// VM consoles in browser mode against a real QEMU VM (the test guest, booted to its shell): open the console from
// the VM's page, type into the guest's VGA shell with the keyboard and with "Type text" (checked on the guest's
// serial log, where the typed commands write, and on the screen), key combos, pop-out to the console page, the
// workspace (tabs, grid) and what a user without rights to the VM gets.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { startLabServer, type LabServer } from './fixtures/server';
import { apiAsAdmin, signIn } from './pages/session';
import { ConsolePo } from './pages/console';
import { connectRfb, openWs, WsRefused } from '../core/console/ws-client';

let lab: LabServer;
let api: Awaited<ReturnType<typeof apiAsAdmin>>;
const serial = () => readFileSync(lab.serialLog!, 'utf8');
const wsUrl = (token: string) => `${lab.url.replace(/^http/, 'ws')}/console/websockify?token=${encodeURIComponent(token)}`;
const adminToken = async (vmId = lab.vmId!) =>
  (await api('createConsoleEndpoint', { virtualmachineid: vmId })).consoleendpoint.websocket.token as string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(360_000);
  lab = await startLabServer({ kvm: true, timeoutMs: 300_000 });
  api = await apiAsAdmin(lab.url, lab.adminPassword);
  await api('createAccount', { username: 'eve', password: 'eve-pw', email: 'e@example.org', firstname: 'Eve', lastname: 'U', accounttype: '0' });
});
test.afterAll(async () => { await lab?.stop(); });

async function openConsole(page: Page): Promise<ConsolePo> {
  await signIn(page, lab.url, 'admin', lab.adminPassword);
  const c = new ConsolePo(page, lab.vmName!);
  await c.openFromInstance(lab.vmId!);
  await c.expectConnected();
  return c;
}

test('an operator types into the guest shell with the keyboard and with Type text, and sends key combos', async ({ page }) => {
  const c = await openConsole(page);
  await c.snapshot();
  await c.typeOnKeyboard('echo STRATA-$((6*7))-OK > /dev/ttyS0\n');
  await expect.poll(serial, { timeout: 20_000 }).toContain('STRATA-42-OK');
  await c.expectScreenChanged();

  await c.typeText('echo TYPED-$((6*7))-TEXT > /dev/ttyS0\n');
  await expect.poll(serial, { timeout: 20_000 }).toContain('TYPED-42-TEXT');

  // Ctrl+Alt+F2 shows the guest's second virtual terminal (opened by writing to it), Ctrl+Alt+F1 brings the shell back.
  await c.typeText('echo ON-TTY2 > /dev/tty2\n');
  await c.snapshot();
  await c.sendKeys('Ctrl+Alt+F2');
  await c.expectScreenChanged();
  await c.snapshot();
  await c.sendKeys('Ctrl+Alt+F1');
  await c.expectScreenChanged();
  await c.typeText('echo BACK-ON-TTY$((0+1)) > /dev/ttyS0\n');
  await expect.poll(serial, { timeout: 20_000 }).toContain('BACK-ON-TTY1');
});

test('after a dropped connection the console says so and reconnects by itself', async ({ page }) => {
  const c = await openConsole(page);
  // Cut the TCP connections to the server (ss -K needs root and a kernel with socket destroy; skip without).
  const port = new URL(lab.url).port;
  let killed = false;
  try { execFileSync('ss', ['-K', '-t', 'state', 'established', `( sport = :${port} )`]); killed = true; } catch { /* not here */ }
  test.skip(!killed, 'cannot cut TCP connections here (ss -K)');
  await expect(c.state).toHaveText(/Disconnected/);
  await expect(c.region).toContainText(/The connection was lost.*reconnecting in \d s \(attempt 1 of 6\)/);
  await c.expectConnected();
  await c.typeText('echo RECONNECTED-$((6*7)) > /dev/ttyS0\n');
  await expect.poll(serial, { timeout: 20_000 }).toContain('RECONNECTED-42');
});

test('closing a console closes its WebSocket to the proxy', async ({ page }) => {
  const sockets: { url(): string; isClosed(): boolean }[] = [];
  page.on('websocket', (ws) => sockets.push(ws));
  const c = await openConsole(page);
  const ws = sockets.find((s) => s.url().includes('/console/websockify'));
  expect(ws?.isClosed()).toBe(false);
  await c.button(`Close console of ${lab.vmName}`).click();
  await expect(c.region).toHaveCount(0);
  await expect.poll(() => ws!.isClosed()).toBe(true);
});

test('Pop out opens the console page in its own window; its link works only once', async ({ page, browser }) => {
  const c = await openConsole(page);
  const [popup] = await Promise.all([page.waitForEvent('popup'), c.button('Pop out').click()]);
  await expect(popup).toHaveURL(/\/console\/vnc\.html\?token=[\w-]{43}/);
  const pc = new ConsolePo(popup, lab.vmName!);
  await pc.expectConnected();
  await expect(c.region).toHaveCount(0); // the VM's page gave its console to the window
  await pc.typeText('echo POPPED-$((6*7)) > /dev/ttyS0\n');
  await expect.poll(serial, { timeout: 20_000 }).toContain('POPPED-42');

  // Another client opening the same URL (no session to fetch a new token) is refused: the token was used.
  const other = await browser.newContext();
  const stranger = await other.newPage();
  await stranger.goto(popup.url());
  const sc = new ConsolePo(stranger, lab.vmName!);
  await expect(sc.state).toHaveText(/Cannot connect/, { timeout: 20_000 });
  await expect(sc.region).toContainText('works once');
  await other.close();
  await popup.close();
});

test('the Consoles workspace shows consoles as tabs and as a grid; a VM that stops closes its console', async ({ page }) => {
  const d = await api('deployVirtualMachine', { zoneid: (await api('listZones', {})).zone[0].id, name: 'web-02', displayname: 'web-02',
    templateid: (await api('listTemplates', { templatefilter: 'all', name: 'Strata Guest (KVM)' })).template[0].id,
    serviceofferingid: (await api('listServiceOfferings', { name: 'guest-96' })).serviceoffering[0].id });
  await expect.poll(async () => (await api('queryAsyncJobResult', { jobid: d.jobid })).jobstatus, { timeout: 60_000 }).not.toBe(0);
  const deployed = await api('queryAsyncJobResult', { jobid: d.jobid });
  expect(deployed.jobstatus, JSON.stringify(deployed.jobresult)).toBe(1);

  await signIn(page, lab.url, 'admin', lab.adminPassword);
  await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Consoles' }).click();
  for (const name of [lab.vmName!, 'web-02']) {
    await page.getByLabel('Add a console').fill(name);
    await page.getByRole('button', { name: `Add ${name}`, exact: true }).click();
  }
  const tabs = page.getByRole('tablist', { name: 'Consoles' });
  await expect(tabs.getByRole('tab')).toHaveText([lab.vmName!, 'web-02']);
  await expect(tabs.getByRole('tab', { name: 'web-02' })).toHaveAttribute('aria-selected', 'true');
  const web = new ConsolePo(page, 'web-02');
  await web.expectConnected(60_000);

  await page.getByRole('group', { name: 'Layout' }).getByRole('button', { name: 'Grid' }).click();
  const first = new ConsolePo(page, lab.vmName!);
  await first.expectConnected();
  await web.expectConnected();
  // Grid tiles are view-only: no typing tools there.
  await expect(first.button('Type text')).toHaveCount(0);

  await api('stopVirtualMachine', { id: d.id, forced: 'true' });
  await expect(web.state).toHaveText(/VM stopped/, { timeout: 60_000 });
  await web.button('Close console of web-02').click();
  await expect(web.region).toHaveCount(0);
  await expect(page.getByText('1 open')).toBeVisible();
  await api('destroyVirtualMachine', { id: d.id, expunge: 'true' });
});

test('a user without rights to the VM cannot open its console with any token they can get', async ({ page }) => {
  await signIn(page, lab.url, 'eve', 'eve-pw');
  const eveKey = await page.evaluate(() => JSON.parse(sessionStorage.getItem('strata.session') ?? '{}').sessionKey as string);
  const asEve = { cookie: `sessionkey=${eveKey}` };

  // The API gives her no endpoint for a VM she cannot see (531), and her console has no page for it.
  const r = await page.evaluate(async ({ vmId, key }) => {
    const res = await fetch('/client/api', { method: 'POST', body: new URLSearchParams({ command: 'createConsoleEndpoint', virtualmachineid: vmId, sessionkey: key, response: 'json' }) });
    return { status: res.status, text: JSON.stringify(await res.json()) };
  }, { vmId: lab.vmId!, key: eveKey });
  expect(r.status).toBe(531);
  await page.evaluate((id) => { location.hash = `#/instances/${id}`; }, lab.vmId!);
  await expect(page.getByRole('button', { name: 'Console', exact: true })).toHaveCount(0);

  // A token the admin got and used is refused, in her browser and over her session.
  const used = await adminToken();
  const admin = await connectRfb(wsUrl(used));
  const fromBrowser = await page.evaluate((url) => new Promise<{ opened: boolean; code: number }>((resolve) => {
    const ws = new WebSocket(url, ['binary']);
    let opened = false;
    ws.onopen = () => { opened = true; };
    ws.onclose = (e) => resolve({ opened, code: e.code });
  }), wsUrl(used));
  expect(fromBrowser.opened).toBe(false);
  const reused = await openWs(wsUrl(used), { headers: asEve }).then(() => null, (e: unknown) => e);
  expect(reused).toBeInstanceOf(WsRefused);
  expect((reused as WsRefused).status).toBe(401);
  expect((reused as WsRefused).body).toMatch(/already used/);
  admin.ws.close();

  // An admin's token that was never used is bound to the admin: her session is refused with it.
  const fresh = await openWs(wsUrl(await adminToken()), { headers: asEve }).then(() => null, (e: unknown) => e);
  expect((fresh as WsRefused).status).toBe(403);
  expect((fresh as WsRefused).body).toMatch(/issued to another user/);

  // The console page with the used token says it cannot connect, and nothing connects.
  await page.goto(`${lab.url}/console/vnc.html?token=${encodeURIComponent(used)}`);
  const c = new ConsolePo(page, 'VM console');
  await expect(c.state).toHaveText(/Cannot connect/, { timeout: 20_000 });
  await expect(c.canvas).toHaveCount(0);
});
