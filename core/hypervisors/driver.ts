// The interface every hypervisor driver implements. The orchestration layer decides (placement, states, DB);
// a driver only does what it is told on one host and reports what it sees.
import type { Duplex } from 'node:stream';

export type PowerState = 'PowerOn' | 'PowerOff' | 'PowerUnknown';

export interface HostConnectSpec {
  hostId: string;
  name: string;
  /** addHost `url`; for the simulator its query string configures the host (see simulator README section). */
  url: string;
  username?: string;
  password?: string;
  details: Record<string, string>;
}

export interface HostInfo {
  cpuNumber: number;
  /** MHz per core. */
  cpuSpeed: number;
  memoryBytes: number;
  hypervisorVersion: string;
  ipAddress: string;
  capabilities: string[];
  /** Local storage the host offers, if any. */
  localStorageBytes?: number;
  /**
   * KVM: whether the host can wire guest networks (bridges, taps, router namespaces): `bridge`, or why it cannot (its
   * VMs then get QEMU's user-mode networking with the API's addresses: lab-only, guests do not reach each other).
   */
  guestNetworking?: string;
}

export interface VolumeSpec {
  id: string;
  type: 'ROOT' | 'DATADISK';
  sizeBytes: number;
  /** Storage pool the volume lives on. */
  poolId: string;
  poolPath: string;
  /** Driver-specific path within the pool, set once the volume exists. */
  path: string | null;
  deviceId: number;
  /** Template the ROOT volume is cloned from. */
  templateId?: string;
  /** The template's file in secondary storage: drivers that keep template copies in pools copy it from there. */
  templateSourcePath?: string;
}

export interface VmSpec {
  id: string;
  instanceName: string;
  cpuNumber: number;
  cpuSpeed: number;
  memoryMb: number;
  volumes: VolumeSpec[];
  isoId?: string | null;
  /** Host path of the ISO to insert as CD-ROM media (drivers that boot real guests need the file, not the id). */
  isoPath?: string | null;
  details: Record<string, string>;
  /** Guest NICs, default first (drivers without a data path ignore them). */
  nics?: VmNicSpec[];
  /** `bridge`: NICs on their networks' bridges (setting network.kvm.datapath); else user-mode networking (lab-only). */
  netMode?: 'bridge' | 'user';
  /** SSH keys and user data for the guest, on a config drive (drivers that boot real guests attach it). */
  configDrive?: ConfigDriveSpec;
}

/** What cloud-init (and CloudStack's own guest scripts) read from a config drive. */
export interface ConfigDriveSpec {
  uuid: string;
  hostname: string;
  instanceName: string;
  availabilityZone: string;
  publicKeys: string[];
  /** Base64, as the API took it (JSON-safe for the agent protocol). */
  userData: string | null;
  /** A password resetPasswordForVirtualMachine set, for the guest to apply (cloudstack/password/vm_password.txt). */
  password?: string | null;
}

/** A NIC as a hypervisor wires it: its MAC, the network's VLAN and the host interface that carries guest VLANs. */
export interface VmNicSpec {
  id: string;
  mac: string;
  deviceId: number;
  networkId: string;
  vlan: number | null;
  /** The physical network's kvmnetworklabel (the host's guest interface); null: the bridge stays local to the host. */
  guestIf: string | null;
  /** The network's broadcast domain type: 'Vlan' (802.1q, also when absent) or 'Vxlan' (`vlan` is then the VNI). */
  isolation?: 'Vlan' | 'Vxlan' | null;
  /** The API's address and the network's addressing (QEMU's user-mode fallback hands out exactly this address). */
  ip: string | null;
  cidr: string | null;
  gateway: string | null;
  hostname: string;
  /** The network's MTU (bridge, tap and the guest's virtio-net), when it sets one. */
  mtu?: number | null;
}

/**
 * What applyRouter answers: false when the host has no data path; else the guest-side MTU the router was given
 * (lowered to fit a VXLAN underlay; null: the default). Agents from before the MTU was reported answer true.
 */
export type RouterApplied = boolean | { guestMtu: number | null };

/** A guest network's router as a host runs it (hypervisors/qemu/guest-net.ts). */
export interface NetworkRouterSpec {
  networkId: string;
  vlan: number | null;
  guestIf: string | null;
  isolation?: 'Vlan' | 'Vxlan' | null;
  gateway: string;
  /** The router's own guest address when it is not the gateway (a shared network's router serves DHCP and DNS only). */
  routerIp?: string;
  cidr: string;
  domain: string;
  mtu?: number | null;
  hosts: { mac: string; ip: string; name: string }[];
  /** Source NAT: the host bridge of the zone's public network, the network's public address and the public range. */
  public?: { bridge: string; ip: string; netmask: string; gateway: string };
  /** The router as the tenant's edge (issue 18): applied as a whole, atomically, after the router is up. */
  edge?: RouterEdgeSpec;
}

