// Decides between KVM and TCG. /dev/kvm existing is not enough: on nested or misconfigured hosts KVM guests stop
// with "KVM internal error" or hang silently in the kernel's early boot (seen on our CI machines), and a VM that
// hangs there looks "running" to QMP forever. So the probe boots a real Linux kernel under KVM (no disk, no
// initrd) and waits, with a short timeout, for the end of its init: the "Unable to mount root fs" panic. Anything
// else (no output in time, an internal error, QEMU refusing the accelerator) selects TCG. A healthy KVM host gets
// there in well under a second; TCG needs about two. The probe process is always killed.
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';

export type Accel = 'kvm' | 'tcg';
export type AccelSetting = Accel | 'auto';

export interface AccelProbeResult { accel: Accel; reason: string; probeMs: number }

export interface AccelProbeOptions {
  qemuBinary?: string;
  /** How long the KVM guest gets to print its first line. */
  timeoutMs?: number;
  /** Kernel to boot; default the newest readable /boot/vmlinuz-*. */
  kernel?: string | null;
  kvmDevice?: string;
}

const MARKERS = {
  // The end of a diskless kernel boot, or SeaBIOS giving up when no kernel is at hand.
  kernel: /Unable to mount root fs|Kernel panic/,
  bios: /No bootable device|Booting from/,
};

/** The newest readable kernel in /boot, or null. */
export function findHostKernel(): string | null {
  let names: string[];
  try { names = readdirSync('/boot').filter((n) => n.startsWith('vmlinuz-')); } catch { return null; }
  names.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  for (const n of names) {
    try { accessSync(`/boot/${n}`, constants.R_OK); return `/boot/${n}`; } catch { /* not readable, try the next */ }
  }
  return null;
}

export async function probeAccelerator(opts: AccelProbeOptions = {}): Promise<AccelProbeResult> {
  const started = Date.now();
  const result = (accel: Accel, reason: string): AccelProbeResult => ({ accel, reason, probeMs: Date.now() - started });
  const dev = opts.kvmDevice ?? '/dev/kvm';
  try { accessSync(dev, constants.R_OK | constants.W_OK); } catch { return result('tcg', `${dev} is not usable`); }
  const kernel = opts.kernel === undefined ? findHostKernel() : opts.kernel;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const out = await runProbe(opts.qemuBinary ?? 'qemu-system-x86_64', kernel, timeoutMs);
  if (out.ok) return result('kvm', kernel ? 'a KVM guest booted a Linux kernel' : 'a KVM guest ran the BIOS (no readable kernel to test further)');
  return result('tcg', out.reason);
}

function probeArgs(kernel: string | null): string[] {
  // 128 MB: with 64 the kernel loader silently fails to place a 14 MB kernel and nothing is printed at all.
  const base = ['-name', 'strata-accel-probe', '-accel', 'kvm', '-machine', 'pc', '-m', '128', '-nodefaults', '-display', 'none', '-no-reboot'];
  if (kernel) {
    return [...base, '-serial', 'stdio', '-kernel', kernel, '-append', 'console=ttyS0 earlyprintk=ttyS0 panic=-1'];
  }
  // No kernel: SeaBIOS's debug port is the only output; it proves much less, which the reason says.
  return [...base, '-chardev', 'stdio,id=dbg', '-device', 'isa-debugcon,iobase=0x402,chardev=dbg'];
}

function runProbe(qemu: string, kernel: string | null, timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  return new Promise((resolve) => {
    const child = spawn(qemu, probeArgs(kernel), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let settled = false;
    const marker = kernel ? MARKERS.kernel : MARKERS.bios;
    const finish = (ok: boolean, reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ ok, reason });
    };
    const timer = setTimeout(() => finish(false, `a KVM guest made no progress within ${timeoutMs} ms`), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (marker.test(out)) finish(true, '');
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (/KVM internal error|emulation failure/.test(err)) finish(false, 'KVM internal error (emulation failure)');
    });
    child.once('error', (e) => finish(false, `could not run ${qemu}: ${e.message}`));
    child.once('exit', (code) => finish(false, `QEMU refused KVM (exit ${code}): ${lastLine(err)}`));
  });
}

const lastLine = (s: string) => s.trim().split('\n').filter((l) => !/warning/i.test(l)).pop() ?? '';

// One probe per QEMU binary and process: every local host runs on the same machine.
const cache = new Map<string, Promise<AccelProbeResult>>();

/** The accelerator to use: an explicit kvm/tcg wins; auto probes once per binary (cached). */
export async function resolveAccel(setting: AccelSetting | undefined, opts: AccelProbeOptions = {}): Promise<AccelProbeResult> {
  if (setting === 'kvm' || setting === 'tcg') return { accel: setting, reason: 'configured', probeMs: 0 };
  const key = opts.qemuBinary ?? 'qemu-system-x86_64';
  let p = cache.get(key);
  if (p === undefined) {
    p = probeAccelerator(opts);
    cache.set(key, p);
  }
  return p;
}

/** Parses an accel setting from host details / url params; unknown values are an error, not a silent default. */
export function parseAccelSetting(v: string | undefined | null): AccelSetting | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = v.toLowerCase();
  if (s === 'kvm' || s === 'tcg' || s === 'auto') return s;
  throw new Error(`accel must be kvm, tcg or auto, not "${v}"`);
}
