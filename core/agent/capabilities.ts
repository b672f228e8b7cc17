// What an agent tells the server about its machine in hello: CPUs, memory, the accelerator QEMU will use and
// QEMU's version. The accelerator probe is bounded (accel.ts), so a host where KVM hangs still answers.
import os from 'node:os';
import { resolveAccel, type AccelSetting } from '../hypervisors/qemu/accel';
import { cpuMhz, memInfo, run } from '../hypervisors/qemu/proc';
import type { AgentCapabilities } from './protocol';

export const AGENT_VERSION = '0.1.0';

export async function probeCapabilities(o: { workDir: string; accel?: AccelSetting; qemuBinary?: string }): Promise<AgentCapabilities> {
  const qemu = o.qemuBinary ?? 'qemu-system-x86_64';
  const out = await run(qemu, ['--version'], { timeoutMs: 5000 }).catch((e: Error) => {
    throw new Error(`QEMU is not usable on this host (${qemu}): ${e.message}`);
  });
  const accel = await resolveAccel(o.accel, { qemuBinary: qemu });
  return {
    cpus: os.cpus().length, cpuMhz: cpuMhz(), memoryBytes: memInfo().totalBytes, accelerator: accel.accel,
    qemuVersion: /version (\S+)/.exec(out.stdout)?.[1] ?? 'unknown', workDir: o.workDir, hostname: os.hostname(),
    agentVersion: AGENT_VERSION,
  };
}
