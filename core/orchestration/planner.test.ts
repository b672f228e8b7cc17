// Deployment planner decisions against real SQLite files: capacity after overcommit, tags, excluded states,
// avoid sets, storage, spreading, 533 when full, and race safety with two planners on one database file.
import { describe, it, expect, afterEach } from 'vitest';
import { join } from 'node:path';
import { createFixture, basicZone, addSimHost, type Fixture } from '../infrastructure/test-support';
import { openTestDatabase } from '../testing/test-db';
import { createPlanner } from './planner';
import type { DeploymentRequest } from '../kernel/services';
import type { ApiError } from '../kernel/errors';
import { createCoreCaches } from '../core-caches';

const GiB = 2 ** 30;
const silent = { info() {}, warn() {}, error() {} };
let f: Fixture;
afterEach(async () => { await f.close(); });

async function setup(o: { cpuOvercommit?: number; memoryOvercommit?: number; pool?: Record<string, string> | null } = {}) {
  f = await createFixture();
  const ids = await basicZone(f, o);
  if (o.pool !== null) {
    await f.call('createStoragePool', { name: 'nfs', zoneid: ids.zoneId, clusterid: ids.clusterId, url: 'nfs://s/primary', capacitybytes: String(1000 * GiB), ...o.pool });
  }
  return ids;
}

const req = (zoneId: string, o: Partial<DeploymentRequest> = {}): DeploymentRequest =>
  ({ zoneId, cpuNumber: 1, cpuSpeed: 1000, memoryMb: 1024, hostTags: [], storageTags: [], rootDiskBytes: GiB, ...o });

async function fillCount(zoneId: string, o: Partial<DeploymentRequest> = {}, max = 100): Promise<{ placed: number; error: ApiError }> {
  for (let i = 0; i < max; i++) {
    try {
      await f.svc.planner.planAndReserve(req(zoneId, o));
    } catch (e) {
      return { placed: i, error: e as ApiError };
    }
  }
  throw new Error('never filled up');
}

const hostRow = (id: string) => f.svc.db.selectFrom('hosts').select(['cpu_allocated', 'memory_allocated']).where('id', '=', id).executeTakeFirstOrThrow();

describe('planner capacity', () => {
  it('fits VMs into CPU x the cluster cpu overcommit factor, then answers 533', async () => {
    const ids = await setup({ cpuOvercommit: 2 });
    const h = await addSimHost(f, ids, 'h1', 'cpunumber=2&cpuspeed=1000&memory=65536');
    const { placed, error } = await fillCount(ids.zoneId);
    expect(placed).toBe(4); // 2 cores x 1000 MHz x 2.0
    expect(error).toMatchObject({ errorcode: 533, message: expect.stringMatching(/^Unable to create a deployment for VM: no suitable host has 1 x 1000 MHz CPU/) });
    expect(await hostRow(h.id)).toEqual({ cpu_allocated: 4000, memory_allocated: 4 * GiB });
  });

  it('fits VMs into memory x the memory overcommit factor', async () => {
    const ids = await setup({ memoryOvercommit: 1.5 });
    await addSimHost(f, ids, 'h1', 'cpunumber=64&memory=4096');
    expect((await fillCount(ids.zoneId)).placed).toBe(6); // 4 GiB x 1.5 / 1 GiB
  });

  it('does not give a VM more cores or faster cores than the host has', async () => {
    const ids = await setup({ cpuOvercommit: 10 });
    await addSimHost(f, ids, 'h1', 'cpunumber=2&cpuspeed=1000');
    await expect(f.svc.planner.planAndReserve(req(ids.zoneId, { cpuNumber: 4, cpuSpeed: 100 }))).rejects.toMatchObject({ errorcode: 533 });
    await expect(f.svc.planner.planAndReserve(req(ids.zoneId, { cpuSpeed: 2000 }))).rejects.toMatchObject({ errorcode: 533 });
  });

  it('release and reserveOn move capacity on a given host', async () => {
    const ids = await setup();
    const h = await addSimHost(f, ids, 'h1', 'cpunumber=1&cpuspeed=1000');
    await f.svc.planner.planAndReserve(req(ids.zoneId));
    await expect(f.svc.planner.planAndReserve(req(ids.zoneId))).rejects.toMatchObject({ errorcode: 533 });
    expect(await f.svc.planner.reserveOn(h.id, 1000, GiB, 1)).toBe(false);
    await f.svc.planner.release(h.id, 1000, GiB, 1);
    expect(await hostRow(h.id)).toEqual({ cpu_allocated: 0, memory_allocated: 0 });
    await f.svc.planner.release(h.id, 1000, GiB, 1); // a double release stays at zero
    expect(await hostRow(h.id)).toEqual({ cpu_allocated: 0, memory_allocated: 0 });
    expect(await f.svc.planner.reserveOn(h.id, 1000, GiB, 1)).toBe(true);
  });
});

