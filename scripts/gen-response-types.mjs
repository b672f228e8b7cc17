#!/usr/bin/env node
// Writes core/contract/response-types.ts: one interface per response object Strata answers, with the JSON type of
// each field taken from CloudStack's response types (../shared/reference/cloudstack-response-types.json, which
// lists fields in Go notation). Run it again when a command starts answering a new object:
//   node scripts/gen-response-types.mjs [path/to/cloudstack-response-types.json]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const reference = (dir) => join(dir, 'shared', 'reference', 'cloudstack-response-types.json');
// The handbook sits beside the repo (../shared); a worktree under wt/ finds it one level further up.
const source = process.argv[2] ?? [reference(join(repo, '..')), reference(join(repo, '..', '..'))].find(existsSync);
if (!source) throw new Error('cloudstack-response-types.json not found: pass its path');
const out = join(repo, 'core', 'contract', 'response-types.ts');
const kindsOut = join(repo, 'core', 'contract', 'response-json-kinds.ts');

/** Objects the declared commands answer (their nested objects follow by themselves). */
const ROOTS = [
  'Account', 'Alert', 'Api', 'AsyncJob', 'Capacity', 'Cluster', 'CreateConsoleEndpointResponse', 'DiskOffering',
  'Domain', 'Event', 'EventType', 'Host', 'HostForMigration', 'Hypervisor', 'ImageStore', 'Iso', 'LoginResponse', 'OsCategory',
  'OsType', 'Pod', 'QueryAsyncJobResultResponse', 'Role', 'RolePermission', 'ServiceOffering', 'Snapshot',
  'StoragePool', 'Template', 'User', 'VirtualMachine', 'Volume', 'Zone', 'ManagementServer', 'VMSchedule', 'SnapshotPolicy',
  // The metrics plugin: list*Metrics answer their base object plus usage figures, *UsageHistory a time series.
  'VirtualMachinesMetric', 'HostsMetric', 'ClustersMetric', 'ZonesMetric', 'StoragePoolsMetric', 'VolumesMetric',
  'VirtualMachinesUsageHistory', 'VolumesUsageHistory',
  // Strata's own extensions (OWN below).
  'HostsUsageHistory', 'ZonesUsageHistory', 'ScheduledTask', 'HostMaintenancePlan', 'ScheduledRun',
  // Guest networking (issue 17).
  'PhysicalNetwork', 'TrafficType', 'NetworkOffering', 'Network', 'VlanIpRange', 'Nic', 'Router',
  // Settings, SSH key pairs and user data (issue 19).
  'Configuration', 'SSHKeyPair', 'UserData',
  // The virtual router as the edge (issue 18).
  'PublicIpAddress', 'FirewallRule', 'PortForwardingRule', 'LoadBalancerRule', 'LBStickinessPolicy', 'LBHealthCheckPolicy',
  // VM snapshots and templates from volumes (issue 19, item 7).
  'VMSnapshot', 'TemplatePermission', 'ExtractTemplate',
  // Groups, placement and limits (issue 19).
  'InstanceGroup', 'AffinityGroup', 'AffinityGroupType', 'ResourceLimit', 'ResourceCount',
  // Projects (issue 19).
  'Project', 'ProjectAccount', 'ProjectInvitation',
];

