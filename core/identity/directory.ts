// In-memory views of the identity tables that every request reads: domains (the whole tree, it is small), accounts
// by id, users by API key and by id (with the Caller they authenticate as) and compiled roles. One Directory per
// core (createCore makes it, core-caches.ts), shared by the identity service and the identity command handlers, so a
// handler's change is seen by the next request. When several management servers share one database, a change made on another server clears these
// views (and the cached sessions, so a logout or a disabled user ends everywhere) within one poll of the shared
// cache generations (db/shared-caches); entries also expire after a minute.
import { performance } from 'node:perf_hooks';
import type { Selectable } from 'kysely';
import type { Db } from '../db/connect';
import type { AccountTable } from '../db/schema';
import type { SharedCaches } from '../db/shared-caches';
import type { Caller } from './caller';
import { ROLE_TYPES, roleTypeOfAccountType, type RoleType } from '../contract/roles';
import { compileRule, type CompiledRole } from './role-rules';
import { precompiled } from '../db/precompiled';

const TTL_MS = 60_000;

// The live account by name with its first user: what acting for an account (account=, domainid=) needs, in one
// statement (an account's first deploy would otherwise read its id, its row and its user one after the other).
const accountByNameQ = precompiled((db, p: { domainId: string; name: string }) => db.selectFrom('accounts as a').selectAll('a')
  .select((eb) => eb.selectFrom('users as u').select('u.id').whereRef('u.account_id', '=', 'a.id').where('u.removed', 'is', null)
    .orderBy('u.created').limit(1).as('first_user'))
  .where('a.domain_id', '=', p.domainId).where('a.name', '=', p.name).where('a.removed', 'is', null));
/** The same for many names of one domain at once (accountIdByName's batches: a statement per batch, not per name). */
const accountsByNames = (db: Db, domainId: string, names: string[]) => db.selectFrom('accounts as a').selectAll('a')
  .select((eb) => eb.selectFrom('users as u').select('u.id').whereRef('u.account_id', '=', 'a.id').where('u.removed', 'is', null)
    .orderBy('u.created').limit(1).as('first_user'))
  .where('a.domain_id', '=', domainId).where('a.name', 'in', names).where('a.removed', 'is', null).execute();
type AccountByNameRow = NonNullable<Awaited<ReturnType<typeof accountByNameQ.first>>>;
/** Names looked up in one statement at most (bound parameters stay far below every database's limit). */
const NAMES_PER_STATEMENT = 500;
interface NameWanted { domainId: string; name: string; waiting: { resolve: (r: AccountByNameRow | undefined) => void; reject: (e: unknown) => void }[] }
const firstUserQ = precompiled((db, p: { accountId: string }) => db.selectFrom('users').select('id')
  .where('account_id', '=', p.accountId).where('removed', 'is', null).orderBy('created').limit(1));

export interface DomainRec {
  id: string; name: string; parentId: string | null; path: string; level: number; state: string;
  networkDomain: string | null; created: number; removed: number | null;
}
export interface AccountRec {
  id: string; name: string; type: number; domainId: string; roleId: string; state: string; removed: number | null;
  /** The number in its VMs' instance names; once set it never changes (null: none drawn when this was read;
   *  absent: not read). */
  number?: number | null;
}
export interface UserAuth { caller: Caller; apiKey: string | null; secretKey: string | null; active: boolean }

interface Timed<T> { v: T; at: number }

/** ROOT is '/', children '/Child/'; the API shows 'ROOT' and 'ROOT/Child'. */
export const apiPath = (path: string) => (path === '/' ? 'ROOT' : `ROOT${path.slice(0, -1)}`);

const asRoleType = (t: string | null, accountType: number): RoleType =>
  ROLE_TYPES.includes(t as RoleType) ? (t as RoleType) : roleTypeOfAccountType(accountType);

export class Directory {
  private domainMap: Timed<Map<string, DomainRec>> | null = null;
  private domainLoad: Promise<Map<string, DomainRec>> | null = null;
  private accounts = new Map<string, Timed<AccountRec>>();
  /** Live account ids by domain and name, and each account's first user (acting for an account by name: every
   *  deploy with account= and domainid= would otherwise run two queries before anything else). */
  private accountIds = new Map<string, Timed<string>>();
  private firstUsers = new Map<string, Timed<string | null>>();
  /** Names not cached, asked for during this turn of the event loop: looked up together in the next (accountIdByName). */
  private namesWanted = new Map<string, NameWanted>();
  private byKey = new Map<string, Timed<UserAuth>>();
  private byUser = new Map<string, Timed<UserAuth>>();
  private roles = new Map<string, Timed<CompiledRole>>();
  /** Bumped by invalidate(): a load that started before a change must not store what it read. */
  private gen = 0;
  /** Session key -> user and the last_seen time this server knows (refreshed in the DB at most once a minute). */
  readonly sessions = new Map<string, { userId: string; lastSeen: number }>();

