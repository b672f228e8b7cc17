// A load balancer member's health as the router's haproxy last reported it (CloudStack keeps it in lb_vm_map.state
// and answers it as servicestate): what listLoadBalancerRuleInstances shows, and when it was read, so every
// management server answers from the same reading and only re-reads the router when that is stale.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('lb_members').addColumn('service_state', 'varchar(32)').execute();
  await db.schema.alterTable('lb_members').addColumn('service_state_at', 'bigint').execute();
}
