// Test fixture: real `strata serve` processes (bin/strata.mjs) on one database, with the cluster timings shortened
// so that a killed server is found Down within seconds; and `until`, polling for what a test waits on.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_PASSWORD } from './harness';

// (ESM: also run outside vitest, by the cluster benchmark.)
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'strata.mjs');

export interface ServeProcess { url: string; port: number; proc: ChildProcess; /** What it printed so far. */ output(): string }

/** Every process started here, for afterAll to kill. */
export const servedProcesses: ChildProcess[] = [];
export function killServedProcesses(): void {
  for (const c of servedProcesses.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Starts `strata serve` on the database; resolves with its base URL once it listens. */
export function serveProcess(db: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'strata-ms-'));
  const proc = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--db', db, '--port', '0'], {
    env: { ...process.env, STRATA_ADMIN_PASSWORD: ADMIN_PASSWORD, STRATA_MS_HEARTBEAT_MS: '200', STRATA_MS_DOWN_AFTER_MS: '2000',
      STRATA_HOST_PING_MS: '300', STRATA_CACHE_SYNC_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servedProcesses.push(proc);
  return new Promise((ok, fail) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+:(\d+))\/client\/api/.exec(out);
      if (m) ok({ url: m[1], port: Number(m[2]), proc, output: () => out });
    });
    proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.once('exit', (code) => fail(new Error(`strata serve exited (${code}): ${out}`)));
  });
}

/** Polls `f` every 200 ms until it gives something truthy. */
export async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
