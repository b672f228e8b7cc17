// Runs a command inside a private D-Bus session with an unlocked gnome-keyring (the Secret Service that the OS
// keychain store talks to on Linux), in a throwaway HOME so the developer's own keyrings are never touched. Needs the
// Debian packages gnome-keyring and dbus-daemon (dbus-run-session); @napi-rs/keyring speaks D-Bus itself (no libsecret).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// gnome-keyring 42 will not create the login keyring from an EMPTY stdin password without an interactive prompt
// (there is no display here), so the throwaway keyring gets a throwaway password.
const KEYRING_PASSWORD = 'strata-test-keyring';

export const repoRoot = join(import.meta.dirname, '..', '..');

export async function inKeyringSession(command: string, args: string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'strata-keyring-'));
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  const script = `printf '%s' '${KEYRING_PASSWORD}' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec ${quoted}`;
  try {
    return await run('dbus-run-session', ['--', 'sh', '-c', script], {
      cwd: repoRoot, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home, XDG_CONFIG_HOME: join(home, 'config') },
    });
  } catch (e: any) {
    if (e.code === 'ENOENT') throw new Error('dbus-run-session is missing: apt-get install dbus-daemon gnome-keyring');
    throw new Error(`keyring session failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The last line of a command's stdout, parsed as JSON (the helper scripts print one report line). */
export const lastJsonLine = (stdout: string): any => JSON.parse(stdout.trim().split('\n').at(-1)!);
