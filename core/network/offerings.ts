// Network offerings: the templates of guest networks (guest type, services and their providers). The default
// offerings CloudStack ships are seeded at start (by unique name, so every server and restart agrees).
import type { Selectable } from 'kysely';
import type { HandlersFor, CallContext } from '../kernel/handler';
import type { networkCommands } from '../contract/commands/network';
import type { NetworkOfferingTable } from '../db/schema';
import type { Db } from '../db/connect';
import type { NetworkOffering } from '../contract/responses';
import { invalidParam, notFound, resourceInUse } from '../kernel/errors';
import { compact, csDate, bool } from '../kernel/format';
import { changed, countOf, likeOf, pageArray } from '../infrastructure/util';

type H = HandlersFor<typeof networkCommands>;
export type OfferingRow = Selectable<NetworkOfferingTable>;
type Services = Record<string, string>;

export const SERVICES = ['Dhcp', 'Dns', 'UserData', 'SourceNat', 'StaticNat', 'PortForwarding', 'Firewall', 'Lb', 'Vpn',
  'Gateway', 'NetworkACL', 'SecurityGroup', 'Connectivity'] as const;
const VR = 'VirtualRouter';
const ISOLATED_SERVICES: Services = { Dhcp: VR, Dns: VR, UserData: VR, SourceNat: VR, StaticNat: VR, PortForwarding: VR,
  Firewall: VR, Lb: VR, Vpn: VR, Gateway: VR };

/** CloudStack's default offerings (unique names as CloudStack has them). */
const DEFAULTS: { name: string; text: string; type: string; services: Services; vlan: number; ranges: number; availability: string }[] = [
  { name: 'DefaultIsolatedNetworkOfferingWithSourceNatService', text: 'Offering for Isolated networks with Source Nat service enabled',
    type: 'Isolated', services: ISOLATED_SERVICES, vlan: 0, ranges: 0, availability: 'Required' },
  { name: 'DefaultIsolatedNetworkOffering', text: 'Offering for Isolated networks with no Source Nat service',
    type: 'Isolated', services: { Dhcp: VR, Dns: VR, UserData: VR }, vlan: 0, ranges: 1, availability: 'Optional' },
  { name: 'DefaultSharedNetworkOffering', text: 'Offering for Shared networks',
    type: 'Shared', services: { Dhcp: VR, Dns: VR, UserData: VR }, vlan: 1, ranges: 1, availability: 'Optional' },
  { name: 'DefaultL2NetworkOffering', text: 'Offering for L2 networks', type: 'L2', services: {}, vlan: 0, ranges: 0, availability: 'Optional' },
];

export async function seedNetworkOfferings(db: Db, newId: () => string, now: number): Promise<void> {
  const have = new Set((await db.selectFrom('network_offerings').select('unique_name').where('unique_name', 'is not', null).execute())
    .map((r) => r.unique_name));
  let t = now;
  for (const d of DEFAULTS) {
    if (have.has(d.name)) continue;
    await db.insertInto('network_offerings').values({
      id: newId(), name: d.name, unique_name: d.name, display_text: d.text, guest_ip_type: d.type, traffic_type: 'Guest',
      services: JSON.stringify(d.services), specify_vlan: d.vlan, specify_ip_ranges: d.ranges, conserve_mode: 1,
      egress_default_policy: 1, is_persistent: 0, network_rate: null, availability: d.availability, state: 'Enabled',
      is_default: 1, tags: null, for_vpc: 0, created: t++, removed: null,
    }).execute();
  }
}

export const servicesOf = (r: Pick<OfferingRow, 'services'>): Services => JSON.parse(r.services) as Services;

export function serviceList(services: Services) {
  return Object.entries(services).map(([name, provider]) => ({ name, provider: [{ name: provider }], capability: [] }));
}

