// Indexes for filtered list pages. A filtered page (listVirtualMachines state=/hostid=/zoneid=, listAsyncJobs)
// walks an index whose leading columns are the filter and whose tail is the page order, so SQLite neither scans
// every VM checking the filter nor sorts; the COUNT of such a filter is answered from the index alone.
// Substring searches scan a covering index instead of the table.
// 001's single-column indexes on the same columns become redundant and are dropped (every index costs writes).
import { MysqlAdapter, type Kysely } from 'kysely';

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

// MySQL names an index's table when dropping it; SQLite rejects the clause.
const dropIndex = (db: Kysely<unknown>, name: string, table: string) => {
  const drop = db.schema.dropIndex(name);
  return (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on(table) : drop).execute();
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of REPLACED) {
    await dropIndex(db, name, table);
    await db.schema.createIndex(name).on(table).columns(columns).execute();
  }
  for (const [name, table, columns] of ADDED) await db.schema.createIndex(name).on(table).columns(columns).execute();
}