  constructor(private readonly db: Db, private readonly shared: SharedCaches) {
    shared.onChange('identity', () => { this.invalidate(); this.sessions.clear(); });
  }

  /** Every identity change (a handler's, a logout): this server's views now (through the registration above), the
   *  other servers' within one poll. */
  changed(): Promise<void> {
    return this.shared.changed('identity');
  }

  /** Drops everything; called after any identity change (they are rare). */
  invalidate(): void {
    this.gen++;
    this.domainMap = null;
    this.domainLoad = null;
    this.accounts.clear();
    this.accountIds.clear();
    this.firstUsers.clear();
    this.byKey.clear();
    this.byUser.clear();
    this.roles.clear();
  }

  /** Forgets the cached sessions of a user whose session rows were deleted (disabled, locked, removed). */
  dropSessionsOf(userIds: Iterable<string>): void {
    const ids = new Set(userIds);
    for (const [key, s] of this.sessions) if (ids.has(s.userId)) this.sessions.delete(key);
  }

  async domains(): Promise<Map<string, DomainRec>> {
    if (this.domainMap && fresh(this.domainMap)) return this.domainMap.v;
    // One load at a time: concurrent first requests share it.
    this.domainLoad ??= this.loadDomains().finally(() => { this.domainLoad = null; });
    return this.domainLoad;
  }

  private async loadDomains(): Promise<Map<string, DomainRec>> {
    const gen = this.gen;
    const rows = await this.db.selectFrom('domains').selectAll().execute();
    const map = new Map<string, DomainRec>();
    for (const r of rows) {
      map.set(r.id, { id: r.id, name: r.name, parentId: r.parent_id, path: r.path, level: r.level, state: r.state,
        networkDomain: r.network_domain, created: r.created, removed: r.removed });
    }
    if (gen === this.gen) this.domainMap = { v: map, at: performance.now() };
    return map;
  }

  async domain(id: string): Promise<DomainRec | undefined> {
    return (await this.domains()).get(id);
  }

  /** Live domains whose path starts with `path` (the domain itself and all below it). */
  async subtree(path: string): Promise<DomainRec[]> {
    const out: DomainRec[] = [];
    for (const d of (await this.domains()).values()) if (!d.removed && d.path.startsWith(path)) out.push(d);
    return out;
  }

  async account(id: string): Promise<AccountRec | undefined> {
    const hit = this.accounts.get(id);
    if (hit && fresh(hit)) return hit.v;
    const gen = this.gen;
    const r = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    const rec = accountRec(r);
    if (gen === this.gen) this.accounts.set(id, { v: rec, at: performance.now() });
    return rec;
  }

  /** The id of the live account named `name` in the domain (unknown names are not remembered). */
  async accountIdByName(name: string, domainId: string): Promise<string | undefined> {
    const key = `${domainId}/${name}`;
    const hit = this.accountIds.get(key);
    if (hit && fresh(hit)) return hit.v;
    const gen = this.gen;
    const r = await this.lookUpByName(key, domainId, name);
    if (r && gen === this.gen) {
      const at = performance.now();
      this.accountIds.set(key, { v: r.id, at });
      this.accounts.set(r.id, { v: accountRec(r), at });
      this.firstUsers.set(r.id, { v: r.first_user ?? null, at });
    }
    return r?.id;
  }

  /**
   * Accounts named by requests of the same turn of the event loop are read with one statement in the next turn: a
   * thousand deploys in flight for as many tenants, each new to this server (a big cloud's first deploys), cost a
   * statement per batch instead of one per deploy. A name the batch does not find exactly as written is looked up
   * alone, as before (MariaDB's collations match names the way `=` does, not as strings compare here).
   */
  private lookUpByName(key: string, domainId: string, name: string): Promise<AccountByNameRow | undefined> {
    let w = this.namesWanted.get(key);
    if (!w) {
      if (this.namesWanted.size === 0) setImmediate(() => void this.lookUpNames());
      this.namesWanted.set(key, (w = { domainId, name, waiting: [] }));
    }
    const wanted = w;
    return new Promise((resolve, reject) => wanted.waiting.push({ resolve, reject }));
  }