/** Fields current CloudStack sends that the reference file (an older SDK's view) lacks; Strata sends them too. */
const EXTRA = {
  LoginResponse: { passwordchangerequired: 'bool' },
  // createSSHKeyPair answers the key pair with its private key (CloudStack's CreateSSHKeyPairResponse).
  SSHKeyPair: { privatekey: 'string', accountid: 'string' }, // 4.20: the user must change the password first
  // Ours (README, "API extensions"): the bucket's maxima beside its averages.
  // Packets moved in the bucket (CloudStack counts bytes only; the graphs show packets too).
  VirtualMachinesUsageHistoryStats: { cpuusedmax: 'string', memorykbsmax: 'int64', networkpacketsread: 'int64', networkpacketswrite: 'int64' },
  // Ours: current rates (bytes or packets per second, from the newest sample) beside CloudStack's counters, for
  // the lists' disk and network columns (sortby=diskrate|networkrate).
  VirtualMachinesMetric: { diskreadrate: 'int64', diskwriterate: 'int64', networkreadrate: 'int64', networkwriterate: 'int64',
    networkpacketsreadrate: 'int64', networkpacketswriterate: 'int64' },
  HostsMetric: { diskreadrate: 'int64', diskwriterate: 'int64', networkreadrate: 'int64', networkwriterate: 'int64' },
  VolumesMetric: { diskreadrate: 'int64', diskwriterate: 'int64', diskioreadrate: 'int64', diskiowriterate: 'int64' },
  // The reference lists a provider's fields under TrafficType; CloudStack's TrafficTypeResponse also has these.
  TrafficType: { traffictype: 'string', kvmnetworklabel: 'string', xennetworklabel: 'string', vmwarenetworklabel: 'string',
    hypervnetworklabel: 'string', ovm3networklabel: 'string', isolationmethods: 'string', vlan: 'string' },
};

/**
 * Objects the reference gets wrong or lacks, in its Go notation. It types VolumesUsageHistory.stats as []string,
 * but CloudStack answers objects there (StatsResponse, of which a volume fills the disk fields).
 */
const OWN = {
  // updateResourceCount's items (CloudStack's ResourceCountResponse), which the reference lacks.
  ResourceCount: { account: 'string', domain: 'string', domainid: 'string', domainpath: 'string', project: 'string',
    projectid: 'string', resourcecount: 'int64', resourcetype: 'string', resourcetypename: 'string' },
  // The reference repeats Project's fields under ProjectAccount; CloudStack's ProjectAccountResponse is a membership.
  ProjectAccount: {
    projectid: 'string', project: 'string', accountid: 'string', account: 'string', accounttype: 'int', role: 'string',
    domainid: 'string', domain: 'string', domainpath: 'string', userid: 'string', username: 'string', projectroleid: 'string',
    user: '[]User',
  },
  VolumesUsageHistoryStats: {
    timestamp: 'string', diskioread: 'int64', diskiowrite: 'int64', diskiopstotal: 'int64', diskkbsread: 'int64', diskkbswrite: 'int64',
  },
  // listHostsUsageHistory, Strata's extension in the style of listVirtualMachinesUsageHistory (README).
  HostsUsageHistory: { id: 'string', name: 'string', stats: '[]HostsUsageHistoryStats' },
  HostsUsageHistoryStats: {
    timestamp: 'string', cpuused: 'string', cpuusedmax: 'string', memoryusedkbs: 'int64', memoryusedkbsmax: 'int64',
    loadaverage: 'float64', loadaveragemax: 'float64',
  },
  // listZonesUsageHistory, a zone's usage over time from its hosts and pools (README, "API extensions").
  ZonesUsageHistory: { id: 'string', name: 'string', stats: '[]ZonesUsageHistoryStats' },
  ZonesUsageHistoryStats: {
    timestamp: 'string', cpuused: 'string', cpuusedmax: 'string', cputotalmhz: 'int64', memoryusedkbs: 'int64', memoryusedkbsmax: 'int64',
    memorytotalkbs: 'int64', storageusedkbs: 'int64', storageusedkbsmax: 'int64', storagetotalkbs: 'int64',
  },
  // listHostMaintenancePlan: what prepareHostForMaintenance would do with each VM of the host (README).
  HostMaintenancePlan: {
    virtualmachineid: 'string', virtualmachinename: 'string', state: 'string', action: 'string', hostid: 'string', hostname: 'string',
    reason: 'string',
  },
  // createScheduledTask / listScheduledTasks (README, "Scheduled tasks").
  ScheduledTask: {
    id: 'string', apicommand: 'string', params: 'map[string]string', schedule: 'string', runat: 'string', timezone: 'string',
    description: 'string', enabled: 'bool', startdate: 'string', enddate: 'string', nextrun: 'string', account: 'string',
    domainid: 'string', domain: 'string', created: 'string',
  },
  // listScheduledRuns (README, "Scheduled tasks"): one past or upcoming run of a schedule.
  ScheduledRun: {
    scheduleid: 'string', kind: 'string', action: 'string', apicommand: 'string', description: 'string', resourcetype: 'string',
    resourceid: 'string', resourcename: 'string', virtualmachineid: 'string', zoneid: 'string', account: 'string', domainid: 'string', runat: 'string',
    state: 'string', jobid: 'string', started: 'string', completed: 'string', errortext: 'string',
  },
};
// extractTemplate's answer (CloudStack's ExtractResponse, object name "template"); the reference file lacks it.
OWN.ExtractTemplate = {
  id: 'string', name: 'string', extractId: 'string', uploadpercentage: 'int', status: 'string', accountid: 'string',
  resultstring: 'string', created: 'string', state: 'string', storagetype: 'string', storage: 'string', zoneid: 'string',
  zonename: 'string', extractMode: 'string', url: 'string',
};
const OVERRIDE = { VolumesUsageHistory: { stats: '[]VolumesUsageHistoryStats' } };

