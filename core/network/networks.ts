// Guest networks: createNetwork (isolated, shared, L2), listNetworks, updateNetwork, restartNetwork, deleteNetwork.
import { scopeCond, seesEverything } from '../kernel/list-scope';
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { networkCommands } from '../contract/commands/network';
import type { ArgsOf } from '../contract/command';
import type { Owner } from '../kernel/services';
import type { Network } from '../contract/responses';
import { isAdmin, isRootAdmin } from '../identity/caller';
import { invalidParam, notFound, permissionDenied, resourceInUse } from '../kernel/errors';
import { changed, countOf, likeOf, paged } from '../infrastructure/util';
import { inPageOrder } from '../kernel/paging';
import { broadcastTypeOf, broadcastUriOf, hostRange, intToIp, ipToInt, parseCidr, parseVlanTag, requireIp, subnetOf } from './ip';
import { offeringById, servicesOf, type OfferingRow } from './offerings';
import { guestPhysicalNetwork, physById } from './physical-networks';
import { checkManage, domainAndAncestors, networkById, type NetworkRow } from './access';
import { taggedIdsQuery, tagPairs } from '../tags/tag-store';
import { formatNetworks } from './network-format';
import { ensureRouter, implementNetwork, isLive, needsRouter, releaseNetwork, releaseRouterAddresses, takeVlan } from './implement';
import { applyRouter, removeRouterDatapath } from './router-datapath';

type H = HandlersFor<typeof networkCommands>;
type CreateArgs = ArgsOf<typeof networkCommands.createNetwork>;
const DEFAULT_GUEST_CIDR = '10.1.1.0/24';

function requirePair(a: { gateway?: string; netmask?: string }): void {
  if ((a.gateway === undefined) !== (a.netmask === undefined)) throw invalidParam('gateway and netmask must be specified together');
}

/** The addresses of an isolated or L2 network: given gateway/netmask, or the zone's guest CIDR with its first address as gateway. */
async function isolatedAddressing(ctx: CallContext, a: CreateArgs) {
  requirePair(a);
  if (a.gateway && a.netmask) {
    const s = subnetOf(a.gateway, a.netmask);
    return { cidr: s.cidr, gateway: a.gateway, netmask: a.netmask };
  }
  const zone = await ctx.svc.db.selectFrom('zones').select('guest_cidr').where('id', '=', a.zoneid).executeTakeFirst();
  const s = parseCidr(zone?.guest_cidr || DEFAULT_GUEST_CIDR);
  return { cidr: s.cidr, gateway: intToIp(hostRange(s)[0]), netmask: s.netmask };
}

