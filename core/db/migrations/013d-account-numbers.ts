// Account numbers (the <account> of instance names i-<account>-<vm>-VM) kept on the account row: drawn once from
// the `account_number` sequence the first time the account needs one, so a deploy never counts accounts (that cost
// grew with the number of accounts: issue 11). Existing accounts get their creation rank, which is what instance
// names used until now, and the sequence starts past them.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('number', 'bigint').execute();
  const ids = await db.selectFrom('accounts').select('id').orderBy('created').orderBy('id').execute();
  for (let i = 0; i < ids.length; i++) {
    await db.updateTable('accounts').set({ number: i + 1 }).where('id', '=', ids[i].id).execute();
  }
  await db.schema.createIndex('accounts_number').on('accounts').columns(['number']).unique().execute();
  await db.insertInto('sequences').values({ name: 'account_number', next_value: ids.length + 1 }).execute();
}
