// The accelerator probe must answer within its timeout whatever KVM does, kill its QEMU, and pick an accelerator
// that really boots a guest (on our CI machines KVM guests hang, so that is TCG there).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findHostKernel, parseAccelSetting, probeAccelerator, resolveAccel, type Accel } from './accel';
import { qemuInstalled, SKIP_REASON } from './test-support';

if (!qemuInstalled) console.warn(`Skipping accelerator probe tests: ${SKIP_REASON}`);

/** Live (non-zombie) processes of this process's probes, found by the command line they use (other test files
 *  running at the same time may probe too: their probes are not this test's). */
function probeProcesses(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (cmd.includes('strata-accel-probe') && state !== 'Z' && Number(ppid) === process.pid) out.push(Number(d));
    } catch { /* the process ended meanwhile */ }
  }
  return out;
}

/** Boots the host kernel (no disk) under `accel` and resolves true once it reaches the end of its init. */
function kernelBoots(accel: Accel, kernel: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('qemu-system-x86_64', ['-accel', accel, '-machine', 'pc', '-m', '128', '-nodefaults', '-display', 'none',
      '-no-reboot', '-serial', 'stdio', '-kernel', kernel, '-append', 'console=ttyS0 panic=-1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const done = (ok: boolean) => { clearTimeout(t); child.kill('SIGKILL'); resolve(ok); };
    const t = setTimeout(() => done(false), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; if (/Unable to mount root fs|Kernel panic/.test(out)) done(true); });
    child.once('exit', () => done(/Unable to mount root fs|Kernel panic/.test(out)));
  });
}

describe('accelerator settings', () => {
  it('parses kvm, tcg and auto, and rejects anything else', () => {
    expect(parseAccelSetting('TCG')).toBe('tcg');
    expect(parseAccelSetting('')).toBeUndefined();
    expect(() => parseAccelSetting('hvf')).toThrow(/kvm, tcg or auto/);
  });

  it('an explicit setting is used without probing', async () => {
    expect(await resolveAccel('tcg')).toMatchObject({ accel: 'tcg', reason: 'configured', probeMs: 0 });
  });

  it('without a usable /dev/kvm the answer is TCG at once', async () => {
    const r = await probeAccelerator({ kvmDevice: '/nonexistent/kvm' });
    expect(r).toMatchObject({ accel: 'tcg' });
    expect(r.reason).toMatch(/not usable/);
  });
});

describe.skipIf(!qemuInstalled)('accelerator probe with real QEMU', () => {
  it('answers within its timeout, leaves no process, and its choice boots a kernel', async () => {
    const timeoutMs = 3000;
    const r = await probeAccelerator({ timeoutMs });
    // The probe's own deadline plus process start and kill (slow on a loaded 2-core machine): it never waits for a
    // hung guest.
    expect(r.probeMs).toBeLessThan(timeoutMs + 10_000);
    expect(['kvm', 'tcg']).toContain(r.accel);
    // Killed: SIGKILL is sent as the probe answers, and the process is gone a moment later.
    await expect.poll(probeProcesses, { timeout: 10_000 }).toEqual([]);
    if (r.accel === 'tcg') expect(r.reason).not.toBe('');
    const kernel = findHostKernel();
    // Under TCG on a loaded 2-core machine the kernel takes well over 15 s to reach its end (it stops there).
    if (kernel) expect(await kernelBoots(r.accel, kernel, 90_000)).toBe(true);
    // Cached: the second resolution is the same object, without a new probe.
    const a = await resolveAccel('auto');
    expect(await resolveAccel(undefined)).toBe(a);
  }, 120_000);
});
