// The OS keychain store against a REAL Secret Service: gnome-keyring in a private D-Bus session (see
// testing/keyring-session.ts), and against a session where none answers.
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OsKeychainSecretStore, SecretStoreError } from './secret-store';
import { inKeyringSession, lastJsonLine, repoRoot } from './testing/keyring-session';

const roundtrip = ['--import', 'tsx', 'main/testing/keychain-roundtrip.ts', 'Strata-test'];

describe('OsKeychainSecretStore (@napi-rs/keyring) with gnome-keyring', () => {
  it('stores, reads, replaces and deletes secrets in the Secret Service', async () => {
    const { stdout } = await inKeyringSession(process.execPath, roundtrip);
    expect(lastJsonLine(stdout)).toEqual({
      missing: null,
      read: JSON.stringify({ type: 'keys', apiKey: 'k-123', secretKey: 's3cr€t with spaces & symbols' }),
      replaced: 'replaced',
      deleted: true,
      afterDelete: null,
      deletedAgain: false,
      otherKept: 'other',
    });
  });

  it('says plainly that no keychain runs where no Secret Service answers, and never falls back to another store', async () => {
    // No D-Bus session at all: the library's default would use the kernel keyring (lost at reboot); pinned, it fails.
    const r = await promisify(execFile)(process.execPath, roundtrip, {
      cwd: repoRoot, env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/strata-no-bus' },
    }).then(() => null, (e) => e as { stderr: string });
    expect(r?.stderr).toContain('No OS keychain is running: Strata keeps secrets only in the Secret Service (gnome-keyring or KWallet), and none answered');
  });

  it('turns a keychain library that cannot load or refuses into a SecretStoreError with the reason', async () => {
    const store = new OsKeychainSecretStore('Strata-test', async () => { throw new Error('Cannot find module @napi-rs/keyring-linux-x64-gnu'); });
    await expect(store.get('x')).rejects.toBeInstanceOf(SecretStoreError);
    await expect(store.get('x')).rejects.toThrow('The OS keychain is not available (@napi-rs/keyring could not load: Cannot find module @napi-rs/keyring-linux-x64-gnu)');
    const refusing = new OsKeychainSecretStore('Strata-test', async () => () => ({
      getPassword: async () => { throw new Error("Couldn't access platform storage: Secret Service: unlock prompt was dismissed"); },
      setPassword: async () => {}, deletePassword: async () => false,
    }));
    await expect(refusing.get('x')).rejects.toThrow("The OS keychain refused to read a secret: Couldn't access platform storage: Secret Service: unlock prompt was dismissed");
  });
});
