// Console proxy throughput: a VNC stream through our proxy versus websockify (Debian package) in front of the same
// VNC server, in one run. The VNC server (fake-vnc.ts, password-protected like QEMU's) answers one full-screen
// FramebufferUpdateRequest with `frames` raw 1024x768x32 updates; the client counts bytes until all arrived.
// Each proxy runs in its own process (ours in a child Node process, websockify as itself) while the VNC server and
// the client share this one, so neither proxy shares a CPU thread with the client. Rounds alternate between the
// proxies; figures are medians. Only the stream is timed: connection and handshakes are excluded.
//   node bin/run-ts.mjs core/console/bench.ts [frames] [rounds]   prints JSON
import { spawn, spawnSync, fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { startFakeVnc } from './fake-vnc';
import { connectRfb, rfbMsg } from './ws-client';
import { createConsoleProxy } from './proxy';
import { connectVncPooled } from './vnc-stream';
import type { Admission } from './service';

const PASSWORD = 'bench-pw';
const THIS_FILE = fileURLToPath(import.meta.url);
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const round1 = (n: number) => Math.round(n * 10) / 10;

export const websockifyInstalled = () => spawnSync('websockify', ['--help'], { stdio: 'ignore' }).status === 0;

/** Child role: our proxy alone in a process, admitting every token, in front of the given VNC server. */
async function serveProxyChild(target: { host: string; port: number }): Promise<void> {
  const admit = async (): Promise<Admission> => ({
    ok: true, vm: { id: 'bench', name: 'bench', host_id: 'bench' } as never, ticket: { caller: { userId: 'bench' } } as never,
  });
  const proxy = createConsoleProxy({ admit, open: async () => ({ ...(await connectVncPooled(target)), password: PASSWORD }), log: { info() {}, warn() {}, error() {} } });
  const server = http.createServer((_req, res) => { res.writeHead(404).end(); });
  server.on('upgrade', proxy.upgrade);
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as net.AddressInfo).port }));
  // The parent asks for CPU time used so far, to report the proxy's CPU cost per MB.
  process.on('message', () => { const u = process.cpuUsage(); process.send!({ cpuMs: (u.user + u.system) / 1000 }); });
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((ok) => { child.once('message', (m: { cpuMs: number }) => ok(m.cpuMs)); child.send('cpu'); });
}

function startOurProxy(target: { host: string; port: number }): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((ok, fail) => {
    const child = fork(RUN_TS, [THIS_FILE], { env: { ...process.env, STRATA_CONSOLE_BENCH_TARGET: JSON.stringify(target) }, stdio: 'inherit' });
    child.once('message', (m: { port: number }) => ok({ port: m.port, child }));
    child.once('exit', (code) => fail(new Error(`bench proxy exited with ${code}`)));
  });
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** CPU time (user + system) of a process from /proc, in ms (clock ticks of 10 ms). */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** websockify for one connection (--run-once keeps it in one process, so /proc shows its CPU time). */
async function startWebsockify(target: { host: string; port: number }): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('websockify', ['--run-once', `127.0.0.1:${port}`, `${target.host}:${target.port}`], { stdio: 'ignore' });
  const end = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }).on('error', () => r(false));
    });
    if (up) return { port, child };
    if (Date.now() > end) { child.kill(); throw new Error('websockify did not start listening'); }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One timed stream: request a full-screen update and wait for `bytes` of it. Returns MB/s, and the proxy's CPU
 * time over the stream when `cpu` tells it.
 */
async function stream(url: string, password: string | null, bytes: number, cpu?: () => Promise<number>): Promise<{ mbps: number; cpuMs: number }> {
  const c = await connectRfb(url, { password, keep: false });
  const cpu0 = cpu ? await cpu() : 0;
  const done = new Promise<void>((ok, fail) => {
    const check = () => { if (c.bytesReceived() >= bytes) ok(); };
    c.ws.on('message', check);
    c.ws.once('close', () => fail(new Error(`stream closed after ${c.bytesReceived()} of ${bytes} bytes`)));
  });
  const t0 = performance.now();
  c.send(Buffer.concat([rfbMsg.setEncodings([0]), rfbMsg.updateRequest(false, c.init.width, c.init.height)]));
  await done;
  const secs = (performance.now() - t0) / 1000;
  const cpuMs = cpu ? (await cpu()) - cpu0 : 0;
  c.ws.terminate();
  return { mbps: bytes / 1e6 / secs, cpuMs };
}

export async function benchConsoleProxy(o: { frames?: number; rounds?: number; width?: number; height?: number } = {}): Promise<object> {
  if (!websockifyInstalled()) return { skipped: 'websockify is not installed (apt-get install -y websockify)' };
  const frames = o.frames ?? 64;
  const rounds = o.rounds ?? 7;
  const vnc = await startFakeVnc({ password: PASSWORD, width: o.width ?? 1024, height: o.height ?? 768, framesPerRequest: frames });
  const target = { host: vnc.target.host!, port: vnc.target.port! };
  const ours = await startOurProxy(target);
  const bytes = frames * vnc.frameBytes;
  const r = { strata: [] as number[], websockify: [] as number[], strataCpu: [] as number[], websockifyCpu: [] as number[] };
  const viaWebsockify = async () => {
    const w = await startWebsockify(target);
    try {
      return await stream(`ws://127.0.0.1:${w.port}/`, PASSWORD, bytes, async () => procCpuMs(w.child.pid!));
    } finally { w.child.kill(); }
  };
  const viaStrata = () => stream(`ws://127.0.0.1:${ours.port}/?token=x`, null, bytes, () => cpuOf(ours.child));
  try {
    // A warm-up stream each (JIT, page cache), then alternating timed rounds.
    await viaStrata();
    await viaWebsockify();
    for (let i = 0; i < rounds; i++) {
      const a = await viaStrata();
      r.strata.push(a.mbps);
      r.strataCpu.push(a.cpuMs);
      const b = await viaWebsockify();
      r.websockify.push(b.mbps);
      r.websockifyCpu.push(b.cpuMs);
    }
  } finally {
    ours.child.kill();
    await vnc.close();
  }
  const mb = bytes / 1e6;
  const strata = median(r.strata);
  const websockify = median(r.websockify);
  const perMB = (xs: number[]) => Math.round((median(xs) / mb) * 100) / 100;
  return {
    streamMB: round1(mb), frames, frame: `${o.width ?? 1024}x${o.height ?? 768}x32 raw`, rounds,
    strataMBps: round1(strata), websockifyMBps: round1(websockify), ratio: Math.round((strata / websockify) * 100) / 100,
    // CPU time of each proxy process per MB relayed (medians): the cost of the relay itself, which machine load
    // (other processes competing for the CPUs) disturbs much less than wall-clock throughput.
    strataCpuMsPerMB: perMB(r.strataCpu), websockifyCpuMsPerMB: perMB(r.websockifyCpu),
    cpuEfficiencyRatio: Math.round((median(r.websockifyCpu) / median(r.strataCpu)) * 100) / 100,
    samples: { strata: r.strata.map(round1), websockify: r.websockify.map(round1) },
  };
}

const target = process.env.STRATA_CONSOLE_BENCH_TARGET;
if (target) {
  await serveProxyChild(JSON.parse(target) as { host: string; port: number });
} else if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [frames, rounds] = process.argv.slice(2).map(Number);
  process.stdout.write(`${JSON.stringify(await benchConsoleProxy({ frames: frames || undefined, rounds: rounds || undefined }), null, 2)}\n`);
}
