// The `virtualmachine` response object (field names and JSON types per "VirtualMachine" in the response types).
// Names of the zone, host, template, offering, account and domain come from one small batch query per kind over
// the distinct ids of the page (a 500-VM page typically names a handful of templates and offerings), so the page
// query itself stays narrow and nothing is looked up per row.
import type { Db } from '../../db/connect';
import type { VmTable } from '../../db/schema';
import type { Services } from '../../kernel/services';
import type { Caller } from '../../identity/caller';
import type { VmStats } from '../../hypervisors/driver';
import { isAdmin } from '../../identity/caller';
import { precompiled, precompiledIn } from '../../db/precompiled';
import { csDate, ownerFields } from '../../kernel/format';
import { vmStatsOf } from './stats-cache';
import type { Nic, Tags, VirtualMachine, VirtualMachineAffinitygroup } from '../../contract/responses';
import { tagsOfPage } from '../../tags/index';
import { nicsOfVms } from '../../network/nics';
import { shownDetails } from './access-details';

export type VmRow = Pick<VmTable, 'id' | 'name' | 'display_name' | 'instance_name' | 'account_id' | 'domain_id' |
  'user_id' | 'zone_id' | 'host_id' | 'template_id' | 'iso_id' | 'service_offering_id' | 'cpu_number' | 'cpu_speed' |
  'memory' | 'state' | 'ha_enable' | 'group_name' | 'hypervisor' | 'details' | 'created' | 'updated'> & {
  /** The instance group's id (groupid), beside its name. */
  group_id?: string | null;
  /** The host's name when the row was read with it (list pages); otherwise it is looked up. */
  host_name?: string | null;
};

export const VM_COLUMNS = ['id', 'name', 'display_name', 'instance_name', 'account_id', 'domain_id', 'user_id',
  'zone_id', 'host_id', 'template_id', 'iso_id', 'service_offering_id', 'cpu_number', 'cpu_speed', 'memory', 'state',
  'ha_enable', 'group_name', 'hypervisor', 'details', 'created', 'updated', 'group_id'] as const;

/** Position of each column in a row read as an array (VM_COLUMNS, then the host's name). */
const at = Object.fromEntries(VM_COLUMNS.map((c, i) => [c, i])) as Record<(typeof VM_COLUMNS)[number], number>;
const HOST_NAME_AT = VM_COLUMNS.length;

/** A row read as an array of VM_COLUMNS (+ host name) as a VmRow: one object literal, so every row shares a shape. */
export function vmRowOf(a: unknown[]): VmRow {
  return {
    id: a[at.id] as string, name: a[at.name] as string, display_name: a[at.display_name] as string,
    instance_name: a[at.instance_name] as string, account_id: a[at.account_id] as string,
    domain_id: a[at.domain_id] as string, user_id: a[at.user_id] as string, zone_id: a[at.zone_id] as string,
    host_id: a[at.host_id] as string | null, template_id: a[at.template_id] as string, iso_id: a[at.iso_id] as string | null,
    service_offering_id: a[at.service_offering_id] as string, cpu_number: a[at.cpu_number] as number,
    cpu_speed: a[at.cpu_speed] as number, memory: a[at.memory] as number, state: a[at.state] as string,
    ha_enable: a[at.ha_enable] as number, group_name: a[at.group_name] as string | null,
    hypervisor: a[at.hypervisor] as string, details: a[at.details] as string, created: Number(a[at.created]),
    updated: Number(a[at.updated]), group_id: a[at.group_id] as string | null, host_name: a[HOST_NAME_AT] as string | null,
  };
}

export interface TemplateNames { name: string; display_text: string; password_enabled: number; ostype_id: string | null;
  dynamic_scaling: number; format: string; template_type: string; os_name: string | null }
export interface Names {
  zones: Map<string, string>; hosts: Map<string, string>; templates: Map<string, TemplateNames>;
  offerings: Map<string, { name: string; dynamic_scaling: number }>;
  accounts: Map<string, { name: string; domainName: string; domainPath: string }>;
  nics: Map<string, Nic[]>;
  /** The page's VMs' affinity groups. */
  affinity: Map<string, VirtualMachineAffinitygroup[]>;
}

const distinct = (rows: VmRow[], pick: (r: VmRow) => string | null) => {
  const s = new Set<string>();
  for (const r of rows) { const v = pick(r); if (v) s.add(v); }
  return [...s];
};

/** What a caller already knows (deploy carries the names prepare read) is not queried again. */
export type KnownNames = Partial<Pick<Names, 'zones' | 'templates' | 'offerings' | 'nics' | 'affinity'>>;

