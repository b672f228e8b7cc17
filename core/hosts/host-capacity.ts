// Race-safe capacity counters. Several planners, and several management servers sharing one database, may pick
// the same host at once; each reservation is a single conditional UPDATE that only succeeds while the host (or
// pool) still has room, and the affected row count says who won. Nothing reads-then-writes.
import { sql } from 'kysely';
import type { Db } from '../db/connect';
import { precompiled } from '../db/precompiled';

// Compiled once (db/precompiled): these run on every placement.
const reserveHost = precompiled((db, p: { id: string; cpu: number; mem: number; cores: number }) => sql`UPDATE hosts
    SET cpu_allocated = cpu_allocated + ${p.cpu}, memory_allocated = memory_allocated + ${p.mem},
        cpu_cores_allocated = cpu_cores_allocated + ${p.cores}
    WHERE id = ${p.id} AND removed IS NULL AND state = 'Up' AND resource_state = 'Enabled'
      AND cpu_allocated + ${p.cpu} <= cpu_number * cpu_speed *
        (SELECT c.cpu_overcommit FROM clusters c WHERE c.id = hosts.cluster_id)
      AND memory_allocated + ${p.mem} <= memory_total *
        (SELECT c.memory_overcommit FROM clusters c WHERE c.id = hosts.cluster_id)`);
const releaseHost = precompiled((db, p: { id: string; cpu: number; mem: number; cores: number }) => sql`UPDATE hosts
    SET cpu_allocated = CASE WHEN cpu_allocated > ${p.cpu} THEN cpu_allocated - ${p.cpu} ELSE 0 END,
        memory_allocated = CASE WHEN memory_allocated > ${p.mem} THEN memory_allocated - ${p.mem} ELSE 0 END,
        cpu_cores_allocated = CASE WHEN cpu_cores_allocated > ${p.cores} THEN cpu_cores_allocated - ${p.cores} ELSE 0 END
    WHERE id = ${p.id}`);
const reservePool = precompiled((db, p: { id: string; bytes: number }) => sql`UPDATE storage_pools
    SET allocated_bytes = allocated_bytes + ${p.bytes}
    WHERE id = ${p.id} AND removed IS NULL AND state = 'Up'
      AND allocated_bytes + ${p.bytes} <= capacity_bytes * overprovision`);
const releasePool = precompiled((db, p: { id: string; bytes: number }) => sql`UPDATE storage_pools
    SET allocated_bytes = CASE WHEN allocated_bytes > ${p.bytes} THEN allocated_bytes - ${p.bytes} ELSE 0 END
    WHERE id = ${p.id}`);

/**
 * Adds `cpuMhz`, `memoryBytes` and `cores` (the CPU_CORE capacity listCapacity reports) to a host's allocation if
 * it is Up, Enabled and stays within its capacity after the cluster's overcommit factors. Returns false when
 * another reservation got there first.
 */
export async function reserveHostCapacity(db: Db, hostId: string, cpuMhz: number, memoryBytes: number, cores: number): Promise<boolean> {
  return (await reserveHost.run(db, { id: hostId, cpu: cpuMhz, mem: memoryBytes, cores })) > 0;
}

/** Returns capacity to a host; never below zero (a double release must not create phantom capacity). */
export async function releaseHostCapacity(db: Db, hostId: string, cpuMhz: number, memoryBytes: number, cores: number): Promise<void> {
  await releaseHost.run(db, { id: hostId, cpu: cpuMhz, mem: memoryBytes, cores });
}

/**
 * Adds `bytes` to a storage pool's allocation if it is Up and stays within capacity x overprovisioning.
 * Volume code calls this for data disks, and releasePoolBytes when a volume is expunged or moved.
 */
export async function reservePoolBytes(db: Db, poolId: string, bytes: number): Promise<boolean> {
  return (await reservePool.run(db, { id: poolId, bytes })) > 0;
}

export async function releasePoolBytes(db: Db, poolId: string, bytes: number): Promise<void> {
  await releasePool.run(db, { id: poolId, bytes });
}