/**
 * Fields Strata always sends in these objects (the formatters must set them; clients may rely on them). Every
 * other field is optional, as CloudStack omits null fields.
 */
const NAMED = ['id', 'name'];
const REQUIRED = {
  AccountUser: ['id', 'username'],
  Account: [...NAMED, 'accounttype', 'domainid', 'state'], Alert: ['id', 'type'], Api: ['name'], AsyncJob: ['jobid', 'cmd', 'jobstatus'],
  Capacity: ['type', 'capacitytotal', 'capacityused', 'percentused', 'zoneid'], Cluster: [...NAMED, 'zoneid', 'podid'],
  DiskOffering: NAMED, Domain: [...NAMED, 'path', 'level'], Event: ['id', 'type', 'level', 'description'], EventType: ['name'],
  Host: [...NAMED, 'state', 'type', 'zoneid', 'podid', 'clusterid'], HostMaintenancePlan: ['virtualmachineid', 'virtualmachinename', 'state', 'action'], HostForMigration: [...NAMED, 'state'], Hypervisor: ['name'],
  ImageStore: NAMED, Iso: NAMED, OsCategory: NAMED, OsType: ['id', 'description'], Pod: [...NAMED, 'zoneid'],
  Role: [...NAMED, 'type'], RolePermission: ['id', 'roleid', 'rule', 'permission'], ServiceOffering: NAMED,
  ManagementServer: [...NAMED, 'state'], Snapshot: [...NAMED, 'state', 'volumeid'], StoragePool: [...NAMED, 'state'], Template: NAMED, User: ['id', 'username', 'accountid', 'account', 'domainid', 'state'],
  VirtualMachine: [...NAMED, 'state', 'zoneid', 'serviceofferingid'], VMSchedule: ['id', 'virtualmachineid', 'action', 'schedule', 'timezone'],
  SnapshotPolicy: ['id', 'volumeid', 'intervaltype', 'schedule', 'maxsnaps'], ScheduledTask: ['id', 'apicommand', 'timezone', 'enabled'],
  ScheduledRun: ['scheduleid', 'kind', 'action', 'runat', 'state'],
  VMSnapshot: [...NAMED, 'displayname', 'state', 'type', 'current', 'virtualmachineid'], TemplatePermission: ['id', 'ispublic'],
  ExtractTemplate: ['id', 'extractMode', 'state', 'url'],
  PhysicalNetwork: [...NAMED, 'state', 'zoneid'], TrafficType: ['id', 'traffictype', 'physicalnetworkid'],
  NetworkOffering: [...NAMED, 'guestiptype', 'traffictype', 'state'], Network: [...NAMED, 'type', 'state', 'zoneid'],
  VlanIpRange: ['id'], PublicIpAddress: ['id', 'ipaddress', 'state', 'issourcenat', 'isstaticnat', 'zoneid'],
  FirewallRule: ['id', 'protocol', 'state'], PortForwardingRule: ['id', 'protocol', 'state', 'ipaddressid', 'virtualmachineid'],
  LoadBalancerRule: [...NAMED, 'algorithm', 'publicport', 'privateport', 'state'], LBStickinessPolicy: ['lbruleid', 'stickinesspolicy'],
  LBHealthCheckPolicy: ['lbruleid', 'healthcheckpolicy'], Nic: ['id', 'networkid', 'isdefault'], Router: [...NAMED, 'state'], Volume: [...NAMED, 'state', 'type', 'zoneid'], Zone: NAMED,
};
// A metrics object always carries what its base object does; a history object its identity and series.
Object.assign(REQUIRED, {
  InstanceGroup: NAMED, AffinityGroup: [...NAMED, 'type'], AffinityGroupType: ['type'],
  ResourceLimit: ['resourcetype', 'resourcetypename', 'max'], ResourceCount: ['resourcetype', 'resourcetypename', 'resourcecount'],
  VirtualMachinesMetric: REQUIRED.VirtualMachine, HostsMetric: REQUIRED.Host, ClustersMetric: REQUIRED.Cluster,
  ZonesMetric: REQUIRED.Zone, StoragePoolsMetric: REQUIRED.StoragePool, VolumesMetric: REQUIRED.Volume,
  VirtualMachinesUsageHistory: [...NAMED, 'stats'], VolumesUsageHistory: [...NAMED, 'stats'], HostsUsageHistory: [...NAMED, 'stats'],
  ZonesUsageHistory: [...NAMED, 'stats'], ZonesUsageHistoryStats: ['timestamp'],
  VirtualMachinesUsageHistoryStats: ['timestamp'], VolumesUsageHistoryStats: ['timestamp'], HostsUsageHistoryStats: ['timestamp'],
});

