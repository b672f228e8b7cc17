// Test fixture for the catalog tests: a real SQLite file in a temp folder, a recording event log, a small
// stand-in identity service over fixed domains/accounts (rows also written to the real tables, which templates
// reference), a driver registry knowing Simulator and KVM, and a `call` that decodes and validates parameters
// from their declarations exactly as the dispatcher does before running the handler.
import { createSequences } from '../db/sequences';
import { createInstanceNames } from '../orchestration/vm/instance-names';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openTestDatabase } from '../testing/test-db';
import type { CoreConfig, EventInput, EventLog, IdentityService, ListScope, Logger, Notification, Services } from '../kernel/services';
import { createCoreCaches } from '../core-caches';
import { createTemplateDownloaders } from './template-download';
import type { Caller } from '../identity/caller';
import type { DriverRegistry, HypervisorDriver } from '../hypervisors/driver';
import type { CallContext, JobContext } from '../kernel/handler';
import type { CommandDecl } from '../contract/command';
import { permissionDenied, invalidParam } from '../kernel/errors';
import { decodeRequest } from '../api/request';
import { validateArgs } from '../api/validate';
import { catalogModule } from './index';

const DOMAINS = [
  { id: randomUUID(), name: 'ROOT', path: '/', parent: null as string | null },
  { id: randomUUID(), name: 'D1', path: '/D1/', parent: 'ROOT' },
  { id: randomUUID(), name: 'D2', path: '/D2/', parent: 'ROOT' },
];
const ACCOUNTS = [
  { name: 'admin', type: 1, domain: 'ROOT' },
  { name: 'alice', type: 0, domain: 'D1' },
  { name: 'bob', type: 0, domain: 'D1' },
  { name: 'carol', type: 0, domain: 'D2' },
  { name: 'd1admin', type: 2, domain: 'D1' },
] as const;
export type AccountName = (typeof ACCOUNTS)[number]['name'];

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

export interface CatalogEnv {
  svc: Services;
  events: EventInput[];
  notifications: Notification[];
  zones: { z1: string; z2: string };
  domains: Record<'ROOT' | 'D1' | 'D2', string>;
  callers: Record<AccountName, Caller>;
  /** Runs a command as `who` with raw string params (async commands: prepare, then execute). */
  call(who: AccountName, command: string, params?: Record<string, string>): Promise<any>;
  /** Like call, but resolves to the thrown error (fails the test when nothing is thrown). */
  fail(who: AccountName, command: string, params?: Record<string, string>): Promise<any>;
  addZone(name: string): Promise<string>;
  count(table: 'templates' | 'template_zones' | 'service_offerings' | 'disk_offerings'): Promise<number>;
  close(): Promise<void>;
}

function stubIdentity(callers: Record<AccountName, Caller>, domains: typeof DOMAINS): IdentityService {
  const byAccount = new Map(Object.values(callers).map((c) => [c.accountId, c]));
  const pathOf = (domainId: string) => domains.find((d) => d.id === domainId)?.path ?? '?';
  return {
    seed: async () => ({}), byApiKey: async () => null, bySession: async () => null, byUserId: async () => null, logout: async () => {},
    login: async () => { throw new Error('not in catalog tests'); },
    isAllowed: async () => true,
    async listScope(c, a): Promise<ListScope> {
      if (c.accountType === 0) return { kind: 'account', accountId: c.accountId };
      if (a.listall) return c.accountType === 1 ? { kind: 'all' } : { kind: 'domains', domainIds: domains.filter((d) => d.path.startsWith(c.domainPath)).map((d) => d.id) };
      return { kind: 'account', accountId: c.accountId };
    },
    async resolveOwner(c, a) {
      if (!a.account) return { accountId: c.accountId, domainId: c.domainId, userId: c.userId, accountName: c.accountName };
      const target = Object.values(callers).find((x) => x.accountName === a.account && x.domainId === (a.domainid ?? c.domainId));
      if (!target) throw invalidParam(`Unable to find account by name ${a.account}`);
      if (c.accountType === 0 && target.accountId !== c.accountId) throw permissionDenied('may not act for that account');
      return { accountId: target.accountId, domainId: target.domainId, userId: target.userId, accountName: target.accountName };
    },
    async checkAccess(c, owner) {
      if (c.accountType === 1 || owner.accountId === c.accountId) return;
      if (c.accountType === 2 && pathOf(owner.domainId).startsWith(c.domainPath)) return;
      throw permissionDenied(`Account ${c.accountName} does not have permission to access account id=${owner.accountId}`);
    },
    async accountInfo(id) {
      const c = byAccount.get(id)!;
      const d = domains.find((x) => x.id === c.domainId)!;
      return { name: c.accountName, domainId: d.id, domainName: d.name, domainPath: d.path === '/' ? 'ROOT' : `ROOT${d.path.slice(0, -1)}` };
    },
    async domainInfo(id) {
      const d = domains.find((x) => x.id === id)!;
      return { name: d.name, path: d.path };
    },
  };
}

