// Projects (issue 19 item 6), as CloudStack models them: a project owns a hidden account of type PROJECT (5), so
// everything keyed by account (ownership, list scoping, tags, limits) works for project resources unchanged.
// - projects: name, display text, state (Active | Suspended), its account, its domain;
// - project_accounts: the accounts that are members, each with a role (Admin | Regular);
// - project_invitations: pending invitations when project.invite.required is true (Pending | Completed | Declined).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('projects')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('display_text', 'varchar(255)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('state', 'varchar(32)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('removed', 'bigint')
    .execute();
  await db.schema.createIndex('projects_account').on('projects').columns(['account_id']).unique().execute();
  await db.schema.createIndex('projects_domain').on('projects').columns(['domain_id', 'removed', 'created']).execute();

  await db.schema.createTable('project_accounts')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  // One membership per account and project; the second index answers "which projects is this account in".
  await db.schema.createIndex('project_accounts_member').on('project_accounts').columns(['project_id', 'account_id']).unique().execute();
  await db.schema.createIndex('project_accounts_account').on('project_accounts').columns(['account_id', 'project_id']).execute();

  await db.schema.createTable('project_invitations')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)')
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('email', 'varchar(255)')
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('project_invitations_project').on('project_invitations').columns(['project_id', 'state']).execute();
  await db.schema.createIndex('project_invitations_account').on('project_invitations').columns(['account_id', 'state']).execute();
}
