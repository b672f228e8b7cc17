// Physical networks of a zone and the traffic types they carry: createPhysicalNetwork, updatePhysicalNetwork (state,
// guest VLAN range), deletePhysicalNetwork, listPhysicalNetworks, addTrafficType, listTrafficTypes.
import type { Selectable } from 'kysely';
import type { CallContext, HandlersFor } from '../kernel/handler';
import type { networkCommands } from '../contract/commands/network';
import type { PhysicalNetworkTable, TrafficTypeTable } from '../db/schema';
import type { PhysicalNetwork, TrafficType } from '../contract/responses';
import { invalidParam, notFound, resourceInUse } from '../kernel/errors';
import { compact } from '../kernel/format';
import { isUniqueViolation } from '../db/unique';
import { precompiled, precompiledInsert } from '../db/precompiled';

const insertPhys = precompiledInsert('physical_networks');
const insertTraffic = precompiledInsert('physical_network_traffic_types');
import { changed, countOf, likeOf, paged } from '../infrastructure/util';
import { parseVlanRanges, vnetMaxOf } from './ip';

/** CloudStack's isolation methods (PhysicalNetwork.IsolationMethod); the KVM data path here runs VLAN and VXLAN. */
const ISOLATION_METHODS = ['VLAN', 'VXLAN', 'L3', 'GRE', 'STT', 'BCF_SEGMENT', 'MIDO', 'SSP', 'ODL', 'L3VPN', 'VSP', 'VCS', 'TF', 'NSX', 'NETRIS'];

function isolationOf(list: string[] | undefined): string {
  const methods = (list?.length ? list : ['VLAN']).map((m) => m.trim().toUpperCase());
  if (methods.length > 1) throw invalidParam('Only one isolationMethod can be specified for a physical network at this time');
  if (!ISOLATION_METHODS.includes(methods[0])) throw invalidParam(`Invalid isolation method ${methods[0]}: one of ${ISOLATION_METHODS.join(', ')}`);
  return methods[0];
}

type H = HandlersFor<typeof networkCommands>;
export type PhysRow = Selectable<PhysicalNetworkTable>;

async function zoneName(ctx: CallContext, zoneId: string, param = 'zoneid'): Promise<string> {
  const z = await ctx.svc.db.selectFrom('zones').select('name').where('id', '=', zoneId).where('removed', 'is', null).executeTakeFirst();
  if (!z) throw notFound(ctx.command, param, zoneId);
  return z.name;
}

export function formatPhysicalNetwork(r: PhysRow, zone: string | undefined): PhysicalNetwork {
  return compact<PhysicalNetwork>({
    id: r.id, name: r.name, zoneid: r.zone_id, zonename: zone, state: r.state, isolationmethods: r.isolation_methods,
    vlan: r.vlan ?? undefined, tags: r.tags, broadcastdomainrange: r.broadcast_domain_range,
    networkspeed: r.network_speed ?? undefined, domainid: r.domain_id ?? undefined,
  });
}

export async function physById(ctx: CallContext, id: string, param = 'id'): Promise<PhysRow> {
  const r = await ctx.svc.db.selectFrom('physical_networks').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!r) throw notFound(ctx.command, param, id);
  return r;
}

/** VLANs that isolated and L2 networks took from this physical network's range (shared networks name their own). */
async function dynamicVlansInUse(ctx: CallContext, physId: string): Promise<number[]> {
  const rows = await ctx.svc.db.selectFrom('guest_vlans as v').innerJoin('networks as n', 'n.id', 'v.network_id')
    .select('v.vlan').where('v.physical_network_id', '=', physId).where('n.guest_type', '!=', 'Shared').execute();
  return rows.map((r) => Number(r.vlan));
}

function formatTraffic(t: Selectable<TrafficTypeTable>): TrafficType {
  return compact<TrafficType>({ id: t.id, traffictype: t.traffic_type, physicalnetworkid: t.physical_network_id,
    kvmnetworklabel: t.kvm_label ?? undefined, vlan: t.vlan ?? undefined });
}

