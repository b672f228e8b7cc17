import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestEnv, addAccount, addVolume, rejects, type TestEnv } from './identity-test-env';

describe('domain commands', () => {
  let env: TestEnv;
  beforeEach(async () => { env = await createTestEnv(); });
  afterEach(async () => { await env.close(); });
  const mk = (name: string, parentdomainid?: string, as = env.admin) => env.call(as, 'createDomain', { name, parentdomainid });

  it('creates domains with CloudStack fields and records an event', async () => {
    const d = await mk('Child');
    expect(d).toEqual({ id: expect.any(String), name: 'Child', level: 1, parentdomainid: env.admin.domainId,
      parentdomainname: 'ROOT', haschild: false, path: 'ROOT/Child', state: 'Active',
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/) });
    expect(env.events.at(-1)).toMatchObject({ type: 'DOMAIN.CREATE', resourceId: d.id, userId: env.admin.userId });
    const sub = await mk('Sub', d.id);
    expect(sub).toMatchObject({ level: 2, path: 'ROOT/Child/Sub', parentdomainname: 'Child' });
    const list = await env.call(env.admin, 'listDomains', { id: d.id });
    expect(list.items[0].haschild).toBe(true);
  });

  it('refuses duplicate sibling names, bad names, unknown parents and foreign parents', async () => {
    const a = await mk('A');
    const b = await mk('B');
    await rejects(mk('a'), 431, `Domain with name a already exists for the parent id=${env.admin.domainId}`);
    await rejects(mk('x/y'), 431);
    const ghost = randomUUID();
    await rejects(mk('C', ghost), 431, `Invalid parameter parentdomainid value=${ghost}`);
    const { caller: aAdmin } = await addAccount(env, env.admin, { name: 'aadmin', type: 2, domainid: a.id });
    await rejects(mk('Inside', b.id, aAdmin), 531);
    // A domain admin's new domains go below its own domain by default.
    expect(await mk('Mine', undefined, aAdmin)).toMatchObject({ path: 'ROOT/A/Mine', parentdomainid: a.id });
  });

  it('renames a domain and moves the paths below it', async () => {
    const a = await mk('A');
    const sub = await mk('Sub', a.id);
    const renamed = await env.call(env.admin, 'updateDomain', { id: a.id, name: 'Alpha', networkdomain: 'alpha.lan' });
    expect(renamed).toMatchObject({ name: 'Alpha', path: 'ROOT/Alpha', networkdomain: 'alpha.lan' });
    expect((await env.call(env.admin, 'listDomains', { id: sub.id })).items[0].path).toBe('ROOT/Alpha/Sub');
    expect(await env.identity.domainInfo(sub.id)).toEqual({ name: 'Sub', path: 'ROOT/Alpha/Sub' });
    await rejects(env.call(env.admin, 'updateDomain', { id: env.admin.domainId, name: 'TOP' }), 431);
    expect(env.events.at(-1)?.type).toBe('DOMAIN.UPDATE');
  });

  it('lists what each role may see', async () => {
    const a = await mk('A');
    const a1 = await mk('A1', a.id);
    const b = await mk('B');
    const names = (r: { items: { name: string }[] }) => r.items.map((d) => d.name);
    expect(names(await env.call(env.admin, 'listDomains', {}))).toEqual(['ROOT']);
    const all = await env.call(env.admin, 'listDomains', { listall: true });
    expect([all.count, names(all)]).toEqual([4, ['ROOT', 'A', 'A1', 'B']]);
    const page = await env.call(env.admin, 'listDomains', { listall: true, page: 2, pagesize: 3 });
    expect([page.count, names(page)]).toEqual([4, ['B']]);
    expect(names(await env.call(env.admin, 'listDomains', { listall: true, level: 1 }))).toEqual(['A', 'B']);
    expect(names(await env.call(env.admin, 'listDomains', { listall: true, keyword: 'a1' }))).toEqual(['A1']);
    const { caller: dadmin } = await addAccount(env, env.admin, { name: 'da', type: 2, domainid: a.id });
    expect(names(await env.call(dadmin, 'listDomains', { listall: true }))).toEqual(['A', 'A1']);
    await rejects(env.call(dadmin, 'listDomains', { id: b.id }), 531);
    const { caller: user } = await addAccount(env, env.admin, { name: 'u', domainid: a1.id });
    expect(names(await env.call(user, 'listDomains', { listall: true }))).toEqual(['A1']);
    await rejects(env.call(user, 'listDomains', { id: a.id }), 531);
  });

  it('lists children, directly or recursively', async () => {
    const a = await mk('A');
    const a1 = await mk('A1', a.id);
    await mk('A1x', a1.id);
    await mk('B');
    const names = (r: { items: { name: string }[] }) => r.items.map((d) => d.name);
    expect(names(await env.call(env.admin, 'listDomainChildren', {}))).toEqual(['A', 'B']);
    expect(names(await env.call(env.admin, 'listDomainChildren', { id: a.id }))).toEqual(['A1']);
    expect(names(await env.call(env.admin, 'listDomainChildren', { id: a.id, isrecursive: true }))).toEqual(['A1', 'A1x']);
  });

  it('deletes domains: refuses while accounts or resources remain, cleans up on request', async () => {
    const a = await mk('A');
    const a1 = await mk('A1', a.id);
    const { caller } = await addAccount(env, env.admin, { name: 'hank', domainid: a1.id, password: 'pw' });
    await rejects(env.call(env.admin, 'deleteDomain', { id: env.admin.domainId, cleanup: true }), 431);
    await rejects(env.call(env.admin, 'deleteDomain', { id: a.id }), 536, 'cleanup=true');
    const vol = await addVolume(env, caller.accountId, a1.id);
    await rejects(env.call(env.admin, 'deleteDomain', { id: a.id, cleanup: true }), 536, 'Account has resources');
    await env.svc.db.updateTable('volumes').set({ removed: 2 }).where('id', '=', vol).execute();
    await env.call(env.admin, 'deleteDomain', { id: a.id, cleanup: true });
    expect(env.events.at(-1)?.type).toBe('DOMAIN.DELETE');
    expect((await env.call(env.admin, 'listDomains', { listall: true })).count).toBe(1);
    await rejects(env.identity.login('hank', 'pw', { path: '/A/A1/' }), 531);
    expect((await env.call(env.admin, 'listAccounts', { listall: true })).items.map((x: any) => x.name)).toEqual(['admin']);
    // The name is free again.
    expect(await mk('A')).toMatchObject({ path: 'ROOT/A' });
  });
});
