// Before the connections start, main makes sure the OS keychain answers. Where none does (typically Linux without a
// running Secret Service), the user is told so in plain words and chooses: try again (after starting gnome-keyring
// or KWallet, or unlocking it), continue without a keychain (saved connections and the embedded core then stay
// failed, each with the same reason, until a keychain answers), or quit. There is deliberately no "keep secrets
// somewhere else" option: a plain file leaks them, and an in-memory or kernel-keyring store loses them at the next
// restart or reboot, which would also lock the embedded core's admin out of its own database.
import { SecretStoreError, type SecretStore } from './secret-store';

export type KeychainChoice = 'retry' | 'continue' | 'quit';

export interface KeychainPrompt {
  title: string;
  message: string;
  detail: string;
  /** Button labels, in the order of KEYCHAIN_CHOICES. */
  buttons: string[];
}

export const KEYCHAIN_CHOICES: readonly KeychainChoice[] = ['retry', 'continue', 'quit'];

/** Any account works: reading one that does not exist still needs a working keychain. */
const PROBE_ACCOUNT = 'keychain-probe';

/** Null when the keychain answers, else the reason it does not (the SecretStoreError's message). */
export async function probeKeychain(secrets: SecretStore): Promise<string | null> {
  try {
    await secrets.get(PROBE_ACCOUNT);
    return null;
  } catch (e) {
    if (e instanceof SecretStoreError) return e.message;
    throw e;
  }
}

export function keychainPrompt(reason: string, platform: string): KeychainPrompt {
  const where = platform === 'linux' ? 'the Secret Service (gnome-keyring or KWallet)'
    : platform === 'darwin' ? 'the macOS Keychain' : 'the Windows Credential Manager';
  return {
    title: 'No OS keychain',
    message: 'Strata cannot reach the OS keychain, where it keeps passwords and API keys.',
    detail: `${reason}\n\nStrata stores secrets only in ${where}, never in files. ` +
      'Try again once the keychain runs (or is unlocked). If you continue without it, the built-in server and saved ' +
      'connections cannot sign in and new connections cannot be saved until a keychain answers.',
    buttons: ['Try again', 'Continue without a keychain', 'Quit'],
  };
}

/**
 * Probes the keychain and, while it fails, asks the user what to do. Resolves 'ok' when the keychain answers,
 * 'continue' or 'quit' when the user chose so.
 */
export async function ensureKeychain(secrets: SecretStore, ask: (p: KeychainPrompt) => Promise<KeychainChoice>, platform: string = process.platform): Promise<'ok' | 'continue' | 'quit'> {
  for (;;) {
    const reason = await probeKeychain(secrets);
    if (reason === null) return 'ok';
    const choice = await ask(keychainPrompt(reason, platform));
    if (choice !== 'retry') return choice;
  }
}