describe('planner eligibility', () => {
  it('requires every offering host tag on the host', async () => {
    const ids = await setup();
    await addSimHost(f, ids, 'plain');
    const tagged = await addSimHost(f, ids, 'tagged', '', { hosttags: 'SSD,gpu' });
    for (let i = 0; i < 5; i++) expect((await f.svc.planner.planAndReserve(req(ids.zoneId, { hostTags: ['ssd'] }))).hostId).toBe(tagged.id);
    expect((await f.svc.planner.planAndReserve(req(ids.zoneId, { hostTags: ['ssd', 'gpu'] }))).hostId).toBe(tagged.id);
    await expect(f.svc.planner.planAndReserve(req(ids.zoneId, { hostTags: ['ssd', 'nvme'] })))
      .rejects.toMatchObject({ errorcode: 533, message: /host tags \[ssd,nvme\]/ });
  });

  it('skips disabled hosts, clusters, pods and zones and hosts in maintenance', async () => {
    const ids = await setup();
    const h = await addSimHost(f, ids, 'h1');
    const ok = () => f.svc.planner.planAndReserve(req(ids.zoneId));
    await f.call('updateHost', { id: h.id, allocationstate: 'Disable' });
    await expect(ok()).rejects.toMatchObject({ errorcode: 533 });
    await f.call('updateHost', { id: h.id, allocationstate: 'Enable' });
    expect((await ok()).hostId).toBe(h.id);
    for (const [cmd, id] of [['updateCluster', ids.clusterId], ['updatePod', ids.podId], ['updateZone', ids.zoneId]] as const) {
      await f.call(cmd, { id, allocationstate: 'Disabled' });
      await expect(ok()).rejects.toMatchObject({ errorcode: 533 });
      await f.call(cmd, { id, allocationstate: 'Enabled' });
    }
    await f.svc.db.updateTable('hosts').set({ resource_state: 'Maintenance' }).where('id', '=', h.id).execute();
    // Changed behind the view's back (as another management server would): the conditional UPDATE still refuses.
    await expect(ok()).rejects.toMatchObject({ errorcode: 533 });
  });

  it('retries with an avoid set and honours preferHostId and explicit placement', async () => {
    const ids = await setup();
    const a = await addSimHost(f, ids, 'a');
    const b = await addSimHost(f, ids, 'b');
    for (let i = 0; i < 5; i++) expect((await f.svc.planner.planAndReserve(req(ids.zoneId, { avoidHostIds: [a.id] }))).hostId).toBe(b.id);
    expect((await f.svc.planner.planAndReserve(req(ids.zoneId, { preferHostId: b.id }))).hostId).toBe(b.id);
    expect((await f.svc.planner.planAndReserve(req(ids.zoneId, { hostId: a.id }))).hostId).toBe(a.id);
    await expect(f.svc.planner.planAndReserve(req(ids.zoneId, { avoidHostIds: [a.id, b.id] })))
      .rejects.toMatchObject({ errorcode: 533, message: /2 hosts avoided/ });
  });

  it('spreads VMs over hosts instead of piling them onto one', async () => {
    const ids = await setup();
    const hosts = [];
    for (let i = 0; i < 4; i++) hosts.push((await addSimHost(f, ids, `h${i}`)).id);
    const count = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const p = await f.svc.planner.planAndReserve(req(ids.zoneId));
      count.set(p.hostId, (count.get(p.hostId) ?? 0) + 1);
    }
    for (const h of hosts) expect(count.get(h) ?? 0).toBeGreaterThanOrEqual(6);
  });
});

