// The BUILT desktop bundles, wired as Electron would run them, on a machine without the Electron runtime: a fake
// 'electron' module (testing/fake-electron.cjs) records what main does; the embedded core runs for real in a child
// process and secrets go to a real gnome-keyring (or, in the last block, no keychain answers at all). Catches bundling
// and wiring mistakes the unit tests cannot see.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cspHeader, windowWebPreferences } from './security';
import { invokeChannelNames } from './ipc-contract';
import { inKeyringSession, lastJsonLine, repoRoot } from './testing/keyring-session';

let report: any;

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ['scripts/build-desktop.mjs'], { cwd: repoRoot });
  report = lastJsonLine((await inKeyringSession(process.execPath, ['main/testing/main-smoke.mjs'], 90_000)).stdout);
}, 120_000);

describe('desktop main bundle (fake Electron, real core and keychain)', () => {
  it('registers app:// before ready, opens one secure window on it, and serves it with the CSP', () => {
    expect(report.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } }]);
    expect(report.webPreferences).toEqual({ ...windowWebPreferences('x', { devTools: true }), preload: true });
    expect(report.loaded).toBe('app://strata/index.html');
    expect(report.protocol.csp).toBe(cspHeader());
    expect(report.traversal).toBe(403);
    expect(report.userData).toBe(true);
  });

  it('answers every contract channel, refusing foreign senders and bad payloads as data', () => {
    expect(report.channels).toEqual([...invokeChannelNames].sort());
    expect(report.foreign).toEqual({ ok: false, error: { code: 'forbidden', message: "IPC refused: the sender's origin is not app://strata" } });
    expect(report.invalid.error.code).toBe('invalid-payload');
    expect(report.info).toMatchObject({ ok: true, value: { name: 'Strata' } });
  });

  it('starts the embedded core in a separate process, signs in, and calls the API', () => {
    expect(report.embedded).toEqual({ id: 'embedded', state: 'ready', reason: null, url: true });
    expect(report.listZones).toEqual({ ok: true, value: { listzonesresponse: {} } });
    expect(report.changedEvents).toBe(true);
    expect(report.secretsOnDisk).toBe(false);
  });

  it('sends window.open links to the system browser, forwards Ctrl+K, and stops the core on quit', () => {
    expect(report.windowOpen).toEqual({ action: 'deny' });
    expect(report.opened).toEqual(['https://example.com/']);
    expect(report.menuEvent).toEqual(['app:menuCommand', { command: 'commandPalette' }]);
    expect(report.coreExited).toBe(true);
    expect(report.quitCalls).toBe(2);
  });
});

describe('the built main where no Secret Service runs (fake Electron)', () => {
  const run = async (answers: string) => lastJsonLine((await promisify(execFile)(process.execPath, ['main/testing/main-no-keychain.mjs'], {
    cwd: repoRoot, timeout: 60_000,
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/strata-no-bus', STRATA_SMOKE_DIALOG: answers },
  })).stdout);

  it('says so in a warning box; "Try again" asks again, "Quit" quits before any window or core starts', async () => {
    const r = await run('0,2');
    expect(r.outcome).toBe('quit');
    expect(r.dialogs).toHaveLength(2);
    expect(r.dialogs[0]).toMatchObject({ type: 'warning', message: 'Strata cannot reach the OS keychain, where it keeps passwords and API keys.',
      buttons: ['Try again', 'Continue without a keychain', 'Quit'], cancelId: 2 });
    expect(r.dialogs[0].detail).toMatch(/^No OS keychain is running: Strata keeps secrets only in the Secret Service \(gnome-keyring or KWallet\)/);
    expect(r.coreStarted).toBe(false);
  }, 60_000);

  it('"Continue" opens the console with the built-in server failed for that reason, its core not started', async () => {
    const r = await run('1');
    expect(r.outcome).toBe('window');
    expect(r.dialogs).toHaveLength(1);
    expect(r.embedded.state).toBe('failed');
    expect(r.embedded.reason).toMatch(/^No OS keychain is running/);
    expect(r.coreStarted).toBe(false);
  }, 60_000);
});
