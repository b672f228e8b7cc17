// Projects over HTTP: a project owns its resources through its hidden account; members see and use them with
// projectid=, non-members get CloudStack's 531; projectid=-1 lists every visible project's; invitations when
// project.invite.required; suspend stops the project's VMs; delete refuses while it owns things, cleanup removes them.
// Also the tags of networks and projects, and that a user cannot tag another account's network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoLab } from '../demo';
import { ensureBuiltinTemplate } from '../catalog/index';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../testing/harness';
import { ok, fails, type Call } from '../testing/api-calls';
import { typeProblems } from '../testing/response-kinds';

let t: TestServer;
let admin: Call;
let alice: Call;
let bob: Call;
let carol: Call;
const lab = { zoneId: '', templateId: '', offeringId: '' };
let project: Record<string, any>;
let vm: Record<string, any>;

const deploy = (call: Call, p: Record<string, string>) =>
  ok(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, ...p });
const vmNames = async (call: Call, p: Record<string, string> = {}) =>
  (((await ok(call, 'listVirtualMachines', p)).virtualmachine ?? []) as { name: string }[]).map((v) => v.name).sort();
const projectNames = async (call: Call, p: Record<string, string> = {}) =>
  (((await ok(call, 'listProjects', p)).project ?? []) as { name: string }[]).map((x) => x.name).sort();

beforeAll(async () => {
  t = await startTestServer();
  const { zoneId } = await seedDemoLab(t.core);
  lab.zoneId = zoneId;
  lab.templateId = await ensureBuiltinTemplate(t.core.svc, zoneId);
  admin = (await sessionClient(t.url)).call;
  for (const u of ['alice', 'bob', 'carol']) {
    await ok(admin, 'createAccount', { username: u, password: `pw-${u}-1`, email: `${u}@example.org`, firstname: u, lastname: 'L', accounttype: '0' });
  }
  [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(async (u) => (await sessionClient(t.url, u, `pw-${u}-1`)).call));
  lab.offeringId = (await ok(alice, 'listServiceOfferings', { name: 'Small Instance' })).serviceoffering[0].id;
}, 120_000);
afterAll(async () => { await t?.stop(); });

