// Instance groups, affinity groups and resource limits over HTTP, as automation drives them: names, fields and
// errors as CloudStack's; an account sees only its own groups; anti-affinity spreads VMs, also when they are
// deployed at once, and migration keeps to the rules; limits hold exactly under 50 concurrent deploys (on MariaDB:
// through two servers at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimLab } from '../testing/sim-lab';
import { testMysqlRoot } from '../testing/test-db';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../testing/harness';
import { usageDrift } from '../db/account-usage';

// On MariaDB (npm run test:mysql) only what depends on the database's locking runs again: the concurrent deploys.
const sqliteOnly = !!testMysqlRoot();

type Client = Awaited<ReturnType<typeof sessionClient>>;
let t: TestServer;
let second: TestServer | undefined;
let admin: Client;
let alice: Client;
let bob: Client;
let zoneId: string;
let templateId: string;
let offeringId: string;
let rootDomainId: string;

const body = (r: { json: any }, command: string) =>
  r.json[command === 'updateVMAffinityGroup' ? 'updatevirtualmachineresponse' : `${command.toLowerCase()}response`];

async function submit(c: Client, command: string, params: Record<string, string>) {
  const r = await c.call(command, params, 'POST');
  if (r.status !== 200) return { status: r.status, error: body(r, command) };
  const job = await waitJob(c.call, body(r, command).jobid);
  return job.jobstatus === 1 ? { status: 200, result: job.jobresult } : { status: job.jobresult.errorcode, error: job.jobresult };
}
const deploy = (c: Client, params: Record<string, string> = {}) =>
  submit(c, 'deployVirtualMachine', { zoneid: zoneId, templateid: templateId, serviceofferingid: offeringId, ...params });

beforeAll(async () => {
  t = await startTestServer();
  ({ zoneId, templateId, offeringId } = await buildSimLab(t.core, 4, 'groups'));
  admin = await sessionClient(t.url);
  for (const u of ['alice', 'bob']) {
    await admin.call('createAccount', { username: u, password: `pw-${u}-1`, email: `${u}@example.org`, firstname: u, lastname: 'L', accounttype: '0' }, 'POST');
  }
  alice = await sessionClient(t.url, 'alice', 'pw-alice-1');
  bob = await sessionClient(t.url, 'bob', 'pw-bob-1');
  rootDomainId = body(await admin.call('listDomains', { name: 'ROOT' }), 'listDomains').domain[0].id;
}, 120_000);
afterAll(async () => { await second?.stop({ keepData: true }); await t?.stop(); });

describe.skipIf(sqliteOnly)('instance groups', () => {
  it('creates, lists (own account only), renames, files deploys under them and deletes them', async () => {
    const made = await alice.call('createInstanceGroup', { name: 'web' }, 'POST');
    expect(made.status).toBe(200);
    const g = body(made, 'createInstanceGroup').instancegroup;
    expect(g).toMatchObject({ name: 'web', account: 'alice', domain: 'ROOT' });
    expect(typeof g.created).toBe('string');
    const again = await alice.call('createInstanceGroup', { name: 'web' }, 'POST');
    expect(again.status).toBe(431);
    expect(body(again, 'createInstanceGroup').errortext).toMatch(/a group with name web already exists/);
    expect(body(await bob.call('listInstanceGroups'), 'listInstanceGroups').count ?? 0).toBe(0);
    expect((await bob.call('updateInstanceGroup', { id: g.id, name: 'mine' }, 'POST')).status).toBe(531);

    const vm = await deploy(alice, { group: 'web', startvm: 'false' });
    expect(vm.result.virtualmachine).toMatchObject({ group: 'web', groupid: g.id });
    // A new name makes the group, as CloudStack's deploy does.
    const other = await deploy(alice, { group: 'db', startvm: 'false' });
    const db = body(await alice.call('listInstanceGroups', { name: 'db' }), 'listInstanceGroups').instancegroup[0];
    expect(other.result.virtualmachine.groupid).toBe(db.id);

    const renamed = await alice.call('updateInstanceGroup', { id: g.id, name: 'frontend' }, 'POST');
    expect(body(renamed, 'updateInstanceGroup').instancegroup.name).toBe('frontend');
    const inGroup = body(await alice.call('listVirtualMachines', { groupid: g.id }), 'listVirtualMachines');
    expect(inGroup.count).toBe(1);
    expect(inGroup.virtualmachine[0]).toMatchObject({ id: vm.result.virtualmachine.id, group: 'frontend', groupid: g.id });
    // updateVirtualMachine group= moves a VM; an empty one takes it out.
    const moved = await alice.call('updateVirtualMachine', { id: other.result.virtualmachine.id, group: 'frontend' }, 'POST');
    expect(body(moved, 'updateVirtualMachine').virtualmachine.groupid).toBe(g.id);
    expect(body(await alice.call('deleteInstanceGroup', { id: g.id }, 'POST'), 'deleteInstanceGroup').success).toBe(true);
    const after = body(await alice.call('listVirtualMachines', { id: vm.result.virtualmachine.id }), 'listVirtualMachines').virtualmachine[0];
    expect(after.group).toBeUndefined();
    expect(after.groupid).toBeUndefined();
    for (const id of [vm.result.virtualmachine.id, other.result.virtualmachine.id]) {
      await submit(alice, 'destroyVirtualMachine', { id }); // destroyed VMs no longer count against limits
    }
  });
});

