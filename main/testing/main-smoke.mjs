// Runs the BUILT main bundle (dist/main/main.cjs) under Node with fake-electron.cjs standing in for 'electron',
// drives it the way Electron would (ready, IPC from the window, menu, protocol, quit) and prints one JSON report.
// The embedded core runs for real in a child process; secrets go to the real keychain (run inside a keyring
// session, see main-smoke.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMainWithFakeElectron, until } from './run-main.mjs';

const { rec, app } = loadMainWithFakeElectron();
const report = {};
const win = await until(() => rec.windows[0]);
const ev = (frameUrl = 'app://strata/index.html') => ({ sender: win.webContents, senderFrame: { ...win.webContents.mainFrame, url: frameUrl } });
const ipc = (channel, payload, e = ev()) => rec.ipcHandlers[channel](e, ...(payload === undefined ? [] : [payload]));

report.userData = app.getPath('userData').startsWith(process.env.STRATA_SMOKE_APPDATA) && app.getPath('userData').endsWith('Strata');
report.schemes = rec.schemes;
report.webPreferences = { ...win.options.webPreferences, preload: win.options.webPreferences.preload.endsWith('dist/main/preload.cjs') };
report.loaded = win.loaded;
report.channels = Object.keys(rec.ipcHandlers).sort();
const page = await rec.protocolHandlers.app(new Request('app://strata/index.html'));
report.protocol = { status: page.status, csp: page.headers.get('content-security-policy') };
report.traversal = (await rec.protocolHandlers.app(new Request('app://strata/..%2f..%2fpackage.json'))).status;
report.foreign = await ipc('connections:list', undefined, ev('https://evil.example/'));
report.invalid = await ipc('api:call', { connectionId: 'embedded' });
const list = await until(async () => {
  const r = await ipc('connections:list');
  return r.ok && r.value[0]?.status.state !== 'connecting' ? r.value : null;
});
report.embedded = { id: list[0].id, state: list[0].status.state, reason: list[0].status.reason ?? null, url: /^http:\/\/127\.0\.0\.1:\d+$/.test(list[0].url) };
report.listZones = await ipc('api:call', { connectionId: 'embedded', command: 'listZones' });
report.info = await ipc('app:info');
report.windowOpen = win.webContents.windowOpenHandler({ url: 'https://example.com/' });
report.opened = rec.opened;
const items = (t) => t.flatMap((i) => [i, ...items(i.submenu ?? [])]);
items(rec.menu.template).find((i) => i.accelerator === 'CmdOrCtrl+K').click();
report.menuEvent = rec.sent.find(([c]) => c === 'app:menuCommand');
report.changedEvents = rec.sent.filter(([c]) => c === 'connections:changed').length > 0;
const files = readdirSync(app.getPath('userData'));
report.userDataFiles = files.sort();
report.secretsOnDisk = files.filter((f) => f.endsWith('.json')).some((f) => /secret|password/i.test(readFileSync(join(app.getPath('userData'), f), 'utf8')));

const done = new Promise((r) => app.once('quit-done', r));
app.quit();
await done;
report.coreExited = await until(() => rec.children.every((c) => c.exitCode !== null || c.signalCode !== null), 20_000);
report.quitCalls = rec.quitCalls;
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(0);
