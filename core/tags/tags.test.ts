// Resource tags over HTTP: users tag their own VMs, volumes, snapshots and templates, never another account's;
// every list shows tags[] and filters by tags[i].key/value; deleteTags and listTags scope as the resources do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoLab } from '../demo';
import { ensureBuiltinTemplate } from '../catalog/index';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../testing/harness';

type Client = Awaited<ReturnType<typeof sessionClient>>;
let t: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;
let vms: { id: string }[];

/** Runs an async command to its end: the job's result (jobstatus 1) or its error (jobstatus 2). */
async function run(c: Client, command: string, params: Record<string, string>) {
  const r = await c.call(command, params, 'POST');
  const inner = r.json[`${command.toLowerCase()}response`];
  if (r.status !== 200) return { status: r.status, error: inner };
  return { status: 200, job: await waitJob(c.call, inner.jobid) };
}

const tagArgs = (pairs: [string, string?][]) => Object.fromEntries(pairs.flatMap(([k, v], i) =>
  v === undefined ? [[`tags[${i}].key`, k]] : [[`tags[${i}].key`, k], [`tags[${i}].value`, v]]));

beforeAll(async () => {
  t = await startTestServer();
  const { zoneId } = await seedDemoLab(t.core);
  const templateId = await ensureBuiltinTemplate(t.core.svc, zoneId);
  admin = await sessionClient(t.url);
  for (const u of ['alice', 'bob']) {
    await admin.call('createAccount', { username: u, password: `pw-${u}-1`, email: `${u}@example.org`, firstname: u, lastname: 'L', accounttype: '0' }, 'POST');
  }
  alice = await sessionClient(t.url, 'alice', 'pw-alice-1');
  bob = await sessionClient(t.url, 'bob', 'pw-bob-1');
  const so = (await alice.call('listServiceOfferings', { name: 'Small Instance' })).json.listserviceofferingsresponse.serviceoffering[0];
  vms = [];
  for (const name of ['web-1', 'web-2', 'db-1']) {
    const r = await run(alice, 'deployVirtualMachine', { zoneid: zoneId, templateid: templateId, serviceofferingid: so.id, name });
    vms.push(r.job!.jobresult.virtualmachine);
  }
}, 120_000);
afterAll(async () => { await t?.stop(); });

