// Several management servers, forwarding (issue 13): a command for a host whose agent is connected to another
// server is sent to that server over HTTP (CloudStack's clustered agent manager does the same). Each server records
// where its peers reach it (peer_url), and the servers share one key (cluster_keys), made by the first server
// that starts, with which every forwarded request is signed.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('management_servers').addColumn('peer_url', 'varchar(255)').execute();
  await db.schema.createTable('cluster_keys')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('secret', 'varchar(128)', (c) => c.notNull())
    .execute();
}
