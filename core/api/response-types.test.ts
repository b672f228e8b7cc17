// Every list command, called over HTTP with response=json against a small simulated lab, answers only fields that
// CloudStack's response types know, each with the JSON type CloudStack gives it (number vs string vs boolean vs
// list vs map). The compiler checks the formatters against core/contract; this catches what slips past it at
// run time (a database value of the wrong kind, a field built outside a typed formatter).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../contract/commands/index';
import { seedDemoLab, seedDemoVms } from '../demo';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../testing/harness';
import { typeProblems } from '../testing/response-kinds';

/** Item name of a list declaration -> CloudStack response type (as in core/contract/responses.ts). */
const TYPE_OF_ITEM: Record<string, string> = {
  account: 'Account', alert: 'Alert', api: 'Api', asyncjobs: 'AsyncJob', capacity: 'Capacity', cluster: 'Cluster',
  diskoffering: 'DiskOffering', domain: 'Domain', event: 'Event', eventtype: 'EventType', host: 'Host',
  hypervisor: 'Hypervisor', imagestore: 'ImageStore', iso: 'Iso', oscategory: 'OsCategory', ostype: 'OsType',
  pod: 'Pod', role: 'Role', rolepermission: 'RolePermission', serviceoffering: 'ServiceOffering', snapshot: 'Snapshot',
  storagepool: 'StoragePool', template: 'Template', user: 'User', virtualmachine: 'VirtualMachine', volume: 'Volume',
  zone: 'Zone', managementserver: 'ManagementServer', tag: 'Tags', vmschedule: 'VMSchedule', snapshotpolicy: 'SnapshotPolicy',
  scheduledtask: 'ScheduledTask', scheduledrun: 'ScheduledRun', hostha: 'HAForHostResponse', haprovider: 'HAForHostResponse',
  physicalnetwork: 'PhysicalNetwork', traffictype: 'TrafficType', networkoffering: 'NetworkOffering', network: 'Network',
  vlaniprange: 'VlanIpRange', nic: 'Nic', router: 'Router', maintenanceplan: 'HostMaintenancePlan',
  configuration: 'Configuration', sshkeypair: 'SSHKeyPair', userdata: 'UserData',
  instancegroup: 'InstanceGroup', affinityGroupType: 'AffinityGroupType', affinitygroup: 'AffinityGroup', resourcelimit: 'ResourceLimit',
  publicipaddress: 'PublicIpAddress', firewallrule: 'FirewallRule', portforwardingrule: 'PortForwardingRule',
  loadbalancerrule: 'LoadBalancerRule', loadbalancerruleinstance: 'VirtualMachine', stickinesspolicies: 'LBStickinessPolicy',
  healthcheckpolicies: 'LBHealthCheckPolicy', vmSnapshot: 'VMSnapshot',
  project: 'Project', projectaccount: 'ProjectAccount', projectinvitation: 'ProjectInvitation',
};
/** Commands whose items are another object than their item name's (ListItemOverrides in responses.ts). */
const TYPE_OF_COMMAND: Record<string, string> = {
  findHostsForMigration: 'HostForMigration',
  listVirtualMachinesMetrics: 'VirtualMachinesMetric', listHostsMetrics: 'HostsMetric', listClustersMetrics: 'ClustersMetric',
  listZonesMetrics: 'ZonesMetric', listStoragePoolsMetrics: 'StoragePoolsMetric', listVolumesMetrics: 'VolumesMetric',
  listVirtualMachinesUsageHistory: 'VirtualMachinesUsageHistory', listVolumesUsageHistory: 'VolumesUsageHistory',
  listHostsUsageHistory: 'HostsUsageHistory', listZonesUsageHistory: 'ZonesUsageHistory',
};

interface Ids { roleId: string; vmId: string; physId: string; hostId: string; lbRuleId: string; projectId: string }

