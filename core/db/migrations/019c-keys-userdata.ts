// SSH key pairs and registered user data (issue 19), and what a VM got of them at deploy:
// - ssh_keypairs: an account's public keys by name (unique per account, as is each key's fingerprint);
// - user_data: an account's registered user data by name, which templates may link (templates.userdata_id/policy);
// A VM keeps what it was given in its details, as CloudStack keeps them in user_vm_details (hidden from the API's
// details map): the key pair names and their public keys as they were then, and the registered user data's id.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('ssh_keypairs')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
    .addColumn('public_key', 'varchar(8192)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ssh_keypairs_name').on('ssh_keypairs').columns(['account_id', 'name']).unique().execute();
  await db.schema.createIndex('ssh_keypairs_fingerprint').on('ssh_keypairs').columns(['account_id', 'fingerprint']).unique().execute();
  await db.schema.createIndex('ssh_keypairs_domain').on('ssh_keypairs').columns(['domain_id', 'created']).execute();

  await db.schema.createTable('user_data')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('user_data', 'text', (c) => c.notNull())
    .addColumn('params', 'varchar(4096)')
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_data_name').on('user_data').columns(['account_id', 'name']).unique().execute();
  await db.schema.createIndex('user_data_domain').on('user_data').columns(['domain_id', 'created']).execute();
  await db.schema.alterTable('templates').addColumn('userdata_id', 'varchar(40)').execute();
  await db.schema.alterTable('templates').addColumn('userdata_policy', 'varchar(32)').execute();

}
