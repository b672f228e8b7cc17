// An unmodified CloudStack client (Debian's python3-cs) drives the server the way an operator's scripts would:
// API keys with signature v3, GET and POST, polling async jobs. It builds a lab and runs a VM's lifecycle.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, sessionClient, type TestServer } from '../testing/harness';

const run = promisify(execFile);
let t: TestServer;
let env: NodeJS.ProcessEnv;

// Debian ships the library without its `cs` console script; this line is exactly what that script runs
// (exit status 1 when the API answered an error).
const CS_MAIN = 'import sys, cs; sys.exit(cs.main())';

/** Runs the `cs` CLI with `<command> k=v ...`; returns success and the JSON it printed (empty output = {}). */
async function cs(command: string, args: Record<string, string> = {}, flags: string[] = []) {
  const argv = ['-c', CS_MAIN, ...flags, command, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
  const parse = (s: string) => (s.trim() === '' ? {} : JSON.parse(s));
  try {
    const { stdout, stderr } = await run('/usr/bin/python3', argv, { env, timeout: 60_000 });
    return { ok: true, out: parse(stdout), err: stderr };
  } catch (e: any) {
    let out: any;
    try { out = parse(e.stdout ?? ''); } catch { out = undefined; }
    return { ok: false, out, err: String(e.stderr ?? e.message) };
  }
}

beforeAll(async () => {
  t = await startTestServer();
  const admin = await sessionClient(t.url);
  const keys = (await admin.call('registerUserKeys', { id: admin.login.userid }, 'POST')).json.registeruserkeysresponse.userkeys;
  env = {
    PATH: process.env.PATH, HOME: t.dataDir,
    CLOUDSTACK_ENDPOINT: `${t.url}/client/api`, CLOUDSTACK_KEY: keys.apikey, CLOUDSTACK_SECRET: keys.secretkey,
    CLOUDSTACK_METHOD: 'get', CLOUDSTACK_TIMEOUT: '30', CLOUDSTACK_POLL_INTERVAL: '0.2',
  };
});
afterAll(() => t.stop());

// Every cs call is a python process of its own (about 0.3 s quiet, seconds on a loaded CI machine): generous timeouts.
describe('python3-cs against strata serve', { timeout: 90_000 }, () => {
  it('builds a zone with simulator hosts, registers a template and runs a VM lifecycle', async () => {
    const zone = (await cs('createZone', { name: 'cs-zone', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' }, ['--post'])).out.zone;
    expect(zone.allocationstate).toBeDefined();
    const pod = (await cs('createPod', { zoneid: zone.id, name: 'cs-pod', gateway: '192.168.50.1', netmask: '255.255.255.0', startip: '192.168.50.10', endip: '192.168.50.99' })).out.pod;
    const cluster = (await cs('addCluster', { zoneid: zone.id, podid: pod.id, clustername: 'cs-cluster', clustertype: 'CloudManaged', hypervisor: 'Simulator' })).out.cluster[0];
    for (let i = 1; i <= 3; i++) {
      const h = await cs('addHost', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', url: `http://cs-sim-${i}/?cpunumber=8&cpuspeed=2000&memory=16384`, username: 'root', password: 'x' }, ['--post']);
      expect(h.ok).toBe(true);
      expect(h.out.host[0].state).toBe('Up');
    }
    const pool = await cs('createStoragePool', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, name: 'cs-primary', url: `SharedMountPoint://localhost${t.dataDir}/primary`, scope: 'CLUSTER' });
    expect(pool.ok).toBe(true);
    expect((await cs('addImageStore', { provider: 'NFS', name: 'cs-secondary', url: `file://${t.dataDir}/secondary`, zoneid: zone.id })).ok).toBe(true);
    expect((await cs('updateZone', { id: zone.id, allocationstate: 'Enabled' })).ok).toBe(true);

    const template = (await cs('registerTemplate', { name: 'cs-template', displaytext: 'cs template', url: 'http://127.0.0.1:1/tiny.qcow2', format: 'QCOW2', hypervisor: 'Simulator', zoneid: zone.id, ispublic: 'true' })).out.template[0];
    const listed = (await cs('listTemplates', { templatefilter: 'executable', zoneid: zone.id })).out.template;
    expect(listed.map((x: any) => x.id)).toContain(template.id);

    const offering = (await cs('listServiceOfferings', { name: 'Small Instance' })).out.serviceoffering[0];
    // The CLI polls queryAsyncJobResult and prints the job's result.
    const deployed = await cs('deployVirtualMachine', { zoneid: zone.id, templateid: template.id, serviceofferingid: offering.id, name: 'cs-vm-1' }, ['--post']);
    expect(deployed.ok).toBe(true);
    const vm = deployed.out.virtualmachine;
    expect(vm).toMatchObject({ name: 'cs-vm-1', state: 'Running', zoneid: zone.id });
    expect(typeof vm.cpunumber).toBe('number');

    const list = (await cs('listVirtualMachines', { id: vm.id })).out;
    expect(list.count).toBe(1);
    expect(list.virtualmachine[0].hostid).toBeDefined();

    expect((await cs('stopVirtualMachine', { id: vm.id })).out.virtualmachine.state).toBe('Stopped');
    expect((await cs('startVirtualMachine', { id: vm.id })).out.virtualmachine.state).toBe('Running');
    expect((await cs('destroyVirtualMachine', { id: vm.id, expunge: 'true' })).ok).toBe(true);
    expect((await cs('listVirtualMachines', { id: vm.id })).out).toEqual({});
  });

  it('creates and lists zones, hosts, accounts and VMs with Chinese names, and reads errors that quote them (issue 9)', async () => {
    const zone = (await cs('createZone', { name: '实验区', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' }, ['--post'])).out.zone;
    expect(zone.name).toBe('实验区');
    // The duplicate is a whole 431 that the client reads (it used to hang on the X-Description header).
    const dup = await cs('createZone', { name: '实验区', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' }, ['--post']);
    expect(dup.ok).toBe(false);
    expect(dup.out.createzoneresponse).toMatchObject({ errorcode: 431, errortext: 'A zone with name 实验区 already exists' });
    expect((await cs('listZones', { name: '实验区' })).out.zone.map((z: any) => z.name)).toEqual(['实验区']);

    const pod = (await cs('createPod', { zoneid: zone.id, name: '一号机房', gateway: '192.168.51.1', netmask: '255.255.255.0', startip: '192.168.51.10', endip: '192.168.51.99' })).out.pod;
    const added = await cs('addCluster', { zoneid: zone.id, podid: pod.id, clustername: '计算集群', clustertype: 'CloudManaged', hypervisor: 'Simulator' });
    expect(added.ok, JSON.stringify(added)).toBe(true);
    const cluster = added.out.cluster[0];
    const host = await cs('addHost', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, hypervisor: 'Simulator', url: 'http://主机-1/?cpunumber=8&cpuspeed=2000&memory=16384', username: 'root', password: 'x' }, ['--post']);
    expect(host.ok).toBe(true);
    const hosts = (await cs('listHosts', { zoneid: zone.id })).out.host;
    expect(hosts.map((h: any) => [h.podname, h.clustername])).toEqual([['一号机房', '计算集群']]);
    const badPod = await cs('addHost', { zoneid: zone.id, podid: '日本語の名前', clusterid: cluster.id, hypervisor: 'Simulator', url: 'http://x/' }, ['--post']);
    expect(badPod.out.addhostresponse.errortext).toContain('日本語の名前');

    await cs('createStoragePool', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, name: '主存储', url: `SharedMountPoint://localhost${t.dataDir}/primary-cn`, scope: 'CLUSTER' });
    await cs('updateZone', { id: zone.id, allocationstate: 'Enabled' });
    const account = await cs('createAccount', { username: '张伟', password: '密码-123', email: 'zw@example.org', firstname: '伟', lastname: '张', accounttype: '0', account: '研发部' }, ['--post']);
    expect(account.ok).toBe(true);
    expect(account.out.account.name).toBe('研发部');
    const accounts = await cs('listAccounts', { name: '研发部', listall: 'true' });
    expect(accounts.out.account?.[0]?.user?.[0]?.username, JSON.stringify(accounts)).toBe('张伟');

    const template = (await cs('registerTemplate', { name: '模板', displaytext: '中文模板', url: 'http://192.0.2.1/cn.qcow2', format: 'QCOW2', hypervisor: 'Simulator', zoneid: zone.id, ispublic: 'true' })).out.template[0];
    const offering = (await cs('listServiceOfferings', { name: 'Small Instance' })).out.serviceoffering[0];
    const vm = await cs('deployVirtualMachine', { zoneid: zone.id, templateid: template.id, serviceofferingid: offering.id, name: 'vm-cn', displayname: '测试虚拟机', account: '研发部', domainid: account.out.account.domainid }, ['--post']);
    expect(vm.ok).toBe(true);
    expect(vm.out.virtualmachine).toMatchObject({ displayname: '测试虚拟机', account: '研发部', zonename: '实验区', state: 'Running' });
    const listed = (await cs('listVirtualMachines', { zoneid: zone.id, listall: 'true' })).out.virtualmachine;
    expect(listed.map((v: any) => v.displayname)).toEqual(['测试虚拟机']);
    const missing = await cs('listVirtualMachines', { id: '日本' });
    expect(missing.out.listvirtualmachinesresponse.errorcode).toBe(431);
  });

  it('bad input gets a CloudStack error that the client reports, and the server keeps serving', async () => {
    const bad = await cs('deployVirtualMachine', { zoneid: 'not-a-uuid', templateid: 'x', serviceofferingid: 'y' });
    expect(bad.ok).toBe(false);
    expect(bad.out.deployvirtualmachineresponse.errorcode).toBe(431);
    expect(bad.err).toContain('HTTP 431');
    expect(bad.out.deployvirtualmachineresponse.errortext).toContain('Invalid parameter zoneid value=not-a-uuid');
    const missing = await cs('createZone', { name: 'only-a-name' });
    expect(missing.out.createzoneresponse.errortext).toContain('due to missing parameter');
    expect((await cs('listZones')).ok).toBe(true);
  });

  it('reads what automation tools check: zonetoken, pod ranges, OS type names, system offerings, storage providers, tags (issue 19)', async () => {
    const zone = (await cs('createZone', { name: 'auto-zone', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' }, ['--post'])).out.zone;
    expect(zone.zonetoken).toMatch(/^[0-9a-f-]{36}$/);
    const pod = (await cs('createPod', { zoneid: zone.id, name: 'auto-pod', gateway: '192.168.60.1', netmask: '255.255.255.0', startip: '192.168.60.10' })).out.pod;
    expect(pod.endip).toEqual(['192.168.60.254']);
    const debian7 = (await cs('listOsTypes', { description: 'Debian GNU/Linux 7(64-bit)' })).out;
    expect(debian7.ostype?.map((o: any) => o.description)).toContain('Debian GNU/Linux 7(64-bit)');
    const router = (await cs('listServiceOfferings', { issystem: 'true', systemvmtype: 'domainrouter' })).out.serviceoffering;
    expect(router.map((o: any) => [o.name, o.systemvmtype])).toEqual([['System Offering For Software Router', 'domainrouter']]);
    const cluster = (await cs('addCluster', { zoneid: zone.id, podid: pod.id, clustername: 'auto-cluster', clustertype: 'CloudManaged', hypervisor: 'Simulator' })).out.cluster[0];
    const provider = await cs('createStoragePool', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, name: 'sp', url: `SharedMountPoint://localhost${t.dataDir}/sp`, provider: 'StorPool' });
    expect(provider.out.createstoragepoolresponse).toMatchObject({ errorcode: 431, errortext: 'Storage provider StorPool not found' });

    const vm = (await cs('listVirtualMachines', { listall: 'true' })).out.virtualmachine?.[0];
    expect(vm, 'an earlier test left a VM').toBeDefined();
    const tagged = await cs('createTags', { resourcetype: 'UserVm', resourceids: vm.id, 'tags[0].key': 'tier', 'tags[0].value': 'gold' });
    expect(tagged.ok, JSON.stringify(tagged)).toBe(true);
    const byTag = (await cs('listVirtualMachines', { listall: 'true', 'tags[0].key': 'tier', 'tags[0].value': 'gold' })).out;
    expect(byTag.virtualmachine.map((v: any) => [v.id, v.tags[0].key, v.tags[0].value])).toEqual([[vm.id, 'tier', 'gold']]);
    expect((await cs('listTags', { key: 'tier', listall: 'true' })).out.tag.map((x: any) => x.resourceid)).toEqual([vm.id]);
    expect((await cs('deleteTags', { resourcetype: 'UserVm', resourceids: vm.id, 'tags[0].key': 'tier' })).ok).toBe(true);
    expect((await cs('listTags', { key: 'tier', listall: 'true' })).out).toEqual({});
  });

  it('lists, changes and resets settings, globally and for a cluster (issue 19)', async () => {
    const listed = (await cs('listConfigurations', { name: 'mem.overprovisioning.factor' })).out.configuration;
    expect(listed.map((c: any) => [c.name, c.value, c.defaultvalue])).toEqual([['mem.overprovisioning.factor', '1', '1']]);
    const cluster = (await cs('listClusters', { name: 'cs-cluster' })).out.cluster[0];
    const set = await cs('updateConfiguration', { name: 'mem.overprovisioning.factor', value: '1.5', clusterid: cluster.id }, ['--post']);
    expect(set.out.configuration).toMatchObject({ value: '1.5', scope: 'cluster' });
    expect((await cs('listClusters', { id: cluster.id })).out.cluster[0].memoryovercommitratio).toBe('1.5');
    const bad = await cs('updateConfiguration', { name: 'mem.overprovisioning.factor', value: 'lots' }, ['--post']);
    expect(bad.out.updateconfigurationresponse).toMatchObject({ errorcode: 431 });
    expect((await cs('resetConfiguration', { name: 'mem.overprovisioning.factor', clusterid: cluster.id }, ['--post'])).out.configuration.value).toBe('1');
  });

  it('takes and reverts VM snapshots, makes a template of the root volume, restores the VM from it and resets its password (issue 19)', async () => {
    const zone = (await cs('listZones', { name: 'cs-zone' })).out.zone[0];
    const template = (await cs('listTemplates', { templatefilter: 'executable', name: 'cs-template' })).out.template[0];
    const offering = (await cs('listServiceOfferings', { name: 'Small Instance' })).out.serviceoffering[0];
    const vm = (await cs('deployVirtualMachine', { zoneid: zone.id, templateid: template.id, serviceofferingid: offering.id, name: 'cs-snap-vm' }, ['--post'])).out.virtualmachine;
    const vs = (await cs('createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true', name: 'cs-vs' }, ['--post'])).out.vmsnapshot;
    expect(vs).toMatchObject({ displayname: 'cs-vs', state: 'Ready', type: 'DiskAndMemory', current: true });
    expect((await cs('listVMSnapshot', { virtualmachineid: vm.id })).out.vmSnapshot.map((x: any) => x.id)).toEqual([vs.id]);
    expect((await cs('revertToVMSnapshot', { vmsnapshotid: vs.id }, ['--post'])).out.virtualmachine.state).toBe('Running');
    expect((await cs('deleteVMSnapshot', { vmsnapshotid: vs.id }, ['--post'])).ok).toBe(true);

    await cs('stopVirtualMachine', { id: vm.id });
    const root = (await cs('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' })).out.volume[0];
    const ostype = (await cs('listOsTypes')).out.ostype[0];
    const made = await cs('createTemplate', { name: 'cs-golden', displaytext: 'golden', ostypeid: ostype.id, volumeid: root.id, passwordenabled: 'true' }, ['--post']);
    expect(made.out.template).toMatchObject({ name: 'cs-golden', isready: true, passwordenabled: true });
    const golden = made.out.template;
    expect((await cs('updateTemplatePermissions', { id: golden.id, ispublic: 'true' }, ['--post'])).out).toMatchObject({ success: true });
    expect((await cs('listTemplatePermissions', { id: golden.id })).out.templatepermission).toMatchObject({ id: golden.id, ispublic: true });
    const ex = (await cs('extractTemplate', { id: golden.id, mode: 'HTTP_DOWNLOAD' }, ['--post'])).out.template;
    expect(ex).toMatchObject({ id: golden.id, extractMode: 'HTTP_DOWNLOAD' });
    expect(ex.url).toMatch(/\/userdata\//);

    const restored = (await cs('restoreVirtualMachine', { virtualmachineid: vm.id, templateid: golden.id }, ['--post'])).out.virtualmachine;
    expect(restored).toMatchObject({ id: vm.id, templateid: golden.id, state: 'Stopped' });
    const pw = (await cs('resetPasswordForVirtualMachine', { id: vm.id }, ['--post'])).out.virtualmachine;
    expect(pw.password).toMatch(/^\w{12}$/);
    expect((await cs('destroyVirtualMachine', { id: vm.id, expunge: 'true' })).ok).toBe(true);
  }, 90_000);

  it('groups VMs, spreads them with an anti-affinity group and reads and sets limits (issue 19)', async () => {
    const zone = (await cs('listZones', { name: 'cs-zone' })).out.zone[0];
    const template = (await cs('listTemplates', { templatefilter: 'executable', name: 'cs-template' })).out.template[0];
    const offering = (await cs('listServiceOfferings', { name: 'Small Instance' })).out.serviceoffering[0];
    const group = (await cs('createInstanceGroup', { name: 'cs-group' }, ['--post'])).out.instancegroup;
    expect(group).toMatchObject({ name: 'cs-group', account: 'admin' });
    const types = (await cs('listAffinityGroupTypes')).out.affinityGroupType.map((x: any) => x.type);
    expect(types).toContain('host anti-affinity');
    const ag = (await cs('createAffinityGroup', { name: 'cs-apart', type: 'host anti-affinity' }, ['--post'])).out.affinitygroup;
    expect(ag).toMatchObject({ name: 'cs-apart', type: 'host anti-affinity' });
    const vms = [];
    for (const name of ['cs-apart-1', 'cs-apart-2']) {
      const d = await cs('deployVirtualMachine', { zoneid: zone.id, templateid: template.id, serviceofferingid: offering.id, name,
        group: 'cs-group', affinitygroupids: ag.id }, ['--post']);
      expect(d.ok, JSON.stringify(d.out)).toBe(true);
      vms.push(d.out.virtualmachine);
    }
    expect(vms[0].hostid).not.toBe(vms[1].hostid);
    expect(vms.map((v) => [v.group, v.groupid, v.affinitygroup[0].id])).toEqual([['cs-group', group.id, ag.id], ['cs-group', group.id, ag.id]]);

    // The ROOT domain is not limited (CloudStack refuses to limit it too); its accounts' limits read -1 (unlimited).
    const root = await cs('updateResourceLimit', { domainid: vms[0].domainid, resourcetype: '0', max: '5' }, ['--post']);
    expect(root.out.updateresourcelimitresponse).toMatchObject({ errorcode: 431 });
    const limits = (await cs('listResourceLimits', { resourcetype: '8' })).out;
    expect(limits.resourcelimit).toEqual([expect.objectContaining({ account: 'admin', resourcetype: '8', resourcetypename: 'cpu', max: -1 })]);

    for (const v of vms) expect((await cs('destroyVirtualMachine', { id: v.id, expunge: 'true' })).ok).toBe(true);
    expect((await cs('deleteAffinityGroup', { id: ag.id })).ok).toBe(true);
    expect((await cs('deleteInstanceGroup', { id: group.id }, ['--post'])).out.success).toBe(true);
  }, 90_000);

  it('runs a project: create, deploy into it, list with projectid, tag it, suspend, delete with cleanup (issue 19)', async () => {
    const project = (await cs('createProject', { name: 'cs-project', displaytext: 'cs project' }, ['--post'])).out.project;
    expect(project).toMatchObject({ name: 'cs-project', state: 'Active', owner: [{ account: 'admin' }] });
    const template = (await cs('listTemplates', { templatefilter: 'executable', name: 'cs-template' })).out.template[0];
    const offering = (await cs('listServiceOfferings', { name: 'Small Instance' })).out.serviceoffering[0];
    const vm = (await cs('deployVirtualMachine', { zoneid: template.zoneid, templateid: template.id, serviceofferingid: offering.id, name: 'cs-pvm', projectid: project.id }, ['--post'])).out.virtualmachine;
    expect(vm).toMatchObject({ project: 'cs-project', projectid: project.id });
    expect((await cs('listVirtualMachines', { projectid: '-1' })).out.virtualmachine.map((v: any) => v.name)).toEqual(['cs-pvm']);
    // Project resources stay out of an admin's listall view unless projectid is given.
    expect(((await cs('listVirtualMachines', { listall: 'true' })).out.virtualmachine ?? []).map((v: any) => v.name)).not.toContain('cs-pvm');
    const group = (await cs('createInstanceGroup', { name: 'cs-pgroup', projectid: project.id }, ['--post'])).out.instancegroup;
    expect(group).toMatchObject({ name: 'cs-pgroup', project: 'cs-project', projectid: project.id });
    expect((await cs('listInstanceGroups', { projectid: project.id })).out.instancegroup.map((g: any) => g.id)).toEqual([group.id]);
    const ag = (await cs('createAffinityGroup', { name: 'cs-papart', type: 'host anti-affinity', projectid: project.id }, ['--post'])).out.affinitygroup;
    expect(ag).toMatchObject({ project: 'cs-project', projectid: project.id });
    expect((await cs('listAffinityGroups', { projectid: project.id })).out.affinitygroup.map((g: any) => g.id)).toEqual([ag.id]);
    const range = await cs('createVlanIpRange', { zoneid: template.zoneid, forvirtualnetwork: 'true', vlan: 'untagged', gateway: '198.51.100.1',
      netmask: '255.255.255.0', startip: '198.51.100.10', endip: '198.51.100.11', projectid: project.id }, ['--post']);
    expect(range.out.vlaniprange).toMatchObject({ project: 'cs-project', projectid: project.id });
    // The project's counts and limits; growth past a limit is refused, resize and scale alike.
    const figures = (await cs('listProjects', { id: project.id })).out.project[0];
    expect(figures).toMatchObject({ vmtotal: 1, vmrunning: 1, memorytotal: offering.memory });
    expect(typeof figures.vmlimit).toBe('string');
    await cs('updateResourceLimit', { projectid: project.id, resourcetype: '9', max: String(offering.memory) }, ['--post']);
    const medium = (await cs('listServiceOfferings', { name: 'Medium Instance' })).out.serviceoffering[0];
    await cs('stopVirtualMachine', { id: vm.id });
    const scaled = await cs('scaleVirtualMachine', { id: vm.id, serviceofferingid: medium.id }, ['--post']);
    expect(scaled.out.scalevirtualmachineresponse, JSON.stringify(scaled.out)).toMatchObject({ errorcode: 535 });
    await cs('updateResourceLimit', { projectid: project.id, resourcetype: '10', max: '0' }, ['--post']);
    const root = (await cs('listVolumes', { virtualmachineid: vm.id, projectid: project.id })).out.volume[0];
    const resized = await cs('resizeVolume', { id: root.id, size: String(Math.ceil(root.size / 2 ** 30) + 1) }, ['--post']);
    expect(resized.out.resizevolumeresponse, JSON.stringify(resized.out)).toMatchObject({ errorcode: 535 });
    expect((await cs('createTags', { resourcetype: 'Project', resourceids: project.id, 'tags[0].key': 'team', 'tags[0].value': 'ops' })).ok).toBe(true);
    expect((await cs('listProjects', { listall: 'true', 'tags[0].key': 'team' })).out.project.map((p: any) => p.name)).toEqual(['cs-project']);
    expect((await cs('suspendProject', { id: project.id }, ['--post'])).out.project.state).toBe('Suspended');
    expect((await cs('deleteProject', { id: project.id, cleanup: 'true' }, ['--post'])).ok).toBe(true);
    expect((await cs('listProjects', { listall: 'true' })).out).toEqual({});
  }, 90_000);
});
