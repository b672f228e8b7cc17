// What CloudStack clients read that Strata did not keep (issue 19):
// - zones carry CloudStack's `zonetoken`, a random UUID given at creation; existing zones get one here;
// - system service offerings carry their `systemvmtype` (domainrouter, consoleproxy, secondarystoragevm); existing
//   system offerings were router offerings, CloudStack's default type.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('zones').addColumn('zone_token', 'varchar(40)').execute();
  const zones = await db.selectFrom('zones').select('id').execute();
  for (const z of zones) await db.updateTable('zones').set({ zone_token: randomUUID() }).where('id', '=', z.id).execute();
  await db.schema.alterTable('service_offerings').addColumn('system_vm_type', 'varchar(32)').execute();
  await db.updateTable('service_offerings').set({ system_vm_type: 'domainrouter' }).where('is_system', '=', 1).execute();
}