/** Params some list commands need to answer anything. */
function paramsFor(command: string, ids: Ids): Record<string, string> {
  if (command === 'listLoadBalancerRuleInstances') return { id: ids.lbRuleId };
  if (command === 'listLBStickinessPolicies' || command === 'listLBHealthCheckPolicies') return { lbruleid: ids.lbRuleId };
  if (command === 'listRolePermissions') return { roleid: ids.roleId };
  if (command === 'listProjectAccounts') return { projectid: ids.projectId };
  if (command === 'findHostsForMigration' || command === 'listVMSchedule' || command === 'listNics') return { virtualmachineid: ids.vmId };
  if (command === 'listHostHAProviders') return { hypervisor: 'Simulator' };
  if (command === 'listHostMaintenancePlan') return { id: ids.hostId };
  if (command === 'listScheduledRuns') {
    const day = 86_400_000;
    return { startdate: new Date(Date.now() - day).toISOString(), enddate: new Date(Date.now() + 7 * day).toISOString() };
  }
  if (command === 'listTrafficTypes') return { physicalnetworkid: ids.physId };
  if (command === 'listIsos' || command === 'listTemplates') return { listall: 'true', [command === 'listIsos' ? 'isofilter' : 'templatefilter']: 'all' };
  return { listall: 'true' };
}

