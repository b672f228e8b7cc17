// Per-resource job locks that hold across management servers (issue 13): a job runs only while it holds a row
// per lock key (vm:ID, volume:ID...). Rows are taken with INSERT-or-ignore, so of two servers only one gets a key;
// they name the job and its server, and are dropped when the job ends or when its server is found dead.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('job_locks')
    .addColumn('lock_key', 'varchar(191)', (c) => c.primaryKey())
    .addColumn('job_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('ms_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('acquired', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('job_locks_job').on('job_locks').columns(['job_id']).execute();
  await db.schema.createIndex('job_locks_ms').on('job_locks').columns(['ms_id']).execute();
}
