// Where a VM's runtime files live and what is recorded about it, so that a new management server process (or a
// second driver instance) can find and re-adopt running QEMU processes: `${workDir}/vms/<vmId>/` holds vm.json
// (host, VNC password, volumes plugged in), the pidfile, the serial log and, when the path is short enough, the
// sockets. Unix socket paths are limited to 108 bytes, so with a long workDir the sockets go to a directory in
// the temp dir named by a hash of the VM directory: deterministic, so re-adoption finds them without a record.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cmdlineOf, isAlive } from './proc';

export interface VmPaths {
  dir: string;
  sockDir: string;
  qmp: string;
  serial: string;
  vnc: string;
  serialLog: string;
  pidfile: string;
  vncSecret: string;
  record: string;
}

export interface PluggedVolume { id: string; node: string; device: string; file: string }

export interface VmRecord {
  vmId: string;
  hostId: string;
  instanceName: string;
  /** VNC passwords are at most 8 characters (RFB DES authentication). */
  vncPassword: string;
  vncListen: 'unix' | 'tcp';
  accel: string;
  cpuNumber: number;
  memoryMb: number;
  startedAt: number;
  volumes: PluggedVolume[];
  isoPath: string | null;
  /** ACPI shutdown grace period from the VM details, when set. */
  stopTimeoutMs?: number;
  /** How the NICs were wired (`tap`: devices to remove with the VM; `user`: QEMU's lab-only user-mode networking). */
  nics?: { ids: string[]; mode: 'tap' | 'user'; devices?: Record<string, number> };
}

const SOCKET_PATH_MAX = 100;

export function vmPaths(workDir: string, vmId: string): VmPaths {
  const dir = path.join(workDir, 'vms', vmId);
  const sockDir = path.join(dir, 'serial.sock').length <= SOCKET_PATH_MAX
    ? dir
    : path.join(os.tmpdir(), `strata-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`);
  return {
    dir, sockDir,
    qmp: path.join(sockDir, 'qmp.sock'),
    serial: path.join(sockDir, 'serial.sock'),
    vnc: path.join(sockDir, 'vnc.sock'),
    serialLog: path.join(dir, 'serial.log'),
    pidfile: path.join(dir, 'qemu.pid'),
    vncSecret: path.join(dir, 'vnc.secret'),
    record: path.join(dir, 'vm.json'),
  };
}

export function newVncPassword(): string {
  return randomBytes(6).toString('base64url').slice(0, 8);
}

export function prepareDirs(p: VmPaths): void {
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  mkdirSync(p.sockDir, { recursive: true, mode: 0o700 });
}

/** Atomic write: a crash never leaves a torn vm.json for the next process to choke on. */
export function writeRecord(p: VmPaths, r: VmRecord): void {
  const tmp = `${p.record}.tmp`;
  writeFileSync(tmp, JSON.stringify(r), { mode: 0o600 });
  renameSync(tmp, p.record);
}

export function readRecord(p: VmPaths): VmRecord | null {
  try { return JSON.parse(readFileSync(p.record, 'utf8')) as VmRecord; } catch { return null; }
}

export function readPid(p: VmPaths): number | null {
  try {
    const n = Number(readFileSync(p.pidfile, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch { return null; }
}

/**
 * The pid of this VM's QEMU if it runs. The pidfile alone is not trusted: after a host reboot the pid may
 * belong to another process, so its command line must carry the VM's uuid.
 */
export function runningPid(p: VmPaths, vmId: string): number | null {
  const pid = readPid(p);
  if (pid === null || !isAlive(pid)) return null;
  const argv = cmdlineOf(pid);
  if (argv === null) return null;
  const i = argv.indexOf('-uuid');
  return i >= 0 && argv[i + 1] === vmId ? pid : null;
}

/** VM ids that have a directory under the work dir. */
export function listVmIds(workDir: string): string[] {
  try {
    return readdirSync(path.join(workDir, 'vms'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch { return []; }
}

/** Removes what only a running QEMU needs (sockets, pidfile, secret); keeps vm.json and the serial log. */
export function cleanRuntime(p: VmPaths): void {
  for (const f of [p.qmp, p.serial, p.vnc, p.pidfile, p.vncSecret]) rmSync(f, { force: true });
  if (p.sockDir !== p.dir) rmSync(p.sockDir, { recursive: true, force: true });
}

/** Removes everything of the VM on the host (not its volumes, which live in pools). */
export function removeAll(p: VmPaths): void {
  cleanRuntime(p);
  rmSync(p.dir, { recursive: true, force: true });
}