describe('projects', () => {
  it('a user creates a project; it answers CloudStack\'s fields and only members see it', async () => {
    project = (await ok(alice, 'createProject', { name: 'apollo', displaytext: 'Apollo' })).project;
    expect(project).toMatchObject({ name: 'apollo', displaytext: 'Apollo', state: 'Active', domain: 'ROOT',
      owner: [{ account: 'alice', accountid: expect.any(String) }], projectaccountname: expect.stringMatching(/^PrjAcct-apollo-/) });
    expect(typeProblems('Project', project)).toEqual([]);
    expect(await projectNames(alice)).toEqual(['apollo']);
    expect(await projectNames(bob)).toEqual([]);
    expect(await projectNames(admin, { listall: 'true' })).toEqual(['apollo']);
    // The project's account is hidden from listAccounts.
    expect(((await ok(admin, 'listAccounts', { listall: 'true' })).account as { name: string }[]).map((a) => a.name)).not.toContain(project.projectaccountname);
    expect((await fails(alice, 'createProject', { name: 'apollo', displaytext: 'again' })).text).toContain('Project with name apollo already exists');
  });

  it('resources made with projectid= belong to the project and are listed only with projectid', async () => {
    vm = (await deploy(alice, { name: 'p-vm', projectid: project.id })).virtualmachine;
    expect(vm).toMatchObject({ project: 'apollo', projectid: project.id });
    expect(vm.account).toBeUndefined();
    expect(typeProblems('VirtualMachine', vm)).toEqual([]);
    await deploy(alice, { name: 'own-vm' });
    expect(await vmNames(alice)).toEqual(['own-vm']);
    expect(await vmNames(alice, { projectid: project.id })).toEqual(['p-vm']);
    expect(await vmNames(alice, { projectid: '-1' })).toEqual(['p-vm']);
    const vols = (await ok(alice, 'listVolumes', { projectid: project.id })).volume as Record<string, unknown>[];
    expect(vols[0]).toMatchObject({ project: 'apollo', projectid: project.id });
    expect((await fails(alice, 'listVirtualMachines', { projectid: project.id, account: 'alice' })).text).toBe("Account and projectId can't be specified together");
  });

  it('an admin\'s lists skip project resources, even with listall, unless projectid is given (CloudStack\'s scoping)', async () => {
    expect(await vmNames(admin, { listall: 'true' })).toEqual(['own-vm']);
    expect(await vmNames(admin, { domainid: project.domainid, isrecursive: 'true' })).toEqual(['own-vm']);
    expect(await vmNames(admin, { projectid: project.id })).toEqual(['p-vm']);
    expect(await vmNames(admin, { projectid: '-1' })).toEqual(['p-vm']);
    expect(await vmNames(admin, { projectid: '-1', listall: 'true' })).toEqual(['own-vm', 'p-vm']);
    expect(await vmNames(admin, { id: vm.id })).toEqual(['p-vm']);
    const volumeOwners = async (p: Record<string, string>) => [...new Set(((await ok(admin, 'listVolumes', p)).volume ?? [])
      .map((v: { project?: string; account?: string }) => v.project ?? v.account))].sort();
    expect(await volumeOwners({ listall: 'true' })).toEqual(['alice']);
    expect(await volumeOwners({ projectid: project.id })).toEqual(['apollo']);
    const events = async (p: Record<string, string>) => ((await ok(admin, 'listEvents', { listall: 'true', pagesize: '-1', ...p })).event ?? [])
      .filter((e: { type: string }) => e.type === 'VM.CREATE').map((e: { project?: string; account?: string }) => e.project ?? e.account).sort();
    expect(await events({})).toEqual(['alice']);
    expect(await events({ projectid: project.id })).toEqual(['apollo']);
    // A domain admin over the project's domain reaches it by id, but projectid=-1 means the projects it is a member
    // of (CloudStack: only the root admin's -1 is every project).
    await ok(admin, 'createAccount', { username: 'dadmin', password: 'pw-dadmin-1', email: 'd@example.org', firstname: 'd', lastname: 'A',
      accounttype: '2', domainid: project.domainid });
    const dadmin = (await sessionClient(t.url, 'dadmin', 'pw-dadmin-1')).call;
    expect(await vmNames(dadmin, { projectid: project.id })).toEqual(['p-vm']);
    expect(await vmNames(dadmin, { projectid: '-1' })).toEqual([]);
  });

  it('instance and affinity groups are made for a project with projectid= and listed only with it', async () => {
    const g = (await ok(alice, 'createInstanceGroup', { name: 'p-group', projectid: project.id })).instancegroup;
    expect(g).toMatchObject({ name: 'p-group', project: 'apollo', projectid: project.id });
    expect(g.account).toBeUndefined();
    expect(typeProblems('InstanceGroup', g)).toEqual([]);
    const groups = async (p: Record<string, string>) => ((await ok(alice, 'listInstanceGroups', p)).instancegroup ?? []).map((x: { name: string }) => x.name);
    expect(await groups({})).not.toContain('p-group');
    expect(await groups({ projectid: project.id })).toEqual(['p-group']);
    expect((await fails(bob, 'createInstanceGroup', { name: 'x', projectid: project.id })).code).toBe(531);
    const ag = (await ok(alice, 'createAffinityGroup', { name: 'p-apart', type: 'host anti-affinity', projectid: project.id })).affinitygroup;
    expect(ag).toMatchObject({ name: 'p-apart', project: 'apollo', projectid: project.id });
    expect(typeProblems('AffinityGroup', ag)).toEqual([]);
    expect(((await ok(alice, 'listAffinityGroups', { projectid: project.id })).affinitygroup as { name: string }[]).map((x) => x.name)).toEqual(['p-apart']);
    expect((await ok(alice, 'listAffinityGroups', {})).affinitygroup ?? []).toEqual([]);
    expect((await fails(alice, 'createAffinityGroup', { name: 'y', type: 'host affinity', projectid: project.id, account: 'alice' })).text)
      .toBe("Account and projectId can't be specified together");
  });

  it('a project has its own limits: an admin sets them with projectid=, members read them, a deploy past them gets 535', async () => {
    const limit = (call: Call) => ok(call, 'listResourceLimits', { projectid: project.id, resourcetype: '0' });
    expect((await limit(alice)).resourcelimit).toEqual([expect.objectContaining({ project: 'apollo', projectid: project.id, resourcetypename: 'user_vm' })]);
    expect((await fails(bob, 'listResourceLimits', { projectid: project.id })).code).toBe(531);
    await ok(admin, 'updateResourceLimit', { projectid: project.id, resourcetype: '0', max: '1' });
    expect((await limit(alice)).resourcelimit[0].max).toBe(1);
    const over = await fails(alice, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId,
      name: 'p-vm-2', projectid: project.id });
    expect(over.code).toBe(535);
    expect(over.text).toMatch(/^Maximum number of resources of type 'user_vm' for account name=PrjAcct-apollo-\S+ in domain id=.* has been exceeded\.$/);
    // Alice's own account is not bounded by the project's limit.
    expect(await vmNames(alice)).toEqual(['own-vm']);
    // listProjects answers the project's counts and limits (CloudStack's ProjectResponse fields and types).
    const listed = (await ok(alice, 'listProjects', { id: project.id })).project[0];
    expect(listed).toMatchObject({ vmtotal: 1, vmlimit: '1', vmavailable: '0', vmrunning: 1, vmstopped: 0, volumetotal: 1, cputotal: 1,
      iplimit: expect.any(String), primarystoragetotal: expect.any(Number), secondarystoragetotal: 0 });
    expect(typeProblems('Project', listed)).toEqual([]);
    await ok(admin, 'updateResourceLimit', { projectid: project.id, resourcetype: '0', max: '-1' });
  });

  it("a project without a limit of its own takes max.project.*, not the accounts' max.account.*", async () => {
    const cpu = async () => (await ok(alice, 'listResourceLimits', { projectid: project.id, resourcetype: '8' })).resourcelimit[0].max;
    expect(await cpu()).toBe(40);
    await ok(admin, 'updateConfiguration', { name: 'max.project.cpus', value: '1' });
    try {
      expect(await cpu()).toBe(1);
      expect((await ok(alice, 'listResourceLimits', { resourcetype: '8' })).resourcelimit[0].max).toBe(40); // her account's
      const over = await fails(alice, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId,
        name: 'p-vm-3', projectid: project.id });
      expect([over.code, over.text]).toEqual([535, expect.stringContaining("resources of type 'cpu'")]);
    } finally {
      await ok(admin, 'updateConfiguration', { name: 'max.project.cpus', value: '40' });
    }
  });

  it('a non-member gets 531 on the project and its resources; once added it uses them', async () => {
    const denied = await fails(bob, 'listVirtualMachines', { projectid: project.id });
    expect(denied).toEqual({ code: 531, text: `Account bob can't access project id=${project.id}` });
    expect((await fails(bob, 'createTags', { resourcetype: 'UserVm', resourceids: vm.id, 'tags[0].key': 'x', 'tags[0].value': 'y' })).code).toBe(531);
    expect((await fails(bob, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, projectid: project.id })).code).toBe(531);
    expect(await vmNames(bob, { projectid: '-1' })).toEqual([]);
    await ok(alice, 'addAccountToProject', { projectid: project.id, account: 'bob' });
    const members = (await ok(bob, 'listProjectAccounts', { projectid: project.id })).projectaccount as Record<string, unknown>[];
    expect(members.map((m) => [m.account, m.role])).toEqual([['alice', 'Admin'], ['bob', 'Regular']]);
    for (const m of members) expect(typeProblems('ProjectAccount', m)).toEqual([]);
    expect(await vmNames(bob, { projectid: project.id })).toEqual(['p-vm']);
    await ok(bob, 'createTags', { resourcetype: 'UserVm', resourceids: vm.id, 'tags[0].key': 'tier', 'tags[0].value': 'web' });
    const tags = (await ok(bob, 'listTags', { projectid: project.id })).tag;
    expect(tags).toEqual([expect.objectContaining({ key: 'tier', project: 'apollo', projectid: project.id })]);
    // A Regular member uses the project but does not manage it.
    expect((await fails(bob, 'suspendProject', { id: project.id })).code).toBe(531);
    expect((await fails(alice, 'addAccountToProject', { projectid: project.id, account: 'bob' })).text).toContain('already assigned');
  });

  it('with project.invite.required the account is invited and joins when it accepts', async () => {
    await ok(admin, 'updateConfiguration', { name: 'project.invite.required', value: 'true' });
    try {
      await ok(alice, 'addAccountToProject', { projectid: project.id, account: 'carol' });
      expect(await projectNames(carol)).toEqual([]);
      const inv = (await ok(carol, 'listProjectInvitations', {})).projectinvitation;
      expect(inv).toEqual([expect.objectContaining({ project: 'apollo', projectid: project.id, account: 'carol', state: 'Pending' })]);
      expect(typeProblems('ProjectInvitation', inv[0])).toEqual([]);
      expect((await ok(alice, 'listProjectInvitations', { projectid: project.id })).projectinvitation).toHaveLength(1);
      await ok(carol, 'updateProjectInvitation', { projectid: project.id, accept: 'true' });
      expect(await projectNames(carol)).toEqual(['apollo']);
      expect((await ok(carol, 'listProjectInvitations', { state: 'Completed' })).projectinvitation).toHaveLength(1);
      await ok(alice, 'deleteAccountFromProject', { projectid: project.id, account: 'carol' });
      expect(await projectNames(carol)).toEqual([]);
    } finally {
      await ok(admin, 'resetConfiguration', { name: 'project.invite.required' });
    }
  });

  it('tags networks and projects; lists filter by them; a user cannot tag another account\'s network', async () => {
    const net = ((await ok(alice, 'listNetworks', { projectid: project.id })).network as Record<string, any>[])[0];
    expect(net).toMatchObject({ project: 'apollo', projectid: project.id, tags: [] });
    await ok(alice, 'createTags', { resourcetype: 'Network', resourceids: net.id, 'tags[0].key': 'zone', 'tags[0].value': 'blue' });
    const tagged = (await ok(alice, 'listNetworks', { projectid: project.id, 'tags[0].key': 'zone', 'tags[0].value': 'blue' })).network;
    expect(tagged.map((n: { id: string }) => n.id)).toEqual([net.id]);
    expect(tagged[0].tags).toEqual([expect.objectContaining({ key: 'zone', value: 'blue', resourcetype: 'Network' })]);
    expect((await ok(alice, 'listNetworks', { projectid: project.id, 'tags[0].key': 'zone', 'tags[0].value': 'red' })).network).toBeUndefined();
    // carol left the project: its network is another account's to her.
    expect((await fails(carol, 'createTags', { resourcetype: 'Network', resourceids: net.id, 'tags[0].key': 'a', 'tags[0].value': 'b' })).code).toBe(531);
    expect((await fails(carol, 'listTags', { projectid: project.id })).code).toBe(531);

    await ok(alice, 'createTags', { resourcetype: 'Project', resourceids: project.id, 'tags[0].key': 'cost', 'tags[0].value': 'rnd' });
    const p = (await ok(alice, 'listProjects', { 'tags[0].key': 'cost' })).project;
    expect(p.map((x: { name: string }) => x.name)).toEqual(['apollo']);
    expect(p[0].tags).toEqual([expect.objectContaining({ key: 'cost', value: 'rnd', resourcetype: 'Project' })]);
    expect((await ok(alice, 'listProjects', { 'tags[0].key': 'other' })).project).toBeUndefined();
    expect((await fails(carol, 'createTags', { resourcetype: 'Project', resourceids: project.id, 'tags[0].key': 'a', 'tags[0].value': 'b' })).code).toBe(531);
  });

  it('suspend stops the project\'s VMs and refuses new ones; activate reopens it', async () => {
    const s = (await ok(alice, 'suspendProject', { id: project.id })).project;
    expect(s.state).toBe('Suspended');
    const [v] = (await ok(alice, 'listVirtualMachines', { projectid: project.id })).virtualmachine;
    expect(v.state).toBe('Stopped');
    expect((await fails(alice, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: lab.templateId, serviceofferingid: lab.offeringId, projectid: project.id })).text)
      .toBe(`Can't add resources to the project id=${project.id} in state=Suspended as it's no longer active`);
    const r = await alice('activateProject', { id: project.id });
    expect(Object.keys(r.json)).toEqual(['activaterojectresponse']);
    await waitJob(alice, r.json.activaterojectresponse.jobid);
    expect((await ok(alice, 'listProjects', { id: project.id })).project[0].state).toBe('Active');
  });

  it('delete refuses while the project owns resources; cleanup=true removes them with the project', async () => {
    expect((await fails(alice, 'deleteProject', { id: project.id })).text).toMatch(/^Can't delete the project yet because it has 1 vms/);
    expect((await fails(bob, 'deleteProject', { id: project.id, cleanup: 'true' })).code).toBe(531);
    await ok(alice, 'deleteProject', { id: project.id, cleanup: 'true' });
    expect(await projectNames(alice)).toEqual([]);
    expect((await fails(alice, 'listVirtualMachines', { projectid: project.id })).text).toBe(`Unable to find project by id ${project.id}`);
    expect(await vmNames(admin, { listall: 'true' })).toEqual(['own-vm']);
  });
});