// The names of a page (or of one VM: every VM command's result, thousands a second during bulk deploys): compiled
// once (db/precompiled).
const zoneNames = precompiledIn((db, ids) => db.selectFrom('zones').select(['id', 'name']).where('id', 'in', ids));
const hostNames = precompiledIn((db, ids) => db.selectFrom('hosts').select(['id', 'name']).where('id', 'in', ids));
const templateNames = precompiledIn((db, ids) => db.selectFrom('templates as t').leftJoin('os_types as os', 'os.id', 't.ostype_id')
  .select(['t.id', 't.name', 't.display_text', 't.password_enabled', 't.ostype_id', 't.dynamic_scaling', 't.format',
    't.template_type', 'os.description as os_name']).where('t.id', 'in', ids));
const offeringNames = precompiledIn((db, ids) => db.selectFrom('service_offerings').select(['id', 'name', 'dynamic_scaling']).where('id', 'in', ids));
const affinityOfVms = precompiledIn((db, ids) => db.selectFrom('affinity_group_vms as m').innerJoin('affinity_groups as g', 'g.id', 'm.group_id')
  .select(['m.vm_id', 'g.id', 'g.name', 'g.type', 'g.description']).where('m.vm_id', 'in', ids));
/**
 * Whether any VM has a NIC, a tag or an affinity group at all (three index peeks): a page of many VMs skips the
 * lookups of those its cloud has none of (each an IN of the page's 500 ids, costing about as much as its answer).
 */
const sidePresence = precompiled((db, _p: Record<string, never>) => db.selectNoFrom((eb) => [
  eb.exists(eb.selectFrom('nics').select('id')).as('nics'),
  eb.exists(eb.selectFrom('resource_tags').select('id').where('resource_type', '=', 'UserVm')).as('tags'),
  eb.exists(eb.selectFrom('affinity_group_vms').select('vm_id')).as('affinity'),
]));
/** From this many rows on, a page asks sidePresence first (one VM's lookups are cheaper than the question). */
const PRESENCE_FROM_ROWS = 50;
const pendingVmJobs = precompiled((db, _p: Record<string, never>) => db.selectFrom('async_jobs').select(['id', 'instance_id'])
  .where('status', '=', 0).where('instance_type', '=', 'VirtualMachine'));

async function loadNames(svc: Services, rows: VmRow[], known: KnownNames): Promise<Names> {
  const db = svc.db;
  const missing = <T>(ids: string[], m: Map<string, T> | undefined) => (m ? ids.filter((id) => !m.has(id)) : ids);
  const zoneIds = missing(distinct(rows, (r) => r.zone_id), known.zones);
  const hostIds = distinct(rows, (r) => (r.host_name === undefined ? r.host_id : null));
  const tplIds = missing([...new Set([...distinct(rows, (r) => r.template_id), ...distinct(rows, (r) => r.iso_id)])], known.templates);
  const soIds = missing(distinct(rows, (r) => r.service_offering_id), known.offerings);
  const acctIds = distinct(rows, (r) => r.account_id);
  const [zones, hosts, tpls, sos, accts, nics, groups] = await Promise.all([
    zoneNames(db, zoneIds, {}),
    hostNames(db, hostIds, {}),
    templateNames(db, tplIds, {}),
    offeringNames(db, soIds, {}),
    Promise.all(acctIds.map((id) => svc.identity.accountInfo(id).catch(() => null))),
    known.nics ?? nicsOfVms(db, rows.map((r) => r.id)),
    known.affinity ? [] : affinityOfVms(db, rows.map((r) => r.id), {}),
  ]);
  const affinity = known.affinity ?? new Map<string, VirtualMachineAffinitygroup[]>();
  for (const g of groups) {
    const list = affinity.get(g.vm_id) ?? [];
    list.push({ id: g.id, name: g.name, type: g.type, description: g.description ?? undefined });
    affinity.set(g.vm_id, list);
  }
  const accounts: Names['accounts'] = new Map();
  acctIds.forEach((id, i) => { const a = accts[i]; if (a) accounts.set(id, a); });
  return {
    zones: new Map([...(known.zones ?? []), ...zones.map((z) => [z.id, z.name] as const)]),
    hosts: new Map(hosts.map((h) => [h.id, h.name])),
    templates: new Map([...(known.templates ?? []), ...tpls.map((t) => [t.id, t] as const)]),
    offerings: new Map([...(known.offerings ?? []), ...sos.map((o) => [o.id, o] as const)]), accounts, nics, affinity,
  };
}

/** Pending jobs acting on VMs (few at any time), matched to the page in memory. */
async function pendingJobs(db: Db, rows: VmRow[]): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  if (rows.length === 0) return m;
  const ids = new Set(rows.map((r) => r.id));
  const jobs = await pendingVmJobs.rows(db, {});
  for (const j of jobs) if (j.instance_id && ids.has(j.instance_id)) m.set(j.instance_id, j.id);
  return m;
}

/** Shared, frozen empties: a page of 500 VMs would otherwise allocate 2,500 of them just to serialize them. */
// Frozen: shared by every VM object; typed mutable only because the response types are (nothing writes to it).
const NONE = Object.freeze([]) as never[];
const NO_DETAILS: Readonly<Record<string, string>> = Object.freeze({});

