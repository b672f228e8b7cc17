import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestEnv, addAccount, addVolume, rejects, type TestEnv } from './identity-test-env';
import { AccountType } from '../contract/roles';

describe('account commands', () => {
  let env: TestEnv;
  beforeEach(async () => { env = await createTestEnv(); });
  afterEach(async () => { await env.close(); });
  const newUser = (o: Record<string, unknown>) => ({ email: 'x@example.org', firstname: 'F', lastname: 'L',
    password: 'pw', ...o });

  it('creates an account with its first user and answers the CloudStack account object', async () => {
    const acc = await env.call(env.admin, 'createAccount', newUser({ username: 'ivy', accounttype: 0, timezone: 'UTC' }));
    expect(acc).toMatchObject({ name: 'ivy', accounttype: 0, rolename: 'User', roletype: 'User', domain: 'ROOT',
      domainid: env.admin.domainId, domainpath: 'ROOT', state: 'enabled', isdefault: false });
    expect(acc.user).toHaveLength(1);
    expect(acc.user[0]).toMatchObject({ username: 'ivy', account: 'ivy', accountid: acc.id, accounttype: 0,
      firstname: 'F', lastname: 'L', email: 'x@example.org', state: 'enabled', timezone: 'UTC', usersource: 'native',
      roletype: 'User', domain: 'ROOT', isdefault: false });
    expect(acc.user[0]).not.toHaveProperty('secretkey');
    expect(env.events.map((e) => e.type)).toEqual(['ACCOUNT.CREATE', 'USER.CREATE']);
    const named = await env.call(env.admin, 'createAccount', newUser({ username: 'jo', account: 'team', accounttype: 2 }));
    expect(named).toMatchObject({ name: 'team', accounttype: 2, roletype: 'DomainAdmin', rolename: 'Domain Admin' });
    // Instance names (i-<account>-<vm>-VM) number the accounts in creation order, as CloudStack's account ids do,
    // whichever deploys first: the number is drawn when the account is created.
    const acct = async (id: string) => (await env.svc.instanceNames.next(id)).split('-')[1];
    const [team, ivy] = [await acct(named.id), await acct(acc.id)];
    expect(Number(ivy)).toBeLessThan(Number(team));
  });

  it('refuses duplicates, missing roles and privilege escalation', async () => {
    await env.call(env.admin, 'createAccount', newUser({ username: 'ivy', accounttype: 0 }));
    await rejects(env.call(env.admin, 'createAccount', newUser({ username: 'other', account: 'ivy', accounttype: 0 })), 431,
      'The specified account: ivy already exists');
    await rejects(env.call(env.admin, 'createAccount', newUser({ username: 'ivy', account: 'x', accounttype: 0 })), 431,
      'The user ivy already exists');
    await rejects(env.call(env.admin, 'createAccount', newUser({ username: 'y' })), 431);
    const roles = await env.call(env.admin, 'listRoles', {});
    const userRole = roles.items.find((r: any) => r.name === 'User');
    await rejects(env.call(env.admin, 'createAccount', newUser({ username: 'y', roleid: userRole.id, accounttype: 1 })), 431);
    await rejects(env.call(env.admin, 'createAccount', newUser({ username: 'y', roleid: randomUUID() })), 431,
      'Invalid parameter roleid');
    const d = await env.call(env.admin, 'createDomain', { name: 'D' });
    const e = await env.call(env.admin, 'createDomain', { name: 'E' });
    const { caller: dadmin } = await addAccount(env, env.admin, { name: 'dadmin', type: 2, domainid: d.id });
    await rejects(env.call(dadmin, 'createAccount', newUser({ username: 'boss', accounttype: 1, domainid: d.id })), 531);
    await rejects(env.call(dadmin, 'createAccount', newUser({ username: 'z', accounttype: 0, domainid: e.id })), 531);
    expect(await env.call(dadmin, 'createAccount', newUser({ username: 'z', accounttype: 0 })))
      .toMatchObject({ domainid: d.id, domainpath: 'ROOT/D' });
  });

  it('lists accounts by role scope with embedded users', async () => {
    const d = await env.call(env.admin, 'createDomain', { name: 'D' });
    const { caller: user } = await addAccount(env, env.admin, { name: 'u1', domainid: d.id });
    const { caller: dadmin } = await addAccount(env, env.admin, { name: 'dadmin', type: 2, domainid: d.id });
    await addAccount(env, env.admin, { name: 'rootuser' });
    const names = (r: any) => r.items.map((a: any) => a.name);
    expect(names(await env.call(env.admin, 'listAccounts', {}))).toEqual(['admin']);
    const all = await env.call(env.admin, 'listAccounts', { listall: true });
    expect([all.count, names(all)]).toEqual([4, ['admin', 'u1', 'dadmin', 'rootuser']]);
    expect(all.items[0]).toMatchObject({ isdefault: true, user: [{ username: 'admin', isdefault: true }] });
    expect(names(await env.call(dadmin, 'listAccounts', { listall: true }))).toEqual(['u1', 'dadmin']);
    expect(names(await env.call(user, 'listAccounts', { listall: true }))).toEqual(['u1']);
    expect(names(await env.call(env.admin, 'listAccounts', { listall: true, accounttype: 2 }))).toEqual(['dadmin']);
    expect(names(await env.call(env.admin, 'listAccounts', { domainid: d.id, keyword: 'adm' }))).toEqual(['dadmin']);
    const page = await env.call(env.admin, 'listAccounts', { listall: true, page: 2, pagesize: 3 });
    expect([page.count, names(page)]).toEqual([4, ['rootuser']]);
    // Neither a project's hidden account nor a removed one is listed or counted (the unfiltered count subtracts both).
    const { role_id: roleId } = await env.svc.db.selectFrom('accounts').select('role_id').where('name', '=', 'rootuser').executeTakeFirstOrThrow();
    const row = { type: 0, domain_id: env.admin.domainId, role_id: roleId, state: 'enabled', network_domain: null, created: 1, removed: null };
    await env.svc.db.insertInto('accounts').values([{ ...row, id: randomUUID(), name: 'PrjAcct-x', type: AccountType.Project },
      { ...row, id: randomUUID(), name: 'gone', removed: 2 }]).execute();
    const after = await env.call(env.admin, 'listAccounts', { listall: true, page: 2, pagesize: 3 });
    expect([after.count, names(after)]).toEqual([4, ['rootuser']]);
    // Acting for accounts named by concurrent requests (looked up together): each gets its own account and first
    // user; a removed or unknown name, or one of another domain, its own error.
    const ids = Object.fromEntries(all.items.map((a: any) => [a.name, a.id]));
    const acting = await Promise.allSettled(['rootuser', 'gone', 'admin', 'nobody', 'rootuser', 'u1'].map((account) =>
      env.svc.identity.resolveOwner(env.admin, { account, domainid: env.admin.domainId })));
    expect(acting.map((r) => (r.status === 'fulfilled' ? r.value.accountId : (r.reason as Error).message))).toEqual([ids.rootuser,
      `Unable to find account by name gone in domain ${env.admin.domainId}`, ids.admin,
      `Unable to find account by name nobody in domain ${env.admin.domainId}`, ids.rootuser,
      `Unable to find account by name u1 in domain ${env.admin.domainId}`]);
    expect((acting[0] as PromiseFulfilledResult<{ userId: string }>).value.userId).toBe(all.items[3].user[0].id);
  });

  it('updates accounts named by id or by name and domain', async () => {
    const { account } = await addAccount(env, env.admin, { name: 'kim' });
    await addAccount(env, env.admin, { name: 'lee' });
    const up = await env.call(env.admin, 'updateAccount', { id: account.id, newname: 'kimberly', networkdomain: 'k.lan' });
    expect(up).toMatchObject({ name: 'kimberly', networkdomain: 'k.lan' });
    await rejects(env.call(env.admin, 'updateAccount', { account: 'kimberly', domainid: env.admin.domainId, newname: 'lee' }),
      431, 'already exists');
    await rejects(env.call(env.admin, 'updateAccount', { newname: 'x' }), 431);
    expect(await env.identity.accountInfo(account.id)).toMatchObject({ name: 'kimberly' });
  });

  it('disables, locks and enables accounts', async () => {
    const { account } = await addAccount(env, env.admin, { name: 'max' });
    expect(await env.call(env.admin, 'disableAccount', { id: account.id, lock: false })).toMatchObject({ state: 'disabled' });
    expect(await env.call(env.admin, 'disableAccount', { id: account.id, lock: true })).toMatchObject({ state: 'locked' });
    expect(await env.call(env.admin, 'enableAccount', { account: 'max', domainid: env.admin.domainId })).toMatchObject({ state: 'enabled' });
    expect(await env.call(env.admin, 'lockAccount', { account: 'max', domainid: env.admin.domainId })).toMatchObject({ state: 'locked' });
    expect(env.events.slice(-4).map((e) => e.type)).toEqual(['ACCOUNT.DISABLE', 'ACCOUNT.DISABLE', 'ACCOUNT.ENABLE', 'ACCOUNT.DISABLE']);
    await rejects(env.call(env.admin, 'disableAccount', { id: env.admin.accountId, lock: false }), 531);
  });

  it('deletes accounts without resources only, never the default admin', async () => {
    const { account, caller } = await addAccount(env, env.admin, { name: 'ned', password: 'pw' });
    const vol = await addVolume(env, account.id, account.domainid);
    await rejects(env.call(env.admin, 'deleteAccount', { id: account.id }), 536, 'Account has resources');
    await env.svc.db.updateTable('volumes').set({ removed: 5 }).where('id', '=', vol).execute();
    const keys = await env.call(caller, 'registerUserKeys', { id: caller.userId });
    await env.call(env.admin, 'deleteAccount', { id: account.id });
    expect(env.events.at(-1)).toMatchObject({ type: 'ACCOUNT.DELETE', resourceId: account.id });
    expect((await env.call(env.admin, 'listAccounts', { listall: true })).count).toBe(1);
    expect(await env.identity.byApiKey(keys.apikey)).toBeNull();
    await rejects(env.identity.login('ned', 'pw', {}), 531);
    await rejects(env.call(env.admin, 'deleteAccount', { id: account.id }), 431, 'Invalid parameter id');
    const { caller: other } = await addAccount(env, env.admin, { name: 'root2', type: 1 });
    await rejects(env.call(other, 'deleteAccount', { id: env.admin.accountId }), 531, 'default admin');
  });
});

