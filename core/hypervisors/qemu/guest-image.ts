// The test/demo guest (assets/guest/build-guest.sh): built on demand into a cache directory, never committed.
// The script is idempotent (a stamp of its inputs) and takes a lock, so calling it from several test workers at
// once is safe; here it runs at most once per process.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './proc';

export const GUEST_SCRIPT = fileURLToPath(new URL('../../../assets/guest/build-guest.sh', import.meta.url));

/** Where the guest images live: $STRATA_GUEST_DIR, else ${XDG_CACHE_HOME:-~/.cache}/strata/guest. */
export function guestDir(): string {
  if (process.env.STRATA_GUEST_DIR) return process.env.STRATA_GUEST_DIR;
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'strata', 'guest');
}

/** Memory the guest needs to boot (its cloud kernel is large); below this it reboots in a loop. */
export const GUEST_MIN_MEMORY_MB = 96;
/** Line the guest prints on its serial console once the shell there is ready. */
export const GUEST_READY_BANNER = 'STRATA-GUEST READY';

let pending: Promise<{ qcow2: string; iso: string }> | null = null;

export function ensureGuestImages(): Promise<{ qcow2: string; iso: string }> {
  if (pending === null) {
    pending = build().catch((e: unknown) => { pending = null; throw e; });
  }
  return pending;
}

async function build(): Promise<{ qcow2: string; iso: string }> {
  const dir = guestDir();
  await run('bash', [GUEST_SCRIPT], { timeoutMs: 5 * 60_000 }).catch((e: Error) => {
    throw new Error(`Building the test guest failed: ${e.message}`);
  });
  const out = { qcow2: path.join(dir, 'guest.qcow2'), iso: path.join(dir, 'guest.iso') };
  if (!existsSync(out.qcow2) || !existsSync(out.iso)) throw new Error(`The guest build left no images in ${dir}`);
  return out;
}
