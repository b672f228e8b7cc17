// Race-safe capacity counters. Several planners, and several management servers sharing one database, may pick
// the same host at once; each reservation is a single conditional UPDATE that only succeeds while the host (or
// pool) still has room, and the affected row count says who won. Nothing reads-then-writes.
import { sql } from 'kysely';
import type { Db } from '../db/connect';

const affected = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0n) > 0;

/**
 * Adds `cpuMhz` and `memoryBytes` to a host's allocation if it is Up, Enabled and stays within its capacity
 * after the cluster's overcommit factors. Returns false when another reservation got there first.
 */
export async function reserveHostCapacity(db: Db, hostId: string, cpuMhz: number, memoryBytes: number): Promise<boolean> {
  const r = await sql`UPDATE hosts
    SET cpu_allocated = cpu_allocated + ${cpuMhz}, memory_allocated = memory_allocated + ${memoryBytes}
    WHERE id = ${hostId} AND removed IS NULL AND state = 'Up' AND resource_state = 'Enabled'
      AND cpu_allocated + ${cpuMhz} <= cpu_number * cpu_speed *
        (SELECT c.cpu_overcommit FROM clusters c WHERE c.id = hosts.cluster_id)
      AND memory_allocated + ${memoryBytes} <= memory_total *
        (SELECT c.memory_overcommit FROM clusters c WHERE c.id = hosts.cluster_id)`.execute(db);
  return affected(r);
}

/** Returns capacity to a host; never below zero (a double release must not create phantom capacity). */
export async function releaseHostCapacity(db: Db, hostId: string, cpuMhz: number, memoryBytes: number): Promise<void> {
  await sql`UPDATE hosts
    SET cpu_allocated = CASE WHEN cpu_allocated > ${cpuMhz} THEN cpu_allocated - ${cpuMhz} ELSE 0 END,
        memory_allocated = CASE WHEN memory_allocated > ${memoryBytes} THEN memory_allocated - ${memoryBytes} ELSE 0 END
    WHERE id = ${hostId}`.execute(db);
}

/**
 * Adds `bytes` to a storage pool's allocation if it is Up and stays within capacity x overprovisioning.
 * Volume code calls this for data disks, and releasePoolBytes when a volume is expunged or moved.
 */
export async function reservePoolBytes(db: Db, poolId: string, bytes: number): Promise<boolean> {
  const r = await sql`UPDATE storage_pools SET allocated_bytes = allocated_bytes + ${bytes}
    WHERE id = ${poolId} AND removed IS NULL AND state = 'Up'
      AND allocated_bytes + ${bytes} <= capacity_bytes * overprovision`.execute(db);
  return affected(r);
}

export async function releasePoolBytes(db: Db, poolId: string, bytes: number): Promise<void> {
  await sql`UPDATE storage_pools
    SET allocated_bytes = CASE WHEN allocated_bytes > ${bytes} THEN allocated_bytes - ${bytes} ELSE 0 END
    WHERE id = ${poolId}`.execute(db);
}