/** Creates a network row for `owner` (createNetwork, and the account network a first deploy creates). */
export async function createNetworkRow(ctx: CallContext, a: CreateArgs, off: OfferingRow, owner: Owner | null): Promise<NetworkRow> {
  const phys = a.physicalnetworkid ? await physById(ctx, a.physicalnetworkid, 'physicalnetworkid') : await guestPhysicalNetwork(ctx, a.zoneid);
  if (!phys) throw invalidParam(`Unable to find a physical network with Guest traffic type in zone ${a.zoneid}: add one (createPhysicalNetwork, addTrafficType) first`);
  if (phys.zone_id !== a.zoneid) throw invalidParam(`Physical network ${phys.id} does not belong to zone ${a.zoneid}`);
  const type = off.guest_ip_type;
  const shared = type === 'Shared';
  const aclType = a.acltype ?? (shared && !a.account ? 'Domain' : 'Account');
  let addressing: { cidr: string | null; gateway: string | null; netmask: string | null } = { cidr: null, gateway: null, netmask: null };
  if (shared) {
    if (!a.gateway || !a.netmask || !a.startip) throw invalidParam('gateway, netmask and startip are required to create a Shared network');
    const s = subnetOf(a.gateway, a.netmask);
    for (const [f, v] of [['startip', a.startip], ['endip', a.endip ?? a.startip]] as const) {
      requireIp(f, v);
      const [lo, hi] = hostRange(s);
      if (ipToInt(v) < lo || ipToInt(v) > hi) throw invalidParam(`The ${f} ${v} is not in the network ${s.cidr} of gateway ${a.gateway}`);
    }
    if (ipToInt(a.endip ?? a.startip) < ipToInt(a.startip)) throw invalidParam('endip must not be lower than startip');
    addressing = { cidr: s.cidr, gateway: a.gateway, netmask: a.netmask };
  } else if (type === 'Isolated') {
    addressing = await isolatedAddressing(ctx, a);
  } else if (a.gateway || a.netmask) {
    throw invalidParam('L2 networks have no IP addressing: leave out gateway and netmask');
  }
  if (a.vlan !== undefined && !off.specify_vlan) throw invalidParam(`Network offering ${off.name} does not allow to specify a vlan`);
  if (off.specify_vlan && a.vlan === undefined) throw invalidParam(`Network offering ${off.name} requires a vlan: specify vlan`);
  if (a.vlan !== undefined && !isRootAdmin(ctx.caller)) throw permissionDenied('Only ROOT admins can specify the vlan of a network');
  const vlanTag = a.vlan !== undefined ? parseVlanTag(a.vlan) : null;
  const now = ctx.svc.clock.now();
  const domainId = owner?.domainId ?? a.domainid ?? ctx.caller.domainId;
  const row: NetworkRow = {
    id: ctx.svc.newId(), name: a.name, display_text: a.displaytext ?? a.name, zone_id: a.zoneid, physical_network_id: phys.id,
    network_offering_id: off.id, guest_type: type, traffic_type: 'Guest', state: shared || vlanTag !== null ? 'Setup' : 'Allocated',
    ...addressing, vlan: vlanTag !== null ? String(vlanTag) : null, account_id: aclType === 'Account' ? owner!.accountId : null,
    domain_id: domainId, acl_type: aclType, subdomain_access: a.subdomainaccess === false ? 0 : 1,
    network_domain: a.networkdomain ?? null, dns1: a.dns1 ?? null, dns2: a.dns2 ?? null, display_network: a.displaynetwork === false ? 0 : 1,
    restart_required: 0, source_nat_ip: null, created: now, removed: null,
    public_mtu: mtuOf('Public', a.publicmtu), private_mtu: mtuOf('Private', a.privatemtu), router_ip: routerIpOf(a, shared),
    broadcast_domain_type: broadcastTypeOf(phys.isolation_methods),
  };
  if (vlanTag !== null) await takeVlan(ctx.svc, row, vlanTag);
  await ctx.svc.db.insertInto('networks').values(row).execute();
  if (shared) {
    await ctx.svc.db.insertInto('vlan_ip_ranges').values({ id: ctx.svc.newId(), zone_id: a.zoneid, physical_network_id: phys.id,
      network_id: row.id, pod_id: null, vlan: row.vlan ? broadcastUriOf(row.broadcast_domain_type, row.vlan) : 'untagged', gateway: a.gateway!, netmask: a.netmask!,
      start_ip: a.startip!, end_ip: a.endip ?? a.startip!, for_virtual_network: 0, account_id: row.account_id, domain_id: domainId,
      created: now }).execute();
  }
  await changed(ctx, 'NETWORK.CREATE', `Created network ${row.name}`, { id: row.id, type: 'Network', name: row.name });
  return off.is_persistent && row.state === 'Allocated' ? implementNetwork(ctx.svc, row) : row;
}

/** The most a network's MTU may be: CloudStack's default vr.public/private.interface.max.mtu. */
export const MAX_MTU = 1500;
const MIN_MTU = 68;

function mtuOf(side: 'Public' | 'Private', v: number | undefined): number | null {
  if (v === undefined) return null;
  if (v < MIN_MTU || v > MAX_MTU) throw invalidParam(`${side} MTU value must be between ${MIN_MTU} and ${MAX_MTU}: ${v}`);
  return v;
}

