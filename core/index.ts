// The core's public entry: createCore wires db -> identity -> drivers -> jobs -> orchestration -> api.
// Everything else receives its dependencies as parameters.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { openDatabase } from './db/connect';
import type { Services, CoreConfig, Clock, Logger } from './services';
import { createLogger } from './logger';
import { buildRegistry, asyncHandlers, type Registry } from './api/registry';
import { createDispatcher, type Dispatcher } from './api/dispatcher';
import { startHttpServer, type RunningServer, type ServerOptions } from './api/http-server';
import { createBaseModule } from './api/base-handlers';
import { createIdentityService } from './identity/identity-service';
import { identityModule } from './identity/index';
import { createEventLog } from './events/event-log';
import { eventsModule } from './events/index';
import { createJobManager } from './jobs/job-manager';
import { jobsModule } from './jobs/index';
import { createDriverRegistry } from './hypervisors/registry';
import { createSimulatorDriver } from './hypervisors/simulator/index';
import { createPlanner } from './orchestration/planner';
import { infrastructureModule, createHostMonitor } from './infrastructure/index';
import { catalogModule, seedCatalog } from './catalog/index';
import { computeModule, reconcileVms } from './orchestration/vm/index';
import { storageModule } from './orchestration/storage/index';
import type { Caller } from './identity/caller';

export const VERSION = '4.20.0.0-strata';

export interface CoreOptions {
  dataDir: string;
  /** Database URL; default sqlite file in dataDir. */
  db?: string;
  adminPassword?: string;
  clock?: Clock;
  log?: Logger;
  jobWorkers?: number;
  /** Host monitor ping interval; 0 disables it (tests drive ticks themselves). */
  hostPingIntervalMs?: number;
}

export interface Core {
  svc: Services;
  registry: Registry;
  dispatcher: Dispatcher;
  /** The root admin, for in-process calls (demo seeding, benchmarks). */
  admin(): Promise<Caller>;
  /** Password generated on first start when none was given (print it once). */
  generatedAdminPassword?: string;
  stop(): Promise<void>;
}

function stableMsId(dataDir: string): string {
  const file = join(dataDir, 'management-server-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(file, id + '\n');
  return id;
}

export async function createCore(opts: CoreOptions): Promise<Core> {
  mkdirSync(opts.dataDir, { recursive: true });
  const log = opts.log ?? createLogger();
  const clock = opts.clock ?? { now: () => Date.now() };
  const opened = await openDatabase(opts.db ?? join(opts.dataDir, 'strata.db'));
  const config: CoreConfig = {
    dataDir: opts.dataDir, msId: stableMsId(opts.dataDir), msName: hostname(), maxPageSize: 500,
    jobWorkers: opts.jobWorkers ?? 256, version: VERSION,
  };
  const newId = () => randomUUID();
  const base = { db: opened.db, clock, newId, log, config };
  const identity = createIdentityService(base);
  const events = createEventLog(base);
  const svc = {
    db: opened.db, dbKind: opened.kind, clock, config, log, identity, events, newId,
    drivers: createDriverRegistry([createSimulatorDriver()]),
    planner: createPlanner(base),
  } as Omit<Services, 'jobs'> as Services;
  svc.jobs = createJobManager({ ...base, events, services: () => svc });

  let registry: Registry = new Map();
  registry = buildRegistry([
    createBaseModule(() => registry), jobsModule, eventsModule, identityModule, infrastructureModule,
    catalogModule, computeModule, storageModule,
  ]);
  svc.jobs.bind(asyncHandlers(registry));

  const { generatedPassword } = await identity.seed(opts.adminPassword);
  await seedCatalog(opened.db, newId, clock);
  await reconcileVms(svc);
  await svc.jobs.start();
  const monitor = createHostMonitor(svc, { intervalMs: opts.hostPingIntervalMs ?? 30_000 });
  if ((opts.hostPingIntervalMs ?? 30_000) > 0) monitor.start();

  const dispatcher = createDispatcher(svc, registry);
  let adminCaller: Caller | undefined;
  return {
    svc, registry, dispatcher, generatedAdminPassword: generatedPassword,
    admin: async () => (adminCaller ??= await rootAdminCaller(svc)),
    stop: async () => {
      monitor.stop();
      await svc.jobs.stop(10_000);
      for (const h of svc.drivers.supported()) await svc.drivers.get(h).shutdown();
      await opened.close();
    },
  };
}

async function rootAdminCaller(svc: Services): Promise<Caller> {
  const u = await svc.db.selectFrom('users').innerJoin('accounts', 'accounts.id', 'users.account_id')
    .innerJoin('roles', 'roles.id', 'accounts.role_id').innerJoin('domains', 'domains.id', 'accounts.domain_id')
    .select(['users.id as userId', 'users.username', 'accounts.id as accountId', 'accounts.name as accountName',
      'accounts.type', 'roles.id as roleId', 'roles.type as roleType', 'domains.id as domainId', 'domains.path'])
    .where('accounts.type', '=', 1).where('users.removed', 'is', null).orderBy('users.created').executeTakeFirstOrThrow();
  return { userId: u.userId, username: u.username, accountId: u.accountId, accountName: u.accountName,
    accountType: u.type, roleId: u.roleId, roleType: u.roleType as Caller['roleType'], domainId: u.domainId, domainPath: u.path };
}

export async function startServer(core: Core, opts: ServerOptions = {}): Promise<RunningServer> {
  return startHttpServer(core.dispatcher, opts);
}

export type { Services, RunningServer };