describe.skipIf(sqliteOnly)('affinity groups', () => {
  it('lists the two types and refuses others; names are unique per account; a user sees only its own', async () => {
    const types = body(await alice.call('listAffinityGroupTypes'), 'listAffinityGroupTypes');
    expect(types.affinityGroupType.map((x: any) => x.type).sort()).toEqual(['host affinity', 'host anti-affinity']);
    const bad = await alice.call('createAffinityGroup', { name: 'x', type: 'rack anti-affinity' }, 'POST');
    expect(bad.status).toBe(431);
    expect(body(bad, 'createAffinityGroup').errortext).toMatch(/invalid affinity group type/);
    const made = await submit(alice, 'createAffinityGroup', { name: 'spread', type: 'host anti-affinity', description: 'apart' });
    expect(made.result.affinitygroup).toMatchObject({ name: 'spread', type: 'host anti-affinity', description: 'apart', account: 'alice' });
    expect((await alice.call('createAffinityGroup', { name: 'spread', type: 'host affinity' }, 'POST')).status).toBe(431);
    expect(body(await bob.call('listAffinityGroups'), 'listAffinityGroups').count ?? 0).toBe(0);
    // Bob cannot put his VM into Alice's group.
    const foreign = await deploy(bob, { affinitygroupids: made.result.affinitygroup.id, startvm: 'false' });
    expect(foreign.status).toBe(531);
    expect((await submit(alice, 'deleteAffinityGroup', { name: 'spread' })).status).toBe(200);
  });

  it('anti-affinity puts VMs deployed at once on distinct hosts, then answers 533 when no host is left', async () => {
    const g = (await submit(admin, 'createAffinityGroup', { name: 'apart', type: 'host anti-affinity' })).result.affinitygroup;
    const clusters = body(await admin.call('listClusters', { zoneid: zoneId }), 'listClusters').cluster;
    const hosts = body(await admin.call('listHosts', { clusterid: clusters[0].id, type: 'Routing' }), 'listHosts').host;
    const n = hosts.length;
    const runs = await Promise.all(Array.from({ length: n + 1 }, () =>
      deploy(admin, { clusterid: clusters[0].id, affinitygroupids: g.id })));
    const ok = runs.filter((r) => r.status === 200).map((r) => r.result.virtualmachine);
    expect(ok).toHaveLength(n);
    expect(new Set(ok.map((v: any) => v.hostid)).size).toBe(n);
    expect(ok[0].affinitygroup).toEqual([expect.objectContaining({ id: g.id, name: 'apart', type: 'host anti-affinity' })]);
    const failed = runs.find((r) => r.status !== 200)!;
    expect(failed.status).toBe(533);
    expect(failed.error.errortext).toMatch(/Unable to create a deployment for VM/);
    const listed = body(await admin.call('listAffinityGroups', { id: g.id }), 'listAffinityGroups').affinitygroup[0];
    expect(listed.virtualmachineIds).toHaveLength(n + 1);
    // Migration keeps to the rules: every other host holds a VM of the group, so none is offered and none is taken.
    const offered = body(await admin.call('findHostsForMigration', { virtualmachineid: ok[0].id }), 'findHostsForMigration');
    expect(offered.count ?? 0).toBe(0);
    const moved = await admin.call('migrateVirtualMachine', { virtualmachineid: ok[0].id, hostid: ok[1].hostid }, 'POST');
    expect(moved.status).toBe(431);
    expect(body(moved, 'migrateVirtualMachine').errortext).toMatch(/breaks the rules of the VM's affinity groups/);
    // A running VM's groups cannot change; a stopped one's can.
    const running = ok[0].id;
    const refused = await admin.call('updateVMAffinityGroup', { id: running, affinitygroupids: g.id }, 'POST');
    expect(refused.status).toBe(431);
    expect(body(refused, 'updateVMAffinityGroup').errortext).toMatch(/make sure the virtual machine is stopped/);
    const together = (await submit(admin, 'createAffinityGroup', { name: 'together', type: 'host affinity' })).result.affinitygroup;
    await submit(admin, 'stopVirtualMachine', { id: running });
    const changed = await submit(admin, 'updateVMAffinityGroup', { id: running, affinitygroupids: together.id });
    expect(changed.result.virtualmachine.affinitygroup.map((x: any) => x.name)).toEqual(['together']);
    // Host affinity: the next VM of the group goes where the first one runs.
    const started = await submit(admin, 'startVirtualMachine', { id: running });
    const next = await deploy(admin, { affinitygroupnames: 'together' });
    expect(next.result.virtualmachine.hostid).toBe(started.result.virtualmachine.hostid);
    for (const v of [...ok, next.result.virtualmachine]) await submit(admin, 'destroyVirtualMachine', { id: v.id, expunge: 'true' });
  });
});

describe('resource limits', () => {
  it.skipIf(sqliteOnly)('lists the twelve types with the defaults, updates one (admins only) and recounts', async () => {
    const lim = body(await alice.call('listResourceLimits'), 'listResourceLimits');
    expect(lim.count).toBe(12);
    expect(lim.resourcelimit.map((l: any) => l.resourcetypename)).toEqual(['user_vm', 'public_ip', 'volume', 'snapshot', 'template',
      'project', 'network', 'vpc', 'cpu', 'memory', 'primary_storage', 'secondary_storage']);
    expect(lim.resourcelimit[0]).toMatchObject({ resourcetype: '0', max: 20, account: 'alice', domainid: rootDomainId });
    expect((await alice.call('updateResourceLimit', { resourcetype: '0', max: '100' }, 'POST')).status).toBe(432);
    const up = await admin.call('updateResourceLimit', { account: 'bob', domainid: rootDomainId, resourcetype: '8', max: '3' }, 'POST');
    expect(body(up, 'updateResourceLimit').resourcelimit).toMatchObject({ resourcetype: '8', resourcetypename: 'cpu', max: 3, account: 'bob' });
    expect((await admin.call('updateResourceLimit', { account: 'bob', domainid: rootDomainId, resourcetype: '12', max: '3' }, 'POST')).status).toBe(431);
    const count = body(await admin.call('updateResourceCount', { domainid: rootDomainId, account: 'bob', resourcetype: '0' }, 'POST'),
      'updateResourceCount');
    expect(count.resourcecount).toEqual([expect.objectContaining({ resourcetype: '0', resourcetypename: 'user_vm', resourcecount: 0 })]);
    // Volumes are bounded where they are created too.
    await admin.call('updateResourceLimit', { account: 'bob', domainid: rootDomainId, resourcetype: '2', max: '0' }, 'POST');
    const dof = body(await bob.call('listDiskOfferings'), 'listDiskOfferings').diskoffering.find((o: any) => !o.iscustomized);
    const vol = await bob.call('createVolume', { name: 'extra', zoneid: zoneId, diskofferingid: dof.id }, 'POST');
    expect(vol.status).toBe(535);
    expect(body(vol, 'createVolume').errortext).toBe(`Maximum number of resources of type 'volume' for account name=bob in domain id=${rootDomainId} has been exceeded.`);
  });

  it.skipIf(sqliteOnly)('a domain limit bounds its accounts together, with CloudStack\'s error text', async () => {
    const d = body(await admin.call('createDomain', { name: 'lim' }, 'POST'), 'createDomain').domain;
    for (const u of ['carol', 'dave']) {
      await admin.call('createAccount', { username: u, password: `pw-${u}-1`, email: `${u}@example.org`, firstname: u, lastname: 'L',
        accounttype: '0', domainid: d.id }, 'POST');
    }
    await admin.call('updateResourceLimit', { domainid: d.id, resourcetype: '0', max: '1' }, 'POST');
    const carol = await sessionClient(t.url, 'carol', 'pw-carol-1', 'lim');
    const dave = await sessionClient(t.url, 'dave', 'pw-dave-1', 'lim');
    expect((await deploy(carol, { startvm: 'false' })).status).toBe(200);
    const refused = await deploy(dave, { startvm: 'false' });
    expect(refused.status).toBe(535);
    expect(refused.error.errortext).toBe(`Maximum number of resources of type 'user_vm' for domain id=${d.id} has been exceeded.`);
    // CloudStack's used / limit / available fields when one domain or account is asked for (the console's limits editor).
    const dom = body(await admin.call('listDomains', { id: d.id }), 'listDomains').domain[0];
    expect(dom).toMatchObject({ vmtotal: 1, vmlimit: '1', vmavailable: '0' });
    const acct = body(await admin.call('listAccounts', { name: 'carol', domainid: d.id }), 'listAccounts').account[0];
    const one = body(await admin.call('listAccounts', { id: acct.id }), 'listAccounts').account[0];
    expect(one).toMatchObject({ vmtotal: 1, vmlimit: '20', vmavailable: '19', primarystoragelimit: expect.any(String) });
    expect(acct.vmtotal).toBeUndefined();
  });

  it.skipIf(sqliteOnly)('a pending reservation counts against a deploy, under the default limit of an account that has none set', async () => {
    await admin.call('createAccount', { username: 'erin', password: 'pw-erin-1', email: 'erin@example.org', firstname: 'erin', lastname: 'L',
      accounttype: '0' }, 'POST');
    const erin = await sessionClient(t.url, 'erin', 'pw-erin-1');
    const acct = body(await admin.call('listAccounts', { name: 'erin', domainid: rootDomainId }), 'listAccounts').account[0];
    // What a resize or scale in flight holds (limits/enforce.ts reserve): all 20 VMs of max.account.user.vms's default.
    await t.core.svc.db.insertInto('resource_reservations').values({ id: 'test-pending:0', account_id: acct.id, domain_id: rootDomainId,
      resource_type: 0, amount: 20, created: Date.now() }).execute();
    const refused = await deploy(erin, { startvm: 'false' });
    expect(refused.status).toBe(535);
    expect(refused.error.errortext).toBe(`Maximum number of resources of type 'user_vm' for account name=erin in domain id=${rootDomainId} has been exceeded.`);
    await t.core.svc.db.deleteFrom('resource_reservations').where('id', '=', 'test-pending:0').execute();
    expect((await deploy(erin, { startvm: 'false' })).status).toBe(200);
  });

  it('the account usage rows the limits read equal a recount after every change (triggers on both databases)', async () => {
    const db = t.core.svc.db;
    const exact = async () => expect(await usageDrift(db)).toEqual([]);
    const row = async (account: string) => {
      const id = body(await admin.call('listAccounts', { name: account, domainid: rootDomainId }), 'listAccounts').account[0].id as string;
      return (await db.selectFrom('account_usage').selectAll().where('account_id', '=', id).executeTakeFirst()) ?? { user_vm: 0 };
    };
    await exact(); // the migration's recount, and everything the tests before did
    // The root admin is never limited: its VMs are left out of the rows (no row its deploys all wait on) and its
    // figures are counted when asked for.
    const mine = (await deploy(admin, { startvm: 'false' })).result.virtualmachine;
    expect(await row('admin')).toMatchObject({ user_vm: 0 });
    expect(body(await admin.call('listAccounts', { id: mine.accountid ?? body(await admin.call('listAccounts', { name: 'admin', domainid: rootDomainId }),
      'listAccounts').account[0].id }), 'listAccounts').account[0].vmtotal).toBeGreaterThanOrEqual(1);
    await submit(admin, 'destroyVirtualMachine', { id: mine.id, expunge: 'true' });
    for (const u of ['frank', 'gina']) {
      await admin.call('createAccount', { username: u, password: `pw-${u}-1`, email: `${u}@example.org`, firstname: u, lastname: 'L',
        accounttype: '0' }, 'POST');
    }
    const frank = await sessionClient(t.url, 'frank', 'pw-frank-1');
    const vm = (await deploy(frank)).result.virtualmachine; // Starting -> Running on a host
    expect(await row('frank')).toMatchObject({ user_vm: 1, cpu: vm.cpunumber, memory: vm.memory, volume: 1 });
    await exact();
    await submit(frank, 'destroyVirtualMachine', { id: vm.id });
    expect(await row('frank')).toMatchObject({ user_vm: 0, cpu: 0, memory: 0, volume: 0, primary_storage: 0 }); // its root disk too
    await exact();
    expect((await admin.call('recoverVirtualMachine', { id: vm.id }, 'POST')).status).toBe(200);
    expect(await row('frank')).toMatchObject({ user_vm: 1 });
    await exact();
    const big = body(await admin.call('createServiceOffering', { name: 'usage-big', displaytext: 'big', cpunumber: '2', cpuspeed: '100', memory: '256' }, 'POST'),
      'createServiceOffering').serviceoffering;
    expect((await submit(frank, 'scaleVirtualMachine', { id: vm.id, serviceofferingid: big.id })).status).toBe(200);
    expect(await row('frank')).toMatchObject({ user_vm: 1, cpu: 2, memory: 256 });
    await exact();
    const dof = body(await admin.call('createDiskOffering', { name: 'usage-disk', displaytext: 'disk', disksize: '1' }, 'POST'), 'createDiskOffering').diskoffering;
    const vol = (await submit(frank, 'createVolume', { name: 'usage-data', zoneid: zoneId, diskofferingid: dof.id })).result.volume;
    await exact();
    expect((await submit(frank, 'resizeVolume', { id: vol.id, size: '3' })).status).toBe(200);
    await exact();
    expect((await frank.call('deleteVolume', { id: vol.id }, 'POST')).status).toBe(200);
    await exact();
    // Strata has no assignVirtualMachine yet: the owner changes the way it would (the VM's and its volumes' rows).
    const idOf = async (name: string) => body(await admin.call('listAccounts', { name, domainid: rootDomainId }), 'listAccounts').account[0].id as string;
    const [frankId, gina] = [await idOf('frank'), await idOf('gina')];
    const assign = (to: string) => db.transaction().execute(async (tx) => {
      await tx.updateTable('vms').set({ account_id: to }).where('id', '=', vm.id).execute();
      await tx.updateTable('volumes').set({ account_id: to }).where('vm_id', '=', vm.id).execute();
    });
    await assign(gina);
    expect(await row('frank')).toMatchObject({ user_vm: 0, cpu: 0, volume: 0, primary_storage: 0 });
    expect(await row('gina')).toMatchObject({ user_vm: 1, cpu: 2, memory: 256, volume: 1 });
    await exact();
    await assign(frankId);
    await exact();
    expect((await submit(admin, 'destroyVirtualMachine', { id: vm.id, expunge: 'true' })).status).toBe(200);
    await exact();
    expect((await submit(admin, 'deleteAccount', { id: frankId })).status).toBe(200);
    await exact();
    // updateResourceCount repairs a row that drifted (written behind the triggers' back) from a recount.
    await db.updateTable('account_usage').set({ user_vm: 99, primary_storage: 5 }).where('account_id', '=', gina).execute();
    const counted = body(await admin.call('updateResourceCount', { account: 'gina', domainid: rootDomainId }, 'POST'), 'updateResourceCount');
    expect(counted.resourcecount.find((c: any) => c.resourcetypename === 'user_vm').resourcecount).toBe(0);
    await exact();
  });

  it('50 concurrent deploys against a limit of 10 give exactly 10 VMs', async () => {
    await admin.call('updateResourceLimit', { account: 'alice', domainid: rootDomainId, resourcetype: '0', max: '10' }, 'POST');
    // On MariaDB half of the deploys go through a second management server on the same database.
    if (t.db.startsWith('mysql://')) second = await startTestServer({ db: t.db, cluster: { heartbeatMs: 0, downAfterMs: 60_000, cacheSyncMs: 0 } });
    const onSecond = second ? await sessionClient(second.url, 'alice', 'pw-alice-1') : alice;
    const runs = await Promise.all(Array.from({ length: 50 }, (_, i) => {
      const c = i % 2 ? onSecond : alice;
      return c.call('deployVirtualMachine', { zoneid: zoneId, templateid: templateId, serviceofferingid: offeringId, startvm: 'false' }, 'POST');
    }));
    expect(runs.filter((r) => r.status === 200)).toHaveLength(10);
    const refused = runs.filter((r) => r.status !== 200);
    expect(new Set(refused.map((r) => r.status))).toEqual(new Set([535]));
    expect(body(refused[0], 'deployVirtualMachine').errortext)
      .toBe(`Maximum number of resources of type 'user_vm' for account name=alice in domain id=${rootDomainId} has been exceeded.`);
    for (const r of runs.filter((x) => x.status === 200)) await waitJob(alice.call, body(r, 'deployVirtualMachine').jobid);
    expect(body(await alice.call('listVirtualMachines', { state: 'Stopped' }), 'listVirtualMachines').count).toBe(10);
  });

  it('concurrent scales and resizes pass the cpu and primary storage limits by none (also through two servers on MariaDB)', async () => {
    const onSecond = second ? await sessionClient(second.url, 'alice', 'pw-alice-1') : alice;
    const at = (i: number) => (i % 2 ? onSecond : alice);
    const outcomes = async (command: string, runs: { status: number; json: any }[]) => {
      const done = await Promise.all(runs.map(async (r) => (r.status === 200
        ? (await waitJob(alice.call, body(r, command).jobid)).jobstatus === 1 ? 'done' : 'failed' : r.status)));
      return { done: done.filter((x) => x === 'done').length, refused: done.filter((x) => x === 535).length };
    };
    // Ten stopped VMs of 1 CPU each; room for 3 more CPUs: 3 of 10 scales to 2 CPUs go through.
    const vms = body(await alice.call('listVirtualMachines', { state: 'Stopped' }), 'listVirtualMachines').virtualmachine as { id: string }[];
    const two = body(await admin.call('createServiceOffering', { name: 'two', displaytext: 'two', cpunumber: '2', cpuspeed: '100', memory: '128' }, 'POST'),
      'createServiceOffering').serviceoffering;
    await admin.call('updateResourceLimit', { account: 'alice', domainid: rootDomainId, resourcetype: '8', max: String(vms.length + 3) }, 'POST');
    const scales = await Promise.all(vms.map((v, i) => at(i).call('scaleVirtualMachine', { id: v.id, serviceofferingid: two.id }, 'POST')));
    expect(await outcomes('scaleVirtualMachine', scales)).toEqual({ done: 3, refused: 7 });
    // Ten 1 GiB volumes; room for 3 GiB more: 3 of 10 resizes to 2 GiB go through.
    const GiB = 2 ** 30;
    const dof = body(await admin.call('createDiskOffering', { name: 'one', displaytext: 'one', disksize: '1' }, 'POST'), 'createDiskOffering').diskoffering;
    await admin.call('updateResourceLimit', { account: 'alice', domainid: rootDomainId, resourcetype: '2', max: '-1' }, 'POST');
    const vols: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = body(await alice.call('createVolume', { name: `grow-${i}`, zoneid: zoneId, diskofferingid: dof.id }, 'POST'), 'createVolume');
      vols.push((await waitJob(alice.call, r.jobid)).jobresult.volume.id);
    }
    const used = (body(await alice.call('listVolumes', { pagesize: '-1' }), 'listVolumes').volume as { size: number }[])
      .reduce((n, v) => n + v.size, 0);
    await admin.call('updateResourceLimit', { account: 'alice', domainid: rootDomainId, resourcetype: '10',
      max: String(Math.ceil((used + 3 * GiB) / GiB)) }, 'POST');
    const resizes = await Promise.all(vols.map((id, i) => at(i).call('resizeVolume', { id, size: '2' }, 'POST')));
    expect(await outcomes('resizeVolume', resizes)).toEqual({ done: 3, refused: 7 });
    expect(body(resizes.find((r) => r.status === 535)!, 'resizeVolume').errortext)
      .toBe(`Maximum number of resources of type 'primary_storage' for account name=alice in domain id=${rootDomainId} has been exceeded.`);
    const sizes = (body(await alice.call('listVolumes', { pagesize: '-1' }), 'listVolumes').volume as { size: number }[]);
    expect(sizes.reduce((n, v) => n + v.size, 0)).toBeLessThanOrEqual(Math.ceil((used + 3 * GiB) / GiB) * GiB);
  });
});