/** A public-side port match: a protocol (tcp, udp, icmp, all), a port range, ICMP type and code (-1: any). */
export interface EdgeMatch { protocol: string; startPort?: number; endPort?: number; icmpType?: number; icmpCode?: number }

/**
 * Everything the network's rules ask of its router: the rules in state Add or Active, read from the database (a
 * new or restarted router gets them all again). Ingress to a public address is closed except where `ingress` opens.
 */
export interface RouterEdgeSpec {
  /** The network's public addresses besides the source NAT one (the router answers for them on its public leg). */
  extraIps: string[];
  guestCidr: string;
  staticNat: { publicIp: string; vmIp: string }[];
  ingress: (EdgeMatch & { publicIp: string; cidrs: string[] })[];
  /** The offering's default: true lets guests out except where `egress` blocks; false blocks except where it allows. */
  egressDefaultAllow: boolean;
  egress: (EdgeMatch & { cidrs: string[]; destCidrs: string[] })[];
  portForwards: { publicIp: string; protocol: string; publicPort: number; publicEndPort: number; vmIp: string; privatePort: number; privateEndPort: number }[];
  loadBalancers: EdgeLoadBalancer[];
}

/** One member of a load balancer rule as haproxy's checks see it: haproxy's status text (UP, DOWN, "UP 1/2", ...). */
export interface LbMemberHealth { ruleId: string; vmId: string; status: string }

export interface EdgeLoadBalancer {
  id: string;
  publicIp: string;
  publicPort: number;
  privatePort: number;
  protocol: string;
  algorithm: string;
  /** SourceBased: a stick table on the client address; LbCookie / AppCookie: a cookie (HTTP). */
  stickiness?: { method: string; params: Record<string, string> };
  healthCheck?: { pingPath?: string; intervalS: number; timeoutS: number; rise: number; fall: number };
  members: { vmId: string; ip: string }[];
}

export interface VmStats {
  cpuTimeMs: number;
  cpuUsedPercent: number;
  memoryKbs: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  netReadBytes: number;
  netWriteBytes: number;
  /** Read and write requests served (CloudStack's diskioread/diskiowrite), when the driver counts them. */
  diskReadOps?: number;
  diskWriteOps?: number;
}

export interface HostStats { cpuUsedPercent: number; memoryUsedBytes: number }

/** Cumulative I/O counters of one volume of a running VM (since the VM started). */
export interface VolumeCounters { volumeId: string; readBytes: number; writeBytes: number; readOps: number; writeOps: number }

/** One VM in a host sample: CPU % of its vCPUs since the previous sample, memory, cumulative I/O counters. */
export interface VmSample {
  vmId: string;
  cpuUsedPercent: number;
  memoryKbs: number;
  diskReadBytes: number; diskWriteBytes: number; diskReadOps: number; diskWriteOps: number;
  /** Absent while the VM has no NICs (or the driver cannot count them: QEMU's user-mode network). */
  netReadBytes?: number; netWriteBytes?: number;
  /** Packets received and sent by the guest, summed over its NICs; absent as the bytes are. */
  netReadPackets?: number; netWritePackets?: number;
  /** Per-volume counters, when the driver tells volumes apart. */
  volumes?: VolumeCounters[];
}

/** Everything the metrics collector reads from one host in one call (one agent round trip per host). */
export interface HostSample {
  cpuUsedPercent: number;
  memoryUsedBytes: number;
  /** 1-minute load average. */
  load1?: number;
  vms: VmSample[];
}

/** Progress of a long operation: bytes done of total (total 0 when unknown). */
export type ProgressFn = (doneBytes: number, totalBytes: number) => void;

/** A template's copy in one primary pool. */
export interface TemplateCopySpec { templateId: string; poolId: string; poolPath: string }
/** A template file in secondary storage to be copied once into a primary pool (base of linked clones). */
export interface TemplateInPoolSpec extends TemplateCopySpec { sourcePath: string }

/**
 * One VM snapshot operation on every volume of a VM at once. `memory`: the running guest's memory too (create),
 * or back to the running guest it saved (revert); without it the VM is stopped and only its disks change.
 * Drivers name the snapshot inside the volumes by `tag` (the snapshot's id); each step is idempotent.
 */
