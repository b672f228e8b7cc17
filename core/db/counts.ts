// Counting a whole list fast. SQLite counts every row of a table from its b-tree pages without decoding a row,
// while `count(*) ... where removed is null` steps through index entries one by one: at 100,000 rows that is most of
// a list page's time, and it grows with the table. An unfiltered list's total is therefore every row minus the
// excluded ones (removed rows, archived events), which sit together at one end of the list's index.
import { sql } from 'kysely';
import type { Db } from './connect';

type Counted = 'volumes' | 'hosts' | 'events';

/** Rows of `table` minus those where `column` = `value` (or is not null when `value` is null). */
export async function countAllBut(db: Db, table: Counted, column: 'removed' | 'archived', value: number | null = null): Promise<number> {
  const t = sql.table(table);
  const excluded = value === null ? sql`${sql.ref(column)} is not null` : sql`${sql.ref(column)} = ${value}`;
  const r = await sql<{ n: number }>`select (select count(*) from ${t}) - (select count(*) from ${t} where ${excluded}) as n`.execute(db);
  return Number(r.rows[0].n);
}
