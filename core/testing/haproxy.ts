// Test fixture: Debian's haproxy in front of management servers, on a loopback port of its own, the way the README
// puts it in front of `strata serve` processes (round robin, health check on the API, a dead server's requests
// sent to another one when its connection is refused).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Haproxy { url: string; stop(): Promise<void> }

export const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'].find((p) => existsSync(p));

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
  });
}

export async function startHaproxy(backends: { name: string; port: number }[]): Promise<Haproxy> {
  if (!HAPROXY) throw new Error('haproxy is not installed (apt-get install haproxy)');
  const dir = mkdtempSync(join(tmpdir(), 'strata-haproxy-'));
  const port = await freeLoopbackPort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, [
    'global', '    maxconn 4000',
    'defaults', '    mode http', '    timeout connect 2s', '    timeout client 60s', '    timeout server 60s',
    '    retries 3', '    option redispatch',
    'frontend strata', `    bind 127.0.0.1:${port}`, '    default_backend strata_servers',
    'backend strata_servers', '    balance roundrobin',
    '    option httpchk GET /client/api?command=listCapabilities', '    http-check expect rstatus (200|401)',
    // A busy server may answer a check slowly: only two failed checks in a row (or refused connections) take it out.
    '    timeout check 5s', '    default-server inter 500 fall 2 rise 1',
    ...backends.map((b) => `    server ${b.name} 127.0.0.1:${b.port} check`), '',
  ].join('\n'));
  execFileSync(HAPROXY, ['-c', '-q', '-f', cfg]);
  const child: ChildProcess = spawn(HAPROXY, ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${err}`);
    if (await fetch(`${url}/client/api?command=listCapabilities`).then((r) => r.status !== 503, () => false)) break;
    if (i > 100) { child.kill('SIGKILL'); throw new Error(`haproxy did not serve: ${err}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
