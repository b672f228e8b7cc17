// Job scheduling (issue 15): VM schedules, snapshot policies and scheduled tasks share one table, because one
// scheduler fires them all. `next_run` is the next due instant (null: nothing more to run, or disabled/removed),
// indexed so an idle tick is one short range read however many schedules exist. A run is claimed by a
// management server through `claimed_by`/`claim_until` (a conditional UPDATE) and committed with its async job's
// row in one transaction (see jobs/scheduler.ts); `schedule_runs` links each run to its job, one row per
// (schedule, due instant), which the unique key makes impossible to write twice.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('schedules')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('resource_type', 'varchar(32)')
    .addColumn('resource_id', 'varchar(40)')
    .addColumn('command', 'varchar(64)', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('schedule', 'varchar(255)', (c) => c.notNull())
    .addColumn('cron', 'varchar(255)')
    .addColumn('once_at', 'bigint')
    .addColumn('timezone', 'varchar(64)', (c) => c.notNull())
    .addColumn('description', 'varchar(1024)')
    .addColumn('start_date', 'bigint')
    .addColumn('end_date', 'bigint')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('max_snaps', 'integer')
    .addColumn('display', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('next_run', 'bigint')
    .addColumn('claimed_by', 'varchar(40)')
    .addColumn('claim_until', 'bigint')
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('removed', 'bigint')
    .execute();
  await db.schema.createIndex('schedules_next_run').on('schedules').columns(['next_run']).execute();
  await db.schema.createIndex('schedules_resource').on('schedules').columns(['resource_id']).execute();
  await db.schema.createIndex('schedules_account').on('schedules').columns(['account_id']).execute();
  await db.schema.createTable('schedule_runs')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('schedule_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('due', 'bigint', (c) => c.notNull())
    .addColumn('fired', 'bigint', (c) => c.notNull())
    .addColumn('job_id', 'varchar(40)')
    // 'job' (see the job's status), 'skipped' or 'failed' (no job: the error says why).
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('error', 'varchar(1024)')
    .addColumn('ms_id', 'varchar(40)', (c) => c.notNull())
    .addUniqueConstraint('schedule_runs_once', ['schedule_id', 'due'])
    .execute();
  await db.schema.createIndex('schedule_runs_due').on('schedule_runs').columns(['due']).execute();
}
