// Indexes that keep every list page and every deploy flat as the cloud grows (issue 11), on the pattern of 002:
// each index leads with a list's filter and ends with its page order, so a page's ids come from the index alone
// (OFFSET steps over index entries, not rows) and the COUNT of the same filter is answered from the index too.
// Single-column indexes on the same leading column become redundant and are replaced: the new index (a new name)
// is created before the old one is dropped, because InnoDB refuses to drop the only index a foreign key can use.
// Columns are ids (varchar(40): 160 bytes under utf8mb4), numbers and one name, inside InnoDB's 3072-byte key limit.
import { MysqlAdapter, type Kysely } from 'kysely';

type Index = [index: string, table: string, columns: string[]];
type Replacement = [old: string, ...Index];

const REPLACED: Replacement[] = [
  // listVolumes: (removed, created, id) is the page order; the account and domain scopes lead.
  ['volumes_account', 'volumes_account_page', 'volumes', ['account_id', 'removed', 'created', 'id']],
  // listEvents: newest first (seq) among the archived or not; scoped by account or domain.
  ['events_account', 'events_account_page', 'events', ['account_id', 'archived', 'seq']],
  // listHosts by zone or cluster (and the planner's index of a zone's hosts).
  ['hosts_cluster', 'hosts_cluster_page', 'hosts', ['cluster_id', 'removed', 'created', 'id']],
  ['hosts_zone', 'hosts_zone_page', 'hosts', ['zone_id', 'removed', 'created', 'id']],
  // listAccounts leaves out project accounts: type is in the index so the walk never reads the table.
  ['accounts_domain', 'accounts_domain_page', 'accounts', ['domain_id', 'removed', 'created', 'id', 'type']],
];
const ADDED: Index[] = [
  ['volumes_created', 'volumes', ['removed', 'created', 'id']],
  ['volumes_domain', 'volumes', ['domain_id', 'removed', 'created', 'id']],
  ['events_archived', 'events', ['archived', 'seq']],
  ['events_domain', 'events', ['domain_id', 'archived', 'seq']],
  ['hosts_created', 'hosts', ['removed', 'created', 'id']],
  ['accounts_created', 'accounts', ['removed', 'created', 'id', 'type']],
  // An account's creation rank (instance names i-<rank>-<n>-VM) counts the accounts created before it.
  ['accounts_rank', 'accounts', ['created', 'id']],
  // Acting for an account by name (account= & domainid=, resolveOwner) finds it without scanning its domain's accounts.
  // name is varchar(255): 1,020 bytes under utf8mb4, plus 160 for the domain id, inside InnoDB's 3,072.
  ['accounts_name', 'accounts', ['name', 'domain_id']],
  // Acting for an account (resolveOwner) picks its first user; listUsers pages by (created, id).
  ['users_account', 'users', ['account_id', 'removed', 'created', 'id']],
  ['users_created', 'users', ['removed', 'created', 'id']],
];

// MySQL names an index's table when dropping it; SQLite rejects the clause.
const dropIndex = (db: Kysely<unknown>, name: string, table: string) => {
  const drop = db.schema.dropIndex(name);
  return (db.getExecutor().adapter instanceof MysqlAdapter ? drop.on(table) : drop).execute();
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [old, name, table, columns] of REPLACED) {
    await db.schema.createIndex(name).on(table).columns(columns).execute();
    await dropIndex(db, old, table);
  }
  for (const [name, table, columns] of ADDED) await db.schema.createIndex(name).on(table).columns(columns).execute();
}