describe('response JSON types', () => {
  let t: TestServer;
  let admin: Awaited<ReturnType<typeof sessionClient>>;
  let ids: Ids;

  beforeAll(async () => {
    t = await startTestServer();
    const { zoneId } = await seedDemoLab(t.core);
    await seedDemoVms(t.core, zoneId);
    admin = await sessionClient(t.url);
    const vm = (await admin.call('listVirtualMachines', { state: 'Running' })).json.listvirtualmachinesresponse.virtualmachine[0];
    const root = (await admin.call('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' })).json.listvolumesresponse.volume[0];
    const snap = await admin.call('createSnapshot', { volumeid: root.id });
    if (snap.json?.createsnapshotresponse?.jobid) await waitJob(admin.call, snap.json.createsnapshotresponse.jobid);
    // One of each kind of schedule.
    await admin.call('createVMSchedule', { virtualmachineid: vm.id, action: 'STOP', schedule: '0 18 * * 1-5', timezone: 'Asia/Shanghai',
      enddate: '2099-01-01 00:00:00' });
    await admin.call('createSnapshotPolicy', { volumeid: root.id, intervaltype: 'DAILY', schedule: '00:03', maxsnaps: '2', timezone: 'UTC' });
    await admin.call('createScheduledTask', { apicommand: 'rebootVirtualMachine', 'params[0].name': 'id', 'params[0].value': vm.id,
      schedule: '0 4 * * 0', description: 'weekly reboot' });
    const roles = (await admin.call('listRoles')).json.listrolesresponse.role as { id: string; type: string }[];
    const role = roles.find((r) => r.type === 'User')!;
    await admin.call('createDomain', { name: 'Child' });
    await admin.call('createRolePermission', { roleid: role.id, rule: 'list*', permission: 'allow', description: 'reads' });
    const phys = (await admin.call('listPhysicalNetworks')).json.listphysicalnetworksresponse.physicalnetwork[0];
    // A key pair, user data, and rules of each kind on the VM's network's source NAT address (the edge's lists).
    await admin.call('createSSHKeyPair', { name: 'types' }, 'POST');
    await admin.call('registerUserData', { name: 'types', userdata: Buffer.from('#!/bin/sh\n').toString('base64') }, 'POST');
    await admin.call('createInstanceGroup', { name: 'types' }, 'POST');
    await waitJob(admin.call, (await admin.call('createAffinityGroup', { name: 'types', type: 'host anti-affinity' }, 'POST')).json.createaffinitygroupresponse.jobid);
    const run = async (command: string, params: Record<string, string>) => {
      const r = await admin.call(command, params, 'POST');
      const job = await waitJob(admin.call, r.json[`${command.toLowerCase()}response`].jobid);
      if (job.jobstatus !== 1) throw new Error(`${command}: ${JSON.stringify(job.jobresult)}`);
      return job.jobresult;
    };
    const networkId = vm.nic[0].networkid as string;
    const ip = (await admin.call('listPublicIpAddresses', { associatednetworkid: networkId, listall: 'true' })).json.listpublicipaddressesresponse.publicipaddress[0];
    await run('createPortForwardingRule', { ipaddressid: ip.id, protocol: 'tcp', publicport: '2222', privateport: '22', virtualmachineid: vm.id });
    await run('createFirewallRule', { ipaddressid: ip.id, protocol: 'tcp', startport: '2222', cidrlist: '192.0.2.0/24' });
    await run('createEgressFirewallRule', { networkid: networkId, protocol: 'tcp', startport: '80' });
    const lb = (await run('createLoadBalancerRule', { name: 'web', algorithm: 'roundrobin', publicport: '8080', privateport: '80', publicipid: ip.id, networkid: networkId })).loadbalancer;
    await run('assignToLoadBalancerRule', { id: lb.id, virtualmachineids: vm.id });
    // A tagged project with an invitation, so the project objects are checked too.
    await admin.call('updateConfiguration', { name: 'project.invite.required', value: 'true' }, 'POST');
    const project = (await run('createProject', { name: 'types', displaytext: 'types' })).project;
    await run('createTags', { resourcetype: 'Project', resourceids: project.id, 'tags[0].key': 'k', 'tags[0].value': 'v' });
    await admin.call('createAccount', { username: 'invitee', password: 'pw-invitee-1', email: 'i@example.org', firstname: 'i', lastname: 'i', accounttype: '0' }, 'POST');
    await run('addAccountToProject', { projectid: project.id, account: 'invitee' });
    ids = { roleId: role.id, vmId: vm.id, physId: phys.id, hostId: vm.hostid, lbRuleId: lb.id, projectId: project.id };
    // A tag, so the tags[] objects of VMs and listTags are checked too.
    const tagged = await admin.call('createTags', { resourcetype: 'UserVm', resourceids: vm.id, 'tags[0].key': 'env', 'tags[0].value': 'lab' });
    await waitJob(admin.call, tagged.json.createtagsresponse.jobid);
    // A VM snapshot (issue 19), for listVMSnapshot.
    await run('createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true' });
    // One collector sample, so the *UsageHistory commands answer stats[] entries to check too.
    await t.core.metrics.collector.tick();
  }, 120_000);
  afterAll(async () => { await t?.stop(); });

  it('every list command answers fields of the right JSON type only', async () => {
    const problems: string[] = [];
    const empty: string[] = [];
    let checked = 0;
    // Read commands only: the commands that add things (addHost, registerTemplate) answer through the same formatters.
    const lists = Object.values(allCommands).filter((d) => d.response.kind === 'list' && /^(list|find)/.test(d.name));
    for (const decl of lists) {
      const item = (decl.response as { item: string }).item;
      const typeName = TYPE_OF_COMMAND[decl.name] ?? TYPE_OF_ITEM[item];
      if (!typeName) { problems.push(`${decl.name}: item ${item} has no response type`); continue; }
      const r = await admin.call(decl.name, paramsFor(decl.name, ids));
      if (r.status !== 200) { problems.push(`${decl.name}: HTTP ${r.status} ${r.text.slice(0, 200)}`); continue; }
      const inner = r.json[`${decl.name.toLowerCase()}response`] ?? {};
      const items = (inner[item] ?? []) as Record<string, unknown>[];
      if (items.length === 0) empty.push(decl.name);
      for (const obj of items) problems.push(...typeProblems(typeName, obj).map((p) => `${decl.name}: ${p}`));
      if (decl.name.endsWith('UsageHistory') && !items.some((o) => (o.stats as unknown[]).length > 0)) empty.push(`${decl.name} stats`);
      checked += items.length;
    }
    console.log(`checked ${checked} objects from ${lists.length} list commands`);
    // A kind of field reported once is enough to read.
    expect([...new Set(problems.map((p) => p.replace(/\[\d+\]/g, '[]').replace(/ \(.*\)$/, '')))]).toEqual([]);
    // The lab has something of nearly every kind, so the check above saw real objects.
    // (Zone stats are derived by the maintenance loop 30 s after a tick: metrics-api.test.ts checks their types.)
    expect(empty.filter((c) => !['listAlerts', 'listIsos', 'listVolumesUsageHistory stats', 'listZonesUsageHistory stats', 'listHostHAResources',
      'listLBStickinessPolicies', 'listLBHealthCheckPolicies'].includes(c))).toEqual([]);
  }, 120_000);

  it('the checker itself flags a missing field, a wrong JSON type, an unknown field and a bad nested object', () => {
    const vm = { id: 'x', name: 'web', state: 'Running', zoneid: 'z' };
    expect(typeProblems('VirtualMachine', { ...vm, cpunumber: '2', frobnicate: true, nic: [{ id: 'n', networkid: 'x', isdefault: true, ipaddress: 10 }] })).toEqual([
      'VirtualMachine.serviceofferingid: missing',
      'VirtualMachine.cpunumber: number expected, got string ("2")',
      'VirtualMachine.frobnicate: not a field of VirtualMachine',
      'VirtualMachine.nic[0].ipaddress: string expected, got number (10)',
    ]);
  });
});
