// Where secrets live: the OS keychain (keytar: Secret Service on Linux, Keychain on macOS, Credential Vault on
// Windows), behind a small interface so the connection manager is testable with an in-memory store. Secrets never
// go to plain files: there is deliberately no file-backed implementation.

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

interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const loadKeytar = async (): Promise<KeytarApi> => {
  const mod: any = await import('keytar');
  return (mod.default ?? mod) as KeytarApi;
};

/** keytar is loaded on first use, so a missing native module or keychain surfaces as a clear error, not a crash at start. */
export class KeytarSecretStore implements SecretStore {
  #api: Promise<KeytarApi> | undefined;

  constructor(readonly service = KEYCHAIN_SERVICE, private readonly load: () => Promise<KeytarApi> = loadKeytar) {}

  async #run<T>(what: string, f: (k: KeytarApi) => Promise<T>): Promise<T> {
    let api: KeytarApi;
    try {
      api = await (this.#api ??= this.load());
    } catch (e) {
      this.#api = undefined;
      throw new SecretStoreError(`The OS keychain is not available (keytar could not load: ${message(e)})`, e);
    }
    try {
      return await f(api);
    } catch (e) {
      throw new SecretStoreError(`The OS keychain refused to ${what}: ${message(e)}`, e);
    }
  }

  get(account: string) { return this.#run('read a secret', (k) => k.getPassword(this.service, account)); }
  set(account: string, secret: string) { return this.#run('store a secret', (k) => k.setPassword(this.service, account, secret)); }
  delete(account: string) { return this.#run('delete a secret', (k) => k.deletePassword(this.service, account)); }
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
