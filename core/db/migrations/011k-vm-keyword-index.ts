// A keyword search of VMs (listVirtualMachines keyword=) must count every match exactly, as CloudStack does: one walk
// of every live VM's searched names. vms_search (002, 019i) serves the page's ordered walk, but it also carries
// created and id (a 36-character key) and is ~18 MB at 100,000 VMs, more than SQLite's 16 MiB page cache, so every
// count read all its pages again from the file. This index holds only what the count reads: the names a keyword is
// matched against and the owner (for the projects filter), with the display name left out where it equals the name
// (CloudStack's default, so most rows), which vm-view.ts's keyword condition writes the same way (nullif) to be
// served by it. At 100,000 VMs: ~10 MB, the count 8-9 ms of CPU instead of 20 (issue 11, bench/scale.ts).
// SQLite only: MySQL/MariaDB has no index on an expression in MariaDB, and there the condition keeps its plain form.
import { MysqlAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof MysqlAdapter) return;
  await sql`create index vms_keyword on vms (removed, name, nullif(display_name, name), instance_name, account_id)`.execute(db);
}
