// Resource monitoring (issue 14): usage samples of VMs, hosts, volumes and storage pools at five resolutions.
// Rows are compact: a small integer series id instead of a uuid, integer timestamps (seconds), and eight integer
// channels each kept as a SUM over the bucket's samples plus its MAX, with the sample count `n`, so any coarser
// bucket is computed exactly from finer ones (average = sum / n). The primary key leads with the timestamp: the
// collector and rollups append at the right edge of the b-tree, retention deletes a prefix, and a series is read
// by seeking each aligned bucket (see metrics/store.ts). SQLite stores these tables WITHOUT ROWID (the key is the
// row); InnoDB clusters on the primary key anyway.
import { MysqlAdapter, sql, type Kysely } from 'kysely';

export const METRIC_TABLES = ['metric_t0', 'metric_t1', 'metric_t2', 'metric_t3', 'metric_t4'] as const;
export const CHANNELS = 8;

export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  await db.schema.createTable('metric_series')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('object_id', 'varchar(40)', (c) => c.notNull())
    .addUniqueConstraint('metric_series_object', ['kind', 'object_id'])
    .execute();
  for (const table of METRIC_TABLES) {
    let t = db.schema.createTable(table)
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('series', 'integer', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull());
    for (let i = 0; i < CHANNELS; i++) t = t.addColumn(`s${i}`, 'bigint').addColumn(`x${i}`, 'bigint');
    t = t.addPrimaryKeyConstraint(`${table}_pk`, ['ts', 'series']);
    await (mysql ? t : t.modifyEnd(sql`without rowid`)).execute();
  }
  // How far each rollup tier has been computed (seconds, exclusive): shared by every management server.
  await db.schema.createTable('metric_rollups')
    .addColumn('tier', 'integer', (c) => c.primaryKey())
    .addColumn('done_until', 'bigint', (c) => c.notNull())
    .execute();
}
