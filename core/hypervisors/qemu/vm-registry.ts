// The driver's view of running VMs: one entry per QEMU process, holding its QMP connection. Entries are created
// when the driver starts a VM, or re-adopted from the work dir (pidfile + vm.json + QMP socket) the first time
// a VM is touched after a management server restart. QMP allows one client per socket, so a VM is adopted by
// one driver instance at a time: shutdown() releases every connection (VMs keep running) for the next process.
import type { Logger } from '../../kernel/services';
import type { PowerState } from '../driver';
import { connectQmp, type QmpClient } from './qmp';
import { isAlive, waitGone } from './proc';
import { cleanRuntime, readRecord, runningPid, vmPaths, writeRecord, type VmPaths, type VmRecord } from './vm-runtime';

const EXIT_WAIT_MS = 30_000;

export interface LiveVm {
  vmId: string;
  pid: number;
  paths: VmPaths;
  record: VmRecord;
  /** Null when QEMU runs but its QMP socket does not answer (then only a kill can stop it). */
  qmp: QmpClient | null;
  /** Set while the driver itself stops the VM, so the socket closing is not reported as a crash. */
  stopping: boolean;
}

export interface VmRegistryOptions {
  workDir: string;
  log: Logger;
  onPowerStateChange?: (hostId: string, vmId: string, state: PowerState) => void;
}

export class VmRegistry {
  private readonly lives = new Map<string, LiveVm>();
  private readonly adopting = new Map<string, Promise<LiveVm | null>>();
  /** VMs whose QMP socket closed on its own and whose exit is being confirmed and reported. */
  private readonly exiting = new Map<string, Promise<void>>();

  constructor(private readonly o: VmRegistryOptions) {}

  paths(vmId: string): VmPaths { return vmPaths(this.o.workDir, vmId); }

  /** The running VM, adopting it from the work dir if this process has not seen it yet; null if not running. */
  async get(vmId: string): Promise<LiveVm | null> {
    // A caller (stats, sync) arriving while QEMU exits waits for the exit to be reported; forgetting the entry
    // here would mark it as stopped by us and the guest's power-off would never reach the server.
    const exit = this.exiting.get(vmId);
    if (exit !== undefined) await exit;
    const cur = this.lives.get(vmId);
    if (cur !== undefined) {
      if (isAlive(cur.pid) && (cur.qmp === null || !cur.qmp.closed)) return cur;
      this.forget(cur);
    }
    let p = this.adopting.get(vmId);
    if (p === undefined) {
      p = this.adopt(vmId).finally(() => this.adopting.delete(vmId));
      this.adopting.set(vmId, p);
    }
    return p;
  }

  /** Running VMs known in memory (not adopted ones that were never touched). */
  all(): LiveVm[] { return [...this.lives.values()]; }

  /** The running VM that has this volume plugged in, if any. */
  holderOf(volumeId: string): LiveVm | undefined {
    return this.all().find((l) => l.record.volumes.some((v) => v.id === volumeId) && isAlive(l.pid));
  }

  private async adopt(vmId: string): Promise<LiveVm | null> {
    const paths = this.paths(vmId);
    const pid = runningPid(paths, vmId);
    if (pid === null) return null;
    const record = readRecord(paths);
    if (record === null) {
      this.o.log.warn('a QEMU process runs for a VM without vm.json; leaving it alone', { vmId, pid });
      return null;
    }
    let qmp: QmpClient | null = null;
    try {
      qmp = await connectQmp(paths.qmp, { connectTimeoutMs: 3000 });
    } catch (e) {
      this.o.log.warn('re-adopted a VM whose QMP socket does not answer', { vmId, pid, error: (e as Error).message });
    }
    this.o.log.info('re-adopted running VM', { vmId, pid });
    return this.register(vmId, pid, paths, record, qmp);
  }

  register(vmId: string, pid: number, paths: VmPaths, record: VmRecord, qmp: QmpClient | null): LiveVm {
    const l: LiveVm = { vmId, pid, paths, record, qmp, stopping: false };
    this.lives.set(vmId, l);
    if (qmp !== null) {
      qmp.onEvent((ev) => {
        if (ev.event === 'STOP' || ev.event === 'RESUME' || ev.event === 'RESET' || ev.event === 'SHUTDOWN') {
          this.o.log.info(`VM ${record.instanceName}: ${ev.event}`, { vmId, data: ev.data });
        }
      });
      qmp.onClose(() => this.closed(l));
    }
    return l;
  }

  /** QEMU closed its QMP socket: it exited (guest powered off, crashed) unless we closed it ourselves. */
  private closed(l: LiveVm): void {
    if (l.stopping || this.lives.get(l.vmId) !== l) return;
    const p = this.reportExit(l).finally(() => this.exiting.delete(l.vmId));
    this.exiting.set(l.vmId, p);
  }

  private async reportExit(l: LiveVm): Promise<void> {
    // QEMU closes the socket while it tears down; on a busy machine the exit itself can take seconds.
    const gone = await waitGone(l.pid, EXIT_WAIT_MS);
    if (l.stopping || this.lives.get(l.vmId) !== l) return;
    if (!gone) {
      this.o.log.warn(`VM ${l.record.instanceName} closed its QMP socket but still runs`, { vmId: l.vmId, pid: l.pid });
      return;
    }
    this.lives.delete(l.vmId);
    cleanRuntime(l.paths);
    this.o.log.info(`VM ${l.record.instanceName} exited`, { vmId: l.vmId });
    this.o.onPowerStateChange?.(l.record.hostId, l.vmId, 'PowerOff');
  }

  persist(l: LiveVm): void { writeRecord(l.paths, l.record); }

  forget(l: LiveVm): void {
    if (this.lives.get(l.vmId) === l) this.lives.delete(l.vmId);
    l.stopping = true;
    l.qmp?.close();
  }

  /** Releases every QMP connection; the VMs keep running for the next process to adopt. */
  releaseAll(): void {
    for (const l of this.all()) this.forget(l);
  }
}