export interface VmSnapshotOp { action: 'create' | 'revert' | 'delete'; vmId: string; tag: string; memory: boolean; volumes: VolumeSpec[] }

/** How to reach a VM's consoles on its host (for the console proxy and tests). */
export interface ConsoleEndpoint {
  /** VNC server: a unix socket path, or host + port on the hypervisor host; always password-protected. */
  vnc: { socketPath?: string; host?: string; port?: number; password: string } | null;
  /** The first serial port as a unix socket carrying the raw byte stream, when the driver offers one. */
  serialSocketPath?: string;
}

export interface HypervisorDriver {
  /** Hypervisor name as the API spells it: 'Simulator', 'KVM'. */
  readonly hypervisor: string;

  connectHost(spec: HostConnectSpec): Promise<HostInfo>;
  disconnectHost(hostId: string): Promise<void>;
  /** Cheap liveness check used by the host monitor. */
  pingHost(hostId: string): Promise<boolean>;

  startVm(hostId: string, vm: VmSpec): Promise<void>;
  stopVm(hostId: string, vmId: string, opts: { forced: boolean }): Promise<void>;
  rebootVm(hostId: string, vmId: string): Promise<void>;
  /** Power off (if running) and release the VM's resources on the host. Idempotent. */
  destroyVm(hostId: string, vmId: string): Promise<void>;
  /** What the host reports for every VM it knows of (for reconciliation after restarts). */
  vmPowerStates(hostId: string): Promise<Map<string, PowerState>>;
  scaleVm(hostId: string, vmId: string, cpuNumber: number, memoryMb: number): Promise<void>;
  migrateVm(srcHostId: string, dstHostId: string, vmId: string): Promise<void>;

  /** Creates the volume on its pool; returns the driver path. Idempotent for an existing path. */
  createVolume(hostId: string, vol: VolumeSpec): Promise<string>;
  deleteVolume(hostId: string, vol: VolumeSpec): Promise<void>;
  resizeVolume(hostId: string, vol: VolumeSpec, newSizeBytes: number): Promise<void>;
  attachVolume(hostId: string, vmId: string, vol: VolumeSpec): Promise<void>;
  detachVolume(hostId: string, vmId: string, vol: VolumeSpec): Promise<void>;
  /** Returns the snapshot's path and physical size. */
  snapshotVolume(hostId: string, vol: VolumeSpec, snapshotId: string,
    opts?: { dir?: string; onProgress?: ProgressFn }): Promise<{ path: string; physicalSize: number }>;
  revertSnapshot(hostId: string, vol: VolumeSpec, snapshotPath: string): Promise<void>;
  deleteSnapshot(hostId: string, snapshotPath: string): Promise<void>;

  vmStats(hostId: string, vmId: string): Promise<VmStats | null>;
  hostStats(hostId: string): Promise<HostStats>;
  /**
   * The host's figures and those of the listed running VMs (VMs not running there are left out), for the metrics
   * collector. Drivers with `knowsItsVms` ignore the list and report every VM they run.
   */
  sampleHost?(hostId: string, vmIds: string[]): Promise<HostSample>;
  /** The driver itself knows which VMs run on each host (the simulator): the collector need not list them. */
  readonly knowsItsVms?: boolean;

  /** Stops background work (timers, processes the driver owns for itself). */
  shutdown(): Promise<void>;

  /**
   * Guest networks' virtual routers on this host (QEMU hosts that may make bridges and namespaces): start it, or
   * bring its DHCP reservations and names up to date when it runs. Resolves false when the host has no data path.
   */
  applyRouter?(hostId: string, r: NetworkRouterSpec): Promise<RouterApplied>;
  /** Stops the network's router on this host (idempotent). */
  removeRouter?(hostId: string, networkId: string): Promise<void>;
  /** Whether the network's router runs on this host (its namespace and its dnsmasq); the router monitor asks. */
  routerRunning?(hostId: string, networkId: string): Promise<boolean>;
  /** Health of the network's load balancer members as its router's haproxy sees it; null when it runs none. */
  routerLbHealth?(hostId: string, networkId: string): Promise<LbMemberHealth[] | null>;
  /**
   * NIC hot-plug into a running VM (netdev and virtio-net device over QMP); a VM that is not running is left alone
   * (it gets the NIC at its next start). `netMode` as in VmSpec, for a VM that had no NIC yet.
   */
  plugNic?(hostId: string, vmId: string, nic: VmNicSpec, netMode: 'bridge' | 'user'): Promise<void>;
  /** Unplugs a NIC from a running VM (waits until the guest released it); idempotent. */
  unplugNic?(hostId: string, vmId: string, nicId: string): Promise<void>;

