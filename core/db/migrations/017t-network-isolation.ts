// Issue 17: a guest network's broadcast domain type, as CloudStack keeps it (networks.broadcast_domain_type): 'Vlan'
// or 'Vxlan', from its physical network's isolation method when the network is made. It picks the network's
// broadcast URI (vlan://N or vxlan://N) and how KVM hosts link its bridge to the other hosts' (an 802.1q
// sub-interface or a VXLAN device). Null: a network made before this column, which is 'Vlan'.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('networks').addColumn('broadcast_domain_type', 'varchar(16)').execute();
}
