// Shared setup of the real-QEMU tests: skip only when QEMU is not installed, build the guest, and make VM specs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VmSpec, VolumeSpec } from '../driver';
import { GUEST_MIN_MEMORY_MB } from './guest-image';
import { killQemuProcessesUnder } from '../../testing/qemu-cleanup';

export const qemuInstalled = spawnSync('qemu-system-x86_64', ['--version'], { stdio: 'ignore' }).status === 0;
export const SKIP_REASON = 'qemu-system-x86_64 is not installed (apt-get install -y qemu-system-x86 qemu-utils)';

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  // Short paths: the VM sockets then stay inside the work dir (unix socket paths are limited to 108 bytes).
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => { killQemuProcessesUnder(dir); rmSync(dir, { recursive: true, force: true }); } };
}

let n = 0;
export const uuid = () => crypto.randomUUID();

export function vmSpec(volumes: VolumeSpec[], extra: Partial<VmSpec> = {}): VmSpec {
  const id = uuid();
  return {
    id, instanceName: `i-2-${++n}-VM`, cpuNumber: 1, cpuSpeed: 1000, memoryMb: GUEST_MIN_MEMORY_MB,
    volumes, details: {}, ...extra,
  };
}

export function rootVolume(poolPath: string, templateId: string): VolumeSpec {
  return { id: uuid(), type: 'ROOT', sizeBytes: 0, poolId: 'pool-1', poolPath, path: null, deviceId: 0, templateId };
}

export function dataVolume(poolPath: string, sizeBytes = 16 * 2 ** 20, deviceId = 1): VolumeSpec {
  return { id: uuid(), type: 'DATADISK', sizeBytes, poolId: 'pool-1', poolPath, path: null, deviceId };
}
