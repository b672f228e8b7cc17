// Host HA settings: configureHAForHost, enableHAForHost/disableHAForHost, their cluster and zone variants,
// listHostHAResources and listHostHAProviders, and the `hostha`/`hahost` fields of listHosts. As in CloudStack a
// host's HA needs a provider (configureHAForHost) and its own enable; a cluster or zone disabled with
// disable*HAFor* turns it off for all its hosts (absent means enabled). hastate follows the host as it is:
// Available (Up), Suspect (agent link lost, being investigated), Fenced (declared Down, its VMs recovered),
// Ineligible (in maintenance), Disabled (HA off). VM-HA (offerha) does not depend on it: a Down host's HA VMs are
// restarted whatever its host HA setting.
import type { AsyncHandler, CallContext, SyncHandler } from '../kernel/handler';
import type { maintenanceCommands } from '../contract/commands/maintenance';
import type { Services } from '../kernel/services';
import type { HAForHostResponse } from '../contract/responses';
import { invalidParam, notFound } from '../kernel/errors';
import { settingValue } from '../kernel/settings';
import { tagList } from '../kernel/format';

type C = typeof maintenanceCommands;
const PROVIDERS: Record<string, string> = { kvm: 'kvmhaprovider', simulator: 'simulatorhaprovider' };
export const haProviderOf = (hypervisor: string) => PROVIDERS[hypervisor.toLowerCase()];

export interface HaRow { id: string; state: string; resource_state: string; cluster_id: string; zone_id: string }

async function configs(svc: Services, ids: string[]) {
  if (ids.length === 0) return new Map<string, { enabled: number; provider: string | null }>();
  const rows = await svc.db.selectFrom('ha_config').select(['resource_id', 'enabled', 'provider']).where('resource_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.resource_id, r]));
}

function haState(h: HaRow, enabled: boolean): string {
  if (!enabled) return 'Disabled';
  if (['Maintenance', 'PrepareForMaintenance', 'ErrorInMaintenance', 'ErrorInPrepareForMaintenance', 'Disabled'].includes(h.resource_state)) return 'Ineligible';
  if (h.state === 'Down') return 'Fenced';
  if (h.state === 'Alert' || h.state === 'Disconnected') return 'Suspect';
  return h.state === 'Up' ? 'Available' : 'Checking';
}

/** The `hostha` objects of hosts, by host id (one query for the page). */
export async function hostHaOf(svc: Services, hosts: HaRow[]): Promise<Map<string, HAForHostResponse>> {
  const ids = new Set<string>();
  for (const h of hosts) { ids.add(h.id); ids.add(h.cluster_id); ids.add(h.zone_id); }
  const cfg = await configs(svc, [...ids]);
  return new Map(hosts.map((h) => {
    const own = cfg.get(h.id);
    const enabled = own?.enabled === 1 && cfg.get(h.cluster_id)?.enabled !== 0 && cfg.get(h.zone_id)?.enabled !== 0;
    return [h.id, { hostid: h.id, haenable: own?.enabled === 1, hastate: haState(h, enabled), ...(own?.provider ? { haprovider: own.provider } : {}) }];
  }));
}

/** Hosts carrying the ha.tag host tag are HA hosts (listHosts hahost). */
export async function haTag(svc: Services): Promise<string | null> {
  const t = (await settingValue(svc, 'ha.tag')).trim().toLowerCase();
  return t === '' ? null : t;
}
export const isHaHost = (hostTags: string, tag: string | null) => tag !== null && tagList(hostTags).some((t) => t.toLowerCase() === tag);

async function setConfig(svc: Services, id: string, type: string, set: { enabled?: number; provider?: string }) {
  const now = svc.clock.now();
  const r = await svc.db.updateTable('ha_config').set({ ...set, updated: now }).where('resource_id', '=', id).executeTakeFirst();
  if (Number(r.numUpdatedRows) > 0) return;
  await svc.db.insertInto('ha_config').values({ resource_id: id, resource_type: type, enabled: set.enabled ?? 0, provider: set.provider ?? null, updated: now })
    .execute().catch(() => svc.db.updateTable('ha_config').set({ ...set, updated: now }).where('resource_id', '=', id).execute());
}

async function host(ctx: CallContext, id: string) {
  const h = await ctx.svc.db.selectFrom('hosts').select(['id', 'name', 'state', 'resource_state', 'cluster_id', 'zone_id', 'hypervisor'])
    .where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!h) throw notFound(ctx.command, 'hostid', id);
  return h;
}

async function answer(svc: Services, h: HaRow): Promise<HAForHostResponse> {
  return (await hostHaOf(svc, [h])).get(h.id)!;
}

async function haEvent(ctx: CallContext, type: string, description: string, r: { id: string; type: string }) {
  await ctx.svc.events.record({ type, description, level: 'INFO', state: 'Completed', resourceId: r.id, resourceType: r.type,
    userId: ctx.caller.userId, accountId: ctx.caller.accountId, domainId: ctx.caller.domainId });
}

