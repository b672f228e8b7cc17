// createPod, updatePod, deletePod, listPods. A pod may carry one management IP range (gateway, netmask,
// startip, endip) for system VMs; it is shown in `ipranges` and in the parallel startip/endip lists.
import type { Selectable } from 'kysely';
import type { HandlersFor, CallContext } from '../kernel/handler';
import type { PodTable, PodIpRangeTable } from '../db/schema';
import type { infraCommands } from '../contract/commands/infra';
import { notFound, invalidParam, resourceInUse } from '../kernel/errors';
import { compact } from '../kernel/format';
import { computeCapacities, type Capacity } from './capacity';
import { zoneById } from './zones';
import { changed, countOf, paged, likeOf, requireIPv4, maskBits, cidrOf, ipToInt, sameSubnet, lastUsableIp, duplicate } from './util';
import type { Pod as PodResponse, PodIpranges } from '../contract/responses';

type Pod = Selectable<PodTable>;
type Range = Selectable<PodIpRangeTable>;
type H = HandlersFor<typeof infraCommands>;

export function formatPod(p: Pod, zoneName: string, ranges: Range[], capacity?: Capacity[]): PodResponse {
  const ipranges = ranges.map((r) => compact<PodIpranges>({
    startip: r.start_ip, endip: r.end_ip, gateway: r.gateway ?? p.gateway,
    cidr: cidrOf(r.gateway ?? p.gateway ?? '', r.netmask ?? p.netmask ?? ''), forsystemvms: String(r.for_system_vms),
    vlanid: r.vlan_id,
  }));
  return compact<PodResponse>({
    id: p.id, name: p.name, zoneid: p.zone_id, zonename: zoneName, gateway: p.gateway, netmask: p.netmask,
    startip: ranges.map((r) => r.start_ip), endip: ranges.map((r) => r.end_ip),
    forsystemvms: ranges.map((r) => String(r.for_system_vms)), vlanid: ranges.map((r) => r.vlan_id ?? 'untagged'),
    allocationstate: p.allocation_state, ipranges, hasannotations: false,
    capacity: capacity?.map(({ podid: _p, podname: _n, ...c }) => c),
  });
}

export async function podById(ctx: CallContext, id: string, param = 'id'): Promise<Pod> {
  const p = await ctx.svc.db.selectFrom('pods').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (p === undefined) throw notFound(ctx.command, param, id);
  return p;
}

async function rangesOf(ctx: CallContext, podIds: string[]): Promise<Map<string, Range[]>> {
  const out = new Map<string, Range[]>();
  if (podIds.length === 0) return out;
  const rows = await ctx.svc.db.selectFrom('pod_ip_ranges').selectAll().where('pod_id', 'in', podIds).orderBy('start_ip').execute();
  for (const r of rows) out.set(r.pod_id, [...(out.get(r.pod_id) ?? []), r]);
  return out;
}

/** Validates a management range; all four values are needed together. */
function checkRange(gateway?: string | null, netmask?: string | null, startip?: string, endip?: string): void {
  requireIPv4('gateway', gateway);
  requireIPv4('netmask', netmask);
  requireIPv4('startip', startip);
  requireIPv4('endip', endip);
  if (netmask && maskBits(netmask) < 0) throw invalidParam(`Please enter a valid netmask: ${netmask}`);
  if (startip === undefined) return;
  if (!gateway || !netmask) throw invalidParam('gateway and netmask are required with startip');
  const end = endip ?? startip;
  if (ipToInt(startip) > ipToInt(end)) throw invalidParam(`The start IP ${startip} is after the end IP ${end}`);
  if (!sameSubnet(startip, gateway, netmask) || !sameSubnet(end, gateway, netmask)) {
    throw invalidParam(`The IP range ${startip}-${end} is not in the subnet of gateway ${gateway}/${netmask}`);
  }
  if (ipToInt(gateway) >= ipToInt(startip) && ipToInt(gateway) <= ipToInt(end)) {
    throw invalidParam(`The gateway ${gateway} must not be inside the IP range ${startip}-${end}`);
  }
}

async function checkName(ctx: CallContext, zoneId: string, name: string, exceptId?: string): Promise<void> {
  const hit = await ctx.svc.db.selectFrom('pods').select('id').where('zone_id', '=', zoneId).where('name', '=', name)
    .where('removed', 'is', null).$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!)).executeTakeFirst();
  if (hit) duplicate('pod', name, ' in this zone');
}

