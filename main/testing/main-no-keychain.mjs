// Runs the BUILT main bundle with fake Electron where no OS keychain answers (the D-Bus session address points
// nowhere), the user answering the keychain question with STRATA_SMOKE_DIALOG's buttons; prints one JSON report of
// what the user saw and what main did. Driven by main-smoke.test.ts.
import { loadMainWithFakeElectron, until } from './run-main.mjs';

const { rec, app } = loadMainWithFakeElectron();
const report = {};
const quit = new Promise((r) => app.once('quit-done', () => r('quit')));
const outcome = await Promise.race([quit, until(() => rec.windows[0]).then(() => 'window')]);
report.outcome = outcome;
report.dialogs = rec.dialogs.map((d) => ({ type: d.type, message: d.message, detail: d.detail, buttons: d.buttons, cancelId: d.cancelId }));
if (outcome === 'window') {
  const win = rec.windows[0];
  const ev = { sender: win.webContents, senderFrame: { ...win.webContents.mainFrame } };
  const list = await until(async () => {
    const r = await rec.ipcHandlers['connections:list'](ev);
    return r.ok && r.value[0]?.status.state === 'failed' ? r.value : null;
  });
  report.embedded = { state: list[0].status.state, reason: list[0].status.reason };
  const done = new Promise((r) => app.once('quit-done', r));
  app.quit();
  await done;
}
report.coreStarted = rec.children.length > 0;
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(0);
