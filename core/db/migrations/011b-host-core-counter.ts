// listCapacity's CPU_CORE used figure summed the cores of every active VM on every call (a scan of all VMs). Hosts
// now carry it as a counter beside cpu_allocated and memory_allocated, kept by the same race-safe reserve and
// release statements (hosts/host-capacity.ts), the way CloudStack keeps op_host_capacity; listCapacity then reads
// only host rows. This migration adds the column, fills it from a recount of the VMs on each host, and indexes
// what listCapacity reads.
import { sql, type Kysely } from 'kysely';

/** VM states that hold a host's capacity (as reserved by the planner and released on stop). */
const ACTIVE = ['Running', 'Starting', 'Stopping', 'Migrating'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('hosts').addColumn('cpu_cores_allocated', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update hosts set cpu_cores_allocated = (select coalesce(sum(v.cpu_number), 0) from vms v
    where v.host_id = hosts.id and v.removed is null and v.state in (${sql.join(ACTIVE)}))
    where removed is null`.execute(db);
  // listCapacity sums these per cluster: this index holds every column it reads, in cluster order, so the sums
  // walk it alone (no table rows, no sort). type is varchar(255): the key is about 1,600 bytes under utf8mb4.
  await db.schema.createIndex('hosts_capacity').on('hosts').columns(['removed', 'type', 'cluster_id', 'pod_id', 'zone_id',
    'memory_total', 'memory_allocated', 'cpu_number', 'cpu_speed', 'cpu_allocated', 'cpu_cores_allocated']).execute();
}
