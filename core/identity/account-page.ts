// The rows of a listAccounts page (db/list-page.ts): the page's ids from the (removed, created, id, type) index,
// then only those accounts, read as arrays. The unfiltered list (every live account but projects' hidden ones)
// is counted from short index ranges, and its page is compiled once and read from the end in its second half.
import { sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/connect';
import type { AccountTable, Database } from '../db/schema';
import { allColumns, selectArrays } from '../db/precompiled';
import { precompiledPage, rowsOf } from '../db/list-page';
import { inPageOrder } from '../kernel/paging';
import { AccountType } from '../contract/roles';

type AccountRow = Selectable<AccountTable>;
const ACCOUNT_COLUMNS = allColumns<AccountTable>()(['id', 'name', 'type', 'domain_id', 'role_id', 'state', 'network_domain', 'created',
  'removed', 'number']);

/** Every live account but the projects': all rows minus the removed and the projects' live ones (migration 011l). */
const LISTED = sql<number>`((select count(*) from accounts) - (select count(*) from accounts where removed is not null)
  - (select count(*) from accounts where type = ${AccountType.Project} and removed is null))`;

type AccountIds = SelectQueryBuilder<Database, 'accounts', { id: string }>;
const rowsOfPage = (db: Db, ids: AccountIds) => db.selectFrom('accounts').innerJoin(ids.as('page'), 'page.id', 'accounts.id')
  .select(ACCOUNT_COLUMNS.map((c) => `accounts.${c}` as const));

const everyAccountPage = precompiledPage(LISTED, (db, reversed, { limit, offset }) => {
  const dir = reversed ? 'desc' : 'asc';
  return rowsOfPage(db, db.selectFrom('accounts').where('removed', 'is', null).where('type', '!=', AccountType.Project).select('id')
    .orderBy('created', dir).orderBy('id', dir).limit(limit).offset(offset));
});

/** The unfiltered list's count. */
export async function listedAccounts(db: Db): Promise<number> {
  return Number((await sql<{ n: number }>`select ${LISTED} as n`.execute(db)).rows[0].n);
}

/**
 * The page's accounts in (created, id) order: `ids` (the filtered ids in that order, the page's limit/offset
 * applied), or with `every` the unfiltered page's precompiled statement.
 */
export async function accountPageRows(db: Db, ids: AccountIds, every?: { window: { offset: number; limit: number }; count: number }): Promise<AccountRow[]> {
  const arrays = every ? await everyAccountPage(db, every.window, every.count) : await selectArrays(db, rowsOfPage(db, ids));
  return inPageOrder(rowsOf<AccountRow>(ACCOUNT_COLUMNS, arrays));
}