export const podHandlers: Pick<H, 'createPod' | 'updatePod' | 'deletePod' | 'listPods'> = {
  async createPod(ctx, a) {
    const zone = await zoneById(ctx, a.zoneid, 'zoneid');
    checkRange(a.gateway, a.netmask, a.startip, a.endip);
    // Without endip the range runs to the subnet's last usable address, as in CloudStack.
    const endip = a.endip ?? (a.startip !== undefined && a.netmask ? lastUsableIp(a.startip, a.netmask) : a.startip);
    checkRange(a.gateway, a.netmask, a.startip, endip);
    await checkName(ctx, zone.id, a.name);
    const pod: Pod = {
      id: ctx.svc.newId(), zone_id: zone.id, name: a.name, gateway: a.gateway ?? null, netmask: a.netmask ?? null,
      allocation_state: a.allocationstate ?? 'Enabled', created: ctx.svc.clock.now(), removed: null,
    };
    const ranges: Range[] = a.startip === undefined ? [] : [{
      id: ctx.svc.newId(), pod_id: pod.id, start_ip: a.startip, end_ip: endip ?? a.startip,
      gateway: null, netmask: null, vlan_id: null, for_system_vms: 0,
    }];
    await ctx.svc.db.transaction().execute(async (tx) => {
      await tx.insertInto('pods').values(pod).execute();
      if (ranges.length > 0) await tx.insertInto('pod_ip_ranges').values(ranges).execute();
    });
    await changed(ctx, 'POD.CREATE', `Created pod ${pod.name} in zone ${zone.name}`, { id: pod.id, type: 'Pod', name: pod.name });
    return formatPod(pod, zone.name, ranges);
  },

  async updatePod(ctx, a) {
    const pod = await podById(ctx, a.id);
    const zone = await zoneById(ctx, pod.zone_id);
    const old = (await rangesOf(ctx, [pod.id])).get(pod.id) ?? [];
    const gateway = a.gateway ?? pod.gateway;
    const netmask = a.netmask ?? pod.netmask;
    const startip = a.startip ?? (a.endip !== undefined || a.gateway !== undefined || a.netmask !== undefined ? old[0]?.start_ip : undefined);
    const endip = a.endip ?? (a.startip === undefined ? old[0]?.end_ip : undefined);
    checkRange(gateway, netmask, startip, endip);
    if (a.name !== undefined && a.name !== pod.name) await checkName(ctx, zone.id, a.name, pod.id);
    const set: Partial<Pod> = { gateway, netmask };
    if (a.name !== undefined) set.name = a.name;
    if (a.allocationstate !== undefined) set.allocation_state = a.allocationstate;
    let ranges = old;
    await ctx.svc.db.transaction().execute(async (tx) => {
      await tx.updateTable('pods').set(set).where('id', '=', pod.id).execute();
      if (startip === undefined) return;
      // The first range is the pod's management range: replace it, keep any others.
      const first: Range = old[0] ? { ...old[0], start_ip: startip, end_ip: endip ?? startip }
        : { id: ctx.svc.newId(), pod_id: pod.id, start_ip: startip, end_ip: endip ?? startip, gateway: null, netmask: null, vlan_id: null, for_system_vms: 0 };
      if (old[0]) await tx.updateTable('pod_ip_ranges').set({ start_ip: first.start_ip, end_ip: first.end_ip }).where('id', '=', first.id).execute();
      else await tx.insertInto('pod_ip_ranges').values(first).execute();
      ranges = [first, ...old.slice(1)];
    });
    const updated = { ...pod, ...set };
    await changed(ctx, 'POD.EDIT', `Updated pod ${updated.name}`, { id: pod.id, type: 'Pod', name: updated.name });
    return formatPod(updated, zone.name, ranges);
  },

  async deletePod(ctx, a) {
    const pod = await podById(ctx, a.id);
    const db = ctx.svc.db;
    const live = (t: 'clusters' | 'hosts' | 'storage_pools') =>
      countOf(db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).where('pod_id', '=', pod.id).where('removed', 'is', null));
    if (await live('hosts')) throw resourceInUse(`The pod is not deletable because there are servers in this pod`);
    if (await live('clusters')) throw resourceInUse(`The pod is not deletable because there are clusters in this pod`);
    if (await live('storage_pools')) throw resourceInUse(`The pod is not deletable because there are storage pools in this pod`);
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('pod_ip_ranges').where('pod_id', '=', pod.id).execute();
      await tx.updateTable('pods').set({ removed: ctx.svc.clock.now() }).where('id', '=', pod.id).execute();
    });
    await changed(ctx, 'POD.DELETE', `Deleted pod ${pod.name}`, { id: pod.id, type: 'Pod', name: pod.name });
  },

  async listPods(ctx, a) {
    const db = ctx.svc.db;
    let q = db.selectFrom('pods as p').innerJoin('zones as z', 'z.id', 'p.zone_id').where('p.removed', 'is', null);
    if (a.id !== undefined) q = q.where('p.id', '=', a.id);
    if (a.name !== undefined) q = q.where('p.name', '=', a.name);
    if (a.zoneid !== undefined) q = q.where('p.zone_id', '=', a.zoneid);
    if (a.allocationstate !== undefined) q = q.where('p.allocation_state', '=', a.allocationstate);
    if (a.keyword !== undefined) q = q.where('p.name', 'like', likeOf(a.keyword));
    const count = await countOf(q.select((eb) => eb.fn.countAll<number>().as('n')));
    const rows = await paged(q.selectAll('p').select('z.name as zone_name').orderBy('p.created').orderBy('p.id'), a, ctx.svc.config.maxPageSize).execute();
    const ranges = await rangesOf(ctx, rows.map((r) => r.id));
    const caps = a.showcapacities && rows.length > 0 ? await computeCapacities(db, { level: 'pod', zoneId: a.zoneid }) : [];
    return {
      count,
      items: rows.map(({ zone_name, ...p }) =>
        formatPod(p, zone_name, ranges.get(p.id) ?? [], a.showcapacities ? caps.filter((c) => c.podid === p.id) : undefined)),
    };
  },
};
