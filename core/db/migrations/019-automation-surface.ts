// What CloudStack clients read that Strata did not keep (issue 19):
// - zones carry CloudStack's `zonetoken`, a random UUID given at creation; existing zones get one here;
// - system service offerings carry their `systemvmtype` (domainrouter, consoleproxy, secondarystoragevm); existing
//   system offerings were router offerings, CloudStack's default type;
// - resource tags (createTags/listTags, tags[] on every taggable resource, tags[i].key/value list filters): one row
//   per tag, unique per resource and key; filters look up (type, key, value) and answers a page's resource ids.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('zones').addColumn('zone_token', 'varchar(40)').execute();
  const zones = await db.selectFrom('zones').select('id').execute();
  for (const z of zones) await db.updateTable('zones').set({ zone_token: randomUUID() }).where('id', '=', z.id).execute();
  await db.schema.alterTable('service_offerings').addColumn('system_vm_type', 'varchar(32)').execute();
  await db.updateTable('service_offerings').set({ system_vm_type: 'domainrouter' }).where('is_system', '=', 1).execute();
  await createResourceTags(db);
}

async function createResourceTags(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('resource_tags')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('resource_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('tag_key', 'varchar(255)', (c) => c.notNull())
    .addColumn('tag_value', 'varchar(255)', (c) => c.notNull())
    .addColumn('customer', 'varchar(255)')
    .addColumn('account_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('domain_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('resource_tags_key').on('resource_tags').columns(['resource_id', 'resource_type', 'tag_key']).unique().execute();
  await db.schema.createIndex('resource_tags_filter').on('resource_tags').columns(['resource_type', 'tag_key', 'tag_value']).execute();
  await db.schema.createIndex('resource_tags_account').on('resource_tags').columns(['account_id', 'created']).execute();
  await db.schema.createIndex('resource_tags_domain').on('resource_tags').columns(['domain_id', 'created']).execute();
}
