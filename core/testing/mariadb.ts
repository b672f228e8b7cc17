// Test fixture: a private MariaDB server (Debian's mariadb-server binaries) with its own data folder in a temp
// directory, listening on a unix socket and a loopback port of its own. Nothing of the machine's MariaDB service is
// used or needed (no systemd, no root): tests and benchmarks get a real MySQL dialect the way a user's server has it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MariaDbServer {
  /** mysql://root@127.0.0.1:PORT (no password; the server listens on loopback only). */
  rootUrl: string;
  port: number;
  socket: string;
  /** The mariadbd process (benchmarks read its CPU time). */
  pid: number;
  /** Creates an empty database (utf8mb4) and returns its URL: over TCP on loopback, or with `socket` over the
   *  server's unix socket (what a management server on the database's own machine would use). */
  createDatabase(name: string, o?: { socket?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

const BIN_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

function findBinary(names: string[]): string | undefined {
  for (const d of BIN_DIRS) for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  return undefined;
}

/** True when Debian's mariadb-server (or MySQL's equivalents) is installed. */
export function mariadbAvailable(): boolean {
  return !!findBinary(['mariadbd', 'mysqld']) && !!findBinary(['mariadb-install-db', 'mysql_install_db']);
}

function readOr(file: string): string {
  try { return readFileSync(file, 'utf8'); } catch { return ''; }
}

/** Resolves true once mariadbd accepts a connection, else the reason it never will: it exited, or 120 s passed (a
 *  first start on a loaded 2-core machine takes several seconds; the wait ends as soon as it is up). */
async function waitUntilAccepting(connect: () => Promise<{ end(): Promise<void> }>, child: ChildProcess): Promise<true | string> {
  const end = Date.now() + 120_000;
  for (;;) {
    try { await (await connect()).end(); return true; } catch (e) {
      if (child.exitCode !== null || child.signalCode !== null) return `it exited (${child.exitCode ?? child.signalCode}): ${String(e)}`;
      if (Date.now() > end) return `no connection within 120 s: ${String(e)}`;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * The settings the README recommends to users (section "MariaDB settings"), which benchmarks run with: the same
 * durability as Strata's SQLite (WAL with synchronous=NORMAL: a commit survives the process crashing, and an OS crash
 * or power loss may lose the last commits but never corrupts the database) is innodb_flush_log_at_trx_commit=2 with
 * InnoDB's own crash safety left on (doublewrite, data files flushed), files on disk.
 */
export const RECOMMENDED_SETTINGS = ['--innodb-flush-log-at-trx-commit=2', '--innodb-buffer-pool-size=256M', '--innodb-log-file-size=256M'];

/** extraArgs: more mariadbd options (a benchmark turns on performance_schema to rank statements by server time).
 *  recommended: the README's settings and files on disk (benchmarks), instead of a test server's (files in memory,
 *  nothing flushed). */
export async function startMariaDb(opts: { baseDir?: string; extraArgs?: string[]; recommended?: boolean } = {}): Promise<MariaDbServer> {
  const server = findBinary(['mariadbd', 'mysqld']);
  const install = findBinary(['mariadb-install-db', 'mysql_install_db']);
  if (!server || !install) throw new Error('mariadb-server is not installed (apt-get install mariadb-server)');
  // A throwaway server: its files in memory (/dev/shm) where there is one, so each test's CREATE TABLEs cost no
  // disk flushes (a test database is created and migrated per test).
  const inMemory = existsSync('/dev/shm') && !opts.recommended;
  const base = opts.baseDir ?? mkdtempSync(join(inMemory ? '/dev/shm' : tmpdir(), 'strata-mariadb-'));
  const datadir = join(base, 'data');
  const socket = join(base, 'mysqld.sock');
  // Its own temporary directory: with the default (/tmp) its on-disk temporary tables (#sql-temptable-*) live in a
  // directory shared with every other process, where a sweep of /tmp can delete them mid-statement (seen here:
  // "Error on delete of '/tmp/#sql-temptable-….MAI'" failing a migration).
  const tmp = join(base, 'tmp');
  mkdirSync(tmp);
  execFileSync(install, ['--no-defaults', '--auth-root-authentication-method=normal', '--skip-test-db',
    `--datadir=${datadir}`, '--skip-name-resolve'], { stdio: 'ignore' });
  const args = (port: number) => [
    '--no-defaults', `--datadir=${datadir}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1',
    `--pid-file=${join(base, 'mysqld.pid')}`, `--log-error=${join(base, 'error.log')}`, `--tmpdir=${tmp}`,
    '--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci',
    // A test server: durability across an OS crash is not wanted, speed is (the CI machine is small).
    ...(opts.recommended ? RECOMMENDED_SETTINGS : ['--innodb-flush-log-at-trx-commit=2', '--innodb-flush-method=nosync',
      '--innodb-doublewrite=0', '--innodb-buffer-pool-size=256M', '--innodb-log-file-size=64M']),
    '--skip-log-bin', '--max-connections=500', '--skip-name-resolve',
    ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    ...(opts.extraArgs ?? []),
  ];
  const { createConnection } = await import('mysql2/promise');
  // The port is free when picked, and another process may take it before mariadbd binds it (tests, benchmarks and
  // other servers start at once here): a server that exits because of that is started again on another port.
  let started: { child: ChildProcess; port: number; exited: Promise<void> } | undefined;
  for (let attempt = 1; !started; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(server, args(port), { stdio: 'ignore', detached: false });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const up = await waitUntilAccepting(() => createConnection({ host: '127.0.0.1', port, user: 'root' }), child);
    if (up === true) { started = { child, port, exited }; break; }
    child.kill('SIGKILL');
    const log = readOr(join(base, 'error.log'));
    if (attempt < 3 && child.exitCode !== null && /Bind on TCP\/IP port|Address already in use/.test(log)) continue;
    if (!opts.baseDir) rmSync(base, { recursive: true, force: true });
    throw new Error(`mariadbd did not start (${up}): ${log.slice(-2000)}`);
  }
  const { child, port, exited } = started;
  // A test run that ends without its teardown (an interrupted vitest) must not leave its server running.
  const killOnExit = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const rootUrl = `mysql://root@127.0.0.1:${port}`;
  const connect = () => createConnection({ host: '127.0.0.1', port, user: 'root' });
  return {
    rootUrl, port, socket, pid: child.pid!,
    createDatabase: async (name, o = {}) => {
      const c = await connect();
      try { await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`); } finally { await c.end(); }
      return o.socket ? `mysql://root@localhost/${name}?socketPath=${encodeURIComponent(socket)}` : `${rootUrl}/${name}`;
    },
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      if (!opts.baseDir) rmSync(base, { recursive: true, force: true });
    },
  };
}
