// The QEMU/KVM hypervisor driver (CloudStack calls these hosts "KVM"): one qemu-system-x86_64 process per VM on
// the local machine, controlled over QMP. A remote KVM host runs the same driver inside `strata agent`.
// Hosts: the addHost url's `accel=kvm|tcg|auto` query parameter, or host detail `accel`, picks the accelerator;
// auto (default) probes once with a timeout (accel.ts). VMs outlive the management server (-daemonize) and are
// re-adopted from the work dir (vm-registry.ts). Volumes are qcow2 files in pool directories (volumes.ts).
// Stop: ACPI power button, then after `stopTimeoutMs` (VM detail `stopTimeoutMs` overrides) a QMP `quit`, then
// SIGKILL; every step is bounded, so a stuck guest or a stuck QEMU never blocks the caller.
import { writeConfigDrive } from './config-drive';
import { vmSnapshotOp } from './vm-snapshots';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readdir, rm, stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../kernel/services';
import type {
  ConsoleEndpoint, HostConnectSpec, HostInfo, HostStats, HypervisorDriver, PowerState, ProgressFn,
  TemplateInPoolSpec, VmNicSpec, VmSpec, VmStats,
} from '../driver';
import { parseAccelSetting, resolveAccel, type AccelProbeResult, type AccelSetting } from './accel';
import { connectQmp } from './qmp';
import { CDROM_ID, buildQemuArgs, pciAddr, volumeDevice, volumeFile, volumeNode } from './qemu-args';
import { canManageNetworks, fitToUnderlay, guestNetworkingOf, netKey, plugTap, tapOf, unplugTap } from './guest-net';
import { applyRouter, removeRouter, routerLbHealth, routerRunning } from './guest-router';
import { plugNicLive, unplugNicLive } from './nic-hotplug';
import { listenIncoming, migrateOut, waitRunning } from './migration';
import { cpuMhz, killHard, memInfo, run, waitGone } from './proc';
import { StatsSampler, sampleQemuHost } from './stats';
import { createStorageHeartbeat } from './storage-heartbeat';
import { VmRegistry, type LiveVm } from './vm-registry';
import { cleanRuntime, listVmIds, newVncPassword, prepareDirs, readPid, readRecord, removeAll, runningPid, writeRecord, type VmRecord } from './vm-runtime';
import {
  backupLive, copyTemplate, createQcow2, hotplugVolume, imageInfo, resizeLive, resizeOffline, revertFromSnapshot,
  snapshotOffline, unplugVolume,
} from './volumes';

export const KVM = 'KVM';

export interface QemuDriverOptions {
  workDir: string;
  qemuBinary?: string;
  qemuImg?: string;
  log?: Logger;
  /** Grace period of an ACPI shutdown before the VM is stopped hard (default 10 s). */
  stopTimeoutMs?: number;
  /** Accelerator for hosts that do not name one (default auto). */
  accel?: AccelSetting;
  /** Where volume snapshots go when the caller names no directory (default `${workDir}/snapshots`). */
  snapshotDir?: string;
  /** Longest a live migration may run before it is cancelled (default 10 min). */
  migrateTimeoutMs?: number;
  /** Called when a VM's QEMU exits on its own (guest poweroff, crash); for agents that push state changes. */
  onPowerStateChange?: (hostId: string, vmId: string, state: PowerState) => void;
}

