// listPublicIpAddresses allocatedonly=false: CloudStack keeps a row for every address of a public range, so it lists
// the free ones too (state Free), as its UI's "acquire a chosen address" picker asks. Strata has rows only for
// acquired addresses; the free ones are read off the ranges, in range and address order, each with the id the
// address has whenever it is acquired (publicIpId), so an id seen in the list stays the address's id.
import { scopeAdmits } from '../../kernel/list-scope';
import { createHash } from 'node:crypto';
import type { CallContext } from '../../kernel/handler';
import type { ListScope } from '../../kernel/services';
import type { PublicIpAddress } from '../../contract/responses';
import { compact } from '../../kernel/format';
import { pageWindow } from '../../kernel/paging';
import { intToIp, ipToInt } from '../ip';
import type { IpRow } from './edge-common';

/** An address's id in its zone: the same for the free address and for every time it is acquired (as CloudStack's row). */
export function publicIpId(zoneId: string, ip: string): string {
  const h = createHash('sha1').update(`public-ip:${zoneId}:${ip}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface FreeListArgs {
  page?: number; pagesize?: number; id?: string; ipaddress?: string; keyword?: string; zoneid?: string; vlanid?: string; physicalnetworkid?: string;
}

/**
 * The visible allocated rows (already filtered and scoped by the caller's query) merged with the free addresses of
 * the ranges the caller may use (not dedicated, or dedicated within its scope), paged over the merged order.
 */
export async function withFreeAddresses(ctx: CallContext, a: FreeListArgs, scope: ListScope, visible: IpRow[], freeToo: boolean,
  format: (rows: IpRow[]) => Promise<PublicIpAddress[]>): Promise<{ count: number; items: PublicIpAddress[] }> {
  let q = ctx.svc.db.selectFrom('vlan_ip_ranges as r').innerJoin('zones as z', 'z.id', 'r.zone_id')
    .select(['r.id', 'r.zone_id', 'z.name as zone_name', 'r.vlan', 'r.physical_network_id', 'r.start_ip', 'r.end_ip', 'r.account_id', 'r.domain_id'])
    .where('r.for_virtual_network', '=', 1);
  if (a.zoneid) q = q.where('r.zone_id', '=', a.zoneid);
  if (a.vlanid) q = q.where('r.id', '=', a.vlanid);
  if (a.physicalnetworkid) q = q.where('r.physical_network_id', '=', a.physicalnetworkid);
  const ranges = (await q.orderBy('r.created').orderBy('r.id').execute()).filter((r) => !r.account_id || scopeAdmits(scope, r.account_id, r.domain_id));
  const taken = ranges.length ? await ctx.svc.db.selectFrom('public_ips').select(['vlan_range_id', 'ip_address'])
    .where('vlan_range_id', 'in', ranges.map((r) => r.id)).execute() : [];
  const takenSet = new Set(taken.map((t) => `${t.vlan_range_id}/${t.ip_address}`));
  const shown = new Map(visible.map((r) => [`${r.vlan_range_id}/${r.ip_address}`, r]));
  const w = pageWindow(a, ctx.svc.config.maxPageSize);
  const end = w.limit === null ? Infinity : w.offset + w.limit;
  const page: (IpRow | PublicIpAddress)[] = [];
  let count = 0;
  const take = (item: () => IpRow | PublicIpAddress) => { if (count >= w.offset && count < end) page.push(item()); count++; };
  for (const r of ranges) {
    for (let i = ipToInt(r.start_ip); i <= ipToInt(r.end_ip); i++) {
      const ip = intToIp(i);
      const row = shown.get(`${r.id}/${ip}`);
      if (row) { take(() => row); continue; }
      if (!freeToo || takenSet.has(`${r.id}/${ip}`)) continue;
      if ((a.ipaddress && ip !== a.ipaddress) || (a.keyword && !ip.includes(a.keyword)) || (a.id && publicIpId(r.zone_id, ip) !== a.id)) continue;
      take(() => compact<PublicIpAddress>({
        id: publicIpId(r.zone_id, ip), ipaddress: ip, state: 'Free', zoneid: r.zone_id, zonename: r.zone_name, issourcenat: false, isstaticnat: false,
        issystem: false, isportable: false, forvirtualnetwork: true, vlanid: r.id, vlanname: r.vlan, physicalnetworkid: r.physical_network_id ?? undefined,
        hasrules: false, fordisplay: true, hasannotations: false,
      }));
    }
  }
  const rows = page.filter((x): x is IpRow => 'vlan_range_id' in x);
  const formatted = new Map((await format(rows)).map((f) => [f.id, f]));
  return { count, items: page.map((x) => ('vlan_range_id' in x ? formatted.get(x.id)! : x)) };
}
