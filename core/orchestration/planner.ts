// The deployment planner (reference §7.3): zone -> pod -> cluster -> host by free CPU and memory after the
// cluster's overcommit factors, host tags, and a primary storage pool the host's cluster can reach with the
// storage tags and room for the root disk. Candidates come from an in-memory view of the zone (host-index.ts);
// the database sees one conditional UPDATE for the host and one for the pool per placement. VMs are spread:
// the pick is random among the fitting hosts whose use after placement is within a small margin of the least
// used one. Random among near-equals (not "the first three") keeps equal hosts evenly filled, and keeps several
// management servers from all racing for the same host.
import type { Db } from '../db/connect';
import type { Clock, Logger, DeploymentPlanner, DeploymentPlan, DeploymentRequest } from '../kernel/services';
import { insufficientCapacity } from '../kernel/errors';
import { loadZoneIndex, poolsForCluster, refreshHost, refreshPool, type InfraVersion, type ZoneIndex, type IndexedHost, type IndexedPool } from '../hosts/host-index';
import { reserveHostCapacity, releaseHostCapacity, reservePoolBytes, releasePoolBytes } from '../hosts/host-capacity';

const MB = 1024 * 1024;
/** Hosts whose use after placement is within this fraction of the least used one are equally good picks. */
const SPREAD_MARGIN = 0.02;
/** Lost races on one host or pool before a placement stops trying it. */
const MAX_LOSSES = 3;
/** Hosts looked at per placement in large zones once a fitting one was found. */
const SCAN_WINDOW = 512;

export interface PlannerOptions {
  /** Age after which a zone's view is reloaded (changes by other management servers). Default 10 s. */
  ttlMs?: number;
  /** Minimum age of the view before "nothing fits" reloads it once more. Default 1 s. */
  refreshOnFullMs?: number;
  random?: () => number;
}

export interface Planner extends DeploymentPlanner {
  /** Drops every cached zone view (tests; the core's infrastructure version does this for changes). */
  invalidate(): void;
}

interface Need { cpu: number; mem: number; disk: number; req: DeploymentRequest; hostTags: string[]; storageTags: string[] }

/** Counts of candidates surviving each filter, to say why nothing fits. */
interface Funnel { scope: number; tags: number; compute: number; storage: number }

