// associateIpAddress, disassociateIpAddress, listPublicIpAddresses, enableStaticNat, disableStaticNat. An isolated
// network's first public address is its source NAT address (taken when the network is implemented); more are
// acquired from the zone's public ranges, each address once per zone (public_ips_zone_ip).
import { RT, withReservation } from '../../limits/index';
import type { CallContext, HandlersFor } from '../../kernel/handler';
import type { networkEdgeCommands } from '../../contract/commands/network-edge';
import type { PublicIpAddress } from '../../contract/responses';
import type { Services } from '../../kernel/services';
import { insufficientCapacity, invalidParam } from '../../kernel/errors';
import { bool, compact, csDate, ownerFields } from '../../kernel/format';
import { countOf, paged } from '../../infrastructure/util';
import { isUniqueViolation } from '../../db/unique';
import { checkManage, networkById, type NetworkRow } from '../access';
import { implementNetwork } from '../implement';
import { intToIp, ipToInt, requireIp } from '../ip';
import { servicesOf } from '../offerings';
import { publicIpId, withFreeAddresses } from './free-ips';
import { applyEdge, deleteRules, edgeLock, ipById, revoke, scoped, vmInNetwork, type IpRow } from './edge-common';

type H = HandlersFor<typeof networkEdgeCommands>;

export async function formatIps(svc: Services, rows: IpRow[]): Promise<PublicIpAddress[]> {
  const ids = (f: (r: IpRow) => string | null) => [...new Set(rows.map(f).filter((v): v is string => !!v))];
  const [nets, zones, ranges, vms, ruled] = await Promise.all([
    ids((r) => r.network_id).length ? svc.db.selectFrom('networks').select(['id', 'name']).where('id', 'in', ids((r) => r.network_id)).execute() : [],
    svc.db.selectFrom('zones').select(['id', 'name']).where('id', 'in', ids((r) => r.zone_id)).execute(),
    svc.db.selectFrom('vlan_ip_ranges').select(['id', 'vlan', 'physical_network_id']).where('id', 'in', ids((r) => r.vlan_range_id)).execute(),
    ids((r) => r.vm_id).length ? svc.db.selectFrom('vms').select(['id', 'name', 'display_name']).where('id', 'in', ids((r) => r.vm_id)).execute() : [],
    svc.db.selectFrom('edge_rules').select('ip_id').distinct().where('ip_id', 'in', rows.map((r) => r.id)).execute(),
  ]);
  const by = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));
  const [n, z, rg, v] = [by(nets), by(zones), by(ranges), by(vms)];
  const withRules = new Set(ruled.map((r) => r.ip_id));
  const accounts = new Map(await Promise.all(ids((r) => r.account_id).map(async (id) => [id, await svc.identity.accountInfo(id).catch(() => null)] as const)));
  return rows.map((r) => {
    const acct = r.account_id ? accounts.get(r.account_id) : undefined;
    const vm = r.vm_id ? v.get(r.vm_id) : undefined;
    return compact<PublicIpAddress>({
      id: r.id, ipaddress: r.ip_address, allocated: csDate(r.created), state: r.state, zoneid: r.zone_id, zonename: z.get(r.zone_id)?.name,
      issourcenat: bool(r.is_source_nat), isstaticnat: r.vm_id !== null, issystem: false, isportable: false, forvirtualnetwork: true,
      associatednetworkid: r.network_id, associatednetworkname: r.network_id ? n.get(r.network_id)?.name : undefined,
      vlanid: r.vlan_range_id, vlanname: rg.get(r.vlan_range_id)?.vlan, physicalnetworkid: rg.get(r.vlan_range_id)?.physical_network_id,
      ...ownerFields(acct), domainid: r.domain_id, domain: acct?.domainName,
      virtualmachineid: r.vm_id, virtualmachinename: vm?.name, virtualmachinedisplayname: vm?.display_name ?? vm?.name,
      virtualmachinetype: vm ? 'UserVm' : undefined, vmipaddress: r.vm_ip, purpose: r.vm_id ? 'StaticNat' : undefined,
      hasrules: withRules.has(r.id), fordisplay: true, hasannotations: false,
    });
  });
}

