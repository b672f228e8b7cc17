// IP ranges: more guest addresses for a shared network (networkid=), or the zone's public addresses
// (forvirtualnetwork=true), from which isolated networks take their source NAT address.
import type { Selectable } from 'kysely';
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { Services } from '../kernel/services';
import { RT, withReservation } from '../limits/index';
import type { networkCommands } from '../contract/commands/network';
import type { VlanIpRangeTable } from '../db/schema';
import type { VlanIpRange } from '../contract/responses';
import { invalidParam, notFound, resourceInUse } from '../kernel/errors';
import { compact, ownerFields } from '../kernel/format';
import { changed, countOf, paged } from '../infrastructure/util';
import { broadcastUriOf, hostRange, ipToInt, parseVlanTag, requireIp, subnetOf } from './ip';
import { guestPhysicalNetwork } from './physical-networks';
import { networkById } from './access';

type H = HandlersFor<typeof networkCommands>;
type RangeRow = Selectable<VlanIpRangeTable>;

/** A range with its owner's names (account or project, and domain) when it is dedicated. */
async function formatRange(svc: Services, r: RangeRow): Promise<VlanIpRange> {
  const owner = r.account_id ? await svc.identity.accountInfo(r.account_id) : null;
  const dom = r.domain_id ? await svc.identity.domainInfo(r.domain_id) : null;
  return compact<VlanIpRange>({
    ...ownerFields(owner), domain: dom?.name, domainpath: dom?.path,
    id: r.id, zoneid: r.zone_id, networkid: r.network_id, physicalnetworkid: r.physical_network_id, podid: r.pod_id,
    vlan: r.vlan, gateway: r.gateway, netmask: r.netmask, cidr: subnetOf(r.gateway, r.netmask).cidr, startip: r.start_ip,
    endip: r.end_ip, forvirtualnetwork: r.for_virtual_network === 1, forsystemvms: false, domainid: r.domain_id ?? undefined,
  });
}

/**
 * Who a new public range is dedicated to (CloudStack's vlan owner): a project (projectid), an account (account with
 * domainid), a domain (domainid alone), or nobody. CloudStack's errors for unknown ones.
 */
async function rangeOwner(ctx: CallContext, a: { account?: string; domainid?: string; projectid?: string }): Promise<{ accountId: string | null; domainId: string } | null> {
  if (a.projectid) {
    if (a.account) throw invalidParam('Account and projectId are mutually exclusive');
    const p = await ctx.svc.db.selectFrom('projects').select(['account_id', 'domain_id']).where('id', '=', a.projectid).where('removed', 'is', null).executeTakeFirst();
    if (!p) throw invalidParam(`Unable to find project by id ${a.projectid}`);
    return { accountId: p.account_id, domainId: p.domain_id };
  }
  if (a.account && a.domainid) {
    const acc = await ctx.svc.db.selectFrom('accounts').select(['id', 'domain_id']).where('name', '=', a.account).where('domain_id', '=', a.domainid)
      .where('removed', 'is', null).executeTakeFirst();
    if (!acc) throw invalidParam('Please specify a valid account.');
    return { accountId: acc.id, domainId: acc.domain_id };
  }
  if (a.domainid) {
    const d = await ctx.svc.db.selectFrom('domains').select('id').where('id', '=', a.domainid).executeTakeFirst();
    if (!d) throw invalidParam('Please specify a valid domain id');
    return { accountId: null, domainId: d.id };
  }
  return null;
}

const overlaps = (a: RangeRow, lo: number, hi: number) => ipToInt(a.start_ip) <= hi && lo <= ipToInt(a.end_ip);

