// Zones carry CloudStack's `zonetoken`: a random UUID given at creation and answered by createZone/listZones (CloudStack
// clients and Terraform read it). Existing zones get one here.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('zones').addColumn('zone_token', 'varchar(40)').execute();
  const zones = await db.selectFrom('zones').select('id').execute();
  for (const z of zones) await db.updateTable('zones').set({ zone_token: randomUUID() }).where('id', '=', z.id).execute();
}