const types = JSON.parse(readFileSync(source, 'utf8'));
Object.assign(types, OWN);
for (const [name, fields] of [...Object.entries(EXTRA), ...Object.entries(OVERRIDE)]) Object.assign(types[name], fields);
const wanted = new Set();
const order = [];

/** Go type -> TypeScript type; records nested object types to emit. */
function tsType(go) {
  const t = go.replace(/^\*/, '');
  if (t.startsWith('[]')) {
    const inner = tsType(t.slice(2));
    return /^[A-Za-z]+$/.test(inner) ? `${inner}[]` : `(${inner})[]`;
  }
  if (t.startsWith('map[string]')) return `Record<string, ${tsType(t.slice('map[string]'.length))}>`;
  switch (t) {
    case 'string': case 'UUID': return 'string';
    case 'bool': return 'boolean';
    case 'int': case 'int64': case 'float64': return 'number';
    case 'interface{}': case 'json.RawMessage': return 'unknown';
  }
  if (!types[t]) throw new Error(`unknown Go type ${go}`);
  visit(t);
  return t;
}

function visit(name) {
  if (wanted.has(name)) return;
  wanted.add(name);
  for (const go of Object.values(types[name])) tsType(go);
  order.push(name);
}

for (const r of ROOTS) visit(r);

const lines = [
  '// GENERATED by scripts/gen-response-types.mjs from cloudstack-response-types.json: do not edit by hand.',
  '// Fields are optional because CloudStack omits null fields, except those Strata always sends (REQUIRED in the',
  '// script); core/contract/responses.ts says which object each command answers.',
  '',
];
/**
 * An object of 6 or more fields, all the same as another's (Iso and Template), is written as an alias of it; the
 * metrics plugin's copies (ZonesMetricCapacity) alias the base objects' (ZoneCapacity), not the other way round.
 */
const sameAs = new Map();
const seen = new Map();
const derived = (name) => (/Metric|UsageHistory/.test(name) ? 1 : 0);
for (const name of [...order].sort().reverse().sort((a, b) => derived(a) - derived(b))) {
  if (Object.keys(types[name]).length < 6) continue;
  const key = JSON.stringify([Object.entries(types[name]).sort(), REQUIRED[name] ?? []]);
  if (seen.has(key)) sameAs.set(name, seen.get(key));
  else seen.set(key, name);
}

/**
 * A metrics object is its base object plus usage figures: written as `extends` the base, with only the fields the
 * base lacks (or types under another name), when it has every field of the base.
 */