export const ipRangeHandlers: Pick<H, 'createVlanIpRange' | 'deleteVlanIpRange' | 'listVlanIpRanges'> = {
  async createVlanIpRange(ctx, a) {
    const dedicated = await rangeOwner(ctx, a);
    if (dedicated && a.forvirtualnetwork === false) throw invalidParam('Only public IP ranges (forvirtualnetwork=true) can be dedicated to an account, a project or a domain');
    if (a.startipv6 || a.endipv6 || a.ip6cidr || a.ip6gateway) throw invalidParam('IPv6 ranges are not supported');
    if (!a.startip) throw invalidParam('startip is required: IPv4 ranges need a start address');
    const net = a.networkid ? await networkById(ctx, a.networkid, 'networkid') : undefined;
    const publicRange = a.forvirtualnetwork ?? !net;
    if (dedicated && net) throw invalidParam('Only public IP ranges (forvirtualnetwork=true) can be dedicated to an account, a project or a domain');
    if (net && net.guest_type !== 'Shared') throw invalidParam(`Network ${net.name} is ${net.guest_type}: IP ranges can be added to Shared networks only`);
    const zoneId = net?.zone_id ?? a.zoneid;
    if (!zoneId) throw invalidParam('zoneid is required for a public IP range');
    const zone = await ctx.svc.db.selectFrom('zones').select('id').where('id', '=', zoneId).where('removed', 'is', null).executeTakeFirst();
    if (!zone) throw notFound(ctx.command, 'zoneid', zoneId);
    const gateway = a.gateway ?? net?.gateway;
    const netmask = a.netmask ?? net?.netmask;
    if (!gateway || !netmask) throw invalidParam('gateway and netmask are required for a new IP range');
    const s = subnetOf(gateway, netmask);
    const endip = a.endip ?? a.startip;
    requireIp('startip', a.startip);
    requireIp('endip', endip);
    const [lo, hi] = [ipToInt(a.startip), ipToInt(endip)];
    const [first, last] = hostRange(s);
    if (lo > hi) throw invalidParam('endip must not be lower than startip');
    if (lo < first || hi > last) throw invalidParam(`The range ${a.startip}-${endip} is not in the network ${s.cidr} of gateway ${gateway}`);
    const gw = ipToInt(gateway);
    if (gw >= lo && gw <= hi) throw invalidParam(`The gateway ${gateway} must not be inside the range ${a.startip}-${endip}`);
    if (net && net.gateway !== gateway) throw invalidParam(`The gateway of the range must be the network's gateway ${net.gateway}`);
    const vlan = a.vlan === undefined ? (net?.vlan ?? 'untagged') : a.vlan;
    const tag = parseVlanTag(vlan);
    const same = await ctx.svc.db.selectFrom('vlan_ip_ranges').selectAll().where('zone_id', '=', zoneId).execute();
    const hit = same.find((r) => overlaps(r, lo, hi));
    if (hit) throw invalidParam(`The IP range ${a.startip}-${endip} overlaps with the range ${hit.start_ip}-${hit.end_ip} of the zone`);
    const phys = a.physicalnetworkid ?? net?.physical_network_id ?? (await guestPhysicalNetwork(ctx, zoneId))?.id ?? null;
    const row: RangeRow = {
      id: ctx.svc.newId(), zone_id: zoneId, physical_network_id: phys, network_id: publicRange ? null : net?.id ?? null,
      pod_id: a.podid ?? null, vlan: tag === null ? 'untagged' : broadcastUriOf(net?.broadcast_domain_type, tag), gateway, netmask, start_ip: a.startip, end_ip: endip,
      for_virtual_network: publicRange ? 1 : 0, account_id: dedicated?.accountId ?? null, domain_id: dedicated?.domainId ?? null,
      created: ctx.svc.clock.now(),
    };
    // A range dedicated to an account holds its addresses for it: they must fit in its public IP limit (as CloudStack).
    const insert = () => ctx.svc.db.insertInto('vlan_ip_ranges').values(row).execute();
    if (dedicated?.accountId) await withReservation(ctx.svc, { accountId: dedicated.accountId, domainId: dedicated.domainId }, { [RT.public_ip]: hi - lo + 1 }, insert);
    else await insert();
    await changed(ctx, 'VLAN.IP.RANGE.CREATE', `Created IP range ${row.start_ip}-${row.end_ip}`, { id: row.id, type: 'VlanIpRange', name: row.start_ip });
    return formatRange(ctx.svc, row);
  },
  async deleteVlanIpRange(ctx, a) {
    const r = await ctx.svc.db.selectFrom('vlan_ip_ranges').selectAll().where('id', '=', a.id).executeTakeFirst();
    if (!r) throw notFound(ctx.command, 'id', a.id);
    const [lo, hi] = [ipToInt(r.start_ip), ipToInt(r.end_ip)];
    const inUse = r.for_virtual_network
      ? await countOf(ctx.svc.db.selectFrom('public_ips').select((e) => e.fn.countAll().as('n')).where('vlan_range_id', '=', r.id))
      : (await ctx.svc.db.selectFrom('nics').select('ip_address').where('network_id', '=', r.network_id!).execute())
        .filter((n) => n.ip_address && ipToInt(n.ip_address) >= lo && ipToInt(n.ip_address) <= hi).length;
    if (inUse > 0) throw resourceInUse(`Unable to delete IP range ${r.start_ip}-${r.end_ip}: ${inUse} of its addresses are in use`);
    await ctx.svc.db.deleteFrom('vlan_ip_ranges').where('id', '=', r.id).execute();
    await changed(ctx, 'VLAN.IP.RANGE.DELETE', `Deleted IP range ${r.start_ip}-${r.end_ip}`, { id: r.id, type: 'VlanIpRange', name: r.start_ip });
  },
  async listVlanIpRanges(ctx, a) {
    let q = ctx.svc.db.selectFrom('vlan_ip_ranges');
    if (a.id) q = q.where('id', '=', a.id);
    if (a.zoneid) q = q.where('zone_id', '=', a.zoneid);
    if (a.networkid) q = q.where('network_id', '=', a.networkid);
    if (a.physicalnetworkid) q = q.where('physical_network_id', '=', a.physicalnetworkid);
    if (a.podid) q = q.where('pod_id', '=', a.podid);
    if (a.vlan) q = q.where('vlan', '=', /^\d+$/.test(a.vlan) ? `vlan://${a.vlan}` : a.vlan);
    if (a.forvirtualnetwork !== undefined) q = q.where('for_virtual_network', '=', a.forvirtualnetwork ? 1 : 0);
    const count = await countOf(q.select((e) => e.fn.countAll().as('n')));
    const rows = await paged(q.selectAll().orderBy('created').orderBy('id'), a, ctx.svc.config.maxPageSize).execute();
    const items: VlanIpRange[] = [];
    for (const r of rows) items.push(await formatRange(ctx.svc, r));
    return { count, items };
  },
};
