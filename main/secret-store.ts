// Where secrets live: the OS keychain (@napi-rs/keyring: the Secret Service on Linux, i.e. gnome-keyring or KWallet;
// the Keychain on macOS; the Credential Manager on Windows), behind a small interface so the connection manager is
// testable with an in-memory store. Secrets never go to plain files: there is deliberately no file-backed
// implementation. On Linux the store is pinned to the Secret Service, because the library's default falls back to
// the kernel keyring, which forgets everything at the next reboot (a secret that silently vanishes is worse than a
// clear "no keychain" message: keychain-check.ts says what the user is offered instead).

export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'Strata';

/** Raised when the keychain itself fails (locked, no Secret Service running, access denied). */
export class SecretStoreError extends Error {
  constructor(message: string, cause?: unknown) { super(message, { cause }); }
}

/** One keychain item: the subset of @napi-rs/keyring's AsyncEntry used here. */
export interface KeychainEntry {
  getPassword(): Promise<string | null>;
  setPassword(password: string): Promise<void>;
  deletePassword(): Promise<boolean>;
}
export type KeychainEntryFactory = (service: string, account: string) => KeychainEntry;

// Linux only (ignored elsewhere): requiring the Secret Service makes the library throw when none runs, instead of
// falling back to the kernel keyring.
const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

const loadKeyring = async (): Promise<KeychainEntryFactory> => {
  const { AsyncEntry } = await import('@napi-rs/keyring');
  return (service, account) => new AsyncEntry(service, account, ENTRY_OPTIONS);
};

/** The library is loaded on first use, so a missing native module or keychain surfaces as a clear error, not a crash at start. */
export class OsKeychainSecretStore implements SecretStore {
  #factory: Promise<KeychainEntryFactory> | undefined;

  constructor(readonly service = KEYCHAIN_SERVICE, private readonly load: () => Promise<KeychainEntryFactory> = loadKeyring) {}

  async #run<T>(what: string, account: string, f: (entry: KeychainEntry) => Promise<T>): Promise<T> {
    let factory: KeychainEntryFactory;
    try {
      factory = await (this.#factory ??= this.load());
    } catch (e) {
      this.#factory = undefined;
      throw new SecretStoreError(`The OS keychain is not available (@napi-rs/keyring could not load: ${message(e)})`, e);
    }
    try {
      // Creating the entry is where the Secret Service connection is made (and fails when none runs).
      return await f(factory(this.service, account));
    } catch (e) {
      throw new SecretStoreError(explainKeychainFailure(what, message(e)), e);
    }
  }

  get(account: string) { return this.#run('read a secret', account, (k) => k.getPassword()); }
  set(account: string, secret: string) { return this.#run('store a secret', account, (k) => k.setPassword(secret)); }
  delete(account: string) { return this.#run('delete a secret', account, (k) => k.deletePassword()); }
}

/**
 * A keychain failure in words a user can act on. Linux without a reachable Secret Service (no D-Bus session, or no
 * gnome-keyring/KWallet on it) is the common case on a fresh machine, so it gets its own sentence.
 */
export function explainKeychainFailure(what: string, reason: string): string {
  const noService = /DBus error|org\.freedesktop\.secrets|ServiceUnknown|no such (file|interface)/i.test(reason)
    && !/prompt was dismissed|locked/i.test(reason);
  if (noService) {
    return 'No OS keychain is running: Strata keeps secrets only in the Secret Service (gnome-keyring or KWallet), ' +
      `and none answered (${reason}). Install and start one (e.g. apt-get install gnome-keyring) in your desktop session, then try again.`;
  }
  return `The OS keychain refused to ${what}: ${reason}`;
}

export class MemorySecretStore implements SecretStore {
  readonly entries = new Map<string, string>();
  async get(account: string) { return this.entries.get(account) ?? null; }
  async set(account: string, secret: string) { this.entries.set(account, secret); }
  async delete(account: string) { return this.entries.delete(account); }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
