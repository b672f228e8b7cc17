// `strata db migrate --from URL --to URL`: copies a lab from one database to another (SQLite to MariaDB/MySQL, the
// path of a user who outgrew the laptop, or any other pair), every table with its ids. Both databases are first
// brought to the latest schema; the target must hold no data yet (the rows migrations themselves seed, the counters,
// are replaced by the source's). One transaction on the target: a failed copy leaves it as it was.
import { sql } from 'kysely';
import { openDatabase, type OpenedDb } from './connect';
import { recountUsage } from './account-usage';

/** Tables the migrations fill on an empty database: the source's rows replace them. */
const SEEDED_BY_MIGRATIONS = new Set(['sequences', 'cache_generations']);
/** Tables triggers keep from other tables' rows (cluster_capacity from hosts, migration 011c; account_usage from
 * vms and volumes, 011q): the copied rows rebuild them; copying them too would count every host and VM twice. */
const KEPT_BY_TRIGGERS = new Set(['cluster_capacity', 'account_usage']);
const BATCH = 500;

export interface CopyReport { tables: { name: string; rows: number }[] }

export async function copyDatabase(fromUrl: string, toUrl: string, log: (line: string) => void = () => {}): Promise<CopyReport> {
  const from = await openDatabase(fromUrl);
  let to: OpenedDb | undefined;
  try {
    to = await openDatabase(toUrl);
    const target = to;
    const tables = (await from.db.introspection.getTables()).map((t) => t.name)
      .filter((n) => !n.startsWith('kysely_') && !n.startsWith('sqlite_') && !KEPT_BY_TRIGGERS.has(n));
    for (const name of tables) {
      if (SEEDED_BY_MIGRATIONS.has(name)) continue;
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(target.db);
      if (Number(rows[0].n) > 0) throw new Error(`the target database is not empty: table ${name} has rows (copy into a new, empty database)`);
    }
    const report: CopyReport = { tables: [] };
    await target.db.transaction().execute(async (trx) => {
      // Rows arrive table by table, so references are checked at the end (SQLite) or not at all (MySQL: the source
      // database held them already).
      if (target.kind === 'mysql') await sql`set foreign_key_checks = 0`.execute(trx);
      else await sql`pragma defer_foreign_keys = on`.execute(trx);
      for (const name of tables) {
        if (SEEDED_BY_MIGRATIONS.has(name)) await sql`delete from ${sql.table(name)}`.execute(trx);
        // One read per table (a consistent picture of it; pages without an order could skip or repeat rows).
        const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(from.db);
        for (let i = 0; i < rows.length; i += BATCH) {
          await trx.insertInto(name as never).values(rows.slice(i, i + BATCH) as never).execute();
        }
        report.tables.push({ name, rows: rows.length });
        log(`${name}: ${rows.length} rows`);
      }
      // The usage triggers leave the root admin's VMs out by its account's type: recounted once every table is in,
      // whatever order the tables came in.
      await recountUsage(trx, { kind: 'domain', path: '/' });
      if (target.kind === 'mysql') await sql`set foreign_key_checks = 1`.execute(trx);
    });
    return report;
  } finally {
    await to?.close();
    await from.close();
  }
}
