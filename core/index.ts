// The core's public entry: createCore wires db -> identity -> drivers -> jobs -> orchestration -> api.
// Everything else receives its dependencies as parameters.
import { createSequences } from './db/sequences';
import { createInstanceNames } from './orchestration/vm/instance-names';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timeOrderedId } from './db/ids';
import { openDatabase } from './db/connect';
import { limitHeapGrowth } from './kernel/heap-growth';
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
import { createTemplateDownloaders, resumeDownloads } from './catalog/template-download';
import { computeModule, reconcileVms, reconcileLocalHosts, startStatsCollector } from './orchestration/vm/index';
import { storageModule } from './orchestration/storage/index';
import { startTemplateCopyCleanup, type TemplateCopyCleanup } from './orchestration/storage/template-copies';
import { createConsoleService, createConsoleModule, type ConsoleService } from './console/index';
import { AGENT_PATH, createAgentHub, createRemoteKvmDriver, isAgentUrl, type AgentHub, type AgentHubOptions } from './agent/index';
import type { Caller } from './identity/caller';
import { createMsRegistry, type MsRegistry, type MsRegistryOptions } from './cluster/ms-registry';
import { clusterModule } from './cluster/management-servers';
import { tagsModule } from './tags/index';
import { settingsModule } from './settings/index';
import { guestAccessModule } from './guest-access/index';
import { vmSnapshotModule } from './orchestration/vm-snapshot/index';
import { templateDeriveModule } from './catalog/template-derive-module';
import { extractRoute } from './catalog/template-extract';
import { vmRestoreModule } from './orchestration/vm/restore-module';
import { groupsModule } from './groups/index';
import { limitsModule } from './limits/index';
import { projectsModule } from './projects/index';
import { createCoreCaches } from './core-caches';
import { startMetrics, createMetricsModule, type Metrics, type MetricsOptions } from './metrics/index';
import { instrumentDispatcher } from './metrics/api-latency';
import { prometheusRoute } from './metrics/prometheus';
import { createForwardingRegistry } from './cluster/forwarding-drivers';
import { peerDriverRoute } from './cluster/peer-route';
import { createScheduler, type Scheduler, type SchedulerOptions } from './jobs/scheduler';
import { createSchedulesModule } from './jobs/schedule-commands';
import { maintenanceModule } from './hosts/maintenance-module';
import { rootAdminCaller } from './identity/root-admin';
import { createRouterMonitor, type RouterMonitor } from './network/router-monitor';
import { settingNumber } from './kernel/settings';
import { createHaMonitor, type HaMonitor } from './hosts/ha-monitor';
import { decodeRequest } from './api/request';
import { validateArgs } from './api/validate';
import { networkEdgeModule, networkModule, seedNetworkOfferings } from './network/index';

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
  /** Setting values of this server (names in kernel/settings.ts); a `configurations` row of the same name wins. */
  settings?: Record<string, string>;
  /** Crash tests only (testing/crash-server.ts): called just before a job row is written. */
  beforeJobRow?: (command: string) => void;
  /** Several management servers on one database: heartbeat, Down timeout, service address, and how often this
   *  server looks for cache changes made by the others (ms; default 1000). */
  cluster?: MsRegistryOptions & { cacheSyncMs?: number };
  /** Resource monitoring: sampling interval (0: tests tick it), tiers and retention. */
  metrics?: MetricsOptions;
  /** The job scheduler: tick interval (0: tests tick it), batch and concurrency bounds. */
  scheduler?: SchedulerOptions;
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
  /** This server's registration among the servers sharing the database (tests drive its heartbeat step). */
  cluster: Pick<MsRegistry, 'tick' | 'advertise'>;
  /** Removal of deleted templates' copies from primary storage (tests await its sweeps). */
  templateCopies: Pick<TemplateCopyCleanup, 'settled'>;
  /** Usage samples of VMs, hosts, volumes and pools (collector, store, rollups). */
  metrics: Metrics;
  /** POST /internal/cluster/driver: host commands other management servers forward here (startServer attaches it). */
  peerRoute: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** The scheduler of VM schedules, snapshot policies and scheduled tasks (tests tick it with a fake clock). */
  scheduler: Scheduler;
  /** Storage heartbeats and host failure recovery (tests drive its ticks and wait for its recoveries). */
  ha: Pick<HaMonitor, 'tick' | 'settled'>;
  /** The virtual routers' health check (tests run a round with tick). */
  routerCheck: Pick<RouterMonitor, 'tick'>;
  /** GET /metrics, the Prometheus export (startServer attaches it). */
  prometheus: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** extractTemplate's download URLs (catalog/template-extract.ts). */
  extract: (req: IncomingMessage, res: ServerResponse) => boolean;
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
  // A server keeps ~100,000s of objects live: V8's default heap growth left most of its RSS as garbage.
  limitHeapGrowth();
  mkdirSync(opts.dataDir, { recursive: true });
  const log = opts.log ?? createLogger();
  const clock = opts.clock ?? { now: () => Date.now() };
  const opened = await openDatabase(opts.db ?? join(opts.dataDir, 'strata.db'));
  const config: CoreConfig = {
    dataDir: opts.dataDir, msId: stableMsId(opts.dataDir), msName: hostname(), maxPageSize: 500,
    jobWorkers: opts.jobWorkers ?? 256, version: VERSION, settings: opts.settings, msDownAfterMs: opts.cluster?.downAfterMs,
  };
  // Time-ordered ids keep inserts at the right edge of every id b-tree (see db/ids.ts).
  const newId = timeOrderedId;
  const base = { db: opened.db, clock, newId, log, config };
  // Every cache of this core, owned here (nothing is cached per process: see README "State and caches").
  const caches = createCoreCaches(opened.db);
  // Local KVM hosts: this machine's QEMU, working in <dataDir>/qemu (see hypervisors/kvm-local.ts).
  const localKvm = createLocalKvm({ dataDir: opts.dataDir, log });
  const events = createEventLog(base);
  const identity = createIdentityService({ ...base, events, directory: caches.directory });
  // Remote KVM hosts (url agent://NAME) are served through their agents' links, whatever the local KVM driver is.
  const agents = createAgentHub({ ...opts.agents, services: () => svc });
  const localDrivers = createDriverRegistry([createSimulatorDriver({ now: () => clock.now() }), localKvm.driver],
    [{ prefix: 'agent://', driver: createRemoteKvmDriver(agents) }]);
  const svc = {
    db: opened.db, dbKind: opened.kind, instanceNames: createInstanceNames(opened.db, createSequences(opened.db)), clock, config, log, identity, events, newId,
    caches, templateDownloaders: createTemplateDownloaders(),
    // A host owned by another management server is acted on through that server (cluster/forwarding-drivers).
    drivers: createForwardingRegistry(localDrivers, () => svc),
    planner: createPlanner({ ...base, infra: caches.infraVersion }),
  } as Omit<Services, 'jobs'> as Services;
  svc.jobs = createJobManager({ ...base, events, services: () => svc, beforeJobRow: opts.beforeJobRow });
  const consoles = createConsoleService(svc, { uiDir: opts.uiDir });

  // Created before the registry (its list*Metrics commands read the store); its loops start with the others below.
  const metrics = startMetrics(svc, opts.metrics);
  let registry: Registry = new Map();
  registry = buildRegistry([
    createBaseModule(() => registry), jobsModule, eventsModule, identityModule, infrastructureModule,
    catalogModule, computeModule, storageModule, createConsoleModule(consoles), clusterModule, createMetricsModule(metrics, () => registry), tagsModule,
    // Scheduled tasks validate a command's parameters exactly as the API does when they are saved.
    createSchedulesModule((command, params) => {
      const r = [...registry.values()].find((x) => x.decl.name.toLowerCase() === command.toLowerCase());
      if (!r?.async) return null;
      return { decl: r.decl, args: validateArgs(r.decl, decodeRequest(new URLSearchParams(params).toString(), null), config.maxPageSize) };
    }),
    maintenanceModule,
    networkModule,
    settingsModule,
    guestAccessModule,
    projectsModule,
    networkEdgeModule,
    vmSnapshotModule, templateDeriveModule, vmRestoreModule,
    groupsModule,
    limitsModule,
  ]);
  svc.jobs.bind(asyncHandlers(registry));
  const scheduler = createScheduler(svc, () => registry, opts.scheduler);

  const { generatedPassword } = await identity.seed(opts.adminPassword);
  await seedCatalog(svc);
  await seedNetworkOfferings(opened.db, newId, clock.now());
  // KVM templates and ISOs are downloaded into the zones' image stores by this process.
  const kvmDownloader = createKvmDownloader(svc);
  const undoDownloader = svc.templateDownloaders.register('KVM', kvmDownloader);
  await reconcileVms(svc);
  await reconcileLocalHosts(svc, (h) => h.hypervisor === localKvm.driver.hypervisor && isLocalKvmUrl(h.url) && !isAgentUrl(h.url));
  await resumeDownloads(svc);
  await svc.jobs.start();
  // Registered (and owning the hosts nobody owns) once its jobs run, so that taking over a dead server's jobs works.
  // On MySQL the heartbeat has a connection of its own: jobs filling the pool must not make this server look dead.
  const beatDb = opened.kind === 'mysql' ? await openDatabase(opts.db!, { poolSize: 1, migrate: false }) : undefined;
  const msRegistry = createMsRegistry(svc, { ...opts.cluster, heartbeatDb: beatDb?.db });
  await msRegistry.start();
  const sharedCaches = caches.shared;
  await sharedCaches.start(opts.cluster?.cacheSyncMs ?? 1_000);
  const templateCopies = startTemplateCopyCleanup(svc);
  const vmStats = startStatsCollector(svc);
  metrics.start();
  await scheduler.start();
  const monitor = createHostMonitor(svc, { intervalMs: opts.hostPingIntervalMs ?? 30_000 });
  if ((opts.hostPingIntervalMs ?? 30_000) > 0) monitor.start();
  // Storage heartbeats and the investigation of hosts whose link is gone: every 5 s at most, so a dead host's HA VMs
  // run again within about kvm.heartbeat.timeout + 5 s + a start (0 disables it, as it does the host monitor).
  const ha = createHaMonitor(svc, { intervalMs: Math.min(opts.hostPingIntervalMs ?? 30_000, 5_000) });
  ha.start();
  // Virtual routers on KVM hosts: a crashed one is restarted (router-monitor.ts); off with the host monitor.
  const routerCheck = createRouterMonitor(svc, { intervalMs: (opts.hostPingIntervalMs ?? 30_000) > 0 ? 1000 * await settingNumber(svc, 'router.check.interval') : 0 });
  routerCheck.start();

  // API requests are timed by command for /metrics.
  const { dispatcher, latency } = instrumentDispatcher(createDispatcher(svc, registry), (c) => registry.has(c));
  let adminCaller: Caller | undefined;
  return {
    svc, registry, dispatcher, generatedAdminPassword: generatedPassword, consoles, agents, qemu: localKvm.qemu, templateCopies,
    cluster: msRegistry, metrics, scheduler, ha, routerCheck,
    prometheus: prometheusRoute(svc, metrics, latency),
    extract: extractRoute(svc),
    peerRoute: peerDriverRoute(svc, localDrivers),
    admin: async () => (adminCaller ??= await rootAdminCaller(svc)),
    stop: async () => {
      await consoles.close();
      monitor.stop();
      await ha.stop();
      await routerCheck.stop();
      vmStats.stop();
      await scheduler.stop();
      await metrics.stop();
      await svc.jobs.stop(10_000);
      await msRegistry.stop().catch((e: Error) => log.warn(`could not record this server as stopped: ${e.message}`));
      await beatDb?.close();
      await sharedCaches.stop();
      await templateCopies.stop();
      await agents.close();
      await kvmDownloader.stop();
      undoDownloader();
      for (const h of svc.drivers.supported()) await svc.drivers.get(h).shutdown();
      await opened.close();
    },
  };
}

export async function startServer(core: Core, opts: ServerOptions = {}): Promise<RunningServer> {
  const consoleRoutes = core.consoles.routes();
  const server = await startHttpServer(core.dispatcher, {
    ...opts,
    extraRoutes: (req, res) => consoleRoutes.http(req, res) || core.prometheus(req, res) || core.peerRoute(req, res) || core.extract(req, res) ||
      (opts.extraRoutes?.(req, res) ?? false),
    upgradeRoutes: { ...opts.upgradeRoutes, ...consoleRoutes.upgrade,
      [AGENT_PATH]: (req, socket, head) => { core.agents.handleUpgrade(req, socket, head); } },
    onStreamError: opts.onStreamError ?? ((e) => core.svc.log.error('streamed list answer failed; connection cut',
      { error: e instanceof Error ? e.stack : String(e) })),
  });
  core.consoles.setPublicUrl(server.url);
  // Where the other management servers send the commands for this server's hosts.
  await core.cluster.advertise(server);
  // Consoles get a clean close frame (1001) before the server drops every connection.
  return { ...server, close: async () => { await core.consoles.disconnectAll(); await server.close(); } };
}

export type { Services, RunningServer };
