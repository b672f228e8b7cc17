// The identity service: authentication (API keys, login sessions), authorization (role rules) and ownership
// scoping. The dispatcher calls byApiKey/bySession/isAllowed on every request, so those answer from memory.
import type { Db } from '../db/connect';
import type { Clock, CoreConfig, EventLog, IdentityService, Logger } from '../kernel/services';
import type { CommandDecl } from '../contract/command';
import type { Caller } from './caller';
import { ApiError, internalError, echo } from '../kernel/errors';
import { ErrorCode } from '../contract/errors';
import { apiPath, type DomainRec, type Directory } from './directory';
import { ruleVerdict } from './role-rules';
import { verifyPassword, dummyHash, randomKey } from './secrets';
import { seedIdentity } from './seed';
import { createLoginGuard } from './login-guard';
import * as scope from './scope';
import { AccountType } from '../contract/roles';
import { projectOfAccount } from '../projects/access';

/** Idle time after which a login session ends (CloudStack's session timeout; reported by login as `timeout`). */
export const SESSION_IDLE_TIMEOUT_SECONDS = 1800;
/** last_seen is written at most this often per session, so busy sessions cost no write per request. */
const SESSION_REFRESH_MS = 60_000;
const SESSION_KEY_BYTES = 20;

export interface IdentityDeps {
  db: Db; clock: Clock; newId: () => string; log: Logger; config: CoreConfig;
  /** The core's identity views (core-caches.ts), shared with the identity command handlers. */
  directory: Directory;
  /** Where a lockout is recorded (USER.LOCK event, alert); absent in unit tests of the service alone. */
  events?: Pick<EventLog, 'record' | 'alert'>;
}

/** Adds the slashes CloudStack adds: 'Child/Sub' -> '/Child/Sub/'; '' -> '/'. */
export function normalizeDomainPath(path: string): string {
  let p = path.trim();
  if (!p.startsWith('/')) p = `/${p}`;
  if (!p.endsWith('/')) p = `${p}/`;
  return p;
}