export function formatOffering(r: OfferingRow): NetworkOffering {
  return compact<NetworkOffering>({
    id: r.id, name: r.name, displaytext: r.display_text, traffictype: r.traffic_type, guestiptype: r.guest_ip_type,
    isdefault: bool(r.is_default), specifyvlan: bool(r.specify_vlan), specifyipranges: bool(r.specify_ip_ranges),
    conservemode: bool(r.conserve_mode), egressdefaultpolicy: bool(r.egress_default_policy), ispersistent: bool(r.is_persistent),
    availability: r.availability, state: r.state, networkrate: r.network_rate, tags: r.tags, forvpc: bool(r.for_vpc),
    created: csDate(r.created), service: serviceList(servicesOf(r)), supportsstrechedl2subnet: false,
    supportspublicaccess: false, supportsinternallb: false, internetprotocol: 'IPv4', networkmode: 'NATTED',
  });
}

export async function offeringById(ctx: CallContext, id: string, param = 'id'): Promise<OfferingRow> {
  const r = await ctx.svc.db.selectFrom('network_offerings').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!r) throw notFound(ctx.command, param, id);
  return r;
}

/** supportedservices + serviceproviderlist -> service -> provider (VirtualRouter when not named). */
function servicesFrom(a: { supportedservices?: string[]; serviceproviderlist?: Record<string, string>[] }): Services {
  const out: Services = {};
  for (const s of a.supportedservices ?? []) {
    const name = SERVICES.find((k) => k.toLowerCase() === s.trim().toLowerCase());
    if (!name) throw invalidParam(`Invalid service ${s}`);
    out[name] = VR;
  }
  for (const e of a.serviceproviderlist ?? []) {
    const name = SERVICES.find((k) => k.toLowerCase() === (e.service ?? '').toLowerCase());
    if (!name || !out[name]) throw invalidParam(`Service ${e.service} is not in supportedservices`);
    if (e.provider) out[name] = e.provider;
  }
  return out;
}

