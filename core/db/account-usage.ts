// The account_usage rows (migration 011q) counted again from their accounts' VMs and volumes by the triggers' own
// rules and written back in one statement: updateResourceCount's repair (CloudStack's tool for counts that drifted)
// and a database copy's last step. That statement reads the resources it counts as a writer (SQLite: under the
// database's write lock; InnoDB: INSERT ... SELECT locks the rows it reads), so a change committed meanwhile lands
// after it through its trigger, never lost between the count and the write.
import { MysqlAdapter, sql, type Kysely } from 'kysely';
import type { Database } from './schema';
import { RECOUNT_SELECT, USAGE_COLUMNS } from './migrations/011q-account-usage';

/** Whose rows: one account, or every account of a domain's subtree (its path prefix; '/' is every account). */
type UsageOwner = { kind: 'account'; id: string } | { kind: 'domain'; path: string };

const ownedBy = (o: UsageOwner) => (o.kind === 'account' ? sql`a.id = ${o.id}`
  : sql`a.domain_id in (select d.id from domains d where d.path like ${`${o.path}%`})`);

/** Recounts the owner's account rows (a domain: every account of its subtree) and writes them. */
export async function recountUsage(db: Kysely<Database>, o: UsageOwner): Promise<void> {
  const mysql = db.getExecutor().adapter instanceof MysqlAdapter;
  const set = USAGE_COLUMNS.map((c) => (mysql ? `${c} = VALUES(${c})` : `${c} = excluded.${c}`)).join(', ');
  await sql`INSERT INTO account_usage (account_id, ${sql.raw(USAGE_COLUMNS.join(', '))}) ${sql.raw(RECOUNT_SELECT)} WHERE ${ownedBy(o)}
    ${sql.raw(mysql ? `ON DUPLICATE KEY UPDATE ${set}` : `ON CONFLICT (account_id) DO UPDATE SET ${set}`)}`.execute(db);
}

type UsageRow = { account_id: string } & Record<string, unknown>;

/** The accounts whose row differs from a recount (tests; an empty list when the triggers kept every row exact). */
export async function usageDrift(db: Kysely<Database>): Promise<{ account: string; row: Record<string, number>; recount: Record<string, number> }[]> {
  const counted = (await sql<UsageRow>`${sql.raw(RECOUNT_SELECT)}`.execute(db)).rows;
  const rows = new Map((await db.selectFrom('account_usage').selectAll().execute() as UsageRow[]).map((r) => [r.account_id, r]));
  const figures = (r: UsageRow | undefined) => Object.fromEntries(USAGE_COLUMNS.map((c) => [c, Number(r?.[c] ?? 0)]));
  return counted.map((c) => ({ account: c.account_id, row: figures(rows.get(c.account_id)), recount: figures(c) }))
    .filter((d) => USAGE_COLUMNS.some((c) => d.row[c] !== d.recount[c]));
}
