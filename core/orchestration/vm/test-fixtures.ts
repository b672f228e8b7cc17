// Test world for VM and storage orchestration: a real SQLite file with a small zone, and small fakes for the
// services other modules own (identity, events, planner, driver, job runner), each doing just what these tests
// need. The planner fake uses the real race-safe capacity counters, so leaked reservations show in the hosts table.
import type { Db } from '../../db/connect';
import type { Caller } from '../../identity/caller';
import type { DeploymentPlanner, DeploymentRequest, IdentityService, ListScope } from '../../kernel/services';
import type { HypervisorDriver, PowerState, VmSpec, VolumeSpec } from '../../hypervisors/driver';
import { insufficientCapacity, permissionDenied } from '../../kernel/errors';
import { reserveHostCapacity, releaseHostCapacity, reservePoolBytes } from '../../hosts/host-capacity';

export const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

type Op = 'createVolume' | 'startVm' | 'stopVm' | 'migrateVm' | 'snapshotVolume' | 'attachVolume' | 'deleteVolume' | 'resizeVolume' | 'rebootVm' | 'scaleVm';

/** In-memory hypervisor with failure injection: `fail.set(op, hostIds | 'all')`. */
export class FakeDriver implements HypervisorDriver {
  readonly hypervisor = 'Simulator';
  vms = new Map<string, { host: string; power: PowerState; spec: VmSpec }>();
  volumes = new Map<string, { path: string; size: number; host: string }>();
  snapshots = new Map<string, string>();
  calls: string[] = [];
  fail = new Map<Op, Set<string> | 'all'>();

  private check(op: Op, host: string) {
    this.calls.push(`${op}:${host}`);
    const f = this.fail.get(op);
    if (f === 'all' || f?.has(host)) throw new Error(`simulated ${op} failure on host ${host}`);
  }
  async connectHost() { return { cpuNumber: 4, cpuSpeed: 2000, memoryBytes: 8 * GiB, hypervisorVersion: '1', ipAddress: '10.0.0.1', capabilities: [] }; }
  async disconnectHost() {}
  async pingHost() { return true; }
  async startVm(host: string, vm: VmSpec) { this.check('startVm', host); this.vms.set(vm.id, { host, power: 'PowerOn', spec: vm }); }
  async stopVm(host: string, id: string) { this.check('stopVm', host); const v = this.vms.get(id); if (v) v.power = 'PowerOff'; }
  async rebootVm(host: string) { this.check('rebootVm', host); }
  async destroyVm(_host: string, id: string) { this.vms.delete(id); }
  async vmPowerStates(host: string) {
    const m = new Map<string, PowerState>();
    for (const [id, v] of this.vms) if (v.host === host) m.set(id, v.power);
    return m;
  }
  async scaleVm(host: string, id: string, cpu: number, mem: number) {
    this.check('scaleVm', host);
    const v = this.vms.get(id);
    if (v) Object.assign(v.spec, { cpuNumber: cpu, memoryMb: mem });
  }
  async migrateVm(src: string, dst: string, id: string) { this.check('migrateVm', src); const v = this.vms.get(id); if (v) v.host = dst; }
  async createVolume(host: string, vol: VolumeSpec) {
    this.check('createVolume', host);
    const path = `${vol.poolPath}/${vol.id}`;
    this.volumes.set(vol.id, { path, size: vol.sizeBytes, host });
    return path;
  }
  async deleteVolume(host: string, vol: VolumeSpec) { this.check('deleteVolume', host); this.volumes.delete(vol.id); }
  async resizeVolume(host: string, vol: VolumeSpec, size: number) {
    this.check('resizeVolume', host);
    const v = this.volumes.get(vol.id);
    if (v) v.size = size;
  }
  async attachVolume(host: string) { this.check('attachVolume', host); }
  async detachVolume() {}
  async snapshotVolume(host: string, vol: VolumeSpec, snapshotId: string) {
    this.check('snapshotVolume', host);
    const path = `${vol.poolPath}/snap-${snapshotId}`;
    this.snapshots.set(path, vol.id);
    return { path, physicalSize: Math.round(vol.sizeBytes / 10) };
  }
  async revertSnapshot(host: string, vol: VolumeSpec, path: string) {
    this.calls.push(`revertSnapshot:${host}:${vol.id}:${path}`);
    if (!this.snapshots.has(path)) throw new Error(`no snapshot ${path}`);
  }
  async deleteSnapshot(_host: string, path: string) { this.snapshots.delete(path); }
  async vmStats() { return { cpuTimeMs: 1, cpuUsedPercent: 12.5, memoryKbs: 1024, diskReadBytes: 2048, diskWriteBytes: 0, netReadBytes: 0, netWriteBytes: 0 }; }
  async hostStats() { return { cpuUsedPercent: 1, memoryUsedBytes: 1 }; }
  async shutdown() {}
}