function parseDetails(s: string): Readonly<Record<string, string>> {
  if (!s || s === '{}') return NO_DETAILS;
  try { return JSON.parse(s) as Record<string, string>; } catch { return NO_DETAILS; }
}

const kb = (bytes: number) => Math.round(bytes / 1024);

/**
 * One object literal with every field in response order, absent ones undefined (JSON and XML leave those out):
 * V8 then allocates each VM's object once at its final size, where adding fields one by one regrew it over and
 * over (3.8 KB of garbage per VM, most of a page's allocations).
 */
function format(r: VmRow, n: Names, admin: boolean, job: string | undefined, st: VmStats | undefined, tags: Tags[] | undefined): VirtualMachine {
  const acct = n.accounts.get(r.account_id);
  const t = n.templates.get(r.template_id);
  const iso = r.iso_id ? n.templates.get(r.iso_id) : undefined;
  const so = n.offerings.get(r.service_offering_id);
  const onHost = admin && r.host_id !== null;
  const d = parseDetails(r.details);
  return {
    id: r.id, name: r.name, displayname: r.display_name || r.name,
    ...ownerFields(acct), domain: acct?.domainName, domainpath: acct?.domainPath,
    domainid: r.domain_id, userid: r.user_id, created: csDate(r.created), lastupdated: csDate(r.updated),
    state: r.state, haenable: r.ha_enable === 1, group: r.group_name || undefined, groupid: r.group_id || undefined,
    zoneid: r.zone_id, zonename: n.zones.get(r.zone_id),
    instancename: admin ? r.instance_name : undefined,
    hostid: onHost ? r.host_id! : undefined,
    hostname: onHost ? (r.host_name ?? n.hosts.get(r.host_id!) ?? undefined) : undefined,
    hypervisor: r.hypervisor || undefined,
    templateid: r.template_id, templatename: t?.name, templatedisplaytext: t?.display_text,
    templatetype: t?.template_type, templateformat: t?.format,
    passwordenabled: t ? t.password_enabled === 1 : undefined,
    guestosid: t?.ostype_id ?? undefined, ostypeid: t?.ostype_id ?? undefined, osdisplayname: t?.os_name ?? undefined,
    isoid: r.iso_id ?? undefined, isoname: iso?.name, isodisplaytext: iso?.display_text,
    serviceofferingid: r.service_offering_id, serviceofferingname: so?.name,
    cpunumber: r.cpu_number, cpuspeed: r.cpu_speed, memory: r.memory,
    cpuused: st ? `${Number(st.cpuUsedPercent.toFixed(2))}%` : undefined,
    networkkbsread: st ? kb(st.netReadBytes) : undefined, networkkbswrite: st ? kb(st.netWriteBytes) : undefined,
    diskkbsread: st ? kb(st.diskReadBytes) : undefined, diskkbswrite: st ? kb(st.diskWriteBytes) : undefined,
    memorykbs: st?.memoryKbs, diskioread: st?.diskReadOps, diskiowrite: st?.diskWriteOps,
    rootdeviceid: 0, rootdevicetype: 'ROOT',
    nic: n.nics.get(r.id) ?? NONE, securitygroup: NONE, affinitygroup: n.affinity.get(r.id) ?? NONE, tags: tags ?? NONE, details: shownDetails(d),
    keypairs: d.keypairnames, userdataid: d.userdataid, userdataname: d.userdataname,
    displayvm: true, isdynamicallyscalable: t?.dynamic_scaling === 1 && so?.dynamic_scaling === 1,
    deleteprotection: false, vmtype: 'User',
    jobid: job, jobstatus: job ? 0 : undefined,
  };
}

export interface FormatOptions { caller: Caller; stats?: boolean; jobs?: boolean }

/** Formats a page of VM rows as API objects. */
export async function formatVms(svc: Services, rows: VmRow[], opts: FormatOptions, known: KnownNames = {}): Promise<VirtualMachine[]> {
  const none = new Map<string, never>();
  let anyTags = true;
  if (rows.length >= PRESENCE_FROM_ROWS) {
    const has = await sidePresence.first(svc.db, {});
    if (has && !Number(has.nics)) known = { ...known, nics: none };
    if (has && !Number(has.affinity)) known = { ...known, affinity: new Map() };
    anyTags = !has || !!Number(has.tags);
  }
  const [names, jobs, stats, tags] = await Promise.all([
    loadNames(svc, rows, known),
    opts.jobs ? pendingJobs(svc.db, rows) : none,
    // Cached figures of real hypervisors always (cheap); the simulator's and cache misses only when asked for.
    vmStatsOf(svc, rows, !!opts.stats),
    anyTags ? tagsOfPage(svc, 'UserVm', rows.map((r) => r.id)) : none,
  ]);
  const admin = isAdmin(opts.caller);
  return rows.map((r) => format(r, names, admin, jobs.get(r.id), stats.get(r.id), tags.get(r.id)));
}
