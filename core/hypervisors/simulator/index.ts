// The Simulator hypervisor: hosts and VMs that exist only in this process's memory, for labs, demos and scale
// tests (10,000 hosts and 100,000 VMs). Host capacity, latency and failure injection come from the addHost url
// (see host-config.ts). State is a few Maps keyed by id: no timers, closures or objects beyond one small record
// per VM, so memory stays flat.
//
// Restarts: the simulator's memory is empty after a management server restart. Until a host is connected again
// VM operations on it fail, and vmPowerStates(hostId) reports only what the simulator knows (nothing, or what was
// adopted). The core calls `adopt(hostId, vmIds)` with the VMs its database says were running on the host; the
// simulator then reports them PowerOn, as a real hypervisor would after the management server came back.
// `adopt` merges: VMs it already knows keep their state.
//
// Test hook: `setHostDown(hostId, true)` "powers the host off": pingHost answers false, connectHost and every
// operation on the host fail (vmPowerStates too); its VMs are kept, as if the host had only lost its network,
// and are reported again once it is back.
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  HypervisorDriver, HostConnectSpec, HostInfo, PowerState, VmSpec, VolumeSpec, VmStats, HostStats, HostSample, VmSample,
} from '../driver';
import { SimWorkload } from './workload';
import { parseSimulatorUrl, type SimHostConfig } from './host-config';

export const SIMULATOR = 'Simulator';
const SIM_VERSION = '4.20.0-sim';
/** Share of its CPU a running simulated VM is reported to use. */
const SIM_LOAD = 0.2;

interface SimVm { hostId: string; power: PowerState; cpuNumber: number; cpuSpeed: number; memoryMb: number; startedAt: number;
  /** Its volumes, root first (the workload splits its disk I/O among them); none for an adopted VM until restarted. */
  volumeIds?: string[] }
interface SimHost { id: string; name: string; cfg: SimHostConfig }

export interface SimulatorDriver extends HypervisorDriver {
  /** Tells the simulator which VMs run on a host (after a restart); see the file header. */
  adopt(hostId: string, vmIds: string[]): void;
  /** Test hook: power a simulated host off (true) or on (false). */
  setHostDown(hostId: string, down: boolean): void;
  /** Number of VMs the simulator knows (tests, metrics). */
  vmCount(): number;
}

export interface SimulatorOptions {
  /** Random source for failure injection (tests pass a fixed sequence). */
  random?: () => number;
  now?: () => number;
}