/** A shared network's router address: in the network's range (CloudStack's routerip); isolated routers hold the gateway. */
function routerIpOf(a: CreateArgs, shared: boolean): string | null {
  if (a.routerip === undefined) return null;
  if (!shared) throw invalidParam('routerip can be given for Shared networks only (the router of an isolated network holds its gateway)');
  requireIp('routerip', a.routerip);
  const v = ipToInt(a.routerip);
  if (v < ipToInt(a.startip!) || v > ipToInt(a.endip ?? a.startip!)) {
    throw invalidParam(`Router IP ${a.routerip} is not within the IP range ${a.startip}-${a.endip ?? a.startip} of the network`);
  }
  return a.routerip;
}

/** NICs of VMs on the network (a shared network's router holds an address by a NIC row of its own). */
const vmNicCount = (ctx: CallContext, networkId: string) => countOf(ctx.svc.db.selectFrom('nics').select((e) => e.fn.countAll().as('n'))
  .where('network_id', '=', networkId).where('vm_id', 'not in', ctx.svc.db.selectFrom('routers').select('id').where('network_id', '=', networkId)));

const one = async (ctx: CallContext, n: NetworkRow): Promise<Network> => (await formatNetworks(ctx.svc, ctx.caller, [n]))[0];

/** Domain networks visible from the caller's domain: its own domain's, and its ancestors' that allow subdomains. */
async function visibleDomainNetworks(ctx: CallContext): Promise<{ self: string; ancestors: string[] }> {
  const chain = await domainAndAncestors(ctx.svc.db, ctx.caller.domainId);
  return { self: ctx.caller.domainId, ancestors: chain.filter((d) => !d.self).map((d) => d.id) };
}