  private async lookUpNames(): Promise<void> {
    const batch = [...this.namesWanted.values()];
    this.namesWanted.clear();
    const byDomain = new Map<string, NameWanted[]>();
    for (const w of batch) {
      const list = byDomain.get(w.domainId);
      if (list) list.push(w); else byDomain.set(w.domainId, [w]);
    }
    for (const [domainId, all] of byDomain) {
      for (let i = 0; i < all.length; i += NAMES_PER_STATEMENT) {
        const chunk = all.slice(i, i + NAMES_PER_STATEMENT);
        try {
          const found = new Map<string, AccountByNameRow>();
          if (chunk.length > 1) {
            for (const r of await accountsByNames(this.db, domainId, chunk.map((w) => w.name))) if (!found.has(r.name)) found.set(r.name, r as AccountByNameRow);
          }
          for (const w of chunk) {
            const r = found.get(w.name) ?? await accountByNameQ.first(this.db, { domainId, name: w.name });
            for (const p of w.waiting) p.resolve(r);
          }
        } catch (e) {
          for (const w of chunk) for (const p of w.waiting) p.reject(e);
        }
      }
    }
  }

  /** The account's oldest live user (the one CloudStack acts as for the account), or null when it has none. */
  async firstUserOf(accountId: string): Promise<string | null> {
    const hit = this.firstUsers.get(accountId);
    if (hit && fresh(hit)) return hit.v;
    const gen = this.gen;
    const id = (await firstUserQ.first(this.db, { accountId }))?.id ?? null;
    if (gen === this.gen) this.firstUsers.set(accountId, { v: id, at: performance.now() });
    return id;
  }

  async userByKey(apiKey: string): Promise<UserAuth | null> {
    const hit = this.byKey.get(apiKey);
    if (hit && fresh(hit)) return hit.v;
    const gen = this.gen;
    const u = await this.loadUser('u.api_key', apiKey);
    // Unknown keys are not remembered: a flood of random keys must not grow memory.
    if (u && gen === this.gen) this.byKey.set(apiKey, { v: u, at: performance.now() });
    else this.byKey.delete(apiKey);
    return u;
  }

  async userById(userId: string): Promise<UserAuth | null> {
    const hit = this.byUser.get(userId);
    if (hit && fresh(hit)) return hit.v;
    const gen = this.gen;
    const u = await this.loadUser('u.id', userId);
    if (u && gen === this.gen) this.byUser.set(userId, { v: u, at: performance.now() });
    else this.byUser.delete(userId);
    return u;
  }

  private async loadUser(col: 'u.id' | 'u.api_key', value: string): Promise<UserAuth | null> {
    const r = await this.db.selectFrom('users as u')
      .innerJoin('accounts as a', 'a.id', 'u.account_id')
      .innerJoin('domains as d', 'd.id', 'a.domain_id')
      .leftJoin('roles as r', 'r.id', 'a.role_id')
      .select(['u.id as userId', 'u.username', 'u.state as userState', 'u.removed as userRemoved', 'u.api_key',
        'u.secret_key', 'a.id as accountId', 'a.name as accountName', 'a.type as accountType', 'a.role_id',
        'a.state as accountState', 'a.removed as accountRemoved', 'r.type as roleType', 'd.id as domainId',
        'd.path as domainPath', 'd.state as domainState', 'd.removed as domainRemoved'])
      .where(col, '=', value).executeTakeFirst();
    if (!r) return null;
    const caller: Caller = {
      userId: r.userId, username: r.username, accountId: r.accountId, accountName: r.accountName,
      accountType: r.accountType, roleId: r.role_id, roleType: asRoleType(r.roleType, r.accountType),
      domainId: r.domainId, domainPath: r.domainPath,
    };
    const active = r.userState === 'enabled' && r.userRemoved === null && r.accountState === 'enabled' &&
      r.accountRemoved === null && r.domainState === 'Active' && r.domainRemoved === null;
    return { caller, apiKey: r.api_key, secretKey: r.secret_key, active };
  }

  async role(roleId: string): Promise<CompiledRole | null> {
    const hit = this.roles.get(roleId);
    if (hit && fresh(hit)) return hit.v;
    const gen = this.gen;
    const role = await this.db.selectFrom('roles').select(['type', 'is_default', 'removed'])
      .where('id', '=', roleId).executeTakeFirst();
    if (!role || role.removed !== null) return null;
    const perms = await this.db.selectFrom('role_permissions').select(['rule', 'permission'])
      .where('role_id', '=', roleId).orderBy('sort_order').execute();
    const compiled: CompiledRole = {
      roleType: asRoleType(role.type, 0),
      rootAdmin: role.is_default === 1 && role.type === 'Admin',
      rules: perms.map((p) => ({ re: compileRule(p.rule), allow: p.permission === 'allow' })),
      decisions: new Map(),
    };
    if (gen === this.gen) this.roles.set(roleId, { v: compiled, at: performance.now() });
    return compiled;
  }
}

function accountRec(r: Selectable<AccountTable>): AccountRec {
  return { id: r.id, name: r.name, type: r.type, domainId: r.domain_id, roleId: r.role_id, state: r.state, removed: r.removed,
    number: r.number === null || r.number === undefined ? null : Number(r.number) };
}

const fresh = (t: Timed<unknown>) => performance.now() - t.at < TTL_MS;