describe('acting for an account by name (cached owner lookups)', () => {
  let env: TestEnv;
  beforeEach(async () => { env = await createTestEnv(); });
  afterEach(async () => { await env.close(); });

  it('follows renames, new first users and deletions at once', async () => {
    const acc = await env.call(env.admin, 'createAccount', { email: 'x@example.org', firstname: 'F', lastname: 'L',
      password: 'pw', username: 'first', account: 'team', accounttype: 0 });
    const as = (name: string) => env.identity.resolveOwner(env.admin, { account: name, domainid: env.admin.domainId });
    expect(await as('team')).toMatchObject({ accountId: acc.id, userId: acc.user[0].id, accountName: 'team' });
    await env.call(env.admin, 'updateAccount', { id: acc.id, newname: 'crew' });
    await rejects(as('team'), 431, /Unable to find account by name team/);
    expect(await as('crew')).toMatchObject({ accountId: acc.id, accountName: 'crew' });
    // Its first user removed: the next oldest acts for the account.
    const second = await env.call(env.admin, 'createUser', { email: 'y@example.org', firstname: 'F', lastname: 'L',
      password: 'pw', username: 'second', account: 'crew', domainid: env.admin.domainId });
    await env.call(env.admin, 'deleteUser', { id: acc.user[0].id });
    expect((await as('crew')).userId).toBe(second.id);
    await env.call(env.admin, 'deleteAccount', { id: acc.id });
    await rejects(as('crew'), 431, /Unable to find account by name crew/);
  });
});