export function createSimulatorDriver(opts: SimulatorOptions = {}): SimulatorDriver {
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const hosts = new Map<string, SimHost>();
  const vms = new Map<string, SimVm>();
  /**
   * The VMs of each host by id, kept apart from `hosts` so adopted VMs survive until the host connects. The same
   * objects as in `vms`: a host's stats (every listHosts page asks for 500 hosts') walk them without a lookup in
   * the map of every VM.
   */
  const hostVms = new Map<string, Map<string, SimVm>>();
  const down = new Set<string>();
  /** KVM-style storage heartbeats, simulated: hosts told to write one, and when a host was powered off. */
  const beating = new Set<string>();
  const downSince = new Map<string, number>();
  const volumes = new Map<string, number>();
  const snapshots = new Map<string, number>();
  const vmSnapshots = new Map<string, Set<string>>();
  const workload = new SimWorkload();

  const vmsOf = (hostId: string) => {
    let s = hostVms.get(hostId);
    if (s === undefined) hostVms.set(hostId, (s = new Map()));
    return s;
  };

  function reachable(hostId: string): SimHost {
    if (down.has(hostId)) throw new Error(`Simulator host ${hosts.get(hostId)?.name ?? hostId} is unreachable (powered off)`);
    const h = hosts.get(hostId);
    if (h === undefined) throw new Error(`Simulator host ${hostId} is not connected`);
    return h;
  }

  function injected(h: SimHost, op: string): void {
    const p = h.cfg.fail.get(op);
    if (p !== undefined && p > 0 && random() < p) {
      throw new Error(`Simulator: injected failure of ${op} on host ${h.name}`);
    }
  }

  /** Common prologue of VM and volume operations: reachability, configured latency, failure injection. */
  async function op(hostId: string, name: string): Promise<SimHost> {
    let h = reachable(hostId);
    if (h.cfg.latencyMs > 0) {
      await sleep(h.cfg.latencyMs);
      h = reachable(hostId); // the host may have gone down meanwhile
    }
    injected(h, name);
    return h;
  }

  function vmOn(hostId: string, vmId: string): SimVm {
    const vm = vms.get(vmId);
    if (vm === undefined || vm.hostId !== hostId) throw new Error(`Simulator: VM ${vmId} is not on host ${hostId}`);
    return vm;
  }

  function place(vmId: string, vm: SimVm): void {
    const old = vms.get(vmId);
    if (old !== undefined && old.hostId !== vm.hostId) hostVms.get(old.hostId)?.delete(vmId);
    vms.set(vmId, vm);
    vmsOf(vm.hostId).set(vmId, vm);
  }

  return {
    hypervisor: SIMULATOR,

    async connectHost(spec: HostConnectSpec): Promise<HostInfo> {
      const cfg = parseSimulatorUrl(spec.url);
      const h: SimHost = { id: spec.hostId, name: spec.name || cfg.hostname, cfg };
      if (down.has(spec.hostId)) throw new Error(`Simulator host ${h.name} is unreachable (powered off)`);
      injected(h, 'connectHost');
      hosts.set(spec.hostId, h);
      return {
        cpuNumber: cfg.cpuNumber, cpuSpeed: cfg.cpuSpeed, memoryBytes: cfg.memoryBytes,
        hypervisorVersion: SIM_VERSION, ipAddress: cfg.hostname, capabilities: ['hvm'],
      };
    },
    async disconnectHost(hostId) {
      hosts.delete(hostId);
    },
    async pingHost(hostId) {
      if (down.has(hostId)) return false;
      const h = hosts.get(hostId);
      if (h === undefined) return false; // not connected since a restart: the monitor reconnects it
      injected(h, 'pingHost');
      return true;
    },

    async startVm(hostId, spec: VmSpec) {
      await op(hostId, 'startVm');
      const cur = vms.get(spec.id);
      if (cur !== undefined && cur.hostId === hostId && cur.power === 'PowerOn') return; // idempotent
      const volumeIds = [...spec.volumes].sort((a, b) => (a.type === 'ROOT' ? -1 : b.type === 'ROOT' ? 1 : 0)).map((v) => v.id);
      place(spec.id, { hostId, power: 'PowerOn', cpuNumber: spec.cpuNumber, cpuSpeed: spec.cpuSpeed, memoryMb: spec.memoryMb, startedAt: now(), volumeIds });
    },
    async stopVm(hostId, vmId) {
      await op(hostId, 'stopVm');
      const vm = vms.get(vmId);
      if (vm !== undefined && vm.hostId === hostId) vm.power = 'PowerOff';
    },
    async rebootVm(hostId, vmId) {
      await op(hostId, 'rebootVm');
      const vm = vmOn(hostId, vmId);
      if (vm.power !== 'PowerOn') throw new Error(`Simulator: VM ${vmId} is not running`);
      vm.startedAt = now();
    },
    async destroyVm(hostId, vmId) {
      await op(hostId, 'destroyVm');
      const vm = vms.get(vmId);
      if (vm !== undefined && vm.hostId === hostId) {
        vms.delete(vmId);
        hostVms.get(hostId)?.delete(vmId);
        workload.forget(vmId);
      }
    },
    async vmPowerStates(hostId) {
      if (down.has(hostId)) throw new Error(`Simulator host ${hostId} is unreachable (powered off)`);
      const out = new Map<string, PowerState>();
      for (const [id, vm] of hostVms.get(hostId) ?? []) out.set(id, vm.power);
      return out;
    },
    async scaleVm(hostId, vmId, cpuNumber, memoryMb) {
      await op(hostId, 'scaleVm');
      const vm = vmOn(hostId, vmId);
      vm.cpuNumber = cpuNumber;
      vm.memoryMb = memoryMb;
    },
    async migrateVm(srcHostId, dstHostId, vmId) {
      await op(srcHostId, 'migrateVm');
      reachable(dstHostId);
      const vm = vmOn(srcHostId, vmId);
      if (vm.power !== 'PowerOn') throw new Error(`Simulator: VM ${vmId} is not running`);
      place(vmId, { ...vm, hostId: dstHostId });
    },

    async createVolume(hostId, vol: VolumeSpec) {
      await op(hostId, 'createVolume');
      const path = vol.path ?? `${vol.poolPath.replace(/\/$/, '')}/${vol.id}`;
      if (!volumes.has(path)) volumes.set(path, vol.sizeBytes);
      return path;
    },
    async deleteVolume(hostId, vol) {
      await op(hostId, 'deleteVolume');
      if (vol.path) volumes.delete(vol.path);
    },
    async resizeVolume(hostId, vol, newSizeBytes) {
      await op(hostId, 'resizeVolume');
      if (vol.path) volumes.set(vol.path, newSizeBytes);
    },
    async attachVolume(hostId, vmId, vol) {
      await op(hostId, 'attachVolume');
      const vm = vms.get(vmId);
      if (vm && !vm.volumeIds?.includes(vol.id)) vm.volumeIds = [...(vm.volumeIds ?? []), vol.id];
    },
    async detachVolume(hostId, vmId, vol) {
      await op(hostId, 'detachVolume');
      const vm = vms.get(vmId);
      if (vm?.volumeIds) vm.volumeIds = vm.volumeIds.filter((id) => id !== vol.id);
    },
    async snapshotVolume(hostId, vol, snapshotId) {
      await op(hostId, 'snapshotVolume');
      const path = `snapshots/${vol.id}/${snapshotId}`;
      snapshots.set(path, vol.sizeBytes);
      return { path, physicalSize: vol.sizeBytes };
    },
    async revertSnapshot(hostId) {
      await op(hostId, 'revertSnapshot');
    },
    async deleteSnapshot(hostId, snapshotPath) {
      await op(hostId, 'deleteSnapshot');
      snapshots.delete(snapshotPath);
    },
    // VM snapshots: the simulator keeps their names per VM (the API checks the VM's state beforehand).
    async vmSnapshot(hostId, o) {
      await op(hostId, `vmSnapshot.${o.action}`);
      const tags = vmSnapshots.get(o.vmId) ?? new Set<string>();
      if (o.action === 'create') tags.add(o.tag);
      else if (o.action === 'delete') tags.delete(o.tag);
      else if (!tags.has(o.tag)) throw new Error(`The VM has no snapshot ${o.tag}`);
      vmSnapshots.set(o.vmId, tags);
    },
    async exportImage(hostId, src) {
      await op(hostId, 'exportImage');
      const size = src.volume ? (volumes.get(src.volume.path ?? '') ?? src.volume.sizeBytes) : (snapshots.get(src.file ?? '') ?? 0);
      return { virtualSize: size, physicalSize: size };
    },

    async vmStats(hostId, vmId): Promise<VmStats | null> {
      const vm = vms.get(vmId);
      if (down.has(hostId) || vm === undefined || vm.hostId !== hostId) return null;
      const upMs = vm.power === 'PowerOn' ? Math.max(0, now() - vm.startedAt) : 0;
      return {
        cpuTimeMs: Math.round(upMs * vm.cpuNumber * SIM_LOAD), cpuUsedPercent: vm.power === 'PowerOn' ? SIM_LOAD * 100 : 0,
        memoryKbs: vm.memoryMb * 1024, diskReadBytes: Math.round(upMs * 2), diskWriteBytes: Math.round(upMs),
        netReadBytes: Math.round(upMs * 4), netWriteBytes: Math.round(upMs * 2),
      };
    },
    async hostStats(hostId): Promise<HostStats> {
      const h = reachable(hostId);
      let mhz = 0;
      let mem = 0;
      for (const vm of hostVms.get(hostId)?.values() ?? []) {
        if (vm.power !== 'PowerOn') continue;
        mhz += vm.cpuNumber * vm.cpuSpeed * SIM_LOAD;
        mem += vm.memoryMb * 1024 * 1024;
      }
      return { cpuUsedPercent: Math.min(100, (mhz / (h.cfg.cpuNumber * h.cfg.cpuSpeed)) * 100), memoryUsedBytes: mem };
    },

    knowsItsVms: true,
    async sampleHost(hostId): Promise<HostSample> {
      const h = reachable(hostId);
      const t = now() / 1000;
      const out: VmSample[] = [];
      let mhz = 0;
      let memBytes = 0;
      let busyCpus = 0;
      for (const [id, vm] of hostVms.get(hostId) ?? []) {
        if (vm.power !== 'PowerOn') continue;
        const s = workload.sample(id, t, vm.memoryMb, vm.volumeIds);
        out.push(s);
        const cpus = Math.max(1, vm.cpuNumber);
        mhz += (s.cpuUsedPercent / 100) * cpus * (vm.cpuSpeed || h.cfg.cpuSpeed);
        busyCpus += (s.cpuUsedPercent / 100) * cpus;
        memBytes += s.memoryKbs * 1024;
      }
      return { cpuUsedPercent: Math.min(100, (mhz / (h.cfg.cpuNumber * h.cfg.cpuSpeed)) * 100), memoryUsedBytes: memBytes,
        load1: busyCpus, vms: out };
    },

    adopt(hostId, vmIds) {
      const t = now();
      for (const id of vmIds) {
        if (vms.has(id)) continue;
        place(id, { hostId, power: 'PowerOn', cpuNumber: 0, cpuSpeed: 0, memoryMb: 0, startedAt: t });
      }
    },
    setHostDown(hostId, isDown) {
      if (isDown) { down.add(hostId); downSince.set(hostId, now()); } else { down.delete(hostId); downSince.delete(hostId); }
    },
    // A simulated host beats continuously until it is powered off; its heartbeat's age then grows from that moment.
    async storageHeartbeat(hostId, poolPaths) {
      reachable(hostId);
      if (poolPaths.length > 0) beating.add(hostId);
      else beating.delete(hostId);
    },
    async heartbeatAge(hostId, _poolPath, ofHostId) {
      reachable(hostId);
      if (!beating.has(ofHostId)) return null;
      const since = downSince.get(ofHostId);
      return since === undefined ? 0 : Math.max(0, now() - since);
    },
    vmCount: () => vms.size,

    async shutdown() {
      hosts.clear();
      vms.clear();
      hostVms.clear();
      volumes.clear();
      snapshots.clear();
    },
  };
}

/** True when a driver is the simulator (for test hooks and adoption after restarts). */
export function isSimulatorDriver(d: HypervisorDriver): d is SimulatorDriver {
  return typeof (d as Partial<SimulatorDriver>).adopt === 'function' && typeof (d as Partial<SimulatorDriver>).setHostDown === 'function';
}
