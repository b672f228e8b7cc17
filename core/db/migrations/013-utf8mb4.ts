// MySQL/MariaDB: every table in utf8mb4 with one collation. A database created with a stock server's defaults
// (latin1) made tables that reject names like 测试机 ("Incorrect string value") and mix collations in comparisons;
// connect.ts now sets the database default before the first table, and this converts tables made before that.
// SQLite stores UTF-8 text already: nothing to do there.
import { MysqlAdapter, sql, type Kysely } from 'kysely';
import { MYSQL_COLLATION } from '../mysql-collation';

interface ForeignKey { name: string; tbl: string; col: string; ref_tbl: string; ref_col: string }

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof MysqlAdapter)) return;
  const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = database() and table_type = 'BASE TABLE' and table_collation <> ${MYSQL_COLLATION}`.execute(db);
  if (rows.length === 0) return;
  // MariaDB refuses to change the charset of a column a foreign key joins, even with key checks off: the keys are
  // dropped, every table converted, and the keys put back as they were.
  const fks = (await sql<ForeignKey>`select constraint_name as name, table_name as tbl, column_name as col,
    referenced_table_name as ref_tbl, referenced_column_name as ref_col from information_schema.key_column_usage
    where table_schema = database() and referenced_table_name is not null`.execute(db)).rows;
  for (const k of fks) await sql`alter table ${sql.table(k.tbl)} drop foreign key ${sql.ref(k.name)}`.execute(db);
  for (const { name } of rows) {
    await sql`alter table ${sql.table(name)} convert to character set utf8mb4 collate ${sql.raw(MYSQL_COLLATION)}`.execute(db);
  }
  for (const k of fks) {
    await sql`alter table ${sql.table(k.tbl)} add constraint ${sql.ref(k.name)} foreign key (${sql.ref(k.col)})
      references ${sql.table(k.ref_tbl)} (${sql.ref(k.ref_col)})`.execute(db);
  }
}