export const offeringHandlers: Pick<H, 'createNetworkOffering' | 'updateNetworkOffering' | 'deleteNetworkOffering' | 'listNetworkOfferings'> = {
  async createNetworkOffering(ctx, a) {
    const services = servicesFrom(a);
    if (a.guestiptype === 'L2' && Object.keys(services).length > 0) {
      throw invalidParam('L2 network offering cannot have services.');
    }
    if (a.guestiptype === 'Shared' && services.SourceNat) throw invalidParam('SourceNat service is not supported for Shared networks');
    if (a.forvpc) throw invalidParam('VPC network offerings are not supported');
    const row: OfferingRow = {
      id: ctx.svc.newId(), name: a.name, unique_name: null, display_text: a.displaytext, guest_ip_type: a.guestiptype,
      traffic_type: 'Guest', services: JSON.stringify(services), specify_vlan: a.specifyvlan ? 1 : 0,
      specify_ip_ranges: (a.specifyipranges ?? a.guestiptype === 'Shared') ? 1 : 0, conserve_mode: a.conservemode === false ? 0 : 1,
      egress_default_policy: a.egressdefaultpolicy === false ? 0 : 1, is_persistent: a.ispersistent ? 1 : 0,
      network_rate: a.networkrate ?? null, availability: a.availability ?? 'Optional', state: a.enable ? 'Enabled' : 'Disabled',
      is_default: 0, tags: a.tags ?? null, for_vpc: 0, created: ctx.svc.clock.now(), removed: null,
    };
    if (row.availability === 'Required') await checkOneRequired(ctx, row);
    await ctx.svc.db.insertInto('network_offerings').values(row).execute();
    await changed(ctx, 'NETWORK.OFFERING.CREATE', `Created network offering ${row.name}`, { id: row.id, type: 'NetworkOffering', name: row.name });
    return formatOffering(row);
  },
  async updateNetworkOffering(ctx, a) {
    if (!a.id) throw invalidParam('Either id or name parameter is required');
    const r = await offeringById(ctx, a.id);
    const next = { ...r, name: a.name ?? r.name, display_text: a.displaytext ?? r.display_text, state: a.state ?? r.state,
      availability: a.availability ?? r.availability, tags: a.tags ?? r.tags };
    if (next.availability === 'Required' && r.availability !== 'Required') await checkOneRequired(ctx, next);
    await ctx.svc.db.updateTable('network_offerings').set({ name: next.name, display_text: next.display_text, state: next.state,
      availability: next.availability, tags: next.tags }).where('id', '=', r.id).execute();
    await changed(ctx, 'NETWORK.OFFERING.EDIT', `Updated network offering ${next.name}`, { id: r.id, type: 'NetworkOffering', name: next.name });
    return formatOffering(next);
  },
  async deleteNetworkOffering(ctx, a) {
    const r = await offeringById(ctx, a.id);
    if (r.is_default) throw invalidParam(`Default network offering ${r.name} can't be deleted`);
    const used = await countOf(ctx.svc.db.selectFrom('networks').select((e) => e.fn.countAll().as('n'))
      .where('network_offering_id', '=', r.id).where('removed', 'is', null));
    if (used > 0) throw resourceInUse(`Can't delete network offering ${r.name}: ${used} network(s) use it`);
    await ctx.svc.db.updateTable('network_offerings').set({ removed: ctx.svc.clock.now() }).where('id', '=', r.id).execute();
    await changed(ctx, 'NETWORK.OFFERING.DELETE', `Deleted network offering ${r.name}`, { id: r.id, type: 'NetworkOffering', name: r.name });
  },
  async listNetworkOfferings(ctx, a) {
    let q = ctx.svc.db.selectFrom('network_offerings').where('removed', 'is', null);
    if (a.id) q = q.where('id', '=', a.id);
    if (a.name) q = q.where('name', '=', a.name);
    if (a.displaytext) q = q.where('display_text', '=', a.displaytext);
    if (a.guestiptype) q = q.where('guest_ip_type', '=', a.guestiptype);
    if (a.state) q = q.where('state', '=', a.state);
    if (a.availability) q = q.where('availability', '=', a.availability);
    if (a.isdefault !== undefined) q = q.where('is_default', '=', a.isdefault ? 1 : 0);
    if (a.specifyvlan !== undefined) q = q.where('specify_vlan', '=', a.specifyvlan ? 1 : 0);
    if (a.specifyipranges !== undefined) q = q.where('specify_ip_ranges', '=', a.specifyipranges ? 1 : 0);
    if (a.forvpc) q = q.where('for_vpc', '=', 1);
    if (a.tags) q = q.where('tags', '=', a.tags);
    if (a.keyword) q = q.where('name', 'like', likeOf(a.keyword));
    // Offerings are few (tens): the service filters run on the rows.
    let rows = await q.selectAll().orderBy('created').orderBy('id').execute();
    const want = (a.supportedservices ?? []).map((s) => s.toLowerCase());
    if (want.length) rows = rows.filter((r) => { const s = Object.keys(servicesOf(r)).map((k) => k.toLowerCase()); return want.every((w) => s.includes(w)); });
    if (a.sourcenatsupported !== undefined) rows = rows.filter((r) => !!servicesOf(r).SourceNat === a.sourcenatsupported);
    return { count: rows.length, items: pageArray(rows, a, ctx.svc.config.maxPageSize).map(formatOffering) };
  },
};

/** CloudStack allows one Required offering: it is the one a deploy without networks creates the account's network from. */
async function checkOneRequired(ctx: CallContext, r: Pick<OfferingRow, 'id' | 'guest_ip_type'>): Promise<void> {
  if (r.guest_ip_type !== 'Isolated') throw invalidParam('Availability can be Required only for Isolated network offerings');
  const other = await ctx.svc.db.selectFrom('network_offerings').select('name').where('availability', '=', 'Required')
    .where('removed', 'is', null).where('id', '!=', r.id).executeTakeFirst();
  if (other) throw invalidParam(`There is already a network offering with availability Required: ${other.name}`);
}

/** The offering a deploy without networkids creates the account's first network from. */
export async function requiredOffering(db: Db): Promise<OfferingRow | undefined> {
  return db.selectFrom('network_offerings').selectAll().where('availability', '=', 'Required').where('state', '=', 'Enabled')
    .where('removed', 'is', null).executeTakeFirst();
}
