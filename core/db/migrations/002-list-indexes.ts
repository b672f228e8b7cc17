// Indexes for filtered list pages. A filtered page (listVirtualMachines state=/hostid=/zoneid=, listAsyncJobs)
// walks an index whose leading columns are the filter and whose tail is the page order, so SQLite neither scans
// every VM checking the filter nor sorts; the COUNT of such a filter is answered from the index alone.
// Substring searches scan a covering index instead of the table.
// 001's single-column indexes on the same columns become redundant and are dropped (every index costs writes).
// MySQL/MariaDB: an index a foreign key leans on cannot be dropped before its replacement exists, so the new one is
// built under a temporary name first and renamed; utf8mb4 keys are limited to 3072 bytes (see searchColumns).
import { MysqlAdapter, sql, type Kysely } from 'kysely';

const REPLACED: [index: string, table: string, columns: string[]][] = [
  ['vms_host', 'vms', ['host_id', 'removed', 'created', 'id']],
  ['vms_state', 'vms', ['state', 'removed', 'created', 'id']],
  ['vms_zone', 'vms', ['zone_id', 'removed', 'created', 'id']],
  ['jobs_account', 'async_jobs', ['account_id', 'created', 'id']],
];
const ADDED: [index: string, table: string, columns: string[]][] = [
  // Substring search (keyword=, name=) cannot seek; it scans this index (a quarter of the table's bytes) in page order.
  ['vms_search', 'vms', ['removed', 'created', 'id', 'name', 'display_name', 'instance_name']],
  ['jobs_created', 'async_jobs', ['created', 'id']],
  ['jobs_domain', 'async_jobs', ['domain_id', 'created', 'id']],
];

const isMysql = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof MysqlAdapter;

// Under utf8mb4 three varchar(255) columns (3 x 1020 bytes) alone pass InnoDB's 3072-byte key limit. InnoDB's
// secondary indexes carry the primary key anyway, so on MySQL the search index keeps the two names users search
// most and instance_name is read from the row.
const searchColumns = (db: Kysely<unknown>, index: string, columns: string[]) =>
  (isMysql(db) && index === 'vms_search' ? columns.filter((c) => c !== 'instance_name') : columns);

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of REPLACED) {
    if (isMysql(db)) {
      await db.schema.createIndex(`${name}_new`).on(table).columns(columns).execute();
      await db.schema.dropIndex(name).on(table).execute();
      await sql`alter table ${sql.table(table)} rename index ${sql.ref(`${name}_new`)} to ${sql.ref(name)}`.execute(db);
    } else {
      await db.schema.dropIndex(name).execute();
      await db.schema.createIndex(name).on(table).columns(columns).execute();
    }
  }
  for (const [name, table, columns] of ADDED) {
    await db.schema.createIndex(name).on(table).columns(searchColumns(db, name, columns)).execute();
  }
}
