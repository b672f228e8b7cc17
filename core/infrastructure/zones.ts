// createZone, updateZone, deleteZone, listZones. New zones start Disabled, as in CloudStack: the admin enables
// a zone once its pods, clusters, hosts and storage are in place (updateZone allocationstate=Enabled).
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { HandlersFor } from '../kernel/handler';
import type { CallContext } from '../kernel/handler';
import type { ZoneTable } from '../db/schema';
import type { infraCommands } from '../contract/commands/infra';
import { notFound, resourceInUse } from '../kernel/errors';
import { compact, bool } from '../kernel/format';
import { computeCapacities, type Capacity } from './capacity';
import { changed, countOf, paged, likeOf, requireIPv4, requireCidr, duplicate, isInfraAdmin } from './util';
import type { Zone as ZoneResponse } from '../contract/responses';

type Zone = Selectable<ZoneTable>;
type H = HandlersFor<typeof infraCommands>;

export function formatZone(z: Zone, full: boolean, capacity?: Capacity[]): ZoneResponse {
  return compact<ZoneResponse>({
    id: z.id, name: z.name, description: z.description, networktype: z.network_type, allocationstate: z.allocation_state,
    // Addresses and the guest CIDR are operator details: CloudStack shows them to admins only.
    dns1: full ? z.dns1 : undefined, dns2: full ? z.dns2 : undefined,
    internaldns1: full ? z.internal_dns1 : undefined, internaldns2: full ? z.internal_dns2 : undefined,
    guestcidraddress: full ? z.guest_cidr : undefined, domain: full ? z.domain : undefined,
    zonetoken: full ? z.zone_token : undefined,
    localstorageenabled: bool(z.local_storage_enabled), securitygroupsenabled: bool(z.security_groups_enabled),
    dhcpprovider: 'VirtualRouter', type: z.type, ismultiarch: false, hasannotations: false, tags: [],
    capacity: capacity?.map(({ zoneid: _z, zonename: _n, ...c }) => c),
  });
}

export async function zoneById(ctx: CallContext, id: string, param = 'id'): Promise<Zone> {
  const z = await ctx.svc.db.selectFrom('zones').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (z === undefined) throw notFound(ctx.command, param, id);
  return z;
}

async function checkName(ctx: CallContext, name: string, exceptId?: string): Promise<void> {
  const hit = await ctx.svc.db.selectFrom('zones').select('id').where('name', '=', name).where('removed', 'is', null)
    .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!)).executeTakeFirst();
  if (hit) duplicate('zone', name);
}

function checkAddresses(a: { dns1?: string; dns2?: string; internaldns1?: string; internaldns2?: string; guestcidraddress?: string }) {
  requireIPv4('dns1', a.dns1);
  requireIPv4('dns2', a.dns2);
  requireIPv4('internaldns1', a.internaldns1);
  requireIPv4('internaldns2', a.internaldns2);
  requireCidr('guestcidraddress', a.guestcidraddress);
}

