// Runs Debian's python3-cs (an unmodified CloudStack client) against a test server: `cs <command> k=v ...`, with
// API keys and signature v3, polling async jobs the way operators' scripts do.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { sessionClient, type TestServer } from './harness';

const run = promisify(execFile);

// Debian ships the library without its `cs` console script; this line is exactly what that script runs.
const CS_MAIN = 'import sys, cs; sys.exit(cs.main())';

export const csInstalled = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import cs']).status === 0;

export type CsResult = { ok: boolean; out: any; err: string };
export type Cs = (command: string, args?: Record<string, string>, flags?: string[]) => Promise<CsResult>;

/** A `cs` runner for the server's root admin (API keys registered on the way). */
export async function csFor(t: TestServer, timeoutS = 120): Promise<Cs> {
  const admin = await sessionClient(t.url);
  const keys = (await admin.call('registerUserKeys', { id: admin.login.userid }, 'POST')).json.registeruserkeysresponse.userkeys;
  const env = {
    PATH: process.env.PATH, HOME: t.dataDir, CLOUDSTACK_ENDPOINT: `${t.url}/client/api`, CLOUDSTACK_KEY: keys.apikey,
    CLOUDSTACK_SECRET: keys.secretkey, CLOUDSTACK_METHOD: 'get', CLOUDSTACK_TIMEOUT: String(timeoutS), CLOUDSTACK_POLL_INTERVAL: '0.2',
  };
  return async (command, args = {}, flags = []) => {
    const argv = ['-c', CS_MAIN, ...flags, command, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
    const parse = (s: string) => (s.trim() === '' ? {} : JSON.parse(s));
    try {
      const { stdout, stderr } = await run('/usr/bin/python3', argv, { env, timeout: timeoutS * 1000 });
      return { ok: true, out: parse(stdout), err: stderr };
    } catch (e: any) {
      let out: any;
      try { out = parse(e.stdout ?? ''); } catch { out = undefined; }
      return { ok: false, out, err: String(e.stderr ?? e.message) };
    }
  };
}
