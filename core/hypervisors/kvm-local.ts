// The KVM hosts of the management server's own machine (the embedded host of a lab or a desktop): the QEMU driver
// working in <dataDir>/qemu, registered as hypervisor "KVM". A local host is added with addHost hypervisor=KVM
// url=http://localhost (or local://, 127.0.0.1, this machine's name); `?accel=kvm|tcg|auto` picks the accelerator.
// Remote KVM hosts run `strata agent` and reach the management server themselves; they are not served here.
// QEMU is looked for once. Without it the driver is still registered (KVM clusters, templates and agent hosts do
// not need a local QEMU), but adding a local host answers a clear 534 saying what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../kernel/errors';
import { CsErrorCode, ErrorCode } from '../contract/errors';
import type { Logger } from '../kernel/services';
import type { HypervisorDriver } from './driver';
import { createQemuDriver, KVM, type QemuDriver } from './qemu/qemu-driver';

export const QEMU_MISSING = 'qemu-system-x86_64 is not installed on the management server ' +
  '(apt-get install qemu-system-x86 qemu-utils); it runs the VMs of local KVM hosts';

/** Whether `qemu-system-x86_64 --version` runs (checked once per process and binary). */
const found = new Map<string, boolean>();
export function qemuAvailable(binary = 'qemu-system-x86_64'): boolean {
  let ok = found.get(binary);
  if (ok === undefined) found.set(binary, (ok = spawnSync(binary, ['--version'], { stdio: 'ignore', timeout: 5000 }).status === 0));
  return ok;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '']);

/** True for addHost URLs that name this machine: http://localhost, local://, 127.0.0.1, its host name. */
export function isLocalKvmUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'local:') return true;
    if (u.protocol === 'agent:') return false; // run by `strata agent`, whatever its name
    const h = u.hostname.toLowerCase();
    return LOCAL_NAMES.has(h) || h === os.hostname().toLowerCase();
  } catch {
    return LOCAL_NAMES.has(url.toLowerCase()) || url.toLowerCase() === os.hostname().toLowerCase();
  }
}

export interface LocalKvm {
  /** What the registry gets as 'KVM'. */
  driver: HypervisorDriver;
  /** The QEMU driver behind it, or null when QEMU is not installed (tests read pids through it). */
  qemu: QemuDriver | null;
}

const unavailable = (what: string) => new ApiError(ErrorCode.ResourceUnavailable, `${what}: ${QEMU_MISSING}`, CsErrorCode.ResourceUnavailable);

/** Every operation fails with the install hint: for machines without QEMU. */
function missingDriver(): HypervisorDriver {
  const fail = async (): Promise<never> => { throw unavailable('Cannot run KVM VMs on this machine'); };
  return {
    hypervisor: KVM,
    connectHost: async (spec) => { throw unavailable(`Cannot add KVM host ${spec.url}`); },
    disconnectHost: async () => undefined, pingHost: async () => false,
    startVm: fail, stopVm: fail, rebootVm: fail, destroyVm: fail, vmPowerStates: fail, scaleVm: fail, migrateVm: fail,
    createVolume: fail, deleteVolume: fail, resizeVolume: fail, attachVolume: fail, detachVolume: fail,
    snapshotVolume: fail, revertSnapshot: fail, deleteSnapshot: fail, vmStats: async () => null, hostStats: fail,
    shutdown: async () => undefined,
  };
}

function checkPool(poolPath: string): void {
  // Shared mount points and NFS pools are mounted by the operator: writing into a missing mount point would fill
  // the local disk instead, unnoticed.
  if (!existsSync(poolPath)) throw new Error(`The primary storage folder ${poolPath} does not exist on this host: create or mount it`);
}

export function createLocalKvm(o: { dataDir: string; log?: Logger; qemuBinary?: string }): LocalKvm {
  if (!qemuAvailable(o.qemuBinary)) return { driver: missingDriver(), qemu: null };
  const qemu = createQemuDriver({ workDir: path.join(o.dataDir, 'qemu'), log: o.log, qemuBinary: o.qemuBinary });
  const driver: QemuDriver = {
    ...qemu,
    async connectHost(spec) {
      if (!isLocalKvmUrl(spec.url)) {
        throw new ApiError(ErrorCode.ParamError, `KVM host ${spec.url} is not this machine: the management server runs ` +
          'VMs itself only for url=http://localhost (or local://); remote KVM hosts connect with `strata agent`',
        CsErrorCode.InvalidParameterValue);
      }
      return qemu.connectHost(spec);
    },
    async createVolume(hostId, vol) { checkPool(vol.poolPath); return qemu.createVolume(hostId, vol); },
    async ensureTemplate(hostId, t, onProgress) { checkPool(t.poolPath); return qemu.ensureTemplate!(hostId, t, onProgress); },
  };
  return { driver, qemu };
}
