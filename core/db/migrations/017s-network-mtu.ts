// Issue 17 (server side): a guest network's MTUs, as CloudStack keeps them (createNetwork / updateNetwork publicmtu
// and privatemtu; null: the default 1500). The guest side's MTU is honoured on KVM hosts: bridge, VLAN member, taps,
// the guest's virtio-net and the router's DHCP option 26. And createNetwork's `routerip`: the address the virtual
// router of a shared network takes in its range (null: the lowest free one when the router is made).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('networks').addColumn('public_mtu', 'integer').execute();
  await db.schema.alterTable('networks').addColumn('private_mtu', 'integer').execute();
  await db.schema.alterTable('networks').addColumn('router_ip', 'varchar(64)').execute();
}