const stubDrivers: DriverRegistry = {
  get: (h) => ({ hypervisor: h }) as unknown as HypervisorDriver,
  supported: () => ['Simulator', 'KVM'],
};

async function seedIdentityRows(svc: Services): Promise<Record<AccountName, Caller>> {
  const { db } = svc;
  const roleId = randomUUID();
  await db.insertInto('roles').values({ id: roleId, name: 'Any', type: 'Admin', description: '', is_default: 1,
    is_public: 1, state: 'ENABLED', created: 0, removed: null }).execute();
  const ids = new Map(DOMAINS.map((d) => [d.name, d.id]));
  for (const d of DOMAINS) {
    await db.insertInto('domains').values({ id: d.id, name: d.name, parent_id: d.parent ? ids.get(d.parent)! : null,
      path: d.path, level: d.parent ? 1 : 0, state: 'Active', network_domain: null, created: 0, removed: null }).execute();
  }
  const out = {} as Record<AccountName, Caller>;
  for (const a of ACCOUNTS) {
    const accountId = randomUUID();
    const userId = randomUUID();
    const domain = DOMAINS.find((d) => d.name === a.domain)!;
    await db.insertInto('accounts').values({ id: accountId, name: a.name, type: a.type, domain_id: domain.id,
      role_id: roleId, state: 'enabled', network_domain: null, created: 0, removed: null }).execute();
    await db.insertInto('users').values({ id: userId, account_id: accountId, username: a.name, password_hash: 'x',
      firstname: a.name, lastname: '', email: '', state: 'enabled', timezone: null, api_key: null, secret_key: null,
      is_default: 0, created: 0, removed: null }).execute();
    const roleType = a.type === 1 ? 'Admin' : a.type === 2 ? 'DomainAdmin' : 'User';
    out[a.name] = { userId, username: a.name, accountId, accountName: a.name, accountType: a.type, roleId, roleType,
      domainId: domain.id, domainPath: domain.path };
  }
  return out;
}

export async function createCatalogEnv(): Promise<CatalogEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-catalog-'));
  const opened = await openTestDatabase(join(dir, 'test.db'));
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => (now += 1000) };
  const config: CoreConfig = { dataDir: dir, msId: 'ms-1', msName: 'test', maxPageSize: 500, jobWorkers: 1, version: '0.0.0' };
  const events: EventInput[] = [];
  const notifications: Notification[] = [];
  const eventLog: EventLog = {
    async record(e) { events.push(e); return randomUUID(); },
    async alert() {},
    subscribe: () => () => {},
    notify(n) { notifications.push(n); },
  };
  const svc: Services = { db: opened.db, dbKind: opened.kind, instanceNames: createInstanceNames(opened.db, createSequences(opened.db)), clock, config, log: silent, identity: {} as never,
    caches: createCoreCaches(opened.db), templateDownloaders: createTemplateDownloaders(), events: eventLog, jobs: {} as never, drivers: stubDrivers, planner: {} as never, newId: randomUUID };
  const callers = await seedIdentityRows(svc);
  svc.identity = stubIdentity(callers, DOMAINS);

  async function addZone(name: string): Promise<string> {
    const id = randomUUID();
    await svc.db.insertInto('zones').values({ id, name, description: null, network_type: 'Advanced',
      allocation_state: 'Enabled', dns1: '8.8.8.8', dns2: null, internal_dns1: '10.0.0.1', internal_dns2: null,
      guest_cidr: null, domain: null, local_storage_enabled: 0, security_groups_enabled: 0, type: 'Core',
      created: clock.now(), removed: null }).execute();
    return id;
  }
  const zones = { z1: await addZone('zone-1'), z2: await addZone('zone-2') };

  async function call(who: AccountName, command: string, params: Record<string, string> = {}): Promise<any> {
    const decl = (catalogModule.decls as Record<string, CommandDecl>)[command];
    const handler = (catalogModule.handlers as Record<string, any>)[command];
    const args = validateArgs(decl, decodeRequest(new URLSearchParams({ command, ...params }).toString(), null), 500);
    const ctx: CallContext = { svc, caller: callers[who], command };
    if (!decl.async) return handler(ctx, args);
    const plan = await handler.prepare(ctx, args);
    const jctx: JobContext = { ...ctx, jobId: randomUUID(), progress: async () => {} };
    return handler.execute(jctx, args, JSON.parse(JSON.stringify(plan.payload)));
  }

  async function fail(who: AccountName, command: string, params: Record<string, string> = {}): Promise<any> {
    try {
      await call(who, command, params);
    } catch (e) {
      return e;
    }
    throw new Error(`${command} did not fail`);
  }

  const count = async (table: 'templates' | 'template_zones' | 'service_offerings' | 'disk_offerings') =>
    Number((await svc.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  return {
    svc, events, notifications, zones, callers, call, fail, addZone, count,
    domains: { ROOT: DOMAINS[0].id, D1: DOMAINS[1].id, D2: DOMAINS[2].id },
    close: async () => { await opened.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}
