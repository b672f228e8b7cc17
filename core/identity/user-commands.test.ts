import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createTestEnv, addAccount, rejects, type TestEnv } from './identity-test-env';

describe('user commands', () => {
  let env: TestEnv;
  beforeEach(async () => { env = await createTestEnv(); });
  afterEach(async () => { await env.close(); });
  const newUser = (o: Record<string, unknown>) => ({ email: 'u@example.org', firstname: 'F', lastname: 'L',
    password: 'pw', ...o });

  it('creates users in accounts and refuses duplicate usernames in a domain', async () => {
    const { account } = await addAccount(env, env.admin, { name: 'ops' });
    env.clock.advance(1);
    const u = await env.call(env.admin, 'createUser', newUser({ account: 'ops', username: 'olga' }));
    expect(u).toMatchObject({ username: 'olga', account: 'ops', accountid: account.id, state: 'enabled',
      domain: 'ROOT', rolename: 'User' });
    expect(env.events.at(-1)).toMatchObject({ type: 'USER.CREATE', resourceId: u.id });
    await env.identity.login('olga', 'pw', {});
    await rejects(env.call(env.admin, 'createUser', newUser({ account: 'ops', username: 'ops' })), 431, 'already exists');
    await rejects(env.call(env.admin, 'createUser', newUser({ account: 'ghost', username: 'g' })), 431, 'ghost');
    const list = await env.call(env.admin, 'listUsers', { domainid: env.admin.domainId, account: 'ops' });
    expect(list.items.map((x: any) => x.username)).toEqual(['ops', 'olga']);
  });

  it('lists users within the caller\'s reach', async () => {
    const d = await env.call(env.admin, 'createDomain', { name: 'D' });
    const { caller: user } = await addAccount(env, env.admin, { name: 'pam', domainid: d.id });
    const { caller: dadmin } = await addAccount(env, env.admin, { name: 'dadmin', type: 2, domainid: d.id });
    await addAccount(env, env.admin, { name: 'quinn' });
    const names = (r: any) => r.items.map((x: any) => x.username);
    expect(names(await env.call(user, 'listUsers', { listall: true }))).toEqual(['pam']);
    expect(names(await env.call(dadmin, 'listUsers', { listall: true }))).toEqual(['pam', 'dadmin']);
    expect(names(await env.call(env.admin, 'listUsers', { listall: true }))).toEqual(['admin', 'pam', 'dadmin', 'quinn']);
    expect(names(await env.call(env.admin, 'listUsers', { listall: true, username: 'quinn' }))).toEqual(['quinn']);
    expect(names(await env.call(env.admin, 'listUsers', { listall: true, accounttype: 2 }))).toEqual(['dadmin']);
    await rejects(env.call(dadmin, 'listUsers', { domainid: env.admin.domainId }), 531);
  });

  it('changes passwords: users prove the current one, admins do not need to', async () => {
    const { caller } = await addAccount(env, env.admin, { name: 'rita', password: 'old' });
    await rejects(env.call(caller, 'updateUser', { id: caller.userId, password: 'new' }), 431, 'Current password');
    await rejects(env.call(caller, 'updateUser', { id: caller.userId, password: 'new', currentpassword: 'bad' }), 431,
      'Current password is incorrect');
    await env.call(caller, 'updateUser', { id: caller.userId, password: 'new', currentpassword: 'old', firstname: 'Rita' });
    await env.identity.login('rita', 'new', {});
    await rejects(env.identity.login('rita', 'old', {}), 531);
    const up = await env.call(env.admin, 'updateUser', { id: caller.userId, password: 'reset', username: 'rita2', email: 'r@x.org' });
    expect(up).toMatchObject({ username: 'rita2', firstname: 'Rita', email: 'r@x.org' });
    await env.identity.login('rita2', 'reset', {});
    const { caller: other } = await addAccount(env, env.admin, { name: 'sam' });
    await rejects(env.call(other, 'updateUser', { id: caller.userId, firstname: 'x' }), 531);
  });

  it('deletes, disables, locks and enables users', async () => {
    const { caller } = await addAccount(env, env.admin, { name: 'tom', password: 'pw' });
    const extra = await env.call(env.admin, 'createUser', newUser({ account: 'tom', username: 'tom2' }));
    expect(await env.call(env.admin, 'lockUser', { id: extra.id })).toMatchObject({ state: 'locked' });
    expect(await env.call(env.admin, 'disableUser', { id: extra.id })).toMatchObject({ state: 'disabled' });
    expect(await env.call(env.admin, 'enableUser', { id: extra.id })).toMatchObject({ state: 'enabled' });
    await env.call(env.admin, 'deleteUser', { id: extra.id });
    expect(env.events.slice(-4).map((e) => e.type)).toEqual(['USER.LOCK', 'USER.DISABLE', 'USER.ENABLE', 'USER.DELETE']);
    expect((await env.call(env.admin, 'listUsers', { listall: true, account: 'tom', domainid: caller.domainId })).count).toBe(1);
    await rejects(env.call(env.admin, 'deleteUser', { id: extra.id }), 431, 'Invalid parameter id');
    await rejects(env.call(env.admin, 'deleteUser', { id: env.admin.userId }), 531);
    const { caller: root2 } = await addAccount(env, env.admin, { name: 'root2', type: 1 });
    await rejects(env.call(root2, 'disableUser', { id: env.admin.userId }), 531, 'default admin');
  });

  it('gives keys only to the user itself or an admin over it', async () => {
    const d = await env.call(env.admin, 'createDomain', { name: 'D' });
    const { caller: user } = await addAccount(env, env.admin, { name: 'uma', domainid: d.id });
    const { caller: dadmin } = await addAccount(env, env.admin, { name: 'dadmin', type: 2, domainid: d.id });
    const { caller: stranger } = await addAccount(env, env.admin, { name: 'vic' });
    expect(await env.call(user, 'getUserKeys', { id: user.userId })).toEqual({});
    const keys = await env.call(dadmin, 'registerUserKeys', { id: user.userId });
    expect(env.events.at(-1)?.type).toBe('REGISTER.USER.KEY');
    expect(await env.call(user, 'getUserKeys', { id: user.userId })).toEqual(keys);
    expect(await env.call(env.admin, 'getUserKeys', { id: user.userId })).toEqual(keys);
    await rejects(env.call(stranger, 'getUserKeys', { id: user.userId }), 531);
    await rejects(env.call(stranger, 'registerUserKeys', { id: user.userId }), 531);
    await rejects(env.call(dadmin, 'getUserKeys', { id: stranger.userId }), 531);
    const listed = await env.call(user, 'listUsers', {});
    expect(listed.items[0]).toMatchObject({ apikey: keys.apikey });
    expect(listed.items[0]).not.toHaveProperty('secretkey');
    // Explicit keys through updateUser.
    await env.call(env.admin, 'updateUser', { id: stranger.userId, userapikey: 'k-1', usersecretkey: 's-1' });
    expect(await env.identity.byApiKey('k-1')).toMatchObject({ secretKey: 's-1', caller: { accountName: 'vic' } });
    await rejects(env.call(env.admin, 'updateUser', { id: user.userId, userapikey: 'k-1', usersecretkey: 's' }), 431);
  });
});
