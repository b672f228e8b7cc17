// The "no OS keychain" question: asked only while the keychain fails, in plain words, with try again / continue /
// quit. What the BUILT main does with each answer where no Secret Service runs: main-smoke.test.ts.
import { describe, it, expect } from 'vitest';
import { ensureKeychain, keychainPrompt, type KeychainChoice, type KeychainPrompt } from './keychain-check';
import { MemorySecretStore, SecretStoreError } from './secret-store';

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
