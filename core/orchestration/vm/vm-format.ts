// The `virtualmachine` response object (field names and JSON types per "VirtualMachine" in the response types).
// Names of the zone, host, template, offering, account and domain come from one small batch query per kind over
// the distinct ids of the page (a 500-VM page typically names a handful of templates and offerings), so the page
// query itself stays narrow and nothing is looked up per row.
import type { Db } from '../../db/connect';
import type { VmTable } from '../../db/schema';
import type { Services } from '../../services';
import type { Caller } from '../../identity/caller';
import type { VmStats } from '../../hypervisors/driver';
import { isAdmin } from '../../identity/caller';
import { precompiled } from '../../db/precompiled';
import { csDate } from '../../api/format';
import { vmStatsOf } from './stats-cache';

export type VmRow = Pick<VmTable, 'id' | 'name' | 'display_name' | 'instance_name' | 'account_id' | 'domain_id' |
  'user_id' | 'zone_id' | 'host_id' | 'template_id' | 'iso_id' | 'service_offering_id' | 'cpu_number' | 'cpu_speed' |
  'memory' | 'state' | 'ha_enable' | 'group_name' | 'hypervisor' | 'details' | 'created' | 'updated'>;

export const VM_COLUMNS = ['id', 'name', 'display_name', 'instance_name', 'account_id', 'domain_id', 'user_id',
  'zone_id', 'host_id', 'template_id', 'iso_id', 'service_offering_id', 'cpu_number', 'cpu_speed', 'memory', 'state',
  'ha_enable', 'group_name', 'hypervisor', 'details', 'created', 'updated'] as const;

export interface TemplateNames { name: string; display_text: string; password_enabled: number; ostype_id: string | null;
  dynamic_scaling: number; format: string; template_type: string; os_name: string | null }
export interface Names {
  zones: Map<string, string>; hosts: Map<string, string>; templates: Map<string, TemplateNames>;
  offerings: Map<string, { name: string; dynamic_scaling: number }>;
  accounts: Map<string, { name: string; domainName: string; domainPath: string }>;
}

const distinct = (rows: VmRow[], pick: (r: VmRow) => string | null) => {
  const s = new Set<string>();
  for (const r of rows) { const v = pick(r); if (v) s.add(v); }
  return [...s];
};

/** What a caller already knows (deploy carries the names prepare read) is not queried again. */
export type KnownNames = Partial<Pick<Names, 'zones' | 'templates' | 'offerings'>>;

/** The one-VM case (every VM command's result, thousands a second during bulk deploys): compiled once. */
const hostName = precompiled((db, p: { id: string }) => db.selectFrom('hosts').select(['id', 'name']).where('id', '=', p.id));

async function loadNames(svc: Services, rows: VmRow[], known: KnownNames): Promise<Names> {
  const db = svc.db;
  const missing = <T>(ids: string[], m: Map<string, T> | undefined) => (m ? ids.filter((id) => !m.has(id)) : ids);
  const zoneIds = missing(distinct(rows, (r) => r.zone_id), known.zones);
  const hostIds = distinct(rows, (r) => r.host_id);
  const tplIds = missing([...new Set([...distinct(rows, (r) => r.template_id), ...distinct(rows, (r) => r.iso_id)])], known.templates);
  const soIds = missing(distinct(rows, (r) => r.service_offering_id), known.offerings);
  const acctIds = distinct(rows, (r) => r.account_id);
  const [zones, hosts, tpls, sos, accts] = await Promise.all([
    zoneIds.length ? db.selectFrom('zones').select(['id', 'name']).where('id', 'in', zoneIds).execute() : [],
    hostIds.length === 1 ? hostName.rows(db, { id: hostIds[0] })
      : hostIds.length ? db.selectFrom('hosts').select(['id', 'name']).where('id', 'in', hostIds).execute() : [],
    tplIds.length ? db.selectFrom('templates as t').leftJoin('os_types as os', 'os.id', 't.ostype_id')
      .select(['t.id', 't.name', 't.display_text', 't.password_enabled', 't.ostype_id', 't.dynamic_scaling', 't.format',
        't.template_type', 'os.description as os_name']).where('t.id', 'in', tplIds).execute() : [],
    soIds.length ? db.selectFrom('service_offerings').select(['id', 'name', 'dynamic_scaling']).where('id', 'in', soIds).execute() : [],
    Promise.all(acctIds.map((id) => svc.identity.accountInfo(id).catch(() => null))),
  ]);
  const accounts: Names['accounts'] = new Map();
  acctIds.forEach((id, i) => { const a = accts[i]; if (a) accounts.set(id, a); });
  return {
    zones: new Map([...(known.zones ?? []), ...zones.map((z) => [z.id, z.name] as const)]),
    hosts: new Map(hosts.map((h) => [h.id, h.name])),
    templates: new Map([...(known.templates ?? []), ...tpls.map((t) => [t.id, t] as const)]),
    offerings: new Map([...(known.offerings ?? []), ...sos.map((o) => [o.id, o] as const)]), accounts,
  };
}