describe('resource tags', () => {
  it('tags a user\'s VMs, shows them in tags[], filters lists by them and lists them', async () => {
    const [web1, web2, db1] = vms;
    const made = await run(alice, 'createTags', { resourcetype: 'UserVm', resourceids: `${web1.id},${web2.id}`, ...tagArgs([['env', 'prod'], ['role', 'web']]) });
    expect(made.job?.jobstatus).toBe(1);
    await run(alice, 'createTags', { resourcetype: 'uservm', resourceids: db1.id, ...tagArgs([['env', 'prod'], ['role', 'db']]), customer: 'team-a' });

    const one = (await alice.call('listVirtualMachines', { id: web1.id })).json.listvirtualmachinesresponse.virtualmachine[0];
    expect(one.tags).toEqual([
      { key: 'env', value: 'prod', resourcetype: 'UserVm', resourceid: web1.id, account: 'alice', domainid: expect.any(String), domain: 'ROOT', domainpath: 'ROOT' },
      expect.objectContaining({ key: 'role', value: 'web' }),
    ]);
    const names = async (c: Client, params: Record<string, string>) =>
      ((await c.call('listVirtualMachines', params)).json.listvirtualmachinesresponse.virtualmachine ?? []).map((v: any) => v.name).sort();
    expect(await names(alice, tagArgs([['role', 'web']]))).toEqual(['web-1', 'web-2']);
    expect(await names(alice, tagArgs([['env', 'prod'], ['role', 'db']]))).toEqual(['db-1']);
    expect(await names(alice, tagArgs([['env']]))).toEqual(['db-1', 'web-1', 'web-2']);
    expect(await names(alice, tagArgs([['env', 'test']]))).toEqual([]);
    const counted = (await alice.call('listVirtualMachines', tagArgs([['role', 'web']]))).json.listvirtualmachinesresponse;
    expect(counted.count).toBe(2);

    const listed = (await alice.call('listTags', { key: 'role' })).json.listtagsresponse;
    expect(listed.count).toBe(3);
    expect(listed.tag.map((x: any) => x.value).sort()).toEqual(['db', 'web', 'web']);
    expect((await alice.call('listTags', { customer: 'team-a' })).json.listtagsresponse.count).toBe(2);
    // Bob sees none of them; the admin sees them with listall.
    expect((await bob.call('listTags', {})).json.listtagsresponse.count ?? 0).toBe(0);
    expect((await admin.call('listTags', { listall: 'true', resourceid: db1.id })).json.listtagsresponse.count).toBe(2);
  });

  it('refuses another account\'s resources, unknown types and ids, duplicate keys and empty values', async () => {
    const [web1] = vms;
    const theft = await run(bob, 'createTags', { resourcetype: 'UserVm', resourceids: web1.id, ...tagArgs([['owner', 'bob']]) });
    expect(theft.status).toBe(531);
    const untag = await run(bob, 'deleteTags', { resourcetype: 'UserVm', resourceids: web1.id });
    expect(untag.status).toBe(531);
    const type = await run(alice, 'createTags', { resourcetype: 'Host', resourceids: web1.id, ...tagArgs([['a', 'b']]) });
    expect(type).toMatchObject({ status: 431, error: { errortext: expect.stringContaining('Resource type Host does not support tags') } });
    const missing = await run(alice, 'createTags', { resourcetype: 'Volume', resourceids: web1.id, ...tagArgs([['a', 'b']]) });
    expect(missing).toMatchObject({ status: 431, error: { errortext: `Unable to find resource by id ${web1.id} and type Volume` } });
    const dup = await run(alice, 'createTags', { resourcetype: 'UserVm', resourceids: web1.id, ...tagArgs([['env', 'dev']]) });
    expect(dup).toMatchObject({ status: 431, error: { errortext: `A tag with key env already exists on resource ${web1.id}` } });
    const empty = await run(alice, 'createTags', { resourcetype: 'UserVm', resourceids: web1.id, 'tags[0].key': 'x' });
    expect(empty).toMatchObject({ status: 431, error: { errortext: 'Value for the key x is either null or empty' } });
  });

  it('tags volumes and snapshots, deletes tags by key and value, and forgets a removed VM\'s tags', async () => {
    const [, web2, db1] = vms;
    const root = (await alice.call('listVolumes', { virtualmachineid: db1.id })).json.listvolumesresponse.volume[0];
    await run(alice, 'createTags', { resourcetype: 'Volume', resourceids: root.id, ...tagArgs([['backup', 'daily']]) });
    const vols = (await alice.call('listVolumes', tagArgs([['backup', 'daily']]))).json.listvolumesresponse;
    expect(vols.volume.map((v: any) => [v.id, v.tags.map((x: any) => x.key)])).toEqual([[root.id, ['backup']]]);
    const snap = (await run(alice, 'createSnapshot', { volumeid: root.id })).job!.jobresult.snapshot;
    await run(alice, 'createTags', { resourcetype: 'Snapshot', resourceids: snap.id, ...tagArgs([['keep', 'yes']]) });
    expect((await alice.call('listSnapshots', tagArgs([['keep', 'yes']]))).json.listsnapshotsresponse.snapshot[0].tags[0])
      .toMatchObject({ key: 'keep', value: 'yes', resourcetype: 'Snapshot' });

    // A value that does not match deletes nothing and says so; the right one deletes only that tag.
    const wrong = await run(alice, 'deleteTags', { resourcetype: 'UserVm', resourceids: db1.id, ...tagArgs([['role', 'web']]) });
    expect(wrong).toMatchObject({ status: 431, error: { errortext: 'Unable to find any tags which conform to specified delete parameters.' } });
    expect((await run(alice, 'deleteTags', { resourcetype: 'UserVm', resourceids: db1.id, ...tagArgs([['role', 'db']]) })).job?.jobstatus).toBe(1);
    expect((await alice.call('listTags', { resourceid: db1.id })).json.listtagsresponse.tag.map((x: any) => x.key)).toEqual(['env']);

    expect((await run(admin, 'destroyVirtualMachine', { id: web2.id, expunge: 'true' })).job?.jobstatus).toBe(1);
    expect((await alice.call('listTags', { resourceid: web2.id })).json.listtagsresponse.count ?? 0).toBe(0);
  });

  it('tags templates for their owner only', async () => {
    const tpl = (await admin.call('listTemplates', { templatefilter: 'featured' })).json.listtemplatesresponse.template[0];
    expect((await run(alice, 'createTags', { resourcetype: 'Template', resourceids: tpl.id, ...tagArgs([['os', 'linux']]) })).status).toBe(531);
    await run(admin, 'createTags', { resourcetype: 'Template', resourceids: tpl.id, ...tagArgs([['os', 'linux']]) });
    const seen = (await alice.call('listTemplates', { templatefilter: 'featured', ...tagArgs([['os', 'linux']]) })).json.listtemplatesresponse;
    expect(seen.template.map((x: any) => [x.id, x.tags[0].value])).toEqual([[tpl.id, 'linux']]);
  });
});