/** Takes a free address of the zone's public ranges (the given one, or the lowest free) for the network. */
export async function takePublicIp(svc: Services, n: NetworkRow, want?: string): Promise<IpRow> {
  // Ranges dedicated to the network's account come first, then its domain's, then the undedicated ones; others'
  // dedicated ranges are not used (CloudStack's order).
  const rank = (r: { account_id: string | null; domain_id: string | null }) =>
    r.account_id ? (r.account_id === n.account_id ? 0 : -1) : r.domain_id ? (r.domain_id === n.domain_id ? 1 : -1) : 2;
  const ranges = (await svc.db.selectFrom('vlan_ip_ranges').select(['id', 'start_ip', 'end_ip', 'account_id', 'domain_id']).where('zone_id', '=', n.zone_id)
    .where('for_virtual_network', '=', 1).orderBy('created').execute()).filter((r) => rank(r) >= 0).sort((x, y) => rank(x) - rank(y));
  const taken = new Set((await svc.db.selectFrom('public_ips').select('ip_address').where('zone_id', '=', n.zone_id).execute()).map((r) => r.ip_address));
  for (const r of ranges) {
    for (let i = ipToInt(r.start_ip); i <= ipToInt(r.end_ip); i++) {
      const ip = intToIp(i);
      if ((want !== undefined && ip !== want) || taken.has(ip)) continue;
      const row: IpRow = { id: publicIpId(n.zone_id, ip), zone_id: n.zone_id, vlan_range_id: r.id, ip_address: ip, network_id: n.id, is_source_nat: 0,
        account_id: n.account_id, domain_id: n.domain_id, created: svc.clock.now(), state: 'Allocated', vm_id: null, vm_ip: null };
      try {
        await svc.db.insertInto('public_ips').values(row).execute();
        return row;
      } catch (e) { if (!isUniqueViolation(e)) throw e; taken.add(ip); }
      if (want !== undefined) break;
    }
  }
  if (want !== undefined) throw invalidParam(`Unable to acquire IP address ${want}: it is in use or in no public range of the zone`);
  throw insufficientCapacity(`Insufficient address capacity: no free public IP address in zone ${n.zone_id}`);
}

/** An isolated network with source NAT (the router's edge); implemented first when no VM has needed it yet. */
export async function edgeNetwork(ctx: CallContext, networkId: string, param = 'networkid'): Promise<NetworkRow> {
  const n = await networkById(ctx, networkId, param);
  await checkManage(ctx, n);
  const off = await ctx.svc.db.selectFrom('network_offerings').select('services').where('id', '=', n.network_offering_id).executeTakeFirst();
  if (n.guest_type !== 'Isolated' || !off || !servicesOf(off).SourceNat) {
    throw invalidParam(`Network ${n.name} is not an isolated network with source NAT: it has no public IP addresses`);
  }
  return n.state === 'Allocated' ? implementNetwork(ctx.svc, n) : n;
}

