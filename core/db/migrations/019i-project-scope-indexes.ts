// Lists skip project resources unless projectid is given (CloudStack's SkipProjectResources): once a project exists,
// the everything and domain views of VMs, volumes and events filter `account_id not in (<project accounts>)`. The
// indexes those pages walk end with account_id, so the filter is read from the index and the walk stays covering
// (OFFSET steps over index entries, never rows), as accounts_created carries `type` for listAccounts.
// MySQL/MariaDB: a foreign key may lean on an index, so the new one is built under a temporary name first, the old
// dropped, the new renamed. vms_search on MySQL leaves instance_name out (utf8mb4 key limit, see 002).
import { MysqlAdapter, sql, type Kysely } from 'kysely';

const EXTENDED: [index: string, table: string, columns: string[]][] = [
  ['vms_created', 'vms', ['removed', 'created', 'id', 'account_id']],
  ['vms_domain', 'vms', ['domain_id', 'removed', 'created', 'id', 'account_id']],
  ['vms_search', 'vms', ['removed', 'created', 'id', 'name', 'display_name', 'instance_name', 'account_id']],
  ['volumes_created', 'volumes', ['removed', 'created', 'id', 'account_id']],
  ['volumes_domain', 'volumes', ['domain_id', 'removed', 'created', 'id', 'account_id']],
  ['events_archived', 'events', ['archived', 'seq', 'account_id']],
  ['events_domain', 'events', ['domain_id', 'archived', 'seq', 'account_id']],
];

const isMysql = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof MysqlAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, all] of EXTENDED) {
    const columns = isMysql(db) && name === 'vms_search' ? all.filter((c) => c !== 'instance_name') : all;
    if (isMysql(db)) {
      await db.schema.createIndex(`${name}_new`).on(table).columns(columns).execute();
      await db.schema.dropIndex(name).on(table).execute();
      await sql`alter table ${sql.table(table)} rename index ${sql.ref(`${name}_new`)} to ${sql.ref(name)}`.execute(db);
    } else {
      await db.schema.dropIndex(name).execute();
      await db.schema.createIndex(name).on(table).columns(columns).execute();
    }
  }
}
