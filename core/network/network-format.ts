// The `network` response object, with the names of a page's zones, offerings and owners read once per page.
import { tagsOfPage } from '../tags/tag-store';
import type { Services } from '../kernel/services';
import type { Caller } from '../identity/caller';
import type { Network } from '../contract/responses';
import { isAdmin } from '../identity/caller';
import { csDate, bool, ownerFields } from '../kernel/format';
import { serviceList, servicesOf, type OfferingRow } from './offerings';
import type { NetworkRow } from './access';
import { broadcastUriOf } from './ip';

interface Names {
  zones: Map<string, string>;
  offerings: Map<string, OfferingRow & { serviceList: Network['service'] }>;
  accounts: Map<string, { name: string; domainName: string; domainPath: string }>;
  domains: Map<string, { name: string; path: string }>;
}

async function loadNames(svc: Services, rows: NetworkRow[]): Promise<Names> {
  const uniq = (f: (r: NetworkRow) => string | null) => [...new Set(rows.map(f).filter((v): v is string => !!v))];
  const zoneIds = uniq((r) => r.zone_id);
  const offIds = uniq((r) => r.network_offering_id);
  const acctIds = uniq((r) => r.account_id);
  const domIds = uniq((r) => (r.account_id ? null : r.domain_id));
  const [zones, offs, accts, doms] = await Promise.all([
    zoneIds.length ? svc.db.selectFrom('zones').select(['id', 'name']).where('id', 'in', zoneIds).execute() : [],
    offIds.length ? svc.db.selectFrom('network_offerings').selectAll().where('id', 'in', offIds).execute() : [],
    Promise.all(acctIds.map((id) => svc.identity.accountInfo(id).catch(() => null))),
    Promise.all(domIds.map((id) => svc.identity.domainInfo(id).catch(() => null))),
  ]);
  const accounts: Names['accounts'] = new Map();
  acctIds.forEach((id, i) => { const a = accts[i]; if (a) accounts.set(id, a); });
  const domains: Names['domains'] = new Map();
  domIds.forEach((id, i) => { const d = doms[i]; if (d) domains.set(id, d); });
  // One service list per offering, shared by the page's networks (a page of 500 would otherwise build 15,000 objects).
  const offerings = new Map(offs.map((o) => [o.id, { ...o, serviceList: serviceList(servicesOf(o)) }]));
  return { zones: new Map(zones.map((z) => [z.id, z.name])), offerings, accounts, domains };
}

const pathName = (path: string) => (path === '/' ? 'ROOT' : `ROOT${path.replace(/\/$/, '')}`);

const u = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/**
 * One object literal with every field in response order, absent ones undefined (JSON and XML leave those out), as
 * the VM formatter does: deleting fields afterwards would turn each object into a slow dictionary-mode one.
 */
function format(r: NetworkRow, n: Names, admin: boolean): Network {
  const off = n.offerings.get(r.network_offering_id);
  const acct = r.account_id ? n.accounts.get(r.account_id) : undefined;
  const dom = n.domains.get(r.domain_id);
  return {
    id: r.id, name: r.name, displaytext: r.display_text, type: r.guest_type, state: r.state, traffictype: r.traffic_type,
    cidr: u(r.cidr), gateway: u(r.gateway), netmask: u(r.netmask), networkcidr: u(r.cidr),
    vlan: admin ? u(r.vlan) : undefined, broadcasturi: admin && r.vlan ? broadcastUriOf(r.broadcast_domain_type, r.vlan) : undefined,
    broadcastdomaintype: r.broadcast_domain_type ?? 'Vlan',
    networkofferingid: r.network_offering_id, networkofferingname: off?.name, networkofferingdisplaytext: off?.display_text,
    networkofferingavailability: off?.availability, networkofferingconservemode: off ? bool(off.conserve_mode) : undefined,
    specifyipranges: off ? bool(off.specify_ip_ranges) : undefined, specifyvlan: off ? bool(off.specify_vlan) : undefined,
    ispersistent: off ? bool(off.is_persistent) : undefined, egressdefaultpolicy: off ? bool(off.egress_default_policy) : undefined,
    service: off?.serviceList ?? [],
    zoneid: r.zone_id, zonename: n.zones.get(r.zone_id), physicalnetworkid: admin ? u(r.physical_network_id) : undefined,
    acltype: r.acl_type, subdomainaccess: r.acl_type === 'Domain' ? bool(r.subdomain_access) : undefined,
    ...ownerFields(acct), domainid: r.domain_id, domain: acct?.domainName ?? dom?.name,
    domainpath: acct?.domainPath ?? (dom ? pathName(dom.path) : undefined),
    networkdomain: u(r.network_domain), dns1: u(r.dns1), dns2: u(r.dns2), displaynetwork: bool(r.display_network),
    isdefault: false, issystem: false, restartrequired: bool(r.restart_required), redundantrouter: false,
    canusefordeploy: r.state !== 'Destroy' && r.state !== 'Shutdown', strechedl2subnet: false, supportsvmautoscaling: false,
    publicmtu: r.public_mtu ?? 1500, privatemtu: r.private_mtu ?? 1500,
    created: csDate(r.created), hasannotations: false, tags: [],
  };
}

export async function formatNetworks(svc: Services, caller: Caller, rows: NetworkRow[]): Promise<Network[]> {
  const [names, tags] = await Promise.all([loadNames(svc, rows), tagsOfPage(svc, 'Network', rows.map((r) => r.id))]);
  const admin = isAdmin(caller);
  return rows.map((r) => ({ ...format(r, names, admin), tags: tags.get(r.id) ?? [] }));
}
