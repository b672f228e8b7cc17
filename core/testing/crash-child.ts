// Starts testing/crash-server.ts in a child process: a real management server that SIGKILLs itself just before it
// writes the job row of the named command. Resolves its URL once it listens; `exited` gives its exit signal.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));
const CRASH_SERVER = fileURLToPath(new URL('./crash-server.ts', import.meta.url));

export function startCrashServer(dataDir: string, command: string) {
  const child = spawn(process.execPath, [RUN_TS, CRASH_SERVER, dataDir, command], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.once('exit', () => reject(new Error(`crash server exited before listening: ${err}`)));
  });
  return { child, url, exited };
}
