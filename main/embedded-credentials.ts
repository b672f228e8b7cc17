// How main signs in to the embedded core:
//  1. First start: main generates a random admin password and stores it in the SecretStore (account `embedded`)
//     BEFORE starting the core, so it can never be lost between the two steps.
//  2. Main starts the core and hands it the password in the start message (private parent port, not the
//     environment); the core seeds the root admin `admin` with it on its first start and ignores it afterwards.
//  3. Main logs in as admin once, calls registerUserKeys, stores the API key pair next to the password, logs out.
//     Every later request is signed with the keys. If the keys are refused (rotated from the console, or the core's
//     data was reset), steps 3 runs again with the stored password.
import { randomBytes } from 'node:crypto';
import { CloudStackClient, type FetchLike } from './cloudstack-client';
import type { IpcResult } from './ipc-contract';
import { SecretStoreError, type SecretStore } from './secret-store';

export const EMBEDDED_ACCOUNT = 'embedded';
export const EMBEDDED_ADMIN = 'admin';

export interface EmbeddedSecret { adminPassword: string; apiKey?: string; secretKey?: string }

/** Reads the embedded core's secret, creating (and storing) the admin password on first start. */
export async function loadOrCreateEmbeddedSecret(secrets: SecretStore): Promise<EmbeddedSecret> {
  const raw = await secrets.get(EMBEDDED_ACCOUNT);
  if (raw) {
    try {
      const s = JSON.parse(raw);
      if (typeof s?.adminPassword === 'string' && s.adminPassword) return s as EmbeddedSecret;
    } catch { /* unreadable: treated as absent below would lose the admin; refuse instead */ }
    throw new SecretStoreError('the embedded core secret in the OS keychain is unreadable');
  }
  const created: EmbeddedSecret = { adminPassword: randomBytes(24).toString('base64url') };
  await secrets.set(EMBEDDED_ACCOUNT, JSON.stringify(created));
  return created;
}

/** Logs in as the root admin with the password, registers fresh API keys, stores them, logs out. */
export async function registerEmbeddedKeys(url: string, secrets: SecretStore, current: EmbeddedSecret, fetch?: FetchLike): Promise<IpcResult<EmbeddedSecret>> {
  const session = new CloudStackClient({ url, fetch, auth: { type: 'password', username: EMBEDDED_ADMIN, password: current.adminPassword } });
  try {
    const login = await session.connect();
    if (!login.ok) return { ok: false, error: { ...login.error, message: `cannot sign in to the embedded core as ${EMBEDDED_ADMIN}: ${login.error.message}` } };
    if (!login.value.userId) return { ok: false, error: { code: 'internal', message: 'the embedded core answered login without a user id' } };
    const keys = await session.call('registerUserKeys', { id: login.value.userId }, 'POST');
    if (!keys.ok) return keys;
    const k = keys.value.registeruserkeysresponse?.userkeys;
    if (typeof k?.apikey !== 'string' || typeof k?.secretkey !== 'string') {
      return { ok: false, error: { code: 'internal', message: 'registerUserKeys answered without a key pair' } };
    }
    const next: EmbeddedSecret = { adminPassword: current.adminPassword, apiKey: k.apikey, secretKey: k.secretkey };
    await secrets.set(EMBEDDED_ACCOUNT, JSON.stringify(next));
    return { ok: true, value: next };
  } finally {
    await session.close();
  }
}