export const networkHandlers: Pick<H, 'createNetwork' | 'listNetworks' | 'updateNetwork' | 'restartNetwork' | 'deleteNetwork'> = {
  async createNetwork(ctx, a) {
    if (a.vpcid) throw invalidParam('VPCs are not supported');
    const off = await offeringById(ctx, a.networkofferingid, 'networkofferingid');
    if (off.state !== 'Enabled') throw invalidParam(`Network offering with specified id ${off.id} is not in Enabled state`);
    const zone = await ctx.svc.db.selectFrom('zones').select('id').where('id', '=', a.zoneid).where('removed', 'is', null).executeTakeFirst();
    if (!zone) throw notFound(ctx.command, 'zoneid', a.zoneid);
    if (off.guest_ip_type === 'Shared' && !isAdmin(ctx.caller)) throw permissionDenied('Only Admins can create network with guest type Shared');
    const domainWide = off.guest_ip_type === 'Shared' && (a.acltype ?? (a.account ? 'Account' : 'Domain')) === 'Domain';
    if (domainWide && a.account) throw invalidParam('Account should not be specified for a network with acltype Domain');
    const owner = domainWide ? null : await ctx.svc.identity.resolveOwner(ctx.caller, { account: a.account, domainid: a.domainid, projectid: a.projectid });
    if (domainWide && a.domainid) {
      const d = await ctx.svc.db.selectFrom('domains').select('id').where('id', '=', a.domainid).where('removed', 'is', null).executeTakeFirst();
      if (!d) throw notFound(ctx.command, 'domainid', a.domainid);
    }
    return one(ctx, await createNetworkRow(ctx, a, off, owner));
  },

  async listNetworks(ctx, a) {
    const db = ctx.svc.db;
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    const dom = seesEverything(scope) ? null : await visibleDomainNetworks(ctx);
    let q = db.selectFrom('networks').where('removed', 'is', null);
    if (a.issystem || a.vpcid || a.forvpc) q = q.where('id', '=', '-');
    if (!seesEverything(scope)) {
      q = q.where((eb) => eb.or([
        scopeCond(eb, scope, 'account_id', 'domain_id')!,
        eb.and([eb('acl_type', '=', 'Domain'), eb('domain_id', '=', dom!.self)]),
        eb.and([eb('acl_type', '=', 'Domain'), eb('subdomain_access', '=', 1), eb('domain_id', 'in', dom!.ancestors.length ? dom!.ancestors : ['-'])]),
      ]));
    }
    if (a.id) q = q.where('id', '=', a.id);
    if (a.tags && a.tags.length > 0) q = q.where('id', 'in', taggedIdsQuery(db, 'Network', tagPairs(a.tags)));
    if (a.name) q = q.where('name', '=', a.name);
    if (a.zoneid) q = q.where('zone_id', '=', a.zoneid);
    if (a.type) q = q.where('guest_type', '=', a.type.charAt(0).toUpperCase() + a.type.slice(1).toLowerCase().replace(/^l2$/, 'L2'));
    if (a.traffictype) q = q.where('traffic_type', '=', a.traffictype);
    if (a.networkofferingid) q = q.where('network_offering_id', '=', a.networkofferingid);
    if (a.physicalnetworkid) q = q.where('physical_network_id', '=', a.physicalnetworkid);
    if (a.vlan) q = q.where('vlan', '=', a.vlan.replace(/^vlan:\/\//i, ''));
    if (a.acltype) q = q.where('acl_type', '=', a.acltype);
    if (a.restartrequired !== undefined) q = q.where('restart_required', '=', a.restartrequired ? 1 : 0);
    if (a.displaynetwork !== undefined) q = q.where('display_network', '=', a.displaynetwork ? 1 : 0);
    if (a.canusefordeploy) q = q.where('state', 'not in', ['Destroy', 'Shutdown']);
    if (a.keyword) q = q.where((eb) => eb.or([eb('name', 'like', likeOf(a.keyword!)), eb('display_text', 'like', likeOf(a.keyword!))]));
    if (a.supportedservices?.length) {
      const want = a.supportedservices.map((s) => s.toLowerCase());
      const offs = (await db.selectFrom('network_offerings').select(['id', 'services']).execute())
        .filter((o) => { const s = Object.keys(servicesOf(o)).map((k) => k.toLowerCase()); return want.every((w) => s.includes(w)); });
      q = q.where('network_offering_id', 'in', offs.length ? offs.map((o) => o.id) : ['-']);
    }
    const count = await countOf(q.select((e) => e.fn.countAll().as('n')));
    // The page's ids walk an index in (created, id) order; only those rows are read whole.
    const ids = await paged(q.select(['id']).orderBy('created').orderBy('id'), a, ctx.svc.config.maxPageSize).execute();
    const rows = ids.length ? inPageOrder(await db.selectFrom('networks').selectAll().where('id', 'in', ids.map((r) => r.id)).execute()) : [];
    return { count, items: await formatNetworks(ctx.svc, ctx.caller, rows) };
  },

  updateNetwork: {
    async prepare(ctx, a) {
      const n = await networkById(ctx, a.id);
      await checkManage(ctx, n);
      if (a.networkofferingid) {
        const off = await offeringById(ctx, a.networkofferingid, 'networkofferingid');
        const cur = await ctx.svc.db.selectFrom('network_offerings').select('guest_ip_type').where('id', '=', n.network_offering_id).executeTakeFirst();
        if (off.state !== 'Enabled') throw invalidParam(`Network offering with specified id ${off.id} is not in Enabled state`);
        if (off.guest_ip_type !== cur?.guest_ip_type) throw invalidParam(`Can't upgrade from network offering ${n.network_offering_id} to ${off.id}: the guest types differ`);
      }
      return { instanceType: 'Network', instanceId: n.id, locks: [`network:${n.id}`], payload: {} };
    },
    async execute(ctx, a) {
      const n = await networkById(ctx, a.id);
      const patch = { name: a.name ?? n.name, display_text: a.displaytext ?? n.display_text, network_domain: a.networkdomain ?? n.network_domain,
        display_network: a.displaynetwork === undefined ? n.display_network : a.displaynetwork ? 1 : 0,
        dns1: a.dns1 ?? n.dns1, dns2: a.dns2 ?? n.dns2, network_offering_id: a.networkofferingid ?? n.network_offering_id,
        public_mtu: a.publicmtu !== undefined ? mtuOf('Public', a.publicmtu) : n.public_mtu,
        private_mtu: a.privatemtu !== undefined ? mtuOf('Private', a.privatemtu) : n.private_mtu,
        // New DNS settings or MTUs reach the router and the guests when the network is restarted (cleanup=true).
        restart_required: [a.networkdomain, a.dns1, a.dns2, a.publicmtu, a.privatemtu].some((v) => v !== undefined) ? 1 : n.restart_required };
      await ctx.svc.db.updateTable('networks').set(patch).where('id', '=', n.id).execute();
      await changed(ctx, 'NETWORK.UPDATE', `Updated network ${patch.name}`, { id: n.id, type: 'Network', name: patch.name });
      return one(ctx, { ...n, ...patch });
    },
  },

  restartNetwork: {
    async prepare(ctx, a) {
      const n = await networkById(ctx, a.id);
      await checkManage(ctx, n);
      if (a.makeredundant) throw invalidParam('Redundant routers are not supported');
      if (n.state !== 'Implemented' && n.state !== 'Setup') throw invalidParam(`Network ${n.name} is ${n.state}: only an implemented network can be restarted`);
      return { instanceType: 'Network', instanceId: n.id, locks: [`network:${n.id}`], payload: {} };
    },
    async execute(ctx, a) {
      const n = await networkById(ctx, a.id);
      const now = ctx.svc.clock.now();
      const routed = await needsRouter(ctx.svc.db, n);
      if (a.cleanup && routed) {
        const old = await ctx.svc.db.selectFrom('routers').select('host_id').where('network_id', '=', n.id).where('removed', 'is', null).executeTakeFirst();
        if (old) await removeRouterDatapath(ctx.svc, n.id, old.host_id);
        await releaseRouterAddresses(ctx.svc.db, n.id);
        await ctx.svc.db.updateTable('routers').set({ state: 'Destroyed', removed: now, updated: now })
          .where('network_id', '=', n.id).where('removed', 'is', null).execute();
      }
      if (routed && isLive(n)) {
        await ensureRouter(ctx.svc, n);
        await applyRouter(ctx.svc, n.id);
      }
      await ctx.svc.db.updateTable('networks').set({ restart_required: 0 }).where('id', '=', n.id).execute();
      await changed(ctx, 'NETWORK.RESTART', `Restarted network ${n.name}${a.cleanup ? ' with cleanup' : ''}`, { id: n.id, type: 'Network', name: n.name });
    },
  },

  deleteNetwork: {
    async prepare(ctx, a) {
      const n = await networkById(ctx, a.id);
      await checkManage(ctx, n);
      const nics = await vmNicCount(ctx, n.id);
      if (nics > 0) throw resourceInUse(`Unable to delete network ${n.name}: ${nics} virtual machine NIC(s) are still on it (expunge the VMs or remove their NICs first)`);
      return { instanceType: 'Network', instanceId: n.id, locks: [`network:${n.id}`], payload: {} };
    },
    async execute(ctx, a) {
      const n = await networkById(ctx, a.id);
      const left = await vmNicCount(ctx, n.id);
      if (left > 0) throw resourceInUse(`Unable to delete network ${n.name}: ${left} virtual machine NIC(s) are still on it`);
      const router = await ctx.svc.db.selectFrom('routers').select('host_id').where('network_id', '=', n.id).where('removed', 'is', null).executeTakeFirst();
      if (router) await removeRouterDatapath(ctx.svc, n.id, router.host_id);
      await releaseNetwork(ctx.svc, n);
      await ctx.svc.db.updateTable('networks').set({ state: 'Destroy', removed: ctx.svc.clock.now() }).where('id', '=', n.id).execute();
      await changed(ctx, 'NETWORK.DELETE', `Deleted network ${n.name}`, { id: n.id, type: 'Network', name: n.name });
    },
  },
};
