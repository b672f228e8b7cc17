// Test fixture for the identity tests: a real SQLite file in a temp folder, the real identity service, a fake
// clock and an event log that records into an array. Handlers are called the way the dispatcher calls them
// (async ones: prepare, then execute).
import { createSequences } from '../db/sequences';
import { createInstanceNames } from '../orchestration/vm/instance-names';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openTestDatabase } from '../testing/test-db';
import type { CoreConfig, EventInput, EventLog, IdentityService, Logger, Services } from '../kernel/services';
import type { Caller } from './caller';
import type { CallContext, JobContext } from '../kernel/handler';
import { createIdentityService } from './identity-service';
import { identityModule } from './index';
import { createCoreCaches } from '../core-caches';
import { createTemplateDownloaders } from '../catalog/template-download';

export const ADMIN_PASSWORD = 'admin-secret-1';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

export interface TestEnv {
  svc: Services;
  identity: IdentityService;
  clock: { now(): number; advance(ms: number): void };
  events: EventInput[];
  admin: Caller;
  /** Runs a command's handler as `caller` (async commands: prepare + execute). */
  call(caller: Caller, command: string, args?: Record<string, unknown>): Promise<any>;
  /** The Caller of a user, as authentication would produce it. */
  callerOf(userId: string): Promise<Caller>;
  close(): Promise<void>;
}

export async function createTestEnv(): Promise<TestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-identity-'));
  const { db, kind, close } = await openTestDatabase(join(dir, 'test.db'));
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => now, advance: (ms: number) => { now += ms; } };
  const config: CoreConfig = { dataDir: dir, msId: 'ms-1', msName: 'test', maxPageSize: 500, jobWorkers: 1, version: '0.0.0' };
  const caches = createCoreCaches(db);
  const identity = createIdentityService({ db, clock, newId: randomUUID, log: silent, config, directory: caches.directory });
  const events: EventInput[] = [];
  const eventLog: EventLog = {
    async record(e) { events.push(e); return randomUUID(); },
    async alert() {},
    subscribe: () => () => {},
    notify() {},
  };
  const svc: Services = { db, dbKind: kind, instanceNames: createInstanceNames(db, createSequences(db)), clock, config, log: silent, identity, events: eventLog, caches,
    templateDownloaders: createTemplateDownloaders(),
    jobs: {} as never, drivers: {} as never, planner: {} as never, newId: randomUUID };
  await identity.seed(ADMIN_PASSWORD);
  const adminRow = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();

  async function callerOf(userId: string): Promise<Caller> {
    const u = await caches.directory.userById(userId);
    if (!u) throw new Error(`no user ${userId}`);
    return u.caller;
  }

  async function call(caller: Caller, command: string, args: Record<string, unknown> = {}): Promise<any> {
    const h = (identityModule.handlers as Record<string, any>)[command];
    if (!h) throw new Error(`no handler ${command}`);
    const ctx: CallContext = { svc, caller, command };
    if (typeof h === 'function') return h(ctx, args);
    const plan = await h.prepare(ctx, args);
    const jctx: JobContext = { ...ctx, jobId: randomUUID(), progress: async () => {} };
    return h.execute(jctx, args, JSON.parse(JSON.stringify(plan.payload)));
  }

  return {
    svc, identity, clock, events, admin: await callerOf(adminRow.id), call, callerOf,
    close: async () => { await close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Creates an account through createAccount and returns its first user's Caller. */
export async function addAccount(env: TestEnv, as: Caller, o: { name: string; type?: number; domainid?: string;
  roleid?: string; password?: string }): Promise<{ account: any; caller: Caller }> {
  // Distinct creation times keep list order (by creation) deterministic.
  env.clock.advance(1);
  const account = await env.call(as, 'createAccount', {
    username: o.name, password: o.password ?? 'pw-' + o.name, email: `${o.name}@example.org`, firstname: o.name,
    lastname: 'Test', accounttype: o.roleid ? undefined : (o.type ?? 0), roleid: o.roleid, domainid: o.domainid,
  });
  return { account, caller: await env.callerOf(account.user[0].id) };
}

/** Expects an ApiError with this code (and text fragment). */
export async function rejects(p: Promise<unknown>, code: number, text?: string | RegExp): Promise<void> {
  let err: any;
  try { await p; } catch (e) { err = e; }
  if (!err) throw new Error(`expected error ${code}, got success`);
  if (err.errorcode !== code) throw new Error(`expected error ${code}, got ${err.errorcode ?? ''}: ${err.message}`);
  if (text !== undefined) {
    const ok = typeof text === 'string' ? err.message.includes(text) : text.test(err.message);
    if (!ok) throw new Error(`error text "${err.message}" does not match ${String(text)}`);
  }
}

/** A live volume owned by the account, so deletions must refuse. */
export async function addVolume(env: TestEnv, accountId: string, domainId: string): Promise<string> {
  const db = env.svc.db;
  const zoneId = randomUUID();
  await db.insertInto('zones').values({ id: zoneId, name: `z-${zoneId.slice(0, 4)}`, description: null,
    network_type: 'Basic', allocation_state: 'Enabled', dns1: null, dns2: null, internal_dns1: null, internal_dns2: null,
    guest_cidr: null, domain: null, local_storage_enabled: 0, security_groups_enabled: 0, type: 'Core', created: 1,
    removed: null }).execute();
  const id = randomUUID();
  await db.insertInto('volumes').values({ id, name: 'data', type: 'DATADISK', state: 'Ready', size: 1, vm_id: null,
    device_id: null, disk_offering_id: null, pool_id: null, account_id: accountId, domain_id: domainId, zone_id: zoneId,
    template_id: null, path: null, provisioning_type: 'thin', created: 1, attached: null, removed: null }).execute();
  return id;
}