export const physicalNetworkHandlers: Pick<H, 'createPhysicalNetwork' | 'updatePhysicalNetwork' | 'deletePhysicalNetwork' |
  'listPhysicalNetworks' | 'addTrafficType' | 'listTrafficTypes'> = {
  createPhysicalNetwork: {
    async prepare(ctx, a) {
      await zoneName(ctx, a.zoneid);
      const isolation = isolationOf(a.isolationmethods);
      if (a.vlan) parseVlanRanges(a.vlan, vnetMaxOf(isolation));
      const bdr = (a.broadcastdomainrange ?? 'ZONE').toUpperCase();
      if (bdr !== 'ZONE' && bdr !== 'POD') throw invalidParam(`Invalid broadcastdomainrange ${a.broadcastdomainrange}: ZONE or POD`);
      const row: PhysRow = {
        id: ctx.svc.newId(), name: a.name, zone_id: a.zoneid, state: 'Disabled',
        isolation_methods: isolation, vlan: a.vlan ?? null,
        tags: (a.tags ?? []).join(','), broadcast_domain_range: bdr, network_speed: a.networkspeed ?? null,
        domain_id: a.domainid ?? null, created: ctx.svc.clock.now(), removed: null,
      };
      return { instanceType: 'PhysicalNetwork', instanceId: row.id, createdId: row.id, locks: [`physnet:${row.id}`], payload: row,
        write: async (trx) => { await insertPhys(trx, row); } };
    },
    async execute(ctx, _a, row) {
      await changed(ctx, 'PHYSICAL.NETWORK.CREATE', `Created physical network ${row.name}`, { id: row.id, type: 'PhysicalNetwork', name: row.name });
      return formatPhysicalNetwork(await physById(ctx, row.id), await zoneName(ctx, row.zone_id));
    },
  },
  updatePhysicalNetwork: {
    async prepare(ctx, a) {
      const r = await physById(ctx, a.id);
      if (a.vlan !== undefined && a.vlan !== '') {
        const ranges = parseVlanRanges(a.vlan, vnetMaxOf(r.isolation_methods));
        const outside = (await dynamicVlansInUse(ctx, r.id)).find((v) => !ranges.some(([lo, hi]) => v >= lo && v <= hi));
        if (outside !== undefined) {
          throw invalidParam(`Unable to update the vlan range of physical network ${r.name}: VLAN ${outside} is in use by a network and would be outside the new range`);
        }
      }
      return { instanceType: 'PhysicalNetwork', instanceId: r.id, locks: [`physnet:${r.id}`], payload: {} };
    },
    async execute(ctx, a) {
      const r = await physById(ctx, a.id);
      await ctx.svc.db.updateTable('physical_networks').set({
        state: a.state ?? r.state, vlan: a.vlan === undefined ? r.vlan : a.vlan || null,
        tags: a.tags ? a.tags.join(',') : r.tags, network_speed: a.networkspeed ?? r.network_speed,
      }).where('id', '=', r.id).execute();
      await changed(ctx, 'PHYSICAL.NETWORK.UPDATE', `Updated physical network ${r.name}`, { id: r.id, type: 'PhysicalNetwork', name: r.name });
      return formatPhysicalNetwork(await physById(ctx, r.id), await zoneName(ctx, r.zone_id));
    },
  },
  deletePhysicalNetwork: {
    async prepare(ctx, a) {
      const r = await physById(ctx, a.id);
      const used = await countOf(ctx.svc.db.selectFrom('networks').select((e) => e.fn.countAll().as('n'))
        .where('physical_network_id', '=', r.id).where('removed', 'is', null));
      if (used > 0) throw resourceInUse(`Unable to remove the physical network ${r.name}: ${used} guest network(s) still use it`);
      return { instanceType: 'PhysicalNetwork', instanceId: r.id, locks: [`physnet:${r.id}`], payload: {} };
    },
    async execute(ctx, a) {
      const r = await physById(ctx, a.id);
      await ctx.svc.db.updateTable('physical_networks').set({ removed: ctx.svc.clock.now() }).where('id', '=', r.id).execute();
      await ctx.svc.db.deleteFrom('physical_network_traffic_types').where('physical_network_id', '=', r.id).execute();
      await changed(ctx, 'PHYSICAL.NETWORK.DELETE', `Deleted physical network ${r.name}`, { id: r.id, type: 'PhysicalNetwork', name: r.name });
    },
  },
  async listPhysicalNetworks(ctx, a) {
    const db = ctx.svc.db;
    let q = db.selectFrom('physical_networks as p').leftJoin('zones as z', 'z.id', 'p.zone_id').where('p.removed', 'is', null);
    if (a.id) q = q.where('p.id', '=', a.id);
    if (a.zoneid) q = q.where('p.zone_id', '=', a.zoneid);
    if (a.name) q = q.where('p.name', '=', a.name);
    if (a.keyword) q = q.where('p.name', 'like', likeOf(a.keyword));
    const count = await countOf(q.select((e) => e.fn.countAll().as('n')));
    const rows = await paged(q.selectAll('p').select('z.name as zone_name').orderBy('p.created').orderBy('p.id'), a, ctx.svc.config.maxPageSize).execute();
    return { count, items: rows.map((r) => formatPhysicalNetwork(r, r.zone_name ?? undefined)) };
  },
  addTrafficType: {
    async prepare(ctx, a) {
      const r = await physById(ctx, a.physicalnetworkid, 'physicalnetworkid');
      const row = { id: ctx.svc.newId(), physical_network_id: r.id, traffic_type: a.traffictype, kvm_label: a.kvmnetworklabel ?? null,
        vlan: a.vlan ?? null, created: ctx.svc.clock.now() };
      const taken = await ctx.svc.db.selectFrom('physical_network_traffic_types').select('id')
        .where('physical_network_id', '=', r.id).where('traffic_type', '=', a.traffictype).executeTakeFirst();
      if (taken) throw invalidParam(`Traffic type ${a.traffictype} is already added to the physical network ${r.name}`);
      return { instanceType: 'TrafficType', instanceId: row.id, createdId: row.id, locks: [`physnet:${r.id}`], payload: row,
        write: async (trx) => {
          try { await insertTraffic(trx, row); } catch (e) {
            if (isUniqueViolation(e)) throw invalidParam(`Traffic type ${a.traffictype} is already added to the physical network ${r.name}`);
            throw e;
          }
        } };
    },
    async execute(ctx, _a, row) {
      await changed(ctx, 'TRAFFIC.TYPE.CREATE', `Added traffic type ${row.traffic_type}`, { id: row.id, type: 'TrafficType', name: row.traffic_type });
      return formatTraffic(row);
    },
  },
  async listTrafficTypes(ctx, a) {
    await physById(ctx, a.physicalnetworkid, 'physicalnetworkid');
    const rows = await ctx.svc.db.selectFrom('physical_network_traffic_types').selectAll()
      .where('physical_network_id', '=', a.physicalnetworkid).orderBy('created').orderBy('id').execute();
    return { count: rows.length, items: rows.map(formatTraffic) };
  },
};

/** The zone's physical network carrying Guest traffic (the first one), or undefined when the zone has none. */
export async function guestPhysicalNetwork(ctx: Pick<CallContext, 'svc'>, zoneId: string): Promise<PhysRow | undefined> {
  return guestPhysicalQ.first(ctx.svc.db, { zoneId });
}

// Read by every deploy on a zone without the account's network yet: compiled once (db/precompiled).
const guestPhysicalQ = precompiled((db, p: { zoneId: string }) => db.selectFrom('physical_networks as p')
  .innerJoin('physical_network_traffic_types as t', 't.physical_network_id', 'p.id')
  .selectAll('p').where('p.zone_id', '=', p.zoneId).where('p.removed', 'is', null).where('t.traffic_type', '=', 'Guest')
  .orderBy('p.created').orderBy('p.id').limit(1));
