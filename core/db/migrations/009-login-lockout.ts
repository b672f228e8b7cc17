// Issue 9: password guessing. users.login_attempts counts a user's consecutive failed logins (CloudStack's
// user.login_attempts; the user is locked at incorrect.login.attempts.allowed). login_failures counts failed
// logins per client address and when the address may next try (a login being checked holds it too), so every
// management server sharing the database slows the same guesser.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('login_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createTable('login_failures')
    .addColumn('address', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure', 'bigint', (c) => c.notNull())
    .addColumn('next_allowed', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
  await db.schema.alterTable('users').dropColumn('login_attempts').execute();
}