export const publicIpHandlers: Pick<H, 'associateIpAddress' | 'disassociateIpAddress' | 'listPublicIpAddresses' | 'enableStaticNat' | 'disableStaticNat'> = {
  associateIpAddress: {
    async prepare(ctx, a) {
      if (a.vpcid || a.isportable) throw invalidParam('VPCs and portable IP addresses are not supported');
      if (!a.networkid) throw invalidParam('networkid is required: Strata acquires public IP addresses for isolated networks');
      if (a.ipaddress !== undefined) requireIp('ipaddress', a.ipaddress);
      const n = await edgeNetwork(ctx, a.networkid);
      if (a.zoneid && a.zoneid !== n.zone_id) throw invalidParam(`Network ${n.name} is not in zone ${a.zoneid}`);
      // The network owner's public IP limit: checked and held under the count row's lock until the address is
      // taken, so concurrent acquisitions never pass it together.
      const ip = n.account_id
        ? await withReservation(ctx.svc, { accountId: n.account_id, domainId: n.domain_id }, { [RT.public_ip]: 1 }, () => takePublicIp(ctx.svc, n, a.ipaddress))
        : await takePublicIp(ctx.svc, n, a.ipaddress);
      return { instanceType: 'IpAddress', instanceId: ip.id, createdId: ip.id, locks: [edgeLock(n.id)], payload: { id: ip.id, networkId: n.id } };
    },
    async execute(ctx, _a, p: { id: string; networkId: string }) {
      // The router answers for the new address on its public leg.
      await applyEdge(ctx.svc, p.networkId, () => ctx.svc.db.deleteFrom('public_ips').where('id', '=', p.id).execute().then(() => undefined));
      const row = await ctx.svc.db.selectFrom('public_ips').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
      await ctx.svc.events.record({ type: 'NET.IPASSIGN', description: `Acquired public IP ${row.ip_address}`, state: 'Completed', resourceId: row.id,
        resourceType: 'IpAddress', userId: ctx.caller.userId, accountId: row.account_id, domainId: row.domain_id });
      return (await formatIps(ctx.svc, [row]))[0];
    },
  },
  disassociateIpAddress: {
    async prepare(ctx, a) {
      const ip = await ipById(ctx, a.id, 'id');
      if (ip.is_source_nat) throw invalidParam(`IP address ${ip.ip_address} is the source NAT address of its network and can't be released`);
      await ctx.svc.db.updateTable('public_ips').set({ state: 'Releasing' }).where('id', '=', ip.id).execute();
      return { instanceType: 'IpAddress', instanceId: ip.id, locks: [edgeLock(ip.network_id ?? ip.id)], payload: {} };
    },
    async execute(ctx, a) {
      const ip = await ctx.svc.db.selectFrom('public_ips').selectAll().where('id', '=', a.id).executeTakeFirst();
      if (!ip) return;
      const rules = (await ctx.svc.db.selectFrom('edge_rules').select('id').where('ip_id', '=', ip.id).execute()).map((r) => r.id);
      await revoke(ctx.svc, rules);
      await ctx.svc.db.updateTable('public_ips').set({ vm_id: null, vm_ip: null, network_id: null }).where('id', '=', ip.id).execute();
      if (ip.network_id) await applyEdge(ctx.svc, ip.network_id);
      await deleteRules(ctx.svc, rules);
      await ctx.svc.db.deleteFrom('public_ips').where('id', '=', ip.id).execute();
      await ctx.svc.events.record({ type: 'NET.IPRELEASE', description: `Released public IP ${ip.ip_address}`, state: 'Completed', resourceId: ip.id,
        resourceType: 'IpAddress', userId: ctx.caller.userId, accountId: ip.account_id, domainId: ip.domain_id });
    },
  },
  async listPublicIpAddresses(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = scoped(ctx.svc.db.selectFrom('public_ips'), scope, 'account_id', 'domain_id');
    if (a.forvirtualnetwork === false || a.vpcid) q = q.where('id', '=', '-');
    if (a.id) q = q.where('id', '=', a.id);
    if (a.ipaddress) q = q.where('ip_address', '=', a.ipaddress);
    const net = a.associatednetworkid ?? a.networkid;
    if (net) q = q.where('network_id', '=', net);
    if (a.zoneid) q = q.where('zone_id', '=', a.zoneid);
    if (a.vlanid) q = q.where('vlan_range_id', '=', a.vlanid);
    if (a.issourcenat !== undefined) q = q.where('is_source_nat', '=', a.issourcenat ? 1 : 0);
    if (a.isstaticnat !== undefined) q = q.where('vm_id', a.isstaticnat ? 'is not' : 'is', null);
    if (a.state) q = q.where('state', '=', a.state);
    if (a.keyword) q = q.where('ip_address', 'like', `%${a.keyword}%`);
    if (a.allocatedonly === false) {
      // Free addresses have no owner, network, NAT or state but Free: a filter on any of those lists allocated ones only.
      const freeToo = !net && a.issourcenat !== true && a.isstaticnat !== true && (!a.state || a.state.toLowerCase() === 'free') &&
        a.forvirtualnetwork !== false && !a.vpcid;
      return withFreeAddresses(ctx, a, scope, await q.selectAll().execute(), freeToo, (rows) => formatIps(ctx.svc, rows));
    }
    const count = await countOf(q.select((e) => e.fn.countAll().as('n')));
    const rows = await paged(q.selectAll().orderBy('created').orderBy('id'), a, ctx.svc.config.maxPageSize).execute();
    return { count, items: await formatIps(ctx.svc, rows) };
  },

  async enableStaticNat(ctx, a) {
    const ip = await ipById(ctx, a.ipaddressid);
    if (!ip.network_id) throw invalidParam(`IP address ${ip.ip_address} is not associated with a network`);
    if (a.networkid && a.networkid !== ip.network_id) throw invalidParam(`IP address ${ip.ip_address} belongs to another network than ${a.networkid}`);
    if (ip.is_source_nat) throw invalidParam(`Can't enable static NAT: IP address ${ip.ip_address} is a source NAT address`);
    if (ip.vm_id) throw invalidParam(`Failed to enable static NAT for IP address ${ip.ip_address}: it is already mapped to VM ${ip.vm_id}`);
    const rules = await ctx.svc.db.selectFrom('edge_rules').select('id').where('ip_id', '=', ip.id).where('purpose', '!=', 'Firewall').executeTakeFirst();
    if (rules) throw invalidParam(`Failed to enable static NAT for IP address ${ip.ip_address}: it has port forwarding or load balancing rules`);
    const vm = await vmInNetwork(ctx, a.virtualmachineid, ip.network_id, ip.account_id, 'virtualmachineid', a.vmguestip);
    try {
      await ctx.svc.db.updateTable('public_ips').set({ vm_id: vm.id, vm_ip: vm.ip }).where('id', '=', ip.id).where('vm_id', 'is', null).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw invalidParam(`Failed to enable static NAT: VM ${vm.name} already has a static NAT address`);
      throw e;
    }
    await applyEdge(ctx.svc, ip.network_id, async () => {
      await ctx.svc.db.updateTable('public_ips').set({ vm_id: null, vm_ip: null }).where('id', '=', ip.id).execute();
    });
    await ctx.svc.events.record({ type: 'STATICNAT.ENABLE', description: `Enabled static NAT of ${ip.ip_address} to VM ${vm.name}`, state: 'Completed',
      resourceId: ip.id, resourceType: 'IpAddress', userId: ctx.caller.userId, accountId: ip.account_id, domainId: ip.domain_id });
  },
  disableStaticNat: {
    async prepare(ctx, a) {
      const ip = await ipById(ctx, a.ipaddressid);
      if (!ip.vm_id) throw invalidParam(`Static NAT is not enabled for IP address ${ip.ip_address}`);
      return { instanceType: 'IpAddress', instanceId: ip.id, locks: [edgeLock(ip.network_id ?? ip.id)], payload: {} };
    },
    async execute(ctx, a) {
      const ip = await ctx.svc.db.selectFrom('public_ips').selectAll().where('id', '=', a.ipaddressid).executeTakeFirstOrThrow();
      await ctx.svc.db.updateTable('public_ips').set({ vm_id: null, vm_ip: null }).where('id', '=', ip.id).execute();
      if (ip.network_id) {
        await applyEdge(ctx.svc, ip.network_id, async () => {
          await ctx.svc.db.updateTable('public_ips').set({ vm_id: ip.vm_id, vm_ip: ip.vm_ip }).where('id', '=', ip.id).execute();
        });
      }
      await ctx.svc.events.record({ type: 'STATICNAT.DISABLE', description: `Disabled static NAT of ${ip.ip_address}`, state: 'Completed',
        resourceId: ip.id, resourceType: 'IpAddress', userId: ctx.caller.userId, accountId: ip.account_id, domainId: ip.domain_id });
    },
  },
};
