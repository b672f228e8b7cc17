import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase } from '../testing/test-db';
import { createIdentityService, normalizeDomainPath, SESSION_IDLE_TIMEOUT_SECONDS } from './identity-service';
import { hashPassword, verifyPassword } from './secrets';
import { createTestEnv, addAccount, rejects, ADMIN_PASSWORD, type TestEnv } from './identity-test-env';
import type { CommandDecl } from '../contract/command';
import type { RoleType } from '../contract/roles';
import { createCoreCaches } from '../core-caches';

const decl = (name: string, authorized: readonly RoleType[]): CommandDecl =>
  ({ name, description: '', async: false, authorized, params: {}, response: { kind: 'success' } });

describe('seed', () => {
  it('creates ROOT, the built-in roles and the admin once, and generates a password when none is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-seed-'));
    const { db, close } = await openTestDatabase(join(dir, 'seed.db'));
    try {
      const clock = { now: () => 1_000 };
      const log = { info() {}, warn() {}, error() {} };
      const config = { dataDir: dir, msId: 'm', msName: 'm', maxPageSize: 500, jobWorkers: 1, version: '0' };
      const identity = createIdentityService({ db, clock, newId: randomUUID, log, config, directory: createCoreCaches(db).directory });
      const first = await identity.seed();
      expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(await identity.seed()).toEqual({});
      expect(await identity.seed('other')).toEqual({});
      const domains = await db.selectFrom('domains').selectAll().execute();
      expect(domains.map((d) => [d.name, d.path, d.level])).toEqual([['ROOT', '/', 0]]);
      const roles = await db.selectFrom('roles').select(['name', 'type', 'is_default']).orderBy('name').execute();
      expect(roles).toEqual([
        { name: 'Domain Admin', type: 'DomainAdmin', is_default: 1 },
        { name: 'Resource Admin', type: 'ResourceAdmin', is_default: 1 },
        { name: 'Root Admin', type: 'Admin', is_default: 1 },
        { name: 'User', type: 'User', is_default: 1 },
      ]);
      expect(await db.selectFrom('accounts').select(['name', 'type']).execute()).toEqual([{ name: 'admin', type: 1 }]);
      const users = await db.selectFrom('users').select(['username', 'password_hash']).execute();
      expect(users).toHaveLength(1);
      expect(users[0].password_hash).toMatch(/^scrypt\$/);
      const { caller } = await identity.login('admin', first.generatedPassword!, {});
      expect(caller).toMatchObject({ username: 'admin', accountName: 'admin', accountType: 1, roleType: 'Admin', domainPath: '/' });
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('passwords', () => {
  it('hashes with a random salt and verifies only the right password', async () => {
    const a = await hashPassword('s3cret');
    const b = await hashPassword('s3cret');
    expect(a).not.toEqual(b);
    expect(await verifyPassword('s3cret', a)).toBe(true);
    expect(await verifyPassword('s3cret!', a)).toBe(false);
    expect(await verifyPassword('s3cret', 'plain-text')).toBe(false);
  });

  it('adds the slashes CloudStack adds to domain paths', () => {
    expect(normalizeDomainPath('')).toBe('/');
    expect(normalizeDomainPath('/')).toBe('/');
    expect(normalizeDomainPath('Child/Sub')).toBe('/Child/Sub/');
    expect(normalizeDomainPath('/Child')).toBe('/Child/');
  });
});

describe('identity service', () => {
  let env: TestEnv;
  beforeEach(async () => { env = await createTestEnv(); });
  afterEach(async () => { await env.close(); });

  async function childDomain(name: string, parent?: string) {
    return env.call(env.admin, 'createDomain', { name, parentdomainid: parent });
  }

  describe('login', () => {
    it('logs in by path or id and refuses bad credentials with CloudStack\'s text', async () => {
      const child = await childDomain('Child');
      const sub = await childDomain('Sub', child.id);
      await addAccount(env, env.admin, { name: 'carol', domainid: sub.id, password: 'carol-pw' });
      for (const path of ['/Child/Sub/', 'Child/Sub', '/Child/Sub', 'Child/Sub/']) {
        const { caller, sessionKey } = await env.identity.login('carol', 'carol-pw', { path });
        expect(caller).toMatchObject({ username: 'carol', domainId: sub.id, domainPath: '/Child/Sub/', accountType: 0 });
        expect(sessionKey).toMatch(/^[A-Za-z0-9_-]{27}$/);
      }
      // The id wins over the path.
      await env.identity.login('carol', 'carol-pw', { id: sub.id, path: '/' });
      await rejects(env.identity.login('carol', 'wrong', { id: sub.id }), 531,
        `Failed to authenticate user carol in domain ${sub.id}; please provide valid credentials`);
      await rejects(env.identity.login('carol', 'carol-pw', {}), 531,
        `Failed to authenticate user carol in domain ${env.admin.domainId};`);
      await rejects(env.identity.login('carol', 'carol-pw', { path: '/Nowhere/' }), 531,
        'Failed to authenticate user carol in domain /Nowhere/; please provide valid credentials');
      await rejects(env.identity.login('nobody', 'x', {}), 531, 'Failed to authenticate user nobody');
      expect((await env.identity.login('admin', ADMIN_PASSWORD, { path: '/' })).caller.accountType).toBe(1);
    });

    it('refuses disabled and locked users and users of disabled accounts the same way', async () => {
      const { account, caller } = await addAccount(env, env.admin, { name: 'dave', password: 'pw' });
      await env.call(env.admin, 'disableUser', { id: caller.userId });
      await rejects(env.identity.login('dave', 'pw', {}), 531, 'Failed to authenticate user dave in domain');
      await env.call(env.admin, 'enableUser', { id: caller.userId });
      await env.identity.login('dave', 'pw', {});
      await env.call(env.admin, 'lockAccount', { account: 'dave', domainid: account.domainid });
      await rejects(env.identity.login('dave', 'pw', {}), 531, 'Failed to authenticate user dave in domain');
    });
  });

  describe('sessions', () => {
    it('expire after the idle timeout and are refreshed by use', async () => {
      const { sessionKey } = await env.identity.login('admin', ADMIN_PASSWORD, {});
      const lastSeen = async () => (await env.svc.db.selectFrom('sessions').select('last_seen')
        .where('key', '=', sessionKey).executeTakeFirst())?.last_seen;
      const t0 = env.clock.now();
      env.clock.advance(30_000);
      expect((await env.identity.bySession(sessionKey))?.username).toBe('admin');
      // Used within the last minute: no write.
      expect(await lastSeen()).toBe(t0);
      env.clock.advance((SESSION_IDLE_TIMEOUT_SECONDS - 60) * 1000);
      expect(await env.identity.bySession(sessionKey)).not.toBeNull();
      expect(await lastSeen()).toBe(env.clock.now());
      env.clock.advance((SESSION_IDLE_TIMEOUT_SECONDS - 1) * 1000);
      expect(await env.identity.bySession(sessionKey)).not.toBeNull();
      env.clock.advance((SESSION_IDLE_TIMEOUT_SECONDS + 1) * 1000);
      expect(await env.identity.bySession(sessionKey)).toBeNull();
      expect(await lastSeen()).toBeUndefined();
      expect(await env.identity.bySession('not-a-session')).toBeNull();
    });

    it('end at logout and when the user is disabled', async () => {
      const a = await env.identity.login('admin', ADMIN_PASSWORD, {});
      await env.identity.logout(a.sessionKey);
      expect(await env.identity.bySession(a.sessionKey)).toBeNull();
      const { caller } = await addAccount(env, env.admin, { name: 'erin', password: 'pw' });
      const b = await env.identity.login('erin', 'pw', {});
      expect(await env.identity.bySession(b.sessionKey)).toMatchObject({ userId: caller.userId });
      await env.call(env.admin, 'disableUser', { id: caller.userId });
      expect(await env.identity.bySession(b.sessionKey)).toBeNull();
    });
  });

  describe('API keys', () => {
    it('finds users by key; new keys replace old ones; disabled owners are inactive', async () => {
      const { caller } = await addAccount(env, env.admin, { name: 'frank' });
      expect(await env.identity.byApiKey('unknown')).toBeNull();
      const k1 = await env.call(caller, 'registerUserKeys', { id: caller.userId });
      expect(k1.apikey).toMatch(/^[A-Za-z0-9_-]{86}$/);
      expect(k1.secretkey).toMatch(/^[A-Za-z0-9_-]{86}$/);
      expect(await env.identity.byApiKey(k1.apikey)).toMatchObject({ secretKey: k1.secretkey, active: true,
        caller: { userId: caller.userId, accountName: 'frank' } });
      const k2 = await env.call(caller, 'registerUserKeys', { id: caller.userId });
      expect(await env.identity.byApiKey(k1.apikey)).toBeNull();
      expect((await env.identity.byApiKey(k2.apikey))?.active).toBe(true);
      await env.call(env.admin, 'disableAccount', { id: caller.accountId, lock: false });
      expect((await env.identity.byApiKey(k2.apikey))?.active).toBe(false);
      await env.call(env.admin, 'enableAccount', { id: caller.accountId });
      expect((await env.identity.byApiKey(k2.apikey))?.active).toBe(true);
    });
  });

  describe('role rules', () => {
    it('first matching rule in order decides, wildcards are case-insensitive, otherwise the defaults apply', async () => {
      const role = await env.call(env.admin, 'createRole', { name: 'Operators', type: 'User' });
      const { caller } = await addAccount(env, env.admin, { name: 'gina', roleid: role.id });
      const listVms = decl('listVirtualMachines', ['Admin', 'User']);
      const addHost = decl('addHost', ['Admin']);
      const startVm = decl('startVirtualMachine', ['Admin', 'User']);
      expect(await env.identity.isAllowed(caller, listVms)).toBe(true); // default
      expect(await env.identity.isAllowed(caller, addHost)).toBe(false); // default
      const deny = await env.call(env.admin, 'createRolePermission', { roleid: role.id, rule: 'LIST*', permission: 'deny' });
      expect(await env.identity.isAllowed(caller, listVms)).toBe(false);
      const allow = await env.call(env.admin, 'createRolePermission', { roleid: role.id, rule: 'listVirtual*', permission: 'allow' });
      expect(await env.identity.isAllowed(caller, listVms)).toBe(false); // the deny comes first
      await env.call(env.admin, 'updateRolePermission', { roleid: role.id, ruleorder: [allow.id, deny.id] });
      expect(await env.identity.isAllowed(caller, listVms)).toBe(true);
      expect(await env.identity.isAllowed(caller, decl('listHosts', ['Admin']))).toBe(false);
      await env.call(env.admin, 'createRolePermission', { roleid: role.id, rule: '*Host*', permission: 'allow' });
      expect(await env.identity.isAllowed(caller, addHost)).toBe(true);
      expect(await env.identity.isAllowed(caller, startVm)).toBe(true); // no rule matches: default
      await env.call(env.admin, 'createRolePermission', { roleid: role.id, rule: '*', permission: 'deny' });
      expect(await env.identity.isAllowed(caller, startVm)).toBe(false);
      // Root admins are never restricted.
      expect(await env.identity.isAllowed(env.admin, decl('anything', []))).toBe(true);
    });
  });

  describe('list scoping', () => {
    async function tree() {
      const d1 = await childDomain('D1');
      const d1a = await childDomain('D1a', d1.id);
      const d2 = await childDomain('D2');
      const user = await addAccount(env, env.admin, { name: 'u1', domainid: d1.id });
      const dadmin = await addAccount(env, env.admin, { name: 'd1admin', type: 2, domainid: d1.id });
      const other = await addAccount(env, env.admin, { name: 'u2', domainid: d2.id });
      return { d1, d1a, d2, user: user.caller, dadmin: dadmin.caller, other: other.caller };
    }

    it('users see their own account whatever they ask', async () => {
      const t = await tree();
      const own = { kind: 'account', accountId: t.user.accountId };
      expect(await env.identity.listScope(t.user, {})).toEqual(own);
      expect(await env.identity.listScope(t.user, { listall: true })).toEqual(own);
      expect(await env.identity.listScope(t.user, { domainid: t.d2.id, isrecursive: true })).toEqual(own);
    });

    it('domain admins see their own account, or their subtree with listall or an id', async () => {
      const t = await tree();
      expect(await env.identity.listScope(t.dadmin, {})).toEqual({ kind: 'account', accountId: t.dadmin.accountId });
      const sub = await env.identity.listScope(t.dadmin, { listall: true });
      expect(sub.kind === 'domains' && [...sub.domainIds].sort()).toEqual([t.d1.id, t.d1a.id].sort());
      expect(await env.identity.listScope(t.dadmin, { id: randomUUID() })).toEqual(sub);
      expect(await env.identity.listScope(t.dadmin, { domainid: t.d1a.id })).toEqual({ kind: 'domains', domainIds: [t.d1a.id] });
      await rejects(env.identity.listScope(t.dadmin, { domainid: t.d2.id }), 531, `domain id=${t.d2.id}`);
      await rejects(env.identity.listScope(t.dadmin, { domainid: env.admin.domainId, isrecursive: true }), 531);
    });

    it('root admins see their own account, everything with listall or id, a domain (tree) with domainid', async () => {
      const t = await tree();
      expect(await env.identity.listScope(env.admin, {})).toEqual({ kind: 'account', accountId: env.admin.accountId });
      expect(await env.identity.listScope(env.admin, { listall: true })).toEqual({ kind: 'all' });
      expect(await env.identity.listScope(env.admin, { id: randomUUID() })).toEqual({ kind: 'all' });
      expect(await env.identity.listScope(env.admin, { domainid: t.d1.id })).toEqual({ kind: 'domains', domainIds: [t.d1.id] });
      const rec = await env.identity.listScope(env.admin, { domainid: t.d1.id, isrecursive: true });
      expect(rec.kind === 'domains' && [...rec.domainIds].sort()).toEqual([t.d1.id, t.d1a.id].sort());
      expect(await env.identity.listScope(env.admin, { domainid: t.d2.id, account: 'u2' }))
        .toEqual({ kind: 'account', accountId: t.other.accountId });
      await rejects(env.identity.listScope(env.admin, { domainid: t.d2.id, account: 'nobody' }), 431, 'nobody');
      await rejects(env.identity.listScope(env.admin, { projectid: randomUUID() }), 431, 'Unable to find project by id');
      await rejects(env.identity.listScope(env.admin, { projectid: randomUUID(), account: 'u2' }), 431, "Account and projectId can't be specified together");
    });

    it('resolves owners and checks access', async () => {
      const t = await tree();
      expect(await env.identity.resolveOwner(t.user, {})).toEqual({ accountId: t.user.accountId,
        domainId: t.d1.id, userId: t.user.userId, accountName: 'u1' });
      expect(await env.identity.resolveOwner(t.dadmin, { account: 'u1', domainid: t.d1.id }))
        .toEqual({ accountId: t.user.accountId, domainId: t.d1.id, userId: t.user.userId, accountName: 'u1' });
      await rejects(env.identity.resolveOwner(t.dadmin, { account: 'u2', domainid: t.d2.id }), 531);
      await rejects(env.identity.resolveOwner(t.user, { account: 'd1admin', domainid: t.d1.id }), 531);
      await env.identity.checkAccess(t.dadmin, { accountId: t.user.accountId, domainId: t.d1.id });
      await env.identity.checkAccess(env.admin, { accountId: t.other.accountId, domainId: t.d2.id });
      await rejects(env.identity.checkAccess(t.dadmin, { accountId: t.other.accountId, domainId: t.d2.id }), 531);
      await rejects(env.identity.checkAccess(t.user, { accountId: t.dadmin.accountId, domainId: t.d1.id }), 531);
    });

    it('names accounts and domains with the API paths', async () => {
      const t = await tree();
      expect(await env.identity.accountInfo(t.user.accountId)).toEqual({ name: 'u1', domainId: t.d1.id,
        domainName: 'D1', domainPath: 'ROOT/D1' });
      expect(await env.identity.domainInfo(t.d1a.id)).toEqual({ name: 'D1a', path: 'ROOT/D1/D1a' });
      expect(await env.identity.domainInfo(env.admin.domainId)).toEqual({ name: 'ROOT', path: 'ROOT' });
    });
  });
});
