// RemoteKvmDriver: the HypervisorDriver of KVM hosts run by `strata agent` (host url agent://NAME). Every call is
// forwarded to the host's agent, which runs it with its local QEMU driver; calls to a host whose agent is not
// connected fail with 534. It shares the hypervisor name 'KVM' with the local QEMU driver: the registry routes by
// host url (hypervisors/registry.ts), never by name alone.
import type {
  ConsoleEndpoint, HostConnectSpec, HostInfo, HostSample, HostStats, HypervisorDriver, LbMemberHealth, PowerState, RouterApplied, TemplateInPoolSpec, VmStats,
} from '../hypervisors/driver';
import type { AgentHub } from './agent-hub';
import { newAgentToken, SECRET_HASH_DETAIL } from './token';

export interface RemoteKvmDriver extends HypervisorDriver {
  /** addHost: a new agent token for the host (see token.ts); the host waits in Connecting for its agent. */
  enrollHost(spec: HostConnectSpec): Promise<{ details: Record<string, string>; reveal: Record<string, string> }>;
}

export function createRemoteKvmDriver(hub: AgentHub): RemoteKvmDriver {
  const c = <T>(hostId: string, method: Parameters<AgentHub['call']>[1], args: unknown[], progress?: (d: number, t: number) => void) =>
    hub.call(hostId, method, args, progress) as Promise<T>;
  return {
    hypervisor: 'KVM',

    async enrollHost(spec) {
      const { token, hash } = newAgentToken(spec.hostId);
      return { details: { [SECRET_HASH_DETAIL]: hash }, reveal: { agenttoken: token } };
    },
    connectHost: (spec) => c<HostInfo>(spec.hostId, 'connectHost', [spec]),
    // Called when the host is deleted: the agent is told so and exits instead of reconnecting forever.
    async disconnectHost(hostId) { hub.disconnect(hostId, 'the host was deleted from the management server'); },
    // No round trip: the agent's heartbeats already say whether it is there.
    async pingHost(hostId) { return hub.isAlive(hostId); },

    startVm: (h, vm) => c(h, 'startVm', [h, vm]),
    stopVm: (h, vmId, o) => c(h, 'stopVm', [h, vmId, o]),
    rebootVm: (h, vmId) => c(h, 'rebootVm', [h, vmId]),
    destroyVm: (h, vmId) => c(h, 'destroyVm', [h, vmId]),
    vmPowerStates: (h) => c<Map<string, PowerState>>(h, 'vmPowerStates', [h]),
    scaleVm: (h, vmId, cpu, mem) => c(h, 'scaleVm', [h, vmId, cpu, mem]),
    async migrateVm(src, dst) {
      // migrateVirtualMachine uses prepare/send/finishMigration with agents; this whole-move form cannot span two.
      throw new Error(`Hosts ${src} and ${dst} are run by agents: live migration goes through prepareMigration/sendMigration`);
    },

    createVolume: (h, vol) => c<string>(h, 'createVolume', [h, vol]),
    deleteVolume: (h, vol) => c(h, 'deleteVolume', [h, vol]),
    resizeVolume: (h, vol, size) => c(h, 'resizeVolume', [h, vol, size]),
    attachVolume: (h, vmId, vol) => c(h, 'attachVolume', [h, vmId, vol]),
    detachVolume: (h, vmId, vol) => c(h, 'detachVolume', [h, vmId, vol]),
    snapshotVolume: (h, vol, snapshotId, o) => c<{ path: string; physicalSize: number }>(h, 'snapshotVolume',
      [h, vol, snapshotId, o ? { dir: o.dir, onProgress: o.onProgress } : undefined], o?.onProgress),
    revertSnapshot: (h, vol, snapshotPath) => c(h, 'revertSnapshot', [h, vol, snapshotPath]),
    deleteSnapshot: (h, snapshotPath) => c(h, 'deleteSnapshot', [h, snapshotPath]),

    vmStats: (h, vmId) => c<VmStats | null>(h, 'vmStats', [h, vmId]),
    hostStats: (h) => c<HostStats>(h, 'hostStats', [h]),
    // One round trip per host and collector tick: the agent samples all the host's VMs (metrics collector).
    sampleHost: (h, vmIds) => c<HostSample>(h, 'sampleHost', [h, vmIds]),
    // The hub's lifetime is the server's (createCore closes it); nothing runs in this process for the hosts.
    async shutdown() {},

    pauseVm: (h, vmId) => c(h, 'pauseVm', [h, vmId]),
    resumeVm: (h, vmId) => c(h, 'resumeVm', [h, vmId]),
    attachIso: (h, vmId, isoPath) => c(h, 'attachIso', [h, vmId, isoPath]),
    detachIso: (h, vmId) => c(h, 'detachIso', [h, vmId]),
    ensureTemplate: (h, t: TemplateInPoolSpec, onProgress) =>
      c<{ path: string; sizeBytes: number }>(h, 'ensureTemplate', [h, t, onProgress], onProgress),
    removeTemplate: (h, t) => c(h, 'removeTemplate', [h, t]),
    vmSnapshot: (h, op) => c(h, 'vmSnapshot', [h, op]),
    exportImage: (h, src, dest, onProgress) =>
      c<{ virtualSize: number; physicalSize: number }>(h, 'exportImage', [h, src, dest, onProgress], onProgress),
    consoleEndpoint: (h, vmId) => c<ConsoleEndpoint | null>(h, 'consoleEndpoint', [h, vmId]),
    listPoolFiles: (h, poolPath) => c<string[]>(h, 'listPoolFiles', [h, poolPath]),
    storageHeartbeat: (h, poolPaths, intervalMs) => c(h, 'storageHeartbeat', [h, poolPaths, intervalMs]),
    heartbeatAge: (h, poolPath, ofHostId) => c<number | null>(h, 'heartbeatAge', [h, poolPath, ofHostId]),
    // The VM's VNC server listens only on its host: the console proxy gets it through the agent's link.
    openVncStream: (h, vmId) => hub.openVncStream(h, vmId),
    prepareMigration: (h, vm) => c<{ uri: string }>(h, 'prepareMigration', [h, vm]),
    sendMigration: (h, vmId, uri, onProgress) => c(h, 'sendMigration', [h, vmId, uri, onProgress], onProgress),
    finishMigration: (h, vmId, ok) => c(h, 'finishMigration', [h, vmId, ok]),
    // Guest networks on the agent's host: its router namespace, dnsmasq and nftables, and NIC hot-plug.
    applyRouter: (h, r) => c<RouterApplied>(h, 'applyRouter', [h, r]),
    removeRouter: (h, networkId) => c(h, 'removeRouter', [h, networkId]),
    routerRunning: (h, networkId) => c<boolean>(h, 'routerRunning', [h, networkId]),
    routerLbHealth: (h, networkId) => c<LbMemberHealth[] | null>(h, 'routerLbHealth', [h, networkId]),
    plugNic: (h, vmId, nic, netMode) => c(h, 'plugNic', [h, vmId, nic, netMode]),
    unplugNic: (h, vmId, nicId) => c(h, 'unplugNic', [h, vmId, nicId]),
  };
}