  // Optional: drivers that run real guests (QEMU) offer these; the simulator does not need them.
  pauseVm?(hostId: string, vmId: string): Promise<void>;
  resumeVm?(hostId: string, vmId: string): Promise<void>;
  /** Inserts an ISO as CD-ROM media into a running VM (a stopped VM gets `VmSpec.isoPath` at start). */
  attachIso?(hostId: string, vmId: string, isoPath: string): Promise<void>;
  detachIso?(hostId: string, vmId: string): Promise<void>;
  /** Copies a template into a pool once (idempotent); ROOT volumes with that templateId are then linked clones. */
  ensureTemplate?(hostId: string, t: TemplateInPoolSpec, onProgress?: ProgressFn): Promise<{ path: string; sizeBytes: number }>;
  /**
   * Deletes the pool's copy of a template, if there is one (idempotent). The caller makes sure no volume is backed
   * by it any more: a deleted template's copy would otherwise stay in every pool forever.
   */
  removeTemplate?(hostId: string, t: TemplateCopySpec): Promise<void>;
  consoleEndpoint?(hostId: string, vmId: string): Promise<ConsoleEndpoint | null>;
  /** VM snapshots (createVMSnapshot and its siblings); drivers without it refuse them. */
  vmSnapshot?(hostId: string, op: VmSnapshotOp): Promise<void>;
  /**
   * Writes a volume (its whole backing chain flattened), or a snapshot file, as a standalone qcow2 at `dest` in
   * secondary storage (createTemplate); returns the image's virtual and file sizes.
   */
  exportImage?(hostId: string, src: { volume?: VolumeSpec; file?: string }, dest: string, onProgress?: ProgressFn): Promise<{ virtualSize: number; physicalSize: number }>;
  /** KVM HA: write this host's heartbeat on each of these shared pools every intervalMs, from the process that
   *  runs its VMs (so it goes on while the management server's link is down); an empty list stops it. */
  storageHeartbeat?(hostId: string, poolPaths: string[], intervalMs: number): Promise<void>;
  /** KVM HA: as this host reads it, the age in ms of `ofHostId`'s heartbeat on a pool; null when it has none,
   *  -1 when that host's agent stopped on purpose (its VMs may still run). */
  heartbeatAge?(hostId: string, poolPath: string, ofHostId: string): Promise<number | null>;
  /** Names of the volume files in a pool folder as the host sees it (reconciliation looks for orphans). */
  listPoolFiles?(hostId: string, poolPath: string): Promise<string[]>;
  /**
   * A byte stream to the VM's VNC server and its password, for drivers whose VNC servers this process cannot
   * reach directly (remote agent hosts tunnel it over the agent connection). The console proxy prefers it to
   * `consoleEndpoint`; null when the VM has no display on the host.
   */
  openVncStream?(hostId: string, vmId: string): Promise<{ stream: Duplex; password: string | null } | null>;
  /**
   * For hosts whose agent dials the management server (url agent://NAME): addHost calls this instead of
   * connectHost. Returns details to store with the host (a hash of its agent's secret) and values shown once in
   * addHost's answer (the agent token); the host then waits in Connecting until its agent connects.
   */
  enrollHost?(spec: HostConnectSpec): Promise<{ details: Record<string, string>; reveal: Record<string, string> }>;
  /**
   * Live migration in steps, for hosts served by different drivers or agents: the destination prepares an
   * incoming VM and returns the URI to send to; the source sends its state and, on success, releases the VM;
   * then the destination confirms (ok: waits until the VM runs) or aborts (kills the incoming VM).
   */
  prepareMigration?(hostId: string, vm: VmSpec): Promise<{ uri: string }>;
  sendMigration?(hostId: string, vmId: string, uri: string, onProgress?: ProgressFn): Promise<void>;
  finishMigration?(hostId: string, vmId: string, ok: boolean): Promise<void>;
}

export interface DriverRegistry {
  /** The driver for a hypervisor name (case-insensitive); throws a 431 ApiError for an unsupported one. */
  get(hypervisor: string): HypervisorDriver;
  supported(): string[];
  /**
   * The driver serving one host: a driver routed by the host's url (agent://NAME: KVM hosts run by `strata agent`)
   * before the hypervisor's own. Callers use `driverForHost` (registry.ts), which falls back to `get`.
   */
  forHost?(host: { hypervisor: string; url?: string | null }): HypervisorDriver;
}
