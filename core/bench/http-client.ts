// A benchmark client in its own process, as an API client is: it GETs each URL in turn, reads the whole body and
// parses the JSON, and reports how long each request took from sending to the parsed object. Running it in the
// server's process would put the client's work on the server's event loop and heap, which no real client does.
import { spawn } from 'node:child_process';
import type { Core } from '../index';
import { canonicalString, signCanonical } from '../api/signature';

const CLIENT_SOURCE = `
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', async () => {
  const { urls, bodyStats } = JSON.parse(input);
  const times = [];
  for (const url of urls) {
    const t0 = performance.now();
    const res = await fetch(url);
    const text = await res.text();
    const body = JSON.parse(text);
    const ms = performance.now() - t0;
    if (bodyStats) {
      const inner = Object.values(body)[0];
      const list = Object.values(inner).find((v) => Array.isArray(v));
      times.push({ ms, status: res.status, bytes: Buffer.byteLength(text), items: list ? list.length : 0 });
    } else {
      times.push({ ms, status: res.status, body: times.length === 0 ? body : undefined });
    }
  }
  process.stdout.write(JSON.stringify(times));
});
`;

export interface TimedGet { ms: number; status: number; body?: unknown; bytes?: number; items?: number }

/**
 * Times GETs of `urls` one after another from a separate Node process; the first answer's body is returned too,
 * or with `bodyStats` (huge answers) only each body's size and the length of the list it holds.
 */
export function timedGets(urls: string[], o: { bodyStats?: boolean } = {}): Promise<TimedGet[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENT_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as TimedGet[]) : reject(new Error(`benchmark client exited with ${code}`))));
    child.stdin.end(JSON.stringify({ urls, bodyStats: !!o.bodyStats }));
  });
}

/** Signed API URLs for the admin on `base` (keys registered once): what a CloudStack client would send. */
export async function adminSigner(core: Core, base: string): Promise<(params: Record<string, string>) => string> {
  const admin = await core.admin();
  const { apikey, secretkey } = (await core.dispatcher.invoke(admin, 'registerUserKeys', { id: admin.userId }) as any).userkeys;
  return (params) => {
    const all: [string, string][] = [...Object.entries(params), ['response', 'json'], ['apiKey', apikey]];
    return `${base}/client/api?${new URLSearchParams([...all, ['signature', signCanonical(canonicalString(all), secretkey, 'sha1')]])}`;
  };
}
