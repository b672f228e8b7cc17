// Implementing a guest network when its first VM needs it (CloudStack's "runtime allocation"): an isolated or L2
// network gets a VLAN from its physical network's range, an isolated network with source NAT a public address
// from the zone's public range and a virtual router. Everything taken is taken by an insert that a unique key
// guards, so two management servers implementing at once cannot share a VLAN or an address; the network row moves
// Allocated -> Implemented by one conditional update, and the loser of a race gives back what it took.
import type { Services } from '../kernel/services';
import type { Db } from '../db/connect';
import { insufficientCapacity, invalidParam } from '../kernel/errors';
import { isUniqueViolation } from '../db/unique';
import { intToIp, ipToInt, parseVlanRanges, vnetMaxOf } from './ip';
import { servicesOf } from './offerings';
import { publicIpId } from './edge/free-ips';
import type { NetworkRow } from './access';
import { planNic, writeNic } from './nics';

type Svc = Pick<Services, 'db' | 'clock' | 'newId' | 'events'>;

/** Takes a VLAN for the network: the given one, or the lowest free one of the physical network's range. */
export async function takeVlan(svc: Svc, n: Pick<NetworkRow, 'id' | 'zone_id' | 'physical_network_id' | 'name'>, want?: number): Promise<number> {
  const physId = n.physical_network_id!;
  const row = (vlan: number) => ({ zone_id: n.zone_id, vlan, physical_network_id: physId, network_id: n.id, created: svc.clock.now() });
  if (want !== undefined) {
    try { await svc.db.insertInto('guest_vlans').values(row(want)).execute(); } catch (e) {
      if (isUniqueViolation(e)) throw invalidParam(`Network with vlan ${want} already exists or overlaps with other network vlans in zone ${n.zone_id}`);
      throw e;
    }
    return want;
  }
  const phys = await svc.db.selectFrom('physical_networks').select(['vlan', 'name', 'isolation_methods']).where('id', '=', physId).executeTakeFirst();
  const ranges = phys?.vlan ? parseVlanRanges(phys.vlan, vnetMaxOf(phys.isolation_methods)) : [];
  const tried = new Set((await svc.db.selectFrom('guest_vlans').select('vlan').where('zone_id', '=', n.zone_id).execute()).map((r) => Number(r.vlan)));
  for (const [lo, hi] of ranges) {
    for (let v = lo; v <= hi; v++) {
      if (tried.has(v)) continue;
      tried.add(v);
      try { await svc.db.insertInto('guest_vlans').values(row(v)).execute(); return v; } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
    }
  }
  throw insufficientCapacity(`Unable to allocate a guest VLAN for network ${n.name}: the VLAN range of physical network ${phys?.name ?? physId} (${phys?.vlan ?? 'none'}) is used up`);
}

/** Takes the lowest free address of the zone's public ranges as the network's source NAT address; null when the zone has no public range. */
async function takeSourceNat(svc: Svc, n: NetworkRow): Promise<string | null> {
  const ranges = await svc.db.selectFrom('vlan_ip_ranges').select(['id', 'start_ip', 'end_ip']).where('zone_id', '=', n.zone_id)
    .where('for_virtual_network', '=', 1).orderBy('created').execute();
  if (ranges.length === 0) return null;
  const tried = new Set((await svc.db.selectFrom('public_ips').select('ip_address').where('zone_id', '=', n.zone_id).execute()).map((r) => r.ip_address));
  for (const r of ranges) {
    for (let i = ipToInt(r.start_ip); i <= ipToInt(r.end_ip); i++) {
      const ip = intToIp(i);
      if (tried.has(ip)) continue;
      tried.add(ip);
      try {
        await svc.db.insertInto('public_ips').values({ id: publicIpId(n.zone_id, ip), zone_id: n.zone_id, vlan_range_id: r.id, ip_address: ip,
          network_id: n.id, is_source_nat: 1, account_id: n.account_id, domain_id: n.domain_id, created: svc.clock.now() }).execute();
        return ip;
      } catch (e) { if (!isUniqueViolation(e)) throw e; }
    }
  }
  throw insufficientCapacity(`Unable to allocate a source NAT address for network ${n.name}: the zone's public addresses are all in use`);
}

/** A host of the zone to run the router on (the first Up, Enabled one by name); null when none is up. */
async function routerHost(db: Db, zoneId: string): Promise<string | null> {
  const h = await db.selectFrom('hosts').select('id').where('zone_id', '=', zoneId).where('state', '=', 'Up')
    .where('resource_state', '=', 'Enabled').where('removed', 'is', null).where('type', '=', 'Routing').orderBy('name').executeTakeFirst();
  return h?.id ?? null;
}

/**
 * Creates the network's virtual router row (Running on a host of the zone). An isolated network's router holds the
 * gateway; a shared network's gateway is the operator's, so its router (DHCP and DNS) takes an address of the
 * network's range (createNetwork's routerip, else the lowest free one), held by a NIC row of the router's own, so
 * no VM is ever given it.
 */
