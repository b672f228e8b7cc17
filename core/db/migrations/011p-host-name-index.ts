// A covering index of host names by id (issue 11), for SQLite: a page of 500 VMs names each VM's host, and looking
// the name up in the table costs two b-tree descents a VM (the id's unique index, then the row), about 1.5 ms a
// page; this index answers it in one. SQLite's planner prefers the unique index without statistics, so the page
// statement names this one (vm-view.ts). MySQL/MariaDB: InnoDB's primary key holds the row already; nothing to add.
import { MysqlAdapter, type Kysely } from 'kysely';

export const HOST_NAME_INDEX = 'hosts_id_name';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof MysqlAdapter) return;
  await db.schema.createIndex(HOST_NAME_INDEX).on('hosts').columns(['id', 'name']).execute();
}
