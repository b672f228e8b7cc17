// keytar against a REAL Secret Service: gnome-keyring in a private D-Bus session (see testing/keyring-session.ts).
import { describe, it, expect } from 'vitest';
import { KeytarSecretStore, SecretStoreError } from './secret-store';
import { inKeyringSession, lastJsonLine } from './testing/keyring-session';

describe('KeytarSecretStore with gnome-keyring', () => {
  it('stores, reads, replaces and deletes secrets in the Secret Service', async () => {
    const { stdout } = await inKeyringSession(process.execPath, ['--import', 'tsx', 'main/testing/keytar-roundtrip.ts', 'Strata-test']);
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

  it('turns an unreachable keychain into a SecretStoreError with the reason', async () => {
    const store = new KeytarSecretStore('Strata-test', async () => { throw new Error('libsecret-1.so.0: cannot open shared object file'); });
    await expect(store.get('x')).rejects.toBeInstanceOf(SecretStoreError);
    await expect(store.get('x')).rejects.toThrow('The OS keychain is not available (keytar could not load: libsecret-1.so.0: cannot open shared object file)');
    const refusing = new KeytarSecretStore('Strata-test', async () => ({
      getPassword: async () => { throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'); },
      setPassword: async () => {}, deletePassword: async () => false,
    }));
    await expect(refusing.get('x')).rejects.toThrow('The OS keychain refused to read a secret: Cannot autolaunch D-Bus without X11 $DISPLAY');
  });
});