/** Picks hosts in name order (preferring preferHostId), reserving with the real capacity counters; records calls. */
export function fakePlanner(db: Db) {
  const log = { reserved: [] as string[], released: [] as string[], requests: [] as DeploymentRequest[] };
  const planner: DeploymentPlanner = {
    async planAndReserve(req) {
      log.requests.push(req);
      const hosts = await db.selectFrom('hosts').selectAll().where('zone_id', '=', req.zoneId).where('removed', 'is', null)
        .orderBy('name').execute();
      const avoid = new Set(req.avoidHostIds ?? []);
      const order = [...hosts].sort((a, b) => (a.id === req.preferHostId ? -1 : b.id === req.preferHostId ? 1 : 0));
      for (const h of order) {
        if (avoid.has(h.id) || (req.hostId && h.id !== req.hostId) || (req.clusterId && h.cluster_id !== req.clusterId)) continue;
        if (!(await reserveHostCapacity(db, h.id, req.cpuNumber * req.cpuSpeed, req.memoryMb * MiB, req.cpuNumber))) continue;
        const pool = await db.selectFrom('storage_pools').select('id').where('cluster_id', '=', h.cluster_id).executeTakeFirst();
        if (!pool || (req.rootDiskBytes > 0 && !(await reservePoolBytes(db, pool.id, req.rootDiskBytes)))) {
          await releaseHostCapacity(db, h.id, req.cpuNumber * req.cpuSpeed, req.memoryMb * MiB, req.cpuNumber);
          continue;
        }
        log.reserved.push(h.id);
        return { podId: h.pod_id, clusterId: h.cluster_id, hostId: h.id, poolId: pool.id };
      }
      throw insufficientCapacity('Unable to create a deployment for VM: no host fits');
    },
    async release(hostId, cpu, mem, cores) { log.released.push(hostId); await releaseHostCapacity(db, hostId, cpu, mem, cores); },
    async reserveOn(hostId, cpu, mem, cores) {
      const ok = await reserveHostCapacity(db, hostId, cpu, mem, cores);
      if (ok) log.reserved.push(hostId);
      return ok;
    },
  };
  return { planner, log };
}

export function fakeIdentity(db: Db): IdentityService {
  const isRoot = (c: Caller) => c.accountType === 1;
  return {
    seed: async () => ({}), byApiKey: async () => null, bySession: async () => null, byUserId: async () => null, logout: async () => {},
    login: async () => { throw new Error('not in tests'); }, isAllowed: async () => true,
    async listScope(c, a): Promise<ListScope> {
      if (c.accountType === 0) return { kind: 'account', accountId: c.accountId };
      if (a.listall || (a.id && isRoot(c))) return { kind: 'all' };
      if (a.domainid) return { kind: 'domains', domainIds: [a.domainid] };
      return { kind: 'account', accountId: c.accountId };
    },
    async resolveOwner(c, a) {
      if (!a.account) return { accountId: c.accountId, domainId: c.domainId, userId: c.userId, accountName: c.accountName };
      if (!isRoot(c)) throw permissionDenied('only admins act for other accounts');
      const acc = await db.selectFrom('accounts').selectAll().where('name', '=', a.account).executeTakeFirstOrThrow();
      const u = await db.selectFrom('users').select('id').where('account_id', '=', acc.id).executeTakeFirstOrThrow();
      return { accountId: acc.id, domainId: acc.domain_id, userId: u.id, accountName: acc.name };
    },
    async checkAccess(c, o) {
      if (!isRoot(c) && c.accountId !== o.accountId) throw permissionDenied(`Account ${c.accountName} does not have permission to access account id=${o.accountId}`);
    },
    async accountInfo(id) {
      const a = await db.selectFrom('accounts').innerJoin('domains', 'domains.id', 'accounts.domain_id')
        .select(['accounts.name', 'domains.id', 'domains.name as dname', 'domains.path']).where('accounts.id', '=', id).executeTakeFirstOrThrow();
      return { name: a.name, domainId: a.id, domainName: a.dname, domainPath: a.path === '/' ? 'ROOT' : `ROOT${a.path.replace(/\/$/, '')}` };
    },
    async domainInfo(id) {
      const d = await db.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { name: d.name, path: d.path };
    },
  };
}