export interface QemuDriver extends HypervisorDriver {
  /** The accelerator a host uses (probing it on first use). */
  accelOf(hostId: string): Promise<AccelProbeResult>;
  /** Pid of the VM's QEMU when it runs (tests check for orphans with it). */
  pidOf(vmId: string): number | null;
  /** File receiving everything the guest printed on its serial port. */
  serialLogPath(vmId: string): string;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const templateName = (templateId: string) => `template-${templateId}.qcow2`;

export function createQemuDriver(opts: QemuDriverOptions): QemuDriver {
  const qemu = opts.qemuBinary ?? 'qemu-system-x86_64';
  const qemuImg = opts.qemuImg ?? 'qemu-img';
  const log = opts.log ?? silent;
  const workDir = path.resolve(opts.workDir);
  const snapshotDir = opts.snapshotDir ?? path.join(workDir, 'snapshots');
  mkdirSync(workDir, { recursive: true });
  const vms = new VmRegistry({ workDir, log, onPowerStateChange: opts.onPowerStateChange });
  const hosts = new Map<string, { name: string; accel: AccelSetting | undefined; ip: string }>();
  const templateSizes = new Map<string, number>();
  const copying = new Map<string, Promise<number>>();
  const stats = new StatsSampler();
  const collectorStats = new StatsSampler(); // the metrics collector's deltas, apart from vmStats callers'
  let version: string | null = null;

  async function qemuVersion(): Promise<string> {
    if (version !== null) return version;
    const out = await run(qemu, ['--version'], { timeoutMs: 5000 }).catch((e: Error) => {
      throw new Error(`QEMU is not usable on this host (${qemu}): ${e.message}`);
    });
    version = /version (\S+)/.exec(out.stdout)?.[1] ?? 'unknown';
    return version;
  }

  const accelOf = (hostId: string) => resolveAccel(hosts.get(hostId)?.accel ?? opts.accel, { qemuBinary: qemu });

  async function running(vmId: string): Promise<LiveVm> {
    const l = await vms.get(vmId);
    if (l === null) throw new Error(`VM ${vmId} is not running on this host`);
    return l;
  }
  function qmpOf(l: LiveVm) {
    if (l.qmp === null) throw new Error(`VM ${l.record.instanceName} does not answer on its QMP socket`);
    return l.qmp;
  }

  /** Starts the VM's QEMU; `incoming` leaves it waiting for a live migration instead of running the guest. */
  async function launch(hostId: string, given: VmSpec, incoming = false): Promise<LiveVm> {
    // A VXLAN network's NICs get the MTU that fits this host's underlay (taps, bridge and the guest's virtio-net).
    const vm: VmSpec = given.nics?.length ? { ...given, nics: given.nics.map(fitToUnderlay) } : given;
    const p = vms.paths(vm.id);
    cleanRuntime(p);
    prepareDirs(p);
    const accel = (await accelOf(hostId)).accel;
    const vncListen = vm.details.vncListen === 'tcp' ? 'tcp' : 'unix';
    // NICs on their networks' bridges when this host may make bridges; else QEMU's user-mode networking (lab-only).
    const nicMode = vm.nics?.length && vm.netMode === 'bridge' && canManageNetworks().ok ? 'tap' : 'user';
    const record: VmRecord = {
      vmId: vm.id, hostId, instanceName: vm.instanceName, vncPassword: newVncPassword(), vncListen, accel,
      cpuNumber: vm.cpuNumber, memoryMb: vm.memoryMb, startedAt: Date.now(), isoPath: vm.isoPath ?? null,
      stopTimeoutMs: Number(vm.details.stopTimeoutMs) > 0 ? Number(vm.details.stopTimeoutMs) : undefined,
      volumes: vm.volumes.map((v) => ({ id: v.id, node: volumeNode(v.id), device: volumeDevice(v.id), file: volumeFile(v) })),
      nics: vm.nics?.length ? { ids: vm.nics.map((n) => n.id), mode: nicMode, devices: Object.fromEntries(vm.nics.map((n) => [n.id, n.deviceId])) } : undefined,
    };
    writeFileSync(p.vncSecret, record.vncPassword, { mode: 0o600 });
    writeRecord(p, record);
    const extra = vm.details['qemu.extraArgs']?.split(' ').filter((a) => a !== '') ?? [];
    if (incoming) extra.push('-incoming', 'defer');
    if (nicMode === 'tap') for (const n of vm.nics!) await wireTap(n);
    if (vm.configDrive) await writeConfigDrive(p.dir, vm.configDrive);
    try {
      // -daemonize: this returns once QEMU is initialized (or failed, with its error on stderr).
      await run(qemu, buildQemuArgs(vm, p, { accel, vncListen, extra, nicMode }, tapOf), { timeoutMs: 30_000 });
    } catch (e) {
      const pid = readPid(p);
      if (pid !== null) await killHard(pid);
      cleanRuntime(p);
      throw new Error(`QEMU could not start VM ${vm.instanceName}: ${(e as Error).message}`);
    }
    const pid = readPid(p);
    try {
      if (pid === null) throw new Error('QEMU wrote no pidfile');
      const qmp = await connectQmp(p.qmp, { connectTimeoutMs: 5000 });
      const st = await qmp.execute<{ status: string }>('query-status').catch((e: Error) => { qmp.close(); throw e; });
      if (st.status !== (incoming ? 'inmigrate' : 'running')) {
        qmp.close();
        throw new Error(`VM is ${st.status} after start`);
      }
      return vms.register(vm.id, pid, p, record, qmp);
    } catch (e) {
      if (pid !== null) await killHard(pid);
      cleanRuntime(p);
      throw new Error(`VM ${vm.instanceName} did not reach Running: ${(e as Error).message}`);
    }
  }

  /** A NIC's tap on its network's bridge (made with the network's VLAN member and MTU when missing). */
  const wireTap = (n: VmNicSpec) => plugTap({ key: netKey(n.networkId), vlan: n.vlan, guestIf: n.guestIf, mtu: n.mtu, isolation: n.isolation }, n.id);

  async function stop(vmId: string, forced: boolean, timeoutMs: number): Promise<void> {
    const l = await vms.get(vmId).catch(() => null);
    const p = vms.paths(vmId);
    if (l === null) {
      const pid = runningPid(p, vmId);
      if (pid !== null) await killHard(pid);
      cleanRuntime(p);
      return;
    }
    l.stopping = true;
    let gone = false;
    if (!forced && l.qmp !== null) {
      await l.qmp.execute('system_powerdown', undefined, { timeoutMs: 2000 }).catch(() => undefined);
      gone = await waitGone(l.pid, timeoutMs);
      if (!gone) log.info(`VM ${l.record.instanceName} ignored the ACPI shutdown for ${timeoutMs} ms; stopping it hard`);
    }
    if (!gone && l.qmp !== null) {
      await l.qmp.execute('quit', undefined, { timeoutMs: 2000 }).catch(() => undefined);
      gone = await waitGone(l.pid, 3000);
    }
    if (!gone && !(await killHard(l.pid))) throw new Error(`Could not stop the QEMU process ${l.pid} of VM ${l.record.instanceName}`);
    vms.forget(l);
    cleanRuntime(p);
  }

  const heartbeat = createStorageHeartbeat((pool, e) => opts.log?.warn(`storage heartbeat on ${pool} failed`, { error: e.message }));
  const driver: QemuDriver = {
    hypervisor: KVM,

    async connectHost(spec: HostConnectSpec): Promise<HostInfo> {
      let urlAccel: string | null = null;
      let ip = '127.0.0.1';
      try {
        const u = new URL(spec.url);
        urlAccel = u.searchParams.get('accel');
        if (u.hostname && u.hostname !== 'localhost') ip = u.hostname;
      } catch { /* a bare host name: no parameters */ }
      const accel = parseAccelSetting(spec.details.accel ?? urlAccel);
      const ver = await qemuVersion();
      hosts.set(spec.hostId, { name: spec.name, accel, ip });
      const probe = await accelOf(spec.hostId);
      if (probe.reason !== 'configured') log.info(`host ${spec.name}: using ${probe.accel}`, { reason: probe.reason, ms: probe.probeMs });
      const mem = memInfo();
      const fsInfo = await statfs(workDir).catch(() => null);
      return {
        cpuNumber: os.cpus().length, cpuSpeed: cpuMhz(), memoryBytes: mem.totalBytes,
        hypervisorVersion: ver, ipAddress: ip, capabilities: ['hvm', 'snapshot', `accel:${probe.accel}`],
        localStorageBytes: fsInfo ? fsInfo.bavail * fsInfo.bsize : undefined,
        guestNetworking: guestNetworkingOf(canManageNetworks()),
      };
    },
    async disconnectHost(hostId) { hosts.delete(hostId); },
    async pingHost(hostId) { return hosts.has(hostId) && existsSync(workDir); },

    async startVm(hostId, vm) {
      if (await vms.get(vm.id)) return; // already running: start is idempotent
      await launch(hostId, vm);
    },
    async stopVm(_hostId, vmId, o) {
      const t = readRecord(vms.paths(vmId))?.stopTimeoutMs ?? opts.stopTimeoutMs ?? 10_000;
      await stop(vmId, o.forced, t);
    },
    async rebootVm(_hostId, vmId) { await qmpOf(await running(vmId)).execute('system_reset'); },
    async pauseVm(_hostId, vmId) { await qmpOf(await running(vmId)).execute('stop'); },
    async resumeVm(_hostId, vmId) { await qmpOf(await running(vmId)).execute('cont'); },
    async destroyVm(_hostId, vmId) {
      const nics = readRecord(vms.paths(vmId))?.nics;
      await stop(vmId, true, 0);
      if (nics?.mode === 'tap') for (const id of nics.ids) await unplugTap(id);
      stats.forget(vmId);
      removeAll(vms.paths(vmId));
    },
    async vmPowerStates(hostId) {
      const out = new Map<string, PowerState>();
      for (const vmId of listVmIds(workDir)) {
        const p = vms.paths(vmId);
        const rec = readRecord(p);
        if (rec === null || rec.hostId !== hostId) continue;
        const on = runningPid(p, vmId) !== null;
        out.set(vmId, on ? 'PowerOn' : 'PowerOff');
        // Adopt now, so QMP events of re-adopted VMs are followed from here on. (Stale runtime files of VMs
        // that are off are left to the next start: this VM may be starting right now.)
        if (on) void vms.get(vmId).catch(() => undefined);
      }
      return out;
    },
    async scaleVm(_hostId, vmId) {
      if (await vms.get(vmId)) throw new Error('Scaling a running VM is not supported on KVM hosts by this driver: stop the VM first');
    },
    async migrateVm(srcHostId, dstHostId) {
      // One driver serves one machine: its hosts share the VM directories, so a VM cannot run on two of them
      // at once. Migration between machines goes through prepare/send/finishMigration on each host's driver.
      throw new Error(`Hosts ${srcHostId} and ${dstHostId} are on the same machine; live migration needs two hosts (agents)`);
    },
    async prepareMigration(hostId, vm) {
      if (await vms.get(vm.id)) throw new Error(`VM ${vm.instanceName} already runs on this host`);
      const l = await launch(hostId, vm, true);
      try {
        return { uri: await listenIncoming(qmpOf(l), hosts.get(hostId)?.ip ?? '127.0.0.1') };
      } catch (e) {
        await stop(vm.id, true, 0);
        removeAll(l.paths);
        throw e;
      }
    },
    async sendMigration(_hostId, vmId, uri, onProgress) {
      const l = await running(vmId);
      const done = await migrateOut(qmpOf(l), uri, opts.migrateTimeoutMs ?? 10 * 60_000, onProgress);
      // QEMU's own figures: how long the move took and how long the guest was paused (README, Performance).
      opts.log?.info(`VM ${l.record.instanceName ?? vmId}: migrated in ${done.totalMs} ms, guest paused ${done.downtimeMs} ms, ${done.bytes} bytes sent`,
        { vmId, migration: done });
      // The destination owns the VM now: the paused source only has to go, with its runtime files.
      await stop(vmId, true, 0);
      stats.forget(vmId);
      removeAll(l.paths);
    },
    async finishMigration(_hostId, vmId, ok) {
      const l = await vms.get(vmId);
      if (ok) {
        if (l === null) throw new Error(`The migrated VM ${vmId} is not running on the destination`);
        await waitRunning(qmpOf(l), 30_000);
        return;
      }
      await stop(vmId, true, 0);
      removeAll(vms.paths(vmId));
    },

    async ensureTemplate(_hostId: string, t: TemplateInPoolSpec, onProgress?: ProgressFn) {
      mkdirSync(t.poolPath, { recursive: true });
      const name = templateName(t.templateId);
      const dest = path.join(t.poolPath, name);
      const known = templateSizes.get(dest);
      if (known !== undefined && existsSync(dest)) return { path: name, sizeBytes: known };
      if (existsSync(dest)) {
        const size = (await imageInfo(qemuImg, dest)).virtualSize;
        templateSizes.set(dest, size);
        return { path: name, sizeBytes: size };
      }
      let p = copying.get(dest);
      if (p === undefined) {
        p = copyTemplate(qemuImg, t.sourcePath, dest, onProgress).finally(() => copying.delete(dest));
        copying.set(dest, p);
      }
      const size = await p;
      templateSizes.set(dest, size);
      return { path: name, sizeBytes: size };
    },
    async removeTemplate(_hostId, t) {
      const dest = path.join(t.poolPath, templateName(t.templateId));
      // A copy still being made is about to back a new volume (the caller only sees volumes once they exist).
      if (copying.has(dest)) throw new Error(`Template ${t.templateId} is being copied into pool ${t.poolPath}`);
      await rm(dest, { force: true });
      templateSizes.delete(dest);
    },
    async createVolume(hostId, vol) {
      const name = vol.path ?? `${vol.id}.qcow2`;
      const file = path.resolve(vol.poolPath, name);
      if (existsSync(file)) return name;
      mkdirSync(vol.poolPath, { recursive: true });
      try {
        if (vol.type === 'ROOT' && vol.templateId) {
          const tmpl = path.join(vol.poolPath, templateName(vol.templateId));
          if (!existsSync(tmpl) && vol.templateSourcePath) {
            await driver.ensureTemplate!(hostId, { templateId: vol.templateId, sourcePath: vol.templateSourcePath, poolId: vol.poolId, poolPath: vol.poolPath });
          }
          if (!existsSync(tmpl)) throw new Error(`Template ${vol.templateId} is not in pool ${vol.poolPath} (ensureTemplate copies it there)`);
          let tsize = templateSizes.get(tmpl);
          if (tsize === undefined) templateSizes.set(tmpl, (tsize = (await imageInfo(qemuImg, tmpl)).virtualSize));
          // Size 0 = the template's size: saves qemu-img a lookup; a bigger ROOT disk is grown at creation.
          await createQcow2(qemuImg, file, vol.sizeBytes > tsize ? vol.sizeBytes : 0, path.basename(tmpl));
        } else {
          await createQcow2(qemuImg, file, vol.sizeBytes);
        }
      } catch (e) {
        await rm(file, { force: true });
        throw e;
      }
      return name;
    },
    async deleteVolume(_hostId, vol) {
      if (!vol.path) return;
      if (vms.holderOf(vol.id)) throw new Error(`Volume ${vol.id} is in use by a running VM`);
      await rm(path.resolve(vol.poolPath, vol.path), { force: true });
    },
    async resizeVolume(_hostId, vol, newSizeBytes) {
      const holder = vms.holderOf(vol.id);
      if (holder) await resizeLive(qmpOf(holder), volumeNode(vol.id), newSizeBytes);
      else await resizeOffline(qemuImg, volumeFile(vol), newSizeBytes);
    },
    async attachVolume(_hostId, vmId, vol) {
      const l = await vms.get(vmId);
      if (l === null || l.record.volumes.some((v) => v.id === vol.id)) return; // stopped: plugged in at next start
      const pv = { id: vol.id, node: volumeNode(vol.id), device: volumeDevice(vol.id), file: volumeFile(vol) };
      await hotplugVolume(qmpOf(l), pv.node, pv.device, pv.file, pciAddr(vol.deviceId));
      l.record.volumes.push(pv);
      vms.persist(l);
    },
    async detachVolume(_hostId, vmId, vol) {
      const l = await vms.get(vmId);
      const pv = l?.record.volumes.find((v) => v.id === vol.id);
      if (l === null || pv === undefined) return;
      await unplugVolume(qmpOf(l), pv.node, pv.device, 10_000);
      l.record.volumes = l.record.volumes.filter((v) => v.id !== vol.id);
      vms.persist(l);
    },
    async snapshotVolume(_hostId, vol, snapshotId, o) {
      const dir = o?.dir ?? snapshotDir;
      mkdirSync(dir, { recursive: true });
      const target = path.join(dir, `${snapshotId}.qcow2`);
      if (!existsSync(target)) {
        const file = volumeFile(vol);
        const holder = vms.holderOf(vol.id);
        if (holder) {
          const size = (await imageInfo(qemuImg, file)).virtualSize;
          await backupLive(qemuImg, qmpOf(holder), volumeNode(vol.id), target, size, 60 * 60_000, o?.onProgress);
        } else {
          await snapshotOffline(qemuImg, file, target, o?.onProgress);
        }
      }
      return { path: target, physicalSize: (await stat(target)).size };
    },
    async revertSnapshot(_hostId, vol, snapshotPath) {
      if (vms.holderOf(vol.id)) throw new Error(`Volume ${vol.id} is in use by a running VM: stop the VM before reverting`);
      await revertFromSnapshot(qemuImg, volumeFile(vol), snapshotPath);
    },
    async deleteSnapshot(_hostId, snapshotPath) { await rm(snapshotPath, { force: true }); },
    async vmSnapshot(_hostId, op) {
      const l = await vms.get(op.vmId);
      await vmSnapshotOp(qemuImg, l ? qmpOf(l) : null, op);
    },
    async exportImage(_hostId, src, dest, onProgress) {
      mkdirSync(path.dirname(dest), { recursive: true });
      if (src.volume) await snapshotOffline(qemuImg, volumeFile(src.volume), dest, onProgress);
      else if (src.file) await copyTemplate(qemuImg, src.file, dest, onProgress);
      else throw new Error('exportImage needs a volume or a file');
      return { virtualSize: (await imageInfo(qemuImg, dest)).virtualSize, physicalSize: (await stat(dest)).size };
    },
    async listPoolFiles(_hostId, poolPath) {
      const list = await readdir(poolPath, { withFileTypes: true }).catch(() => []);
      return list.filter((d) => d.isFile() && d.name.endsWith('.qcow2')).map((d) => d.name);
    },

    async attachIso(_hostId, vmId, isoPath) {
      const l = await running(vmId);
      await qmpOf(l).execute('blockdev-change-medium', { id: CDROM_ID, filename: isoPath, format: 'raw', 'read-only-mode': 'read-only' });
      l.record.isoPath = isoPath;
      vms.persist(l);
    },
    async detachIso(_hostId, vmId) {
      const l = await vms.get(vmId);
      if (l === null) return;
      await qmpOf(l).execute('eject', { id: CDROM_ID, force: true });
      l.record.isoPath = null;
      vms.persist(l);
    },
    async consoleEndpoint(_hostId, vmId): Promise<ConsoleEndpoint | null> {
      const l = await vms.get(vmId);
      if (l === null) return null;
      if (l.record.vncListen === 'unix') {
        return { vnc: { socketPath: l.paths.vnc, password: l.record.vncPassword }, serialSocketPath: l.paths.serial };
      }
      const info = await qmpOf(l).execute<{ host?: string; service?: string }>('query-vnc');
      return { vnc: { host: '127.0.0.1', port: Number(info.service), password: l.record.vncPassword }, serialSocketPath: l.paths.serial };
    },

    async vmStats(_hostId, vmId): Promise<VmStats | null> {
      const l = await vms.get(vmId);
      return l === null ? null : stats.vm(l);
    },
    async hostStats(): Promise<HostStats> { return stats.host(); },
    applyRouter: (_hostId, r) => applyRouter(workDir, r),
    removeRouter: (_hostId, networkId) => removeRouter(workDir, networkId),
    routerRunning: (_hostId, networkId) => routerRunning(workDir, networkId),
    routerLbHealth: (_hostId, networkId) => routerLbHealth(workDir, networkId),
    async plugNic(_hostId, vmId, given, netMode) {
      const nic = fitToUnderlay(given);
      const l = await vms.get(vmId);
      if (l === null || l.record.nics?.ids.includes(nic.id)) return; // stopped: wired at its next start
      // One VM's NICs are all wired the same way: the first NIC decides, as at start.
      const mode = l.record.nics?.mode ?? (netMode === 'bridge' && canManageNetworks().ok ? 'tap' : 'user');
      if (mode === 'tap') await wireTap(nic);
      try {
        await plugNicLive(qmpOf(l), nic, mode, tapOf);
      } catch (e) {
        if (mode === 'tap') await unplugTap(nic.id);
        throw new Error(`NIC ${nic.mac} could not be plugged into VM ${l.record.instanceName}: ${(e as Error).message}`);
      }
      const had = l.record.nics;
      l.record.nics = { ids: [...(had?.ids ?? []), nic.id], mode, devices: { ...had?.devices, [nic.id]: nic.deviceId } };
      vms.persist(l);
    },
    async unplugNic(_hostId, vmId, nicId) {
      const l = await vms.get(vmId);
      const deviceId = l?.record.nics?.devices?.[nicId];
      if (l === null || !l.record.nics?.ids.includes(nicId)) return;
      if (deviceId === undefined) throw new Error(`VM ${l.record.instanceName} was started before NICs could be unplugged: stop it first`);
      await unplugNicLive(qmpOf(l), deviceId, 10_000);
      if (l.record.nics.mode === 'tap') await unplugTap(nicId);
      const { [nicId]: _gone, ...devices } = l.record.nics.devices ?? {};
      l.record.nics = { ...l.record.nics, ids: l.record.nics.ids.filter((id) => id !== nicId), devices };
      vms.persist(l);
    },
    sampleHost: (_hostId, vmIds) => sampleQemuHost(collectorStats, (id) => vms.get(id), vmIds),

    storageHeartbeat: (hostId, poolPaths, intervalMs) => heartbeat.set(hostId, poolPaths, intervalMs),
    heartbeatAge: (_hostId, poolPath, ofHostId) => heartbeat.age(poolPath, ofHostId),

    // The VMs run on without this process: the heartbeat says the stop was on purpose (storage-heartbeat.ts).
    async shutdown() { await heartbeat.stop(true); vms.releaseAll(); },

    accelOf,
    pidOf: (vmId) => runningPid(vms.paths(vmId), vmId),
    serialLogPath: (vmId) => vms.paths(vmId).serialLog,
  };
  return driver;
}
