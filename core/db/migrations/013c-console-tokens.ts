// Console tokens in the database (issue 13): a console endpoint created through one management server is redeemed
// by whichever server the viewer's WebSocket reaches behind the load balancer. Keyed by a SHA-256 of the token.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('console_tokens')
    .addColumn('key_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('vm_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('extra', 'varchar(255)')
    .addColumn('issued', 'bigint', (c) => c.notNull())
    .addColumn('expires', 'bigint', (c) => c.notNull())
    .addColumn('used', 'bigint')
    .execute();
  await db.schema.createIndex('console_tokens_expires').on('console_tokens').columns(['expires']).execute();
}
