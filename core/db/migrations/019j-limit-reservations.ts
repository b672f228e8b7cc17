// Reservations against resource limits (CloudStack's resource_reservation): an allocation whose rows are written
// later than its limit check (a volume resized after the driver answers, a VM scaled, an address taken) reserves its
// amount in the check's transaction, under the count row's lock; the limit check counts usage plus reservations,
// and the reservation is dropped once the resource rows carry the amount (or the allocation failed).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('resource_reservations')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey()) // <prefix><uuid>:<type>
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('resource_type', 'integer', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('resource_reservations_account').on('resource_reservations').columns(['account_id', 'resource_type']).execute();
}