/** Pending jobs acting on VMs (few at any time), matched to the page in memory. */
async function pendingJobs(db: Db, rows: VmRow[]): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  if (rows.length === 0) return m;
  const ids = new Set(rows.map((r) => r.id));
  const jobs = await db.selectFrom('async_jobs').select(['id', 'instance_id']).where('status', '=', 0)
    .where('instance_type', '=', 'VirtualMachine').execute();
  for (const j of jobs) if (j.instance_id && ids.has(j.instance_id)) m.set(j.instance_id, j.id);
  return m;
}

function parseDetails(s: string): Record<string, string> {
  if (!s || s === '{}') return {};
  try { return JSON.parse(s) as Record<string, string>; } catch { return {}; }
}

function addStats(o: Record<string, unknown>, st: VmStats): void {
  o.cpuused = `${Number(st.cpuUsedPercent.toFixed(2))}%`;
  o.networkkbsread = Math.round(st.netReadBytes / 1024);
  o.networkkbswrite = Math.round(st.netWriteBytes / 1024);
  o.diskkbsread = Math.round(st.diskReadBytes / 1024);
  o.diskkbswrite = Math.round(st.diskWriteBytes / 1024);
  o.memorykbs = st.memoryKbs;
  if (st.diskReadOps !== undefined) o.diskioread = st.diskReadOps;
  if (st.diskWriteOps !== undefined) o.diskiowrite = st.diskWriteOps;
}

function format(r: VmRow, n: Names, admin: boolean, job: string | undefined, st: VmStats | undefined): object {
  const o: Record<string, unknown> = { id: r.id, name: r.name, displayname: r.display_name || r.name };
  const acct = n.accounts.get(r.account_id);
  if (acct) { o.account = acct.name; o.domain = acct.domainName; o.domainpath = acct.domainPath; }
  o.domainid = r.domain_id;
  o.userid = r.user_id;
  o.created = csDate(r.created);
  o.lastupdated = csDate(r.updated);
  o.state = r.state;
  o.haenable = r.ha_enable === 1;
  if (r.group_name) o.group = r.group_name;
  o.zoneid = r.zone_id;
  const zone = n.zones.get(r.zone_id);
  if (zone !== undefined) o.zonename = zone;
  if (admin) {
    o.instancename = r.instance_name;
    if (r.host_id) { o.hostid = r.host_id; const h = n.hosts.get(r.host_id); if (h !== undefined) o.hostname = h; }
  }
  if (r.hypervisor) o.hypervisor = r.hypervisor;
  o.templateid = r.template_id;
  const t = n.templates.get(r.template_id);
  if (t) {
    o.templatename = t.name; o.templatedisplaytext = t.display_text; o.templatetype = t.template_type;
    o.templateformat = t.format; o.passwordenabled = t.password_enabled === 1;
    if (t.ostype_id) { o.guestosid = t.ostype_id; o.ostypeid = t.ostype_id; }
    if (t.os_name !== null) o.osdisplayname = t.os_name;
  }
  if (r.iso_id) {
    o.isoid = r.iso_id;
    const iso = n.templates.get(r.iso_id);
    if (iso) { o.isoname = iso.name; o.isodisplaytext = iso.display_text; }
  }
  o.serviceofferingid = r.service_offering_id;
  const so = n.offerings.get(r.service_offering_id);
  if (so) o.serviceofferingname = so.name;
  o.cpunumber = r.cpu_number;
  o.cpuspeed = r.cpu_speed;
  o.memory = r.memory;
  if (st) addStats(o, st);
  o.rootdeviceid = 0;
  o.rootdevicetype = 'ROOT';
  o.nic = [];
  o.securitygroup = [];
  o.affinitygroup = [];
  o.tags = [];
  o.details = parseDetails(r.details);
  o.displayvm = true;
  o.isdynamicallyscalable = t?.dynamic_scaling === 1 && so?.dynamic_scaling === 1;
  o.deleteprotection = false;
  o.vmtype = 'User';
  if (job) { o.jobid = job; o.jobstatus = 0; }
  return o;
}

export interface FormatOptions { caller: Caller; stats?: boolean; jobs?: boolean }

/** Formats a page of VM rows as API objects. */
export async function formatVms(svc: Services, rows: VmRow[], opts: FormatOptions, known: KnownNames = {}): Promise<object[]> {
  const none = new Map<string, never>();
  const [names, jobs, stats] = await Promise.all([
    loadNames(svc, rows, known),
    opts.jobs ? pendingJobs(svc.db, rows) : none,
    // Cached figures of real hypervisors always (cheap); the simulator's and cache misses only when asked for.
    vmStatsOf(svc, rows, !!opts.stats),
  ]);
  const admin = isAdmin(opts.caller);
  return rows.map((r) => format(r, names, admin, jobs.get(r.id), stats.get(r.id)));
}
