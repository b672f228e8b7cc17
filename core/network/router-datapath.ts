// The virtual router's data path on KVM hosts: before a VM starts, the router of each isolated network it is on is
// started (or its DHCP reservations refreshed) on the router's host through that host's driver. A router placed on
// a host without a data path (a simulator host) moves to the KVM host the VM starts on. Hosts that cannot make
// bridges (no root) answer false and their VMs use QEMU's user-mode networking.
import type { Services } from '../kernel/services';
import type { NetworkRouterSpec } from '../hypervisors/driver';
import { driverFor } from '../orchestration/vm/infra';
import { ipToInt, maskBits } from './ip';
import { settingFlag } from '../kernel/settings';
import { edgeSpecOf } from './edge/edge-spec';

/**
 * The router spec of a network: its addressing, every NIC's reservation, and source NAT when the zone has a public
 * side. A shared network's router has an address of its own and hands out the operator's gateway.
 */
async function routerSpec(svc: Services, networkId: string, routerIp: string | null): Promise<NetworkRouterSpec | null> {
  const n = await svc.db.selectFrom('networks').selectAll().where('id', '=', networkId).where('removed', 'is', null).executeTakeFirst();
  if (!n || n.guest_type === 'L2' || !n.cidr || !n.gateway) return null;
  const [nics, labels, pub] = await Promise.all([
    svc.db.selectFrom('nics as c').innerJoin('vms as v', 'v.id', 'c.vm_id').select(['c.mac_address', 'c.ip_address', 'v.name'])
      .where('c.network_id', '=', n.id).execute(),
    n.physical_network_id ? svc.db.selectFrom('physical_network_traffic_types').select(['traffic_type', 'kvm_label'])
      .where('physical_network_id', '=', n.physical_network_id).execute() : [],
    n.source_nat_ip ? svc.db.selectFrom('public_ips as p').innerJoin('vlan_ip_ranges as r', 'r.id', 'p.vlan_range_id')
      .select(['r.gateway', 'r.netmask']).where('p.network_id', '=', n.id).where('p.is_source_nat', '=', 1).executeTakeFirst() : undefined,
  ]);
  const label = (t: string) => labels.find((l) => l.traffic_type === t)?.kvm_label ?? null;
  const publicBridge = label('Public');
  return {
    networkId: n.id, vlan: n.vlan ? Number(n.vlan) : null, guestIf: label('Guest'), isolation: n.broadcast_domain_type === 'Vxlan' ? 'Vxlan' : 'Vlan', gateway: n.gateway, cidr: n.cidr,
    routerIp: routerIp && routerIp !== n.gateway ? routerIp : undefined, mtu: n.private_mtu, domain: n.network_domain ?? 'cs.internal',
    hosts: nics.filter((c) => c.ip_address).map((c) => ({ mac: c.mac_address, ip: c.ip_address!, name: c.name })),
    public: pub && publicBridge && n.source_nat_ip && maskBits(pub.netmask) > 0 && ipToInt(pub.gateway) > 0
      ? { bridge: publicBridge, ip: n.source_nat_ip, netmask: pub.netmask, gateway: pub.gateway } : undefined,
    // Public addresses, NAT, firewall and load balancer rules (issue 18): the whole set, from the database.
    edge: await edgeSpecOf(svc, n),
  };
}

/** Starts or refreshes the router of a network on `hostId` (the router's host, or the VM's when that has none). */
export async function applyRouter(svc: Services, networkId: string, preferHostId?: string): Promise<boolean> {
  const router = await svc.db.selectFrom('routers').select(['id', 'host_id', 'state', 'guest_ip']).where('network_id', '=', networkId)
    .where('removed', 'is', null).executeTakeFirst();
  if (!router || router.state !== 'Running' || !(await settingFlag(svc, 'network.kvm.datapath'))) return false;
  let spec: NetworkRouterSpec | null | undefined;
  for (const hostId of [router.host_id, preferHostId]) {
    if (!hostId) continue;
    // Simulated hosts have no data path: the spec (a read of the network's NICs) is built only for a host that has one.
    const driver = await driverFor(svc, hostId).catch(() => null);
    if (!driver?.applyRouter) continue;
    spec ??= await routerSpec(svc, networkId, router.guest_ip);
    if (!spec) return false;
    const applied = await driver.applyRouter(hostId, spec);
    if (!applied) continue;
    if (typeof applied === 'object') await recordGuestMtu(svc, networkId, applied.guestMtu);
    if (hostId !== router.host_id) await svc.db.updateTable('routers').set({ host_id: hostId }).where('id', '=', router.id).execute();
    return true;
  }
  return false;
}

/**
 * A VXLAN network's guest MTU as its router's host could give it (50 bytes under that host's underlay MTU): the
 * network then reports it (`privatemtu`, each NIC's `mtu`) and VMs starting on other hosts get it too. Only ever
 * lowered, in one conditional update, so servers racing here agree; `updateNetwork privatemtu=` sets it again.
 */
async function recordGuestMtu(svc: Services, networkId: string, mtu: number | null): Promise<void> {
  if (!mtu) return;
  await svc.db.updateTable('networks').set({ private_mtu: mtu }).where('id', '=', networkId)
    .where((w) => w.or([w('private_mtu', 'is', null), w('private_mtu', '>', mtu)])).execute();
}

/** Before a VM starts on `hostId`: the routers of its networks know it (DHCP reservation, name). Failures are logged. */
export async function applyRoutersForVm(svc: Services, vmId: string, hostId: string): Promise<void> {
  const nets = await svc.db.selectFrom('nics').select('network_id').where('vm_id', '=', vmId).execute();
  for (const { network_id } of nets) {
    await applyRouter(svc, network_id, hostId).catch((e: Error) =>
      svc.log.warn(`router of network ${network_id} could not be set up for VM ${vmId}`, { error: e.message }));
  }
}

/** Stops a router's data path on its host (stopRouter, destroyRouter, restartNetwork cleanup, deleteNetwork). */
export async function removeRouterDatapath(svc: Services, networkId: string, hostId: string | null): Promise<void> {
  if (!hostId) return;
  const driver = await driverFor(svc, hostId).catch(() => null);
  await driver?.removeRouter?.(hostId, networkId).catch((e: Error) =>
    svc.log.warn(`router of network ${networkId} could not be stopped on host ${hostId}`, { error: e.message }));
}
