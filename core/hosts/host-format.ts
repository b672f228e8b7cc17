// The host response object. JSON types follow cloudstack-response-types.json ("Host"): counters in bytes and
// MHz are numbers; percentages ("12.50%") and the with-overprovisioning totals ("32000") are strings.
import type { Selectable } from 'kysely';
import type { Db } from '../db/connect';
import type { HostTable } from '../db/schema';
import type { HostStats } from '../hypervisors/driver';
import { csDate, percent } from '../kernel/format';
import { hostStatusEvents } from './host-states';
import { num2 } from '../infrastructure/util';
import type { Host, HAForHostResponse } from '../contract/responses';

export interface HostView extends Selectable<HostTable> {
  /** The owning management server (hosts.ms_id) and its name. */
  ms_id: string | null; ms_name: string | null;
  zone_name: string; pod_name: string; cluster_name: string; cluster_type: string;
  cpu_overcommit: number; memory_overcommit: number;
}

/** hosts joined with the names and overcommit factors every host answer shows. */
export function hostViewQuery(db: Db) {
  return db.selectFrom('hosts as h').innerJoin('clusters as c', 'c.id', 'h.cluster_id')
    .innerJoin('pods as p', 'p.id', 'h.pod_id').innerJoin('zones as z', 'z.id', 'h.zone_id')
    .leftJoin('management_servers as ms', 'ms.id', 'h.ms_id');
}

export const hostViewColumns = ['z.name as zone_name', 'p.name as pod_name', 'c.name as cluster_name',
  'c.cluster_type', 'c.cpu_overcommit', 'c.memory_overcommit', 'ms.name as ms_name'] as const;

export async function hostView(db: Db, id: string): Promise<HostView | undefined> {
  return hostViewQuery(db).selectAll('h').select(hostViewColumns).where('h.id', '=', id).executeTakeFirst();
}

/** Detail groups of listHosts `details`: all (default), capacity, stats, events, min. */
export type DetailGroups = Set<string>;
export const wants = (g: DetailGroups, what: string) => g.has('all') || g.has(what);

/**
 * The last details text read and what it gave, frozen (it goes into answers as is): the hosts of a page mostly carry
 * the same details text (one hypervisor version and capabilities), and parsing it for each of 500 hosts was about a
 * tenth of a page's CPU. Derived from the text alone, so nothing to invalidate.
 */
let lastDetails: { json: string; parsed: Readonly<Record<string, string>> | undefined } | undefined;
function details(json: string): Readonly<Record<string, string>> | undefined {
  if (lastDetails?.json !== json) lastDetails = { json, parsed: parseDetails(json) };
  return lastDetails.parsed;
}

function parseDetails(json: string): Readonly<Record<string, string>> | undefined {
  try {
    const d = JSON.parse(json) as Record<string, unknown>;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(d)) if (!/password|secret/i.test(k)) out[k] = String(v);
    return Object.freeze(out);
  } catch {
    return undefined;
  }
}

/** Events of each host state, joined once per state (500 hosts of a page share a few states). */
const eventsByState = new Map<string, string>();
function eventsOf(state: string): string {
  let text = eventsByState.get(state);
  if (text === undefined) eventsByState.set(state, text = hostStatusEvents(state).join('; '));
  return text;
}

/**
 * stats: the driver's usage figures; ha: the host's `hostha` (host-ha.ts); haHost: it carries the ha.tag tag.
 * One object literal with every field in response order, absent ones undefined (JSON and XML leave those out), as
 * the VM page's (vm-format.ts): V8 allocates it once at its final size and stringifies it on its fast path, where
 * fields added by Object.assign and nulls deleted afterwards left a slow dictionary-mode object per host.
 */
export function formatHost(h: HostView, g: DetailGroups,
  extra: { stats?: HostStats | null; ha?: HAForHostResponse; haHost?: boolean } = {}): Host {
  const all = g.has('all');
  const d = details(h.details);
  const capacity = all || g.has('capacity');
  const st = (all || g.has('stats')) && extra.stats ? extra.stats : undefined;
  const cpuTotal = h.cpu_number * h.cpu_speed;
  const cpuWithOver = cpuTotal * h.cpu_overcommit;
  const memWithOver = h.memory_total * h.memory_overcommit;
  const up = h.state === 'Up';
  const cpuPercent = capacity ? percent(h.cpu_allocated, cpuTotal) : undefined;
  return {
    id: h.id, name: h.name, type: h.type, state: h.state, resourcestate: h.resource_state, ipaddress: h.ip_address,
    hypervisor: h.hypervisor, hypervisorversion: d?.hypervisorVersion, version: h.version ?? undefined,
    zoneid: h.zone_id, zonename: h.zone_name, podid: h.pod_id, podname: h.pod_name,
    clusterid: h.cluster_id, clustername: h.cluster_name, clustertype: h.cluster_type,
    hosttags: h.host_tags || undefined, explicithosttags: h.host_tags || undefined, istagarule: false,
    capabilities: d?.capabilities, arch: 'x86_64',
    // CloudStack's host details map (all of it with details=all); KVM hosts say whether they can wire guest
    // networks (HostInfo.guestNetworking), shown with any other details= too.
    details: all ? d : d?.['guest.networking'] ? { 'guest.networking': d['guest.networking'] } : undefined,
    created: csDate(h.created), lastpinged: csDate(h.last_pinged),
    disconnected: csDate(h.disconnected), removed: csDate(h.removed), hahost: extra.haHost ?? false, islocalstorageactive: false,
    encryptionsupported: false, ueficapability: false, hasannotations: false,
    // The server that owns the host (its agent's, or the one assigned a simulator or local host), as CloudStack shows it.
    managementserverid: up ? h.ms_id ?? undefined : undefined,
    managementservername: up ? h.ms_name ?? undefined : undefined,
    outofbandmanagement: { enabled: false, powerstate: 'Disabled' },
    hostha: extra.ha ?? { haenable: false, hastate: 'Disabled' },
    cpunumber: capacity ? h.cpu_number : undefined, cpuspeed: capacity ? h.cpu_speed : undefined,
    cpuallocated: cpuPercent,
    cpuallocatedvalue: capacity ? h.cpu_allocated : undefined,
    cpuallocatedpercentage: cpuPercent,
    cpuallocatedwithoverprovisioning: capacity ? percent(h.cpu_allocated, cpuWithOver) : undefined,
    cpuwithoverprovisioning: capacity ? num2(cpuWithOver) : undefined,
    memorytotal: capacity ? h.memory_total : undefined, memoryallocated: capacity ? h.memory_allocated : undefined,
    memoryallocatedbytes: capacity ? h.memory_allocated : undefined,
    memoryallocatedpercentage: capacity ? percent(h.memory_allocated, memWithOver) : undefined,
    memorywithoverprovisioning: capacity ? num2(memWithOver) : undefined,
    cpuused: st ? percent(st.cpuUsedPercent, 100) : undefined, memoryused: st ? Math.round(st.memoryUsedBytes) : undefined,
    cpuloadaverage: st ? Math.round((st.cpuUsedPercent / 100) * h.cpu_number * 100) / 100 : undefined,
    networkkbsread: st ? 0 : undefined, networkkbswrite: st ? 0 : undefined,
    events: all || g.has('events') ? eventsOf(h.state) : undefined,
  };
}