export function createPlanner(deps: { db: Db; clock: Clock; log: Logger; infra: InfraVersion }, opts: PlannerOptions = {}): Planner {
  const { db, clock, log, infra } = deps;
  const ttl = opts.ttlMs ?? 10_000;
  const refreshOnFull = opts.refreshOnFullMs ?? 1_000;
  const random = opts.random ?? Math.random;
  // Scratch space of pick() (synchronous, so never shared by two picks at once).
  let nearAt = new Int32Array(0);
  let nearScore = new Float64Array(0);
  const zones = new Map<string, Promise<ZoneIndex>>();

  async function zoneIndex(zoneId: string, force = false): Promise<ZoneIndex> {
    const cached = zones.get(zoneId);
    if (cached !== undefined && !force) {
      const idx = await cached;
      if (idx.version === infra.current() && clock.now() - idx.loadedAt < ttl) return idx;
      // Another caller may have started the reload while we waited: share it.
      if (zones.get(zoneId) !== cached) return zoneIndex(zoneId);
    }
    // One load per zone at a time: concurrent placements share the same promise.
    const p = loadZoneIndex(db, infra.current(), zoneId, clock.now());
    zones.set(zoneId, p);
    p.catch(() => { if (zones.get(zoneId) === p) zones.delete(zoneId); });
    return p;
  }

  // Plain loops: these run for hundreds of candidates per placement, and closures there cost allocations.
  const tagsOk = (have: string[], need: string[]) => {
    for (let i = 0; i < need.length; i++) if (!have.includes(need[i])) return false;
    return true;
  };

  function poolFor(idx: ZoneIndex, h: IndexedHost, n: Need, cache: Map<string, IndexedPool | null>, avoidPools: Set<string>) {
    let best = cache.get(h.clusterId);
    if (best !== undefined) return best;
    best = null;
    let bestFill = Infinity;
    for (const p of poolsForCluster(idx, h.clusterId)) {
      if (avoidPools.has(p.id)) continue;
      if (p.scope === 'ZONE' && p.hypervisor !== null && p.hypervisor !== h.hypervisor) continue;
      if (!tagsOk(p.tags, n.storageTags) || p.alloc + n.disk > p.cap) continue;
      const fill = p.cap > 0 ? (p.alloc + n.disk) / p.cap : 1;
      if (fill < bestFill) { best = p; bestFill = fill; }
    }
    cache.set(h.clusterId, best);
    return best;
  }

  function inScope(h: IndexedHost, r: DeploymentRequest, avoid: Set<string>, hv: string | null) {
    return (avoid.size === 0 || !avoid.has(h.id)) && (!r.podId || h.podId === r.podId) &&
      (!r.clusterId || h.clusterId === r.clusterId) && (!r.hostId || h.id === r.hostId) && (hv === null || h.hypervisor === hv);
  }

  /** The host to try next, or null; fills `f` with why candidates were dropped. */
  function pick(idx: ZoneIndex, n: Need, avoid: Set<string>, avoidPools: Set<string>, f: Funnel): { host: IndexedHost; pool: IndexedPool } | null {
    const hv = n.req.hypervisor ? n.req.hypervisor.toLowerCase() : null;
    const cache = new Map<string, IndexedPool | null>();
    let best = Infinity;
    // Hosts usually come cluster by cluster (rows in the table's order), so most can take the previous host's pool
    // answer; any order stays correct, the cache below answers a cluster seen before.
    let lastCluster: string | null = null;
    let lastPool: IndexedPool | null = null;
    const consider = (h: IndexedHost) => {
      if (!inScope(h, n.req, avoid, hv)) return null;
      f.scope++;
      if (!tagsOk(h.tags, n.hostTags)) return null;
      f.tags++;
      if (h.cpuNumber < n.req.cpuNumber || h.cpuSpeed < n.req.cpuSpeed) return null;
      if (h.cpuAlloc + n.cpu > h.cpuCap || h.memAlloc + n.mem > h.memCap) return null;
      f.compute++;
      if (h.clusterId !== lastCluster) {
        lastCluster = h.clusterId;
        lastPool = poolFor(idx, h, n, cache, avoidPools);
      }
      const pool = lastPool;
      if (pool === null) return null;
      f.storage++;
      return pool;
    };
    const pref = n.req.preferHostId ? idx.hostById.get(n.req.preferHostId) : undefined;
    if (pref !== undefined) {
      const pool = consider(pref);
      if (pool !== null) return { host: pref, pool };
      Object.assign(f, { scope: 0, tags: 0, compute: 0, storage: 0 });
    }
    // Large zones: scan from a random offset and stop after a window once something fits. That keeps a
    // placement O(window) with 10,000 hosts while still taking the least allocated of many candidates.
    const hosts = idx.hosts;
    const len = hosts.length;
    const start = len > SCAN_WINDOW ? Math.floor(random() * len) : 0;
    // The hosts within SPREAD_MARGIN of the least used one, as positions and scores in reused arrays: with equal
    // hosts that is the whole window, and an object per candidate was most of a deploy's garbage.
    if (nearAt.length < len) { nearAt = new Int32Array(len); nearScore = new Float64Array(len); }
    let near = 0;
    for (let k = 0; k < len; k++) {
      if (k >= SCAN_WINDOW && near > 0) break;
      const at = (start + k) % len;
      const h = hosts[at];
      if (consider(h) === null) continue;
      const score = Math.max((h.cpuAlloc + n.cpu) / h.cpuCap, (h.memAlloc + n.mem) / h.memCap);
      if (score > best + SPREAD_MARGIN) continue;
      if (score < best) {
        best = score;
        let kept = 0;
        for (let i = 0; i < near; i++) {
          if (nearScore[i] <= best + SPREAD_MARGIN) { nearAt[kept] = nearAt[i]; nearScore[kept] = nearScore[i]; kept++; }
        }
        near = kept;
      }
      nearAt[near] = at;
      nearScore[near] = score;
      near++;
    }
    if (near === 0) return null;
    const host = hosts[nearAt[Math.floor(random() * near)]];
    // Its cluster's pool was chosen when the host was considered (cached per cluster for this pick).
    return { host, pool: cache.get(host.clusterId)! };
  }

  function reason(idx: ZoneIndex, n: Need, f: Funnel): string {
    const r = n.req;
    if (!idx.enabled) return `zone ${r.zoneId} does not exist or is not Enabled`;
    const want = `${r.cpuNumber} x ${r.cpuSpeed} MHz CPU and ${r.memoryMb} MB memory`;
    if (f.scope === 0) {
      return `no Up and Enabled host in an Enabled pod and cluster${r.hypervisor ? ` with hypervisor ${r.hypervisor}` : ''}` +
        `${r.podId || r.clusterId || r.hostId ? ' within the requested pod/cluster/host' : ''}${avoidText(r)}`;
    }
    if (f.tags === 0) return `no suitable host has all host tags [${n.hostTags.join(',')}]`;
    if (f.compute === 0) return `no suitable host has ${want} free`;
    return `no Up storage pool reachable from a suitable host has tags [${n.storageTags.join(',')}] and ` +
      `${Math.ceil(n.disk / MB)} MB free`;
  }
  const avoidText = (r: DeploymentRequest) => (r.avoidHostIds?.length ? ` (${r.avoidHostIds.length} hosts avoided)` : '');

  /**
   * Counts the reservation in the view first, so concurrent placements in this process see it while the UPDATE
   * is in flight, then lets the database decide; a lost race takes the local count back.
   */
  async function tryReserve(host: IndexedHost, pool: IndexedPool, n: Need): Promise<'ok' | 'host' | 'pool'> {
    host.cpuAlloc += n.cpu;
    host.memAlloc += n.mem;
    pool.alloc += n.disk;
    const undo = () => {
      host.cpuAlloc -= n.cpu;
      host.memAlloc -= n.mem;
      pool.alloc -= n.disk;
    };
    if (!(await reserveHostCapacity(db, host.id, n.cpu, n.mem, n.req.cpuNumber))) {
      undo();
      return 'host';
    }
    if (n.disk > 0 && !(await reservePoolBytes(db, pool.id, n.disk))) {
      undo();
      await releaseHostCapacity(db, host.id, n.cpu, n.mem, n.req.cpuNumber);
      return 'pool';
    }
    return 'ok';
  }

  async function planAndReserve(req: DeploymentRequest): Promise<DeploymentPlan> {
    const n: Need = {
      cpu: req.cpuNumber * req.cpuSpeed, mem: req.memoryMb * MB, disk: Math.max(0, req.rootDiskBytes), req,
      hostTags: req.hostTags.map((t) => t.toLowerCase()), storageTags: req.storageTags.map((t) => t.toLowerCase()),
    };
    const avoid = new Set(req.avoidHostIds ?? []);
    const avoidPools = new Set<string>();
    // A candidate that keeps losing races (or whose view disagrees with the database) is skipped after a few tries.
    const losses = new Map<string, number>();
    const lost = (id: string) => { const c = (losses.get(id) ?? 0) + 1; losses.set(id, c); return c >= MAX_LOSSES; };
    let idx = await zoneIndex(req.zoneId);
    let reloaded = false;
    for (;;) {
      const f: Funnel = { scope: 0, tags: 0, compute: 0, storage: 0 };
      const choice = idx.enabled ? pick(idx, n, avoid, avoidPools, f) : null;
      if (choice === null) {
        // The view may be stale (capacity freed by another management server): look once more before failing.
        if (!reloaded && idx.enabled && clock.now() - idx.loadedAt >= refreshOnFull) {
          reloaded = true;
          idx = await zoneIndex(req.zoneId, true);
          continue;
        }
        throw insufficientCapacity(`Unable to create a deployment for VM: ${reason(idx, n, f)}`);
      }
      const { host, pool } = choice;
      const won = await tryReserve(host, pool, n);
      if (won === 'ok') return { podId: host.podId, clusterId: host.clusterId, hostId: host.id, poolId: pool.id, hostName: host.name };
      if (won === 'host') {
        log.info('planner: host reservation lost a race, trying the next candidate', { hostId: host.id });
        await refreshHost(db, idx, host.id);
        if (lost(host.id)) avoid.add(host.id);
        if (n.req.preferHostId === host.id) n.req = { ...n.req, preferHostId: null };
      } else {
        await refreshPool(db, idx, pool.id);
        if (lost(pool.id)) avoidPools.add(pool.id);
      }
    }
  }

  async function release(hostId: string, cpuMhz: number, memoryBytes: number, cores: number): Promise<void> {
    await releaseHostCapacity(db, hostId, cpuMhz, memoryBytes, cores);
    for (const p of zones.values()) {
      p.then((idx) => {
        const h = idx.hostById.get(hostId);
        if (h !== undefined) { h.cpuAlloc = Math.max(0, h.cpuAlloc - cpuMhz); h.memAlloc = Math.max(0, h.memAlloc - memoryBytes); }
      }, () => undefined);
    }
  }

  async function reserveOn(hostId: string, cpuMhz: number, memoryBytes: number, cores: number): Promise<boolean> {
    const ok = await reserveHostCapacity(db, hostId, cpuMhz, memoryBytes, cores);
    if (ok) {
      for (const p of zones.values()) {
        p.then((idx) => {
          const h = idx.hostById.get(hostId);
          if (h !== undefined) { h.cpuAlloc += cpuMhz; h.memAlloc += memoryBytes; }
        }, () => undefined);
      }
    }
    return ok;
  }

  return { planAndReserve, release, reserveOn, invalidate: () => zones.clear() };
}

export { reservePoolBytes, releasePoolBytes };
