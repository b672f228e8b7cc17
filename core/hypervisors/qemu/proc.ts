// Process and /proc helpers for the QEMU driver: running a tool with a timeout, telling whether a pid is a live
// process (zombies count as dead: QEMU started with -daemonize is reparented, and a parent that does not reap
// would otherwise make a dead VM look alive), and reading CPU and memory figures of the local machine.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunResult { stdout: string; stderr: string }

/** Runs a program; rejects with its stderr on a non-zero exit, and kills it (SIGKILL) after `timeoutMs`. */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (e) => { clearTimeout(timer); reject(new Error(`${cmd}: ${e.message}`)); });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${cmd} ${args[0] ?? ''} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || stdout.trim()}`));
    });
  });
}

function readOr(path: string): string | null {
  try { return readFileSync(path, 'utf8'); } catch { return null; }
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | null {
  const s = readOr(`/proc/${pid}/stat`);
  if (s === null) return null;
  return s.slice(s.lastIndexOf(')') + 2).split(' ');
}

/** True when the pid is a running (non-zombie) process. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const f = statFields(pid);
  return f !== null && f[0] !== 'Z' && f[0] !== 'X';
}

/** The process's argv, or null when it is gone. */
export function cmdlineOf(pid: number): string[] | null {
  const s = readOr(`/proc/${pid}/cmdline`);
  return s === null ? null : s.split('\0').filter((a) => a !== '');
}

/** Waits until the pid is gone; false after the timeout. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/** SIGTERM, then SIGKILL if it lingers. Resolves once the process is gone (or after the second timeout). */
export async function killHard(pid: number, graceMs = 2000): Promise<boolean> {
  if (!isAlive(pid)) return true;
  try { process.kill(pid, 'SIGTERM'); } catch { return true; }
  if (await waitGone(pid, graceMs)) return true;
  try { process.kill(pid, 'SIGKILL'); } catch { return true; }
  return waitGone(pid, 3000);
}

// USER_HZ is 100 on every Linux architecture Node runs on; /proc reports CPU time in those ticks.
const TICKS_PER_S = 100;

/** CPU time (user + system) of a process in ms, and its resident memory in KiB. */
export function processUsage(pid: number): { cpuTimeMs: number; rssKb: number } | null {
  const f = statFields(pid);
  if (f === null) return null;
  // After the name: state(0) ppid(1) ... utime(11) stime(12) ... rss(21) in pages.
  const ticks = Number(f[11]) + Number(f[12]);
  const rssPages = Number(f[21]);
  return { cpuTimeMs: (ticks * 1000) / TICKS_PER_S, rssKb: (rssPages * 4096) / 1024 };
}

/** Aggregate CPU counters from /proc/stat: busy and total ticks since boot. */
export function cpuTicks(): { busy: number; total: number } {
  const line = (readOr('/proc/stat') ?? '').split('\n').find((l) => l.startsWith('cpu ')) ?? 'cpu 0 0 0 0';
  const n = line.trim().split(/\s+/).slice(1).map(Number);
  const total = n.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Memory from /proc/meminfo: total and used (total - available) in bytes. */
export function memInfo(): { totalBytes: number; usedBytes: number } {
  const text = readOr('/proc/meminfo') ?? '';
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  const total = kb('MemTotal');
  const avail = kb('MemAvailable');
  if (!Number.isFinite(total)) return { totalBytes: os.totalmem(), usedBytes: os.totalmem() - os.freemem() };
  return { totalBytes: total, usedBytes: total - (Number.isFinite(avail) ? avail : os.freemem()) };
}

/** MHz per core: os.cpus() reports 0 in some VMs, then /proc/cpuinfo, then a plausible default. */
export function cpuMhz(): number {
  const fromOs = os.cpus()[0]?.speed ?? 0;
  if (fromOs > 0) return fromOs;
  const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readOr('/proc/cpuinfo') ?? '');
  return m ? Math.round(Number(m[1])) : 2000;
}