export const zoneHandlers: Pick<H, 'createZone' | 'updateZone' | 'deleteZone' | 'listZones'> = {
  async createZone(ctx, a) {
    checkAddresses(a);
    await checkName(ctx, a.name);
    const z: Zone = {
      id: ctx.svc.newId(), name: a.name, description: null, network_type: a.networktype,
      allocation_state: a.allocationstate ?? 'Disabled', dns1: a.dns1, dns2: a.dns2 ?? null, internal_dns1: a.internaldns1,
      internal_dns2: a.internaldns2 ?? null, guest_cidr: a.guestcidraddress ?? null, domain: a.domain ?? null,
      local_storage_enabled: a.localstorageenabled ? 1 : 0, security_groups_enabled: a.securitygroupenabled ? 1 : 0,
      type: a.isedge ? 'Edge' : 'Core', created: ctx.svc.clock.now(), removed: null, zone_token: randomUUID(),
    };
    await ctx.svc.db.insertInto('zones').values(z).execute();
    await changed(ctx, 'ZONE.CREATE', `Created zone ${z.name}`, { id: z.id, type: 'Zone', name: z.name });
    return formatZone(z, true);
  },

  async updateZone(ctx, a) {
    const z = await zoneById(ctx, a.id);
    checkAddresses(a);
    if (a.name !== undefined && a.name !== z.name) await checkName(ctx, a.name, z.id);
    const set: Partial<Zone> = {};
    if (a.name !== undefined) set.name = a.name;
    if (a.allocationstate !== undefined) set.allocation_state = a.allocationstate;
    if (a.dns1 !== undefined) set.dns1 = a.dns1;
    if (a.dns2 !== undefined) set.dns2 = a.dns2;
    if (a.internaldns1 !== undefined) set.internal_dns1 = a.internaldns1;
    if (a.internaldns2 !== undefined) set.internal_dns2 = a.internaldns2;
    if (a.guestcidraddress !== undefined) set.guest_cidr = a.guestcidraddress;
    if (a.domain !== undefined) set.domain = a.domain;
    if (a.localstorageenabled !== undefined) set.local_storage_enabled = a.localstorageenabled ? 1 : 0;
    if (Object.keys(set).length > 0) await ctx.svc.db.updateTable('zones').set(set).where('id', '=', z.id).execute();
    const updated = { ...z, ...set };
    await changed(ctx, 'ZONE.EDIT', `Updated zone ${updated.name}`, { id: z.id, type: 'Zone', name: updated.name });
    return formatZone(updated, true);
  },

  async deleteZone(ctx, a) {
    const z = await zoneById(ctx, a.id);
    const db = ctx.svc.db;
    const live = (t: 'pods' | 'storage_pools' | 'image_stores' | 'vms' | 'volumes') =>
      countOf(db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).where('zone_id', '=', z.id).where('removed', 'is', null));
    const blockers: [number, string][] = [
      [await live('pods'), 'pods'], [await live('storage_pools'), 'primary storage pools'],
      [await live('image_stores'), 'image stores'], [await live('vms'), 'virtual machines'], [await live('volumes'), 'volumes'],
    ];
    const hit = blockers.find(([n]) => n > 0);
    if (hit) throw resourceInUse(`The zone is not deletable because there are ${hit[1]} in this zone`);
    await db.updateTable('zones').set({ removed: ctx.svc.clock.now() }).where('id', '=', z.id).execute();
    await changed(ctx, 'ZONE.DELETE', `Deleted zone ${z.name}`, { id: z.id, type: 'Zone', name: z.name });
  },

  async listZones(ctx, a) {
    const db = ctx.svc.db;
    const admin = isInfraAdmin(ctx);
    let q = db.selectFrom('zones').where('removed', 'is', null);
    if (a.id !== undefined) q = q.where('id', '=', a.id);
    if (a.ids !== undefined) q = q.where('id', 'in', a.ids);
    if (a.name !== undefined) q = q.where('name', '=', a.name);
    if (a.networktype !== undefined) q = q.where('network_type', '=', a.networktype);
    if (a.keyword !== undefined) q = q.where('name', 'like', likeOf(a.keyword));
    // Only admins see zones that are not open for use yet.
    if (!admin) q = q.where('allocation_state', '=', 'Enabled');
    // available=false narrows to zones where the caller's account has VMs. CloudStack documents false as the
    // default, but its servers list every usable zone when the flag is absent, and clients rely on that.
    if (a.available === false) {
      q = q.where('id', 'in', db.selectFrom('vms').select('zone_id').where('account_id', '=', ctx.caller.accountId).where('removed', 'is', null));
    }
    const count = await countOf(q.select((eb) => eb.fn.countAll<number>().as('n')));
    const rows = await paged(q.selectAll().orderBy('created').orderBy('id'), a, ctx.svc.config.maxPageSize).execute();
    let caps: Capacity[] = [];
    if (a.showcapacities && rows.length > 0) caps = await computeCapacities(db, { level: 'zone' });
    return { count, items: rows.map((z) => formatZone(z, admin, a.showcapacities ? caps.filter((c) => c.zoneid === z.id) : undefined)) };
  },
};