export async function createRouter(svc: Svc, n: NetworkRow, publicIp: string | null): Promise<string> {
  const id = svc.newId();
  const now = svc.clock.now();
  let guest = { ip: n.gateway, mac: null as string | null };
  if (n.guest_type === 'Shared') {
    const plan = await planNic(svc.db, n, { id: svc.newId(), ip: n.router_ip ?? undefined, deviceId: 0, isDefault: true, now });
    await writeNic(svc.db, id, plan);
    guest = { ip: plan.ip, mac: plan.mac };
  }
  await svc.db.insertInto('routers').values({
    id, name: `r-${id.replace(/-/g, '').slice(-8)}-VM`, network_id: n.id, zone_id: n.zone_id, host_id: await routerHost(svc.db, n.zone_id),
    state: 'Running', guest_ip: guest.ip, public_ip: publicIp, mac_address: guest.mac, account_id: n.account_id, domain_id: n.domain_id,
    updated: now, created: now, removed: null,
  }).execute();
  await svc.events.record({ type: 'ROUTER.CREATE', description: `Created virtual router for network ${n.name}`, state: 'Completed',
    resourceId: id, resourceType: 'DomainRouter', resourceName: n.name, accountId: n.account_id, domainId: n.domain_id });
  return id;
}

/** Whether the network has a virtual router: every isolated one, and a shared one whose offering has DHCP. */
export async function needsRouter(db: Db, n: Pick<NetworkRow, 'guest_type' | 'network_offering_id'>): Promise<boolean> {
  if (n.guest_type === 'Isolated') return true;
  if (n.guest_type !== 'Shared') return false;
  const off = await db.selectFrom('network_offerings').select('services').where('id', '=', n.network_offering_id).executeTakeFirst();
  return off !== undefined && !!servicesOf(off).Dhcp;
}

/** The network is in use (a shared network is from its creation; an isolated or L2 one once implemented). */
export const isLive = (n: Pick<NetworkRow, 'state'>) => n.state === 'Implemented' || n.state === 'Setup';

/** Makes the network ready for a VM: Allocated -> Implemented (VLAN, source NAT, router); a router that was destroyed is recreated. */
export async function implementNetwork(svc: Svc, n: NetworkRow): Promise<NetworkRow> {
  if (isLive(n)) {
    if (await needsRouter(svc.db, n)) await ensureRouter(svc, n);
    return n;
  }
  if (n.state !== 'Allocated') throw invalidParam(`Network ${n.name} is ${n.state}: it cannot take new VMs`);
  const vlan = n.vlan ?? String(await takeVlan(svc, n));
  let publicIp: string | null = null;
  const off = await svc.db.selectFrom('network_offerings').select('services').where('id', '=', n.network_offering_id).executeTakeFirst();
  const sourceNat = n.guest_type === 'Isolated' && off !== undefined && !!servicesOf(off).SourceNat;
  try {
    if (sourceNat) publicIp = await takeSourceNat(svc, n);
    const won = await svc.db.updateTable('networks').set({ state: 'Implemented', vlan, source_nat_ip: publicIp })
      .where('id', '=', n.id).where('state', '=', 'Allocated').executeTakeFirst();
    if (Number(won.numUpdatedRows) === 1) {
      const done = { ...n, state: 'Implemented', vlan, source_nat_ip: publicIp };
      if (await needsRouter(svc.db, n)) await createRouter(svc, done, publicIp);
      return done;
    }
  } catch (e) {
    await giveBack(svc.db, n.id, n.vlan === null, publicIp, vlan);
    throw e;
  }
  // Another server implemented it first: its VLAN and address stand, ours go back.
  await giveBack(svc.db, n.id, n.vlan === null, publicIp, vlan);
  return svc.db.selectFrom('networks').selectAll().where('id', '=', n.id).executeTakeFirstOrThrow();
}

async function giveBack(db: Db, networkId: string, ownVlan: boolean, publicIp: string | null, vlan?: string): Promise<void> {
  if (ownVlan && vlan !== undefined) await db.deleteFrom('guest_vlans').where('network_id', '=', networkId).where('vlan', '=', Number(vlan)).execute();
  if (publicIp) await db.deleteFrom('public_ips').where('network_id', '=', networkId).where('ip_address', '=', publicIp).execute();
}

/** The live router of an implemented isolated network, created again when it was destroyed. */
export async function ensureRouter(svc: Svc, n: NetworkRow): Promise<void> {
  const r = await svc.db.selectFrom('routers').select('id').where('network_id', '=', n.id).where('removed', 'is', null).executeTakeFirst();
  if (!r) await createRouter(svc, n, n.source_nat_ip);
}

/** The addresses held by the network's routers (shared networks) go back: the router is destroyed. */
export async function releaseRouterAddresses(db: Db, networkId: string): Promise<void> {
  await db.deleteFrom('nics').where('network_id', '=', networkId)
    .where('vm_id', 'in', db.selectFrom('routers').select('id').where('network_id', '=', networkId)).execute();
}

/** Everything the network holds goes back (deleteNetwork): router, VLAN, public addresses, IP ranges. */
export async function releaseNetwork(svc: Svc, n: NetworkRow): Promise<void> {
  const now = svc.clock.now();
  await releaseRouterAddresses(svc.db, n.id);
  await svc.db.updateTable('routers').set({ state: 'Destroyed', removed: now, updated: now }).where('network_id', '=', n.id).where('removed', 'is', null).execute();
  await svc.db.deleteFrom('guest_vlans').where('network_id', '=', n.id).execute();
  await svc.db.deleteFrom('public_ips').where('network_id', '=', n.id).execute();
  await svc.db.deleteFrom('vlan_ip_ranges').where('network_id', '=', n.id).execute();
}