const METRICS_OF = {
  VirtualMachinesMetric: 'VirtualMachine', HostsMetric: 'Host', ClustersMetric: 'Cluster', ZonesMetric: 'Zone',
  StoragePoolsMetric: 'StoragePool', VolumesMetric: 'Volume',
};
/** A Go type with its objects spelled out field by field (the metrics copies of nested objects have other names). */
function shape(go, depth = 0) {
  return go.replace(/[A-Z][A-Za-z]+/, (t) => (types[t] && depth < 8
    ? `{${Object.entries(types[t]).sort(([a], [b]) => a.localeCompare(b)).map(([f, g]) => `${f}:${shape(g, depth + 1)}`).join(',')}}` : t));
}
/** The fields of `name` to write, and the object it extends. */
function ownFields(name) {
  const all = Object.entries(types[name]).sort(([a], [b]) => a.localeCompare(b));
  const base = METRICS_OF[name];
  if (!base || !Object.entries(types[base]).every(([f, go]) => types[name][f] !== undefined && shape(types[name][f]) === shape(go))) return { all, fields: all };
  return { all, base, fields: all.filter(([f, go]) => types[base][f] === undefined || shape(types[base][f]) !== shape(go)) };
}

for (const name of [...order].sort()) {
  if (sameAs.has(name)) { lines.push(`/** Same fields as ${sameAs.get(name)}. */`, `export type ${name} = ${sameAs.get(name)};`, ''); continue; }
  const { base, fields } = ownFields(name);
  lines.push(base ? `export interface ${name} extends ${base} {` : `export interface ${name} {`);
  for (const [field, go] of fields) {
    const key = /^[a-z_][a-z0-9_]*$/i.test(field) ? field : JSON.stringify(field);
    lines.push(`  ${key}${REQUIRED[name]?.includes(field) ? '' : '?'}: ${tsType(go)};`);
  }
  lines.push('}', '');
}
writeFileSync(out, lines.join('\n'));

/** Go type -> the JSON kind a client sees, for the runtime check of live responses (response-types.test.ts). */
function jsonKind(go) {
  const t = go.replace(/^\*/, '');
  if (t.startsWith('[]')) return types[t.slice(2).replace(/^\*/, '')] ? `${t.slice(2).replace(/^\*/, '')}[]` : 'array';
  if (t.startsWith('map[')) return 'object';
  switch (t) {
    case 'string': case 'UUID': return 'string';
    case 'bool': return 'boolean';
    case 'int': case 'int64': case 'float64': return 'number';
    case 'interface{}': case 'json.RawMessage': return 'any';
  }
  return t; // a nested object, by name
}
const kinds = [
  '// GENERATED by scripts/gen-response-types.mjs: the JSON kind of each field of response-types.ts, for tests that',
  '// check live responses. Do not edit by hand.',
  '// A kind is string, number, boolean, array, object, any (unchecked), an object name, or an object name + [].',
  '',
  'export const responseJsonKinds: Record<string, Record<string, string>> = {',
];
const kindLines = (entries, indent) => {
  const fields = entries.map(([f, go]) => `${f}: '${jsonKind(go)}'`);
  const out = [];
  for (let i = 0; i < fields.length; i += 6) out.push(`${indent}${fields.slice(i, i + 6).join(', ')},`);
  return out;
};
const extended = [];
for (const name of [...order].sort()) {
  if (sameAs.has(name)) continue;
  const { base, fields } = ownFields(name);
  if (base) { extended.push([name, base, fields]); continue; }
  kinds.push(`  ${name}: {`, ...kindLines(fields, '    '), '  },');
}
kinds.push('};', '');
for (const [name, other] of sameAs) kinds.push(`responseJsonKinds.${name} = responseJsonKinds.${other};`);
for (const [name, base, fields] of extended) {
  kinds.push(`responseJsonKinds.${name} = {`, `  ...responseJsonKinds.${base},`, ...kindLines(fields, '  '), '};');
}
kinds.push('', '/** Fields each object always carries (REQUIRED in scripts/gen-response-types.mjs). */',
  'export const responseRequiredFields: Record<string, string[]> = {');
for (const name of [...order].sort()) {
  if (REQUIRED[name]) kinds.push(`  ${name}: [${REQUIRED[name].map((f) => `'${f}'`).join(', ')}],`);
}
kinds.push('};', '');
writeFileSync(kindsOut, kinds.join('\n'));
console.log(`wrote ${out} and ${kindsOut}: ${order.length} objects`);
