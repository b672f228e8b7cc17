// addHost, updateHost, deleteHost, listHosts, reconnectHost.
//
// deleteHost rule (CloudStack's, made pragmatic): a host is deleted when it is Disabled, in Maintenance (or an
// error-in-maintenance state), or its agent is not Up (Alert, Down, Disconnected...). An Up and Enabled host
// needs forced=true. VMs still placed on the host (Running, Starting, Stopping, Migrating) refuse the delete with
// 536 unless forced=true; forced marks them Stopped (the host and its capacity are gone) and clears them as
// last host of stopped VMs, so they are planned afresh on their next start.
import { pageWindow } from '../kernel/paging';
import { hostPageRows } from './host-page';
import { countAllBut } from '../db/counts';
import type { HandlersFor, CallContext } from '../kernel/handler';
import type { infraCommands } from '../contract/commands/infra';
import type { HostTable } from '../db/schema';
import { ApiError, notFound, invalidParam, resourceInUse, internalError } from '../kernel/errors';
import { nextHostStatus, nextResourceState, canResourceState, HostStateError, type ResourceStateEvent } from './host-states';
import { zoneById } from '../infrastructure/zones';
import { podById } from '../infrastructure/pods';
import { clusterById, insertCluster } from '../infrastructure/clusters';
import { hostView, formatHost, type HostView, type DetailGroups } from './host-format';
import { reconnectHost, infoColumns } from './host-connect';
import { driverForHost } from '../hypervisors/registry';
import type { HostInfo } from '../hypervisors/driver';
import { changed, countOf, paged, likeOf } from '../infrastructure/util';
import type { Host } from '../contract/responses';
import { haTag, hostHaOf, isHaHost } from './host-ha';

type H = HandlersFor<typeof infraCommands>;
const ALL: DetailGroups = new Set(['all']);
const ON_HOST_STATES = ['Running', 'Starting', 'Stopping', 'Migrating'];
const HOST_FILTERS = ['id', 'name', 'zoneid', 'podid', 'clusterid', 'type', 'state', 'resourcestate', 'hypervisor', 'version',
  'keyword', 'hahost', 'outofbandmanagementenabled', 'arch', 'virtualmachineid'] as const;

async function hostById(ctx: CallContext, id: string): Promise<HostView> {
  const h = await hostView(ctx.svc.db, id);
  if (h === undefined || h.removed !== null) throw notFound(ctx.command, 'id', id);
  return h;
}

async function answer(ctx: CallContext, id: string): Promise<Host> {
  const h = (await hostView(ctx.svc.db, id))!;
  return formatHost(h, ALL, { stats: await stats(ctx, h), ha: (await hostHaOf(ctx.svc, [h])).get(h.id), haHost: isHaHost(h.host_tags, await haTag(ctx.svc)) });
}

async function stats(ctx: CallContext, h: HostView) {
  if (h.state !== 'Up') return null;
  try {
    return await driverForHost(ctx.svc.drivers, h).hostStats(h.id);
  } catch {
    return null; // an unreachable host shows no usage rather than failing the list
  }
}

/** Resolves addHost's cluster: by id, or by name in the pod (created when missing, as CloudStack does). */
async function clusterFor(ctx: CallContext, a: { zoneid: string; podid: string; clusterid?: string; clustername?: string; hypervisor: string }) {
  if (a.clusterid !== undefined) {
    const c = await clusterById(ctx, a.clusterid, 'clusterid');
    if (c.pod_id !== a.podid) throw invalidParam(`Cluster ${c.name} does not belong to the given pod`);
    return c;
  }
  if (a.clustername === undefined) throw invalidParam('Either clusterid or clustername must be specified');
  const c = await ctx.svc.db.selectFrom('clusters').selectAll().where('pod_id', '=', a.podid).where('name', '=', a.clustername)
    .where('removed', 'is', null).executeTakeFirst();
  return c ?? insertCluster(ctx, { zoneId: a.zoneid, podId: a.podid, name: a.clustername, hypervisor: a.hypervisor, clusterType: 'CloudManaged' });
}

