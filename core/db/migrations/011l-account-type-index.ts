// Accounts by type (issue 11): listAccounts shows every account but projects' hidden ones (type 5). Its unfiltered
// count is all rows minus the removed and the projects' accounts, each counted from a short range of an index; without
// this one, counting the projects' accounts walked every live account (25,000 entries in the growth benchmark).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('accounts_type').on('accounts').columns(['type', 'removed']).execute();
}