const hostPlan = (id: string) => ({ instanceType: 'Host', instanceId: id, locks: [`host-ha:${id}`], payload: {} });

export const configureHaHandler: AsyncHandler<C['configureHAForHost']> = {
  async prepare(ctx, a) {
    const h = await host(ctx, a.hostid);
    if (a.provider.toLowerCase() !== haProviderOf(h.hypervisor)) {
      throw invalidParam(`Invalid HA provider ${a.provider} for host ${h.name} (${h.hypervisor}); listHostHAProviders gives ${haProviderOf(h.hypervisor) ?? 'none'}`);
    }
    return hostPlan(h.id);
  },
  async execute(ctx, a) {
    const h = await host(ctx, a.hostid);
    await setConfig(ctx.svc, h.id, 'Host', { provider: a.provider.toLowerCase() });
    await haEvent(ctx, 'HA.RESOURCE.CONFIGURE', `Configured HA provider ${a.provider} for host ${h.name}`, { id: h.id, type: 'Host' });
    return { ...(await answer(ctx.svc, h)), status: true };
  },
};

const toggleHost = (enable: boolean): AsyncHandler<C['enableHAForHost']> => ({
  async prepare(ctx, a) {
    const h = await host(ctx, a.hostid);
    const cfg = (await configs(ctx.svc, [h.id])).get(h.id);
    if (enable && !cfg?.provider) throw invalidParam(`HA is not configured for host ${h.name}: set its provider with configureHAForHost first`);
    return hostPlan(h.id);
  },
  async execute(ctx, a) {
    const h = await host(ctx, a.hostid);
    await setConfig(ctx.svc, h.id, 'Host', { enabled: enable ? 1 : 0 });
    await haEvent(ctx, enable ? 'HA.RESOURCE.ENABLE' : 'HA.RESOURCE.DISABLE', `${enable ? 'Enabled' : 'Disabled'} HA for host ${h.name}`, { id: h.id, type: 'Host' });
    return { ...(await answer(ctx.svc, h)), status: true };
  },
});

const toggleScope = (table: 'clusters' | 'zones', type: 'Cluster' | 'Zone', param: 'clusterid' | 'zoneid', enable: boolean):
  AsyncHandler<C['enableHAForCluster']> => ({
  async prepare(ctx, a) {
    const id = (a as Record<string, string>)[param];
    const row = await ctx.svc.db.selectFrom(table).select('id').where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
    if (!row) throw notFound(ctx.command, param, id);
    return { instanceType: type, instanceId: id, locks: [`host-ha:${id}`], payload: {} };
  },
  async execute(ctx, a) {
    const id = (a as Record<string, string>)[param];
    await setConfig(ctx.svc, id, type, { enabled: enable ? 1 : 0 });
    await haEvent(ctx, enable ? 'HA.RESOURCE.ENABLE' : 'HA.RESOURCE.DISABLE', `${enable ? 'Enabled' : 'Disabled'} HA for ${type.toLowerCase()} ${id}`, { id, type });
  },
});

export const haHandlers = {
  configureHAForHost: configureHaHandler,
  enableHAForHost: toggleHost(true),
  disableHAForHost: toggleHost(false) as unknown as AsyncHandler<C['disableHAForHost']>,
  enableHAForCluster: toggleScope('clusters', 'Cluster', 'clusterid', true),
  disableHAForCluster: toggleScope('clusters', 'Cluster', 'clusterid', false) as unknown as AsyncHandler<C['disableHAForCluster']>,
  enableHAForZone: toggleScope('zones', 'Zone', 'zoneid', true) as unknown as AsyncHandler<C['enableHAForZone']>,
  disableHAForZone: toggleScope('zones', 'Zone', 'zoneid', false) as unknown as AsyncHandler<C['disableHAForZone']>,
  listHostHAResources: (async (ctx, a) => {
    let q = ctx.svc.db.selectFrom('hosts').select(['id', 'state', 'resource_state', 'cluster_id', 'zone_id']).where('removed', 'is', null)
      .where('id', 'in', ctx.svc.db.selectFrom('ha_config').select('resource_id').where('resource_type', '=', 'Host'));
    if (a.hostid !== undefined) q = q.where('id', '=', a.hostid);
    const rows = await q.orderBy('created').execute();
    const ha = await hostHaOf(ctx.svc, rows);
    return { count: rows.length, items: rows.map((r) => ha.get(r.id)!) };
  }) as SyncHandler<C['listHostHAResources']>,
  listHostHAProviders: ((_ctx, a) => {
    const p = haProviderOf(a.hypervisor);
    return { count: p ? 1 : 0, items: p ? [{ haprovider: p }] : [] };
  }) as SyncHandler<C['listHostHAProviders']>,
};
