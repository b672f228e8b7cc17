// MySQL/MariaDB: every table in utf8mb4 with one collation. A database created with a stock server's defaults
// (latin1) made tables that reject names like 测试机 ("Incorrect string value") and mix collations in comparisons;
// connect.ts now sets the database default before the first table, and this converts tables made before that.
// SQLite stores UTF-8 text already: nothing to do there.
import { MysqlAdapter, sql, type Kysely } from 'kysely';
import { MYSQL_COLLATION } from '../mysql-collation';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof MysqlAdapter)) return;
  const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = database() and table_type = 'BASE TABLE' and table_collation <> ${MYSQL_COLLATION}`.execute(db);
  for (const { name } of rows) {
    await sql`alter table ${sql.table(name)} convert to character set utf8mb4 collate ${sql.raw(MYSQL_COLLATION)}`.execute(db);
  }
}
