// Several management servers on one database (issue 13):
// - management_servers: each server registers itself and heartbeats (CloudStack's mshost); one silent past a
//   timeout is Down, and the survivors take over its hosts and jobs;
// - hosts.ms_id: the server that owns a host (its agent's server; for simulator and local hosts an assigned one);
// - sequences: counters every server draws from (instance names i-<account>-<n>-VM never repeat across servers),
//   seeded past the numbers existing VMs already use;
// - cache_generations: a counter per cache family, bumped by the server that changes its rows, so the others drop
//   what they cached (db/shared-caches).
import type { Kysely } from 'kysely';

const VM_NAME = /^i-\d+-(\d+)-VM$/;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('management_servers')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('service_ip', 'varchar(255)', (c) => c.notNull())
    .addColumn('version', 'varchar(255)', (c) => c.notNull())
    .addColumn('state', 'varchar(32)', (c) => c.notNull())
    .addColumn('started', 'bigint', (c) => c.notNull())
    .addColumn('last_heartbeat', 'bigint', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('removed', 'bigint')
    .execute();
  await db.schema.alterTable('hosts').addColumn('ms_id', 'varchar(40)').execute();
  await db.schema.createIndex('hosts_ms').on('hosts').columns(['ms_id']).execute();
  // A server's unfinished jobs (restart recovery, takeover of a dead server's jobs, listManagementServers'
  // pendingjobscount) without scanning every job ever run.
  await db.schema.createIndex('jobs_ms_status').on('async_jobs').columns(['ms_id', 'status']).execute();
  await db.schema.createTable('sequences')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('next_value', 'bigint', (c) => c.notNull())
    .execute();
  let max = 0;
  for (const r of await db.selectFrom('vms').select('instance_name').execute()) {
    const m = VM_NAME.exec(r.instance_name as string);
    if (m) max = Math.max(max, Number(m[1]));
  }
  await db.insertInto('sequences').values({ name: 'vm_number', next_value: max + 1 }).execute();
  await db.schema.createTable('cache_generations')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('cache_generations').values(['identity', 'infrastructure', 'catalog', 'os_types', 'image_files'].map((name) => ({ name, generation: 0 }))).execute();
}