export function createIdentityService(deps: IdentityDeps): IdentityService {
  const { db, clock } = deps;
  const dir = deps.directory;
  const guard = createLoginGuard(deps, dir);
  const timeoutMs = SESSION_IDLE_TIMEOUT_SECONDS * 1000;

  async function findLoginDomain(domain: { path?: string; id?: string }): Promise<DomainRec | undefined> {
    if (domain.id) {
      const d = await dir.domain(domain.id);
      return d && d.removed === null ? d : undefined;
    }
    const path = normalizeDomainPath(domain.path ?? '/');
    for (const d of (await dir.domains()).values()) if (d.removed === null && d.path === path) return d;
    return undefined;
  }

  async function login(username: string, password: string, domain: { path?: string; id?: string }, from?: string) {
    const d = await findLoginDomain(domain);
    const where = d?.id ?? domain.id ?? domain.path ?? '/';
    const failed = (why = '') => {
      deps.log.info('login failed', { username, domain: where, from });
      return new ApiError(ErrorCode.AccountError, `Failed to authenticate user ${echo(username)} in domain ` +
        `${echo(where)}; please provide valid credentials${why}`, undefined);
    };
    const turn = await guard.claim(from);
    if (!turn.ok) throw failed(`. Too many failed logins from this address: try again in ${Math.ceil(turn.waitMs / 1000)} s`);
    let settled = false;
    try {
      const row = d && await db.selectFrom('users as u').innerJoin('accounts as a', 'a.id', 'u.account_id')
        .select(['u.id', 'u.password_hash', 'u.username', 'a.id as accountId', 'a.domain_id as domainId'])
        .where('a.domain_id', '=', d.id).where('u.username', '=', username)
        .where('u.removed', 'is', null).where('a.removed', 'is', null).executeTakeFirst();
      // Unknown users cost a hash too, so response time does not tell which usernames exist.
      const ok = await verifyPassword(password, row?.password_hash ?? await dummyHash());
      if (!row || !ok) {
        settled = true;
        await guard.addressFailed(from);
        if (row) await guard.userFailed(row);
        throw failed();
      }
      const user = await dir.userById(row.id);
      if (!user || !user.active) {
        // Disabled or locked users (or accounts, domains) get the same text as a wrong password: a guesser must not
        // learn that a locked user's password was right.
        settled = true;
        await guard.release(from);
        throw failed();
      }
      settled = true;
      await guard.addressSucceeded(from);
      await guard.userSucceeded(row.id);
      const now = clock.now();
      await db.deleteFrom('sessions').where('last_seen', '<', now - timeoutMs).execute();
      for (const [k, s] of dir.sessions) if (now - s.lastSeen > timeoutMs) dir.sessions.delete(k);
      const sessionKey = randomKey(SESSION_KEY_BYTES);
      await db.insertInto('sessions').values({ key: sessionKey, user_id: row.id, created: now, last_seen: now }).execute();
      dir.sessions.set(sessionKey, { userId: row.id, lastSeen: now });
      return { caller: user.caller, sessionKey };
    } catch (e) {
      // An unexpected error (the database, say) must not leave the address held until the hold expires.
      if (!settled) await guard.release(from).catch(() => undefined);
      throw e;
    }
  }

  async function endSession(key: string): Promise<void> {
    dir.sessions.delete(key);
    await db.deleteFrom('sessions').where('key', '=', key).execute();
    // Other servers may hold the session in memory: they drop their cached sessions and re-read them.
    await dir.changed();
  }

  async function bySession(key: string): Promise<Caller | null> {
    const now = clock.now();
    let s = dir.sessions.get(key);
    if (!s || now - s.lastSeen > timeoutMs) {
      // Not known here, or expired as far as this server knows: another server may have refreshed it.
      const row = await db.selectFrom('sessions').select(['user_id', 'last_seen']).where('key', '=', key).executeTakeFirst();
      if (!row) { dir.sessions.delete(key); return null; }
      if (now - row.last_seen > timeoutMs) { await endSession(key); return null; }
      s = { userId: row.user_id, lastSeen: row.last_seen };
      dir.sessions.set(key, s);
    }
    if (now - s.lastSeen >= SESSION_REFRESH_MS) {
      const r = await db.updateTable('sessions').set({ last_seen: now }).where('key', '=', key).executeTakeFirst();
      // Gone: logged out or ended (user disabled) on this or another server.
      if (Number(r.numUpdatedRows) === 0) { dir.sessions.delete(key); return null; }
      s.lastSeen = now;
    }
    const user = await dir.userById(s.userId);
    return user && user.active ? user.caller : null;
  }

  async function isAllowed(caller: Caller, decl: CommandDecl): Promise<boolean> {
    const role = await dir.role(caller.roleId);
    if (role?.rootAdmin) return true;
    const verdict = role ? ruleVerdict(role, decl.name) : null;
    return verdict ?? decl.authorized.includes(caller.roleType);
  }

  return {
    seed: (adminPassword) => seedIdentity({ db, now: clock.now(), newId: deps.newId }, adminPassword)
      .finally(() => dir.invalidate()),
    async byApiKey(apiKey) {
      const u = await dir.userByKey(apiKey);
      if (!u || !u.secretKey) return null;
      return { caller: u.caller, secretKey: u.secretKey, active: u.active };
    },
    login,
    bySession,
    byUserId: async (userId: string) => {
      const user = await dir.userById(userId);
      return user && user.active ? user.caller : null;
    },
    logout: endSession,
    isAllowed,
    listScope: (caller, args) => scope.listScope(db, dir, caller, args),
    resolveOwner: (caller, args) => scope.resolveOwner(db, dir, caller, args),
    checkAccess: (caller, owner) => scope.checkResourceAccess(db, dir, caller, owner),
    accountInfo: (accountId) => accountInfo(db, dir, accountId),
    async domainInfo(domainId) {
      const d = await dir.domain(domainId);
      if (!d) throw internalError(`domain ${domainId} does not exist`);
      return { name: d.name, path: apiPath(d.path) };
    },
  };
}

async function accountInfo(db: Db, dir: Directory, accountId: string) {
  const a = await dir.account(accountId);
  const d = a && await dir.domain(a.domainId);
  if (!a || !d) throw internalError(`account ${accountId} does not exist`);
  const info = { name: a.name, domainId: d.id, domainName: d.name, domainPath: apiPath(d.path) };
  if (a.type !== AccountType.Project) return info;
  // A project's account is shown as its project (read each time: a project may be renamed on any server).
  const p = await projectOfAccount(db, a.id);
  return p ? { ...info, project: { id: p.id, name: p.name } } : info;
}
