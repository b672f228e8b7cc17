// The "no OS keychain" question: asked only while the keychain fails, in plain words, with try again / continue /
// quit; and, end to end, what the BUILT main does with each answer where no Secret Service runs.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureKeychain, keychainPrompt, type KeychainChoice, type KeychainPrompt } from './keychain-check';
import { MemorySecretStore, SecretStoreError } from './secret-store';
import { lastJsonLine, repoRoot } from './testing/keyring-session';

/** A keychain that fails `failures` times, then answers. */
class FlakyKeychain extends MemorySecretStore {
  constructor(private failures: number) { super(); }
  override async get(account: string) {
    if (this.failures-- > 0) throw new SecretStoreError('No OS keychain is running: none answered');
    return super.get(account);
  }
}

const asker = (answers: KeychainChoice[]) => {
  const asked: KeychainPrompt[] = [];
  return { asked, ask: async (p: KeychainPrompt) => { asked.push(p); return answers.shift() ?? 'quit'; } };
};

describe('ensureKeychain', () => {
  it('asks nothing when the keychain answers', async () => {
    const a = asker([]);
    expect(await ensureKeychain(new MemorySecretStore(), a.ask)).toBe('ok');
    expect(a.asked).toEqual([]);
  });

  it('asks again after "Try again" while the keychain fails, and goes on once it answers', async () => {
    const a = asker(['retry', 'retry']);
    expect(await ensureKeychain(new FlakyKeychain(2), a.ask, 'linux')).toBe('ok');
    expect(a.asked).toHaveLength(2);
    expect(a.asked[0]).toEqual(keychainPrompt('No OS keychain is running: none answered', 'linux'));
  });

  it('returns the user\'s "continue" or "quit"', async () => {
    expect(await ensureKeychain(new FlakyKeychain(9), asker(['continue']).ask)).toBe('continue');
    expect(await ensureKeychain(new FlakyKeychain(9), asker(['retry', 'quit']).ask)).toBe('quit');
  });

  it('names the keychain of the platform and offers no other store', () => {
    const p = keychainPrompt('reason', 'linux');
    expect(p.buttons).toEqual(['Try again', 'Continue without a keychain', 'Quit']);
    expect(p.detail).toContain('reason\n\nStrata stores secrets only in the Secret Service (gnome-keyring or KWallet), never in files.');
    expect(keychainPrompt('r', 'darwin').detail).toContain('the macOS Keychain');
    expect(keychainPrompt('r', 'win32').detail).toContain('the Windows Credential Manager');
  });
});

describe('the built main where no Secret Service runs (fake Electron)', () => {
  const run = async (answers: string) => lastJsonLine((await promisify(execFile)(process.execPath, ['main/testing/main-no-keychain.mjs'], {
    cwd: repoRoot, timeout: 60_000,
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/strata-no-bus', STRATA_SMOKE_DIALOG: answers },
  })).stdout);
  beforeAll(async () => { await promisify(execFile)(process.execPath, ['scripts/build-desktop.mjs'], { cwd: repoRoot }); }, 120_000);

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