function hostName(url: string): string {
  try {
    return new URL(url).hostname || url;
  } catch {
    return url.replace(/^[a-z]+:\/\//i, '').split(/[/?]/)[0] || url;
  }
}

function resourceEvent(from: string, event: ResourceStateEvent): string {
  try {
    return nextResourceState(from, event);
  } catch (e) {
    if (e instanceof HostStateError) throw invalidParam(`Unable to ${event === 'Enable' ? 'enable' : 'disable'} a host in resource state ${from}`);
    throw e;
  }
}

/**
 * A host's name comes from its URL's host part, so two URLs differing only in their query (http://sim-1/?cpu=4
 * and ?cpu=8) would make two hosts of one name, which no operator can tell apart: refused like a repeated URL.
 */
async function refuseDuplicateName(ctx: Parameters<H['addHost']>[0], zone: { id: string; name: string }, name: string) {
  const same = await ctx.svc.db.selectFrom('hosts').select('url').where('zone_id', '=', zone.id).where('name', '=', name)
    .where('removed', 'is', null).executeTakeFirst();
  if (same) throw invalidParam(`A host named ${name} already exists in zone ${zone.name} (URL ${same.url}); use another host name in the URL`);
}

export const hostHandlers: Pick<H, 'addHost' | 'updateHost' | 'deleteHost' | 'listHosts' | 'reconnectHost'> = {
  async addHost(ctx, a) {
    const zone = await zoneById(ctx, a.zoneid, 'zoneid');
    const pod = await podById(ctx, a.podid, 'podid');
    if (pod.zone_id !== zone.id) throw invalidParam(`Pod ${pod.name} does not belong to zone ${zone.name}`);
    const driver = driverForHost(ctx.svc.drivers, a);
    const dup = await ctx.svc.db.selectFrom('hosts').select('id').where('zone_id', '=', zone.id).where('url', '=', a.url)
      .where('removed', 'is', null).executeTakeFirst();
    if (dup) throw invalidParam(`A host with URL ${a.url} already exists in zone ${zone.name}`);
    await refuseDuplicateName(ctx, zone, hostName(a.url));
    const cluster = await clusterFor(ctx, a);
    if (cluster.hypervisor.toLowerCase() !== driver.hypervisor.toLowerCase()) {
      throw invalidParam(`Cannot add a ${driver.hypervisor} host to cluster ${cluster.name} of hypervisor ${cluster.hypervisor}`);
    }
    const id = ctx.svc.newId();
    const name = hostName(a.url);
    const details = JSON.stringify(a.username ? { username: a.username } : {});
    let info: HostInfo | undefined;
    let enrolled: Awaited<ReturnType<NonNullable<typeof driver.enrollHost>>> | undefined;
    try {
      const spec = { hostId: id, name, url: a.url, username: a.username, password: a.password, details: {} };
      // Hosts whose agent dials in (agent://) are enrolled: they get a token and wait for their agent.
      if (driver.enrollHost) enrolled = await driver.enrollHost(spec);
      else info = await driver.connectHost(spec);
    } catch (e) {
      if (e instanceof ApiError) throw e; // the driver already says what is wrong and which code fits
      throw internalError(`Unable to add the host: ${e instanceof Error ? e.message : String(e)}`);
    }
    const now = ctx.svc.clock.now();
    // Creating -> Connecting -> Up, and Creating -> Enabled (or Disabled), all checked by the state machines.
    // An enrolled host stays Connecting until its agent connects (agent/host-link.ts).
    const connecting = nextHostStatus('Creating', 'AgentConnected');
    const state = enrolled ? connecting : nextHostStatus(connecting, 'Ready');
    const resource = nextResourceState('Creating', a.allocationstate === 'Disabled' ? 'Disable' : 'InternalCreated');
    const row: HostTable = {
      id, name, zone_id: zone.id, pod_id: pod.id, cluster_id: cluster.id, hypervisor: driver.hypervisor, type: 'Routing',
      state, resource_state: resource, url: a.url, cpu_allocated: 0, memory_allocated: 0, cpu_cores_allocated: 0,
      host_tags: (a.hosttags ?? []).join(','), version: ctx.svc.config.version, created: now, last_pinged: now,
      disconnected: null, removed: null,
      ...(info ? infoColumns(info, details) : { cpu_number: 0, cpu_speed: 0, memory_total: 0, ip_address: '',
        details: JSON.stringify({ ...JSON.parse(details), ...enrolled?.details }) }),
    };
    try {
      // The server that added the host owns it (its simulator or local driver holds the host's VMs).
      await ctx.svc.db.insertInto('hosts').values({ ...row, ms_id: ctx.svc.config.msId }).execute();
    } catch (e) {
      await driver.disconnectHost(id).catch(() => undefined);
      throw e;
    }
    await changed(ctx, 'HOST.CREATE', `Added host ${name} to cluster ${cluster.name}`, { id, type: 'Host', name });
    const added = await answer(ctx, id);
    // The agent token is shown this once: the host keeps only its hash.
    return { count: 1, items: [enrolled ? { ...added, details: { ...added.details, ...enrolled.reveal } } : added] };
  },

  async updateHost(ctx, a) {
    const h = await hostById(ctx, a.id);
    const set: Partial<HostTable> = {};
    if (a.allocationstate !== undefined) set.resource_state = resourceEvent(h.resource_state, a.allocationstate as 'Enable' | 'Disable');
    if (a.hosttags !== undefined) set.host_tags = a.hosttags.join(',');
    if (a.name !== undefined) set.name = a.name;
    if (a.url !== undefined) {
      // Which driver serves a host follows from its url (agent:// or not) and is cached by id: it must not change.
      if (a.url.trim().toLowerCase().startsWith('agent://') !== h.url.trim().toLowerCase().startsWith('agent://')) {
        throw invalidParam(`Host ${h.name}: a url cannot change between agent:// and another scheme; delete the host and add it again`);
      }
      set.url = a.url;
    }
    if (Object.keys(set).length > 0) await ctx.svc.db.updateTable('hosts').set(set).where('id', '=', h.id).execute();
    const name = set.name ?? h.name;
    await changed(ctx, 'HOST.UPDATE', `Updated host ${name}`, { id: h.id, type: 'Host', name });
    return answer(ctx, h.id);
  },

  async deleteHost(ctx, a) {
    const h = await hostById(ctx, a.id);
    const db = ctx.svc.db;
    if (!a.forced && h.state === 'Up' && h.resource_state === 'Enabled') {
      throw invalidParam(`Host ${h.name} is Up and Enabled: disable it or put it in maintenance before deleting it, or use forced=true`);
    }
    const vms = await countOf(db.selectFrom('vms').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('host_id', '=', h.id).where('removed', 'is', null).where('state', 'in', ON_HOST_STATES));
    if (vms > 0 && !a.forced) {
      throw resourceInUse(`Host ${h.name} cannot be deleted: ${vms} virtual machine(s) are on it; stop or migrate them, or use forced=true`);
    }
    const now = ctx.svc.clock.now();
    await db.transaction().execute(async (tx) => {
      if (vms > 0) {
        await tx.updateTable('vms').set({ state: 'Stopped', host_id: null, updated: now })
          .where('host_id', '=', h.id).where('removed', 'is', null).where('state', 'in', ON_HOST_STATES).execute();
      }
      await tx.updateTable('vms').set({ last_host_id: null }).where('last_host_id', '=', h.id).where('removed', 'is', null).execute();
      await tx.updateTable('vms').set({ host_id: null }).where('host_id', '=', h.id).execute();
      const resource = canResourceState(h.resource_state, 'DeleteHost') ? nextResourceState(h.resource_state, 'DeleteHost') : h.resource_state;
      await tx.updateTable('hosts').set({ state: nextHostStatus(h.state, 'Remove'), resource_state: resource, removed: now,
        cpu_allocated: 0, memory_allocated: 0, cpu_cores_allocated: 0 }).where('id', '=', h.id).execute();
    });
    await driverForHost(ctx.svc.drivers, h).disconnectHost(h.id).catch(() => undefined);
    await changed(ctx, 'HOST.DELETE', `Deleted host ${h.name}${vms > 0 ? ` (forced; ${vms} VMs marked Stopped)` : ''}`, { id: h.id, type: 'Host', name: h.name });
  },

  async listHosts(ctx, a) {
    const db = ctx.svc.db;
    // Filters on hosts alone: the COUNT and the page's ids walk a (filter, removed, created, id) index (migration 011).
    let q = db.selectFrom('hosts as h').where('h.removed', 'is', null);
    if (a.id !== undefined) q = q.where('h.id', '=', a.id);
    if (a.name !== undefined) q = q.where('h.name', '=', a.name);
    if (a.zoneid !== undefined) q = q.where('h.zone_id', '=', a.zoneid);
    if (a.podid !== undefined) q = q.where('h.pod_id', '=', a.podid);
    if (a.clusterid !== undefined) q = q.where('h.cluster_id', '=', a.clusterid);
    if (a.type !== undefined) q = q.where('h.type', '=', a.type);
    if (a.state !== undefined) q = q.where('h.state', '=', a.state);
    if (a.resourcestate !== undefined) q = q.where('h.resource_state', '=', a.resourcestate);
    if (a.hypervisor !== undefined) q = q.where('h.hypervisor', '=', ctx.svc.drivers.get(a.hypervisor).hypervisor);
    if (a.version !== undefined) q = q.where('h.version', '=', a.version);
    if (a.keyword !== undefined) q = q.where('h.name', 'like', likeOf(a.keyword));
    // HA hosts carry the ha.tag host tag; none has out-of-band management, every one is x86_64.
    const tag = await haTag(ctx.svc);
    if (a.hahost !== undefined) {
      if (tag === null) { if (a.hahost) q = q.where('h.id', '=', ''); }
      else {
        q = q.where((eb) => {
          const has = eb.or([eb('h.host_tags', '=', tag), eb('h.host_tags', 'like', `${tag},%`), eb('h.host_tags', 'like', `%,${tag}`), eb('h.host_tags', 'like', `%,${tag},%`)]);
          return a.hahost ? has : eb.not(has);
        });
      }
    }
    if (a.outofbandmanagementenabled === true || (a.arch !== undefined && a.arch !== 'x86_64')) q = q.where('h.id', '=', '');
    if (a.virtualmachineid !== undefined) {
      q = q.where('h.id', 'in', db.selectFrom('vms').select('host_id').where('id', '=', a.virtualmachineid).where('host_id', 'is not', null));
    }
    // The unfiltered view counts the table (db/counts.ts) instead of walking 25,000 index entries.
    const unfiltered = HOST_FILTERS.every((k) => a[k] === undefined);
    const count = unfiltered ? await countAllBut(db, 'hosts', 'removed') : await countOf(q.select((eb) => eb.fn.countAll<number>().as('n')));
    const ids = paged(q.select('h.id').orderBy('h.created').orderBy('h.id'), a, ctx.svc.config.maxPageSize);
    // Only the page's hosts are joined to their cluster, pod and zone (host-page.ts).
    const window = pageWindow(a, ctx.svc.config.maxPageSize);
    const rows = await hostPageRows(db, ids, unfiltered && window.limit !== null ? { window: { offset: window.offset, limit: window.limit }, count } : undefined);
    const groups: DetailGroups = new Set((a.details ?? ['all']).map((d) => d.toLowerCase()));
    const want = groups.has('all') || groups.has('stats');
    const st = want ? await Promise.all(rows.map((h) => stats(ctx, h))) : [];
    const ha = await hostHaOf(ctx.svc, rows);
    return { count, items: rows.map((h, i) => formatHost(h, groups, { stats: st[i], ha: ha.get(h.id), haHost: isHaHost(h.host_tags, tag) })) };
  },

  reconnectHost: {
    async prepare(ctx, a) {
      const h = await hostById(ctx, a.id);
      return { instanceType: 'Host', instanceId: h.id, locks: [`host:${h.id}`], payload: {} };
    },
    async execute(ctx, a) {
      const h = await hostById(ctx, a.id);
      const err = await reconnectHost(ctx.svc, h);
      await changed(ctx, 'HOST.RECONNECT', err === null ? `Reconnected host ${h.name}` : `Failed to reconnect host ${h.name}: ${err}`,
        { id: h.id, type: 'Host', name: h.name });
      if (err !== null) throw internalError(`Failed to reconnect host ${h.name}: ${err}`);
      return answer(ctx, h.id);
    },
  },
};
