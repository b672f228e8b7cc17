// Test fixture for the jobs and events tests: a real SQLite file, the real event log and job manager, and a small
// stand-in identity service over a fixed set of domains and accounts (rows are also written to the real tables so
// name lookups such as the event's username work).
import { createSequences } from '../db/sequences';
import { createInstanceNames } from '../orchestration/vm/instance-names';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openTestDatabase } from '../testing/test-db';
import type { Db } from '../db/connect';
import type { CoreConfig, IdentityService, ListScope, Logger, Services } from '../kernel/services';
import { createCoreCaches } from '../core-caches';
import { createTemplateDownloaders } from '../catalog/template-download';
import type { Caller } from '../identity/caller';
import type { CallContext } from '../kernel/handler';
import { permissionDenied } from '../kernel/errors';
import { createEventLog, type FlushableEventLog } from '../events/event-log';
import { createJobManager } from './job-manager';

const DOMAINS = [
  { id: 'dom-root', name: 'ROOT', path: '/', parent: null },
  { id: 'dom-d1', name: 'D1', path: '/D1/', parent: 'dom-root' },
  { id: 'dom-d2', name: 'D2', path: '/D2/', parent: 'dom-root' },
];
const ACCOUNTS = [
  { id: 'acc-admin', name: 'admin', type: 1, domain: 'dom-root', user: 'usr-admin', role: 'Admin' },
  { id: 'acc-alice', name: 'alice', type: 0, domain: 'dom-d1', user: 'usr-alice', role: 'User' },
  { id: 'acc-bob', name: 'bob', type: 0, domain: 'dom-d1', user: 'usr-bob', role: 'User' },
  { id: 'acc-d1admin', name: 'd1admin', type: 2, domain: 'dom-d1', user: 'usr-d1admin', role: 'DomainAdmin' },
  { id: 'acc-d2admin', name: 'd2admin', type: 2, domain: 'dom-d2', user: 'usr-d2admin', role: 'DomainAdmin' },
] as const;
export type AccountName = (typeof ACCOUNTS)[number]['name'];

const domainOf = (id: string) => DOMAINS.find((d) => d.id === id)!;
const apiPath = (path: string) => (path === '/' ? 'ROOT' : `ROOT${path.slice(0, -1)}`);

export function callerOf(name: AccountName): Caller {
  const a = ACCOUNTS.find((x) => x.name === name)!;
  return { userId: a.user, username: a.name, accountId: a.id, accountName: a.name, accountType: a.type,
    roleId: `role-${a.role}`, roleType: a.role, domainId: a.domain, domainPath: domainOf(a.domain).path };
}

/** The scoping rules of reference 4.4, reduced to what these tests need. */
export const stubIdentity: IdentityService = {
  seed: async () => ({}),
  byApiKey: async () => null,
  login: async () => { throw new Error('not in tests'); },
  bySession: async () => null, byUserId: async () => null,
  logout: async () => {},
  isAllowed: async () => true,
  resolveOwner: async (c) => ({ accountId: c.accountId, domainId: c.domainId, userId: c.userId, accountName: c.accountName }),
  async listScope(c, a): Promise<ListScope> {
    if (c.accountType === 0) return { kind: 'account', accountId: c.accountId };
    if (a.listall || a.id) {
      if (c.accountType === 1) return { kind: 'all' };
      return { kind: 'domains', domainIds: DOMAINS.filter((d) => d.path.startsWith(c.domainPath)).map((d) => d.id) };
    }
    return { kind: 'account', accountId: c.accountId };
  },
  async checkAccess(c, owner) {
    if (c.accountType === 1 || c.accountId === owner.accountId) return;
    if (c.accountType === 2 && domainOf(owner.domainId).path.startsWith(c.domainPath)) return;
    throw permissionDenied(`Account ${c.accountName} does not have permission to access account id=${owner.accountId}`);
  },
  async accountInfo(id) {
    const a = ACCOUNTS.find((x) => x.id === id);
    if (!a) throw new Error(`no account ${id}`);
    const d = domainOf(a.domain);
    return { name: a.name, domainId: d.id, domainName: d.name, domainPath: apiPath(d.path) };
  },
  async domainInfo(id) {
    const d = domainOf(id);
    return { name: d.name, path: apiPath(d.path) };
  },
};

export const quietLog: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLog };

export interface TestEnv {
  file: string;
  db: Db;
  svc: Services;
  events: FlushableEventLog;
  clock: { t: number; now(): number };
  ctx(name: AccountName, command?: string): CallContext;
  close(): Promise<void>;
}

/** Opens (or re-opens, given `file`) a database and wires a fresh event log and job manager over it. */
export async function makeEnv(o: { file?: string; jobWorkers?: number; msId?: string; seed?: boolean; log?: Logger } = {}): Promise<TestEnv> {
  const file = o.file ?? join(mkdtempSync(join(tmpdir(), 'strata-jobs-')), 'test.db');
  const opened = await openTestDatabase(file);
  const db = opened.db;
  if (o.seed ?? !o.file) await seedIdentityRows(db);
  const clock = { t: Date.UTC(2024, 4, 1, 12, 0, 0), now() { return this.t; } };
  const config: CoreConfig = { dataDir: '', msId: o.msId ?? 'ms-1', msName: 'test-ms', maxPageSize: 500,
    jobWorkers: o.jobWorkers ?? 4, version: 'test' };
  const events = createEventLog({ db, clock, newId: randomUUID, log: quietLog });
  const log = o.log ?? quietLog;
  const svc = { db, dbKind: opened.kind, instanceNames: createInstanceNames(db, createSequences(db)), clock, config, log, identity: stubIdentity, events, newId: randomUUID,
    caches: createCoreCaches(db), templateDownloaders: createTemplateDownloaders(),
    drivers: {} as never, planner: {} as never } as Omit<Services, 'jobs'> as Services;
  svc.jobs = createJobManager({ db, clock, config, log, events, newId: randomUUID, services: () => svc });
  return {
    file, db, svc, events, clock,
    ctx: (name, command = 'test') => ({ svc, caller: callerOf(name), command }),
    close: () => opened.close(),
  };
}

async function seedIdentityRows(db: Db) {
  const now = Date.now();
  for (const d of DOMAINS) {
    await db.insertInto('domains').values({ id: d.id, name: d.name, parent_id: d.parent, path: d.path,
      level: d.parent ? 1 : 0, state: 'Active', network_domain: null, created: now, removed: null }).execute();
  }
  for (const r of ['Admin', 'DomainAdmin', 'User']) {
    await db.insertInto('roles').values({ id: `role-${r}`, name: r, type: r, description: r, is_default: 1,
      is_public: 1, state: 'Enabled', created: now, removed: null }).execute();
  }
  for (const a of ACCOUNTS) {
    await db.insertInto('accounts').values({ id: a.id, name: a.name, type: a.type, domain_id: a.domain,
      role_id: `role-${a.role}`, state: 'enabled', network_domain: null, created: now, removed: null }).execute();
    await db.insertInto('users').values({ id: a.user, account_id: a.id, username: a.name, password_hash: 'x',
      firstname: a.name, lastname: a.name, email: `${a.name}@example.com`, state: 'enabled', timezone: null,
      api_key: null, secret_key: null, is_default: 0, created: now, removed: null }).execute();
  }
}