describe('planner storage', () => {
  it('needs a pool with the storage tags and room after overprovisioning', async () => {
    const ids = await setup({ pool: { capacitybytes: String(10 * GiB), tags: 'fast' } }); // NFS: factor 2 -> 20 GiB
    await addSimHost(f, ids, 'h1');
    const plan = await f.svc.planner.planAndReserve(req(ids.zoneId, { rootDiskBytes: 8 * GiB, storageTags: ['fast'] }));
    await f.svc.planner.planAndReserve(req(ids.zoneId, { rootDiskBytes: 8 * GiB }));
    await expect(f.svc.planner.planAndReserve(req(ids.zoneId, { rootDiskBytes: 8 * GiB })))
      .rejects.toMatchObject({ errorcode: 533, message: /no Up storage pool .* 8192 MB free/ });
    await expect(f.svc.planner.planAndReserve(req(ids.zoneId, { rootDiskBytes: GiB, storageTags: ['slow'] }))).rejects.toMatchObject({ errorcode: 533 });
    const pool = await f.svc.db.selectFrom('storage_pools').select('allocated_bytes').where('id', '=', plan.poolId).executeTakeFirstOrThrow();
    expect(pool.allocated_bytes).toBe(16 * GiB);
  });

  it('uses zone-wide pools, prefers the least allocated pool, and skips disabled pools', async () => {
    const ids = await setup({ pool: null });
    await addSimHost(f, ids, 'h1');
    await expect(f.svc.planner.planAndReserve(req(ids.zoneId))).rejects.toMatchObject({ message: /storage pool/ });
    const z = await f.call('createStoragePool', { name: 'zw', zoneid: ids.zoneId, scope: 'ZONE', url: 'nfs://s/zw', capacitybytes: String(100 * GiB) });
    const c = await f.call('createStoragePool', { name: 'cl', zoneid: ids.zoneId, clusterid: ids.clusterId, url: 'nfs://s/cl', capacitybytes: String(100 * GiB) });
    const first = await f.svc.planner.planAndReserve(req(ids.zoneId, { rootDiskBytes: 10 * GiB }));
    const second = await f.svc.planner.planAndReserve(req(ids.zoneId, { rootDiskBytes: 10 * GiB }));
    expect(new Set([first.poolId, second.poolId])).toEqual(new Set([z.id, c.id]));
    await f.call('updateStoragePool', { id: z.id, enabled: 'false' });
    for (let i = 0; i < 3; i++) expect((await f.svc.planner.planAndReserve(req(ids.zoneId))).poolId).toBe(c.id);
  });
});

describe('planner race safety', () => {
  it('never overcommits when two planners on two connections to one SQLite file race for the same hosts', async () => {
    const ids = await setup();
    const hosts = [await addSimHost(f, ids, 'h1', 'cpunumber=4&cpuspeed=1000&memory=65536'), await addSimHost(f, ids, 'h2', 'cpunumber=4&cpuspeed=1000&memory=65536')];
    const second = await openTestDatabase(join(f.dir, 'strata.db'));
    try {
      // Long TTLs: each planner keeps its own stale view and learns of the other's reservations only by losing.
      let lost = 0;
      const log = { ...silent, info: (m: string) => { if (m.includes('lost a race')) lost++; } };
      const p1 = createPlanner({ db: f.svc.db, clock: f.clock, log, infra: f.svc.caches.infraVersion }, { ttlMs: 1e9, refreshOnFullMs: 1e9 });
      const p2 = createPlanner({ db: second.db, clock: f.clock, log, infra: createCoreCaches(second.db).infraVersion }, { ttlMs: 1e9, refreshOnFullMs: 1e9 });
      // Both views are loaded before the race: a planner that first read the hosts after the other had filled them
      // would see them full and never race at all (CI saw that once).
      for (const p of [p1, p2]) await expect(p.planAndReserve(req(ids.zoneId, { cpuNumber: 64 }))).rejects.toMatchObject({ errorcode: 533 });
      const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => (i % 2 ? p1 : p2).planAndReserve(req(ids.zoneId))));
      const ok = results.filter((r) => r.status === 'fulfilled');
      expect(ok).toHaveLength(8); // 2 hosts x 4 cores x 1000 MHz / 1000 MHz
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ errorcode: 533 });
      for (const h of hosts) expect((await hostRow(h.id)).cpu_allocated).toBe(4000);
      expect(lost).toBeGreaterThan(0); // the views really were stale: the conditional UPDATE decided
    } finally {
      await second.close();
    }
  });
});
