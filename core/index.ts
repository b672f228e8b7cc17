// The core's public entry: createCore wires db -> identity -> drivers -> jobs -> orchestration -> api.
// Everything else receives its dependencies as parameters.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { timeOrderedId } from './db/ids';
import { openDatabase } from './db/connect';
import type { Services, CoreConfig, Clock, Logger } from './kernel/services';
import { createLogger } from './kernel/logger';
import { buildRegistry, asyncHandlers, type Registry } from './kernel/registry';
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
import { createLocalKvm, isLocalKvmUrl } from './hypervisors/kvm-local';
import type { QemuDriver } from './hypervisors/qemu/qemu-driver';
import { createPlanner } from './orchestration/planner';
import { infrastructureModule, createHostMonitor } from './infrastructure/index';
import { catalogModule, seedCatalog } from './catalog/index';
import { createKvmDownloader } from './catalog/kvm-downloader';
import { registerTemplateDownloader, resumeDownloads } from './catalog/template-download';
import { computeModule, reconcileVms, reconcileLocalHosts, startStatsCollector } from './orchestration/vm/index';
import { storageModule } from './orchestration/storage/index';
import { startTemplateCopyCleanup, type TemplateCopyCleanup } from './orchestration/storage/template-copies';
import { createConsoleService, createConsoleModule, type ConsoleService } from './console/index';
import { AGENT_PATH, createAgentHub, createRemoteKvmDriver, isAgentUrl, type AgentHub, type AgentHubOptions } from './agent/index';
import type { Caller } from './identity/caller';

export const VERSION = '4.20.0.0-strata';

export interface CoreOptions {
  dataDir: string;
  /** The built console (dist/renderer); its console.html is the page at createConsoleEndpoint's url. */
  uiDir?: string;
  /** Database URL; default sqlite file in dataDir. */
  db?: string;
  adminPassword?: string;
  clock?: Clock;
  log?: Logger;
  jobWorkers?: number;
  /** Host monitor ping interval; 0 disables it (tests drive ticks themselves). */
  hostPingIntervalMs?: number;
  /** Timing of the links of `strata agent` hosts (heartbeat, retry window); defaults suit production. */
  agents?: Omit<AgentHubOptions, 'services'>;
}

export interface Core {
  svc: Services;
  registry: Registry;
  dispatcher: Dispatcher;
  /** The root admin, for in-process calls (demo seeding, benchmarks). */
  admin(): Promise<Caller>;
  /** Password generated on first start when none was given (print it once). */
  generatedAdminPassword?: string;
  /** The QEMU driver of local KVM hosts, or null when QEMU is not installed (tests read VM pids through it). */
  qemu: QemuDriver | null;
  /** Console tokens and the console proxy (startServer attaches its routes). */
  consoles: ConsoleService;
  /** Links of `strata agent` hosts (startServer attaches its WebSocket endpoint). */
  agents: AgentHub;
  /** Removal of deleted templates' copies from primary storage (tests await its sweeps). */
  templateCopies: Pick<TemplateCopyCleanup, 'settled'>;
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
  // Time-ordered ids keep inserts at the right edge of every id b-tree (see db/ids.ts).
  const newId = timeOrderedId;
  const base = { db: opened.db, clock, newId, log, config };
  // Local KVM hosts: this machine's QEMU, working in <dataDir>/qemu (see hypervisors/kvm-local.ts).
  const localKvm = createLocalKvm({ dataDir: opts.dataDir, log });
  const identity = createIdentityService(base);
  const events = createEventLog(base);
  // Remote KVM hosts (url agent://NAME) are served through their agents' links, whatever the local KVM driver is.
  const agents = createAgentHub({ ...opts.agents, services: () => svc });
  const svc = {
    db: opened.db, dbKind: opened.kind, clock, config, log, identity, events, newId,
    drivers: createDriverRegistry([createSimulatorDriver(), localKvm.driver], [{ prefix: 'agent://', driver: createRemoteKvmDriver(agents) }]),
    planner: createPlanner(base),
  } as Omit<Services, 'jobs'> as Services;
  svc.jobs = createJobManager({ ...base, events, services: () => svc });
  const consoles = createConsoleService(svc, { uiDir: opts.uiDir });

  let registry: Registry = new Map();
  registry = buildRegistry([
    createBaseModule(() => registry), jobsModule, eventsModule, identityModule, infrastructureModule,
    catalogModule, computeModule, storageModule, createConsoleModule(consoles),
  ]);
  svc.jobs.bind(asyncHandlers(registry));

  const { generatedPassword } = await identity.seed(opts.adminPassword);
  await seedCatalog(opened.db, newId, clock);
  // KVM templates and ISOs are downloaded into the zones' image stores by this process.
  const kvmDownloader = createKvmDownloader(svc);
  const undoDownloader = registerTemplateDownloader('KVM', kvmDownloader);
  await reconcileVms(svc);
  await reconcileLocalHosts(svc, (h) => h.hypervisor === localKvm.driver.hypervisor && isLocalKvmUrl(h.url) && !isAgentUrl(h.url));
  await resumeDownloads(svc);
  await svc.jobs.start();
  const templateCopies = startTemplateCopyCleanup(svc);
  const vmStats = startStatsCollector(svc);
  const monitor = createHostMonitor(svc, { intervalMs: opts.hostPingIntervalMs ?? 30_000 });
  if ((opts.hostPingIntervalMs ?? 30_000) > 0) monitor.start();

  const dispatcher = createDispatcher(svc, registry);
  let adminCaller: Caller | undefined;
  return {
    svc, registry, dispatcher, generatedAdminPassword: generatedPassword, consoles, agents, qemu: localKvm.qemu, templateCopies,
    admin: async () => (adminCaller ??= await rootAdminCaller(svc)),
    stop: async () => {
      await consoles.close();
      monitor.stop();
      vmStats.stop();
      await svc.jobs.stop(10_000);
      await templateCopies.stop();
      await agents.close();
      await kvmDownloader.stop();
      undoDownloader();
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
  const consoleRoutes = core.consoles.routes();
  const server = await startHttpServer(core.dispatcher, {
    ...opts,
    extraRoutes: (req, res) => consoleRoutes.http(req, res) || (opts.extraRoutes?.(req, res) ?? false),
    upgradeRoutes: { ...opts.upgradeRoutes, ...consoleRoutes.upgrade,
      [AGENT_PATH]: (req, socket, head) => { core.agents.handleUpgrade(req, socket, head); } },
    onStreamError: opts.onStreamError ?? ((e) => core.svc.log.error('streamed list answer failed; connection cut',
      { error: e instanceof Error ? e.stack : String(e) })),
  });
  core.consoles.setPublicUrl(server.url);
  // Consoles get a clean close frame (1001) before the server drops every connection.
  return { ...server, close: async () => { await core.consoles.disconnectAll(); await server.close(); } };
}

export type { Services, RunningServer };
