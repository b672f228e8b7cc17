// The services the composition root (createCore) wires and hands to every handler. Each is an interface so tests
// can substitute a fake clock or a temp database.
import type { Db, DbKind } from '../db/connect';
import type { DriverRegistry } from '../hypervisors/driver';
import type { Caller } from '../identity/caller';
import type { CommandDecl } from '../contract/command';
import type { CallContext, AsyncHandler, AsyncPlan } from './handler';
import type { InstanceNames } from '../orchestration/vm/instance-names';
import type { SharedCaches } from '../db/shared-caches';
import type { Directory } from '../identity/directory';
import type { OsTypes } from '../catalog/os-types';
import type { ImageFiles } from '../catalog/image-files';
import type { TemplateDownloaders } from '../catalog/template-download';
import type { InfraFacts } from '../orchestration/vm/infra';
import type { VmStatsCache } from '../orchestration/vm/stats-cache';
import type { InfraVersion } from '../hosts/host-index';

export interface Clock { now(): number }

export interface CoreConfig {
  /** Data folder (database file, simulator state, image stores of the local lab). */
  dataDir: string;
  /** This management server's id (jobs record it; several servers may share one MySQL database). */
  msId: string;
  msName: string;
  /** CloudStack's default.page.size: max and default page size. */
  maxPageSize: number;
  /** Async job workers running at once. */
  jobWorkers: number;
  /** Version reported by listCapabilities. */
  version: string;
  /** Setting values of this server (kernel/settings.ts); a `configurations` row of the same name wins. */
  settings?: Record<string, string>;
  /** Several management servers: silence after which another server is Down (default 30 s). */
  msDownAfterMs?: number;
}

/** Levelled, structured logging (pino behind it, see logger.ts); secrets in msg and extra are redacted. */
export interface Logger {
  /** Optional so a hand-made logger (tests) may leave it out. */
  debug?(msg: string, extra?: object): void;
  info(msg: string, extra?: object): void;
  warn(msg: string, extra?: object): void;
  error(msg: string, extra?: object): void;
  /** A logger whose every line also carries `bindings` (e.g. the request id and job id). */
  child?(bindings: Record<string, string | number>): Logger;
}

/** Ownership filter for list commands: what rows of account-owned resources the caller may see. */
export type ListScope =
  /** exceptAccounts: project accounts, whose rows only a projectid (or an id) lists. */
  | { kind: 'all'; exceptAccounts?: string[] }
  | { kind: 'account'; accountId: string }
  /** projectid=-1: the accounts of every project the caller may see. */
  | { kind: 'accounts'; accountIds: string[] }
  | { kind: 'domains'; domainIds: string[]; exceptAccounts?: string[] };

/** An account's names for responses; a PROJECT account's project rather than its hidden name. */
export interface AccountInfo { name: string; domainId: string; domainName: string; domainPath: string; project?: { id: string; name: string } }

/** The owner a new resource is created for (caller's own account, or `account`+`domainid` given by an admin). */
export interface Owner { accountId: string; domainId: string; userId: string; accountName: string }

export interface IdentityService {
  /** First start: ROOT domain, built-in roles, the admin account. Returns the generated password, if any. */
  seed(adminPassword?: string): Promise<{ generatedPassword?: string }>;
  /** The user behind an API key with the secret to verify the signature, or null for an unknown key. */
  byApiKey(apiKey: string): Promise<{ caller: Caller; secretKey: string; active: boolean } | null>;
  /**
   * Checks the password; throws ApiError 531 with CloudStack's text on failure. Returns a new session key.
   * `from` (the client address) is throttled after repeated failures; users are locked after too many.
   */
  login(username: string, password: string, domain: { path?: string; id?: string }, from?: string): Promise<{ caller: Caller; sessionKey: string }>;
  bySession(sessionKey: string): Promise<Caller | null>;
  /** The caller a user acts as now, or null when the user, its account or its domain is disabled, locked or gone
   *  (the scheduler runs a schedule as its owner, with the owner's rights at the time of the run). */
  byUserId(userId: string): Promise<Caller | null>;
  logout(sessionKey: string): Promise<void>;
  /** Role rules, then the command's default authorization. Fast: role permissions are cached. */
  isAllowed(caller: Caller, decl: CommandDecl): Promise<boolean>;
  /** Applies listall/domainid/isrecursive/account/projectid for a list command; 531 for a foreign domain. */
  listScope(caller: Caller, args: { account?: string; domainid?: string; isrecursive?: boolean; listall?: boolean; projectid?: string; id?: string }): Promise<ListScope>;
  /** Resolves the owner for create commands; 531 when the caller may not act for that account. */
  resolveOwner(caller: Caller, args: { account?: string; domainid?: string; projectid?: string }): Promise<Owner>;
  /** Throws 531 unless the caller may act on a resource owned by (accountId, domainId). */
  checkAccess(caller: Caller, owner: { accountId: string; domainId: string }): Promise<void>;
  /** Names for formatting: account name, domain name and path ('ROOT/Child'). Cached. */
  accountInfo(accountId: string): Promise<AccountInfo>;
  domainInfo(domainId: string): Promise<{ name: string; path: string }>;
}

export interface EventInput {
  type: string;
  description: string;
  level?: 'INFO' | 'WARN' | 'ERROR';
  state?: 'Created' | 'Scheduled' | 'Started' | 'Completed';
  resourceId?: string | null;
  resourceType?: string | null;
  resourceName?: string | null;
  parentId?: string | null;
  /** Who acted / owns: defaults to nothing (system). */
  userId?: string | null;
  accountId?: string | null;
  domainId?: string | null;
}

export interface EventLog {
  /** Records an action event (listEvents) and tells subscribers. Returns its id. */
  record(e: EventInput): Promise<string>;
  /** Alerts (listAlerts): type is CloudStack's alert type number. */
  alert(a: { type: number; name: string; description: string; zoneId?: string | null; podId?: string | null; clusterId?: string | null }): Promise<void>;
  /** Live notifications: events, job updates, state changes. Returns the disposer. */
  subscribe(fn: (n: Notification) => void): () => void;
  /** For modules that change state without an event row (job progress). */
  notify(n: Notification): void;
}

export type Notification =
  | { kind: 'event'; event: EventInput & { id: string; created: number } }
  | { kind: 'job'; jobId: string; status: number; progress: number; command: string; instanceType: string | null; instanceId: string | null; accountId: string }
  | { kind: 'state'; resourceType: string; resourceId: string; state: string }
  /** A schedule row was written with this next run: wakes this server's scheduler if it sleeps past it. */
  | { kind: 'schedule'; scheduleId: string; nextRun: number };

export interface JobManager {
  /** Persists the job and queues it; returns the job id. */
  submit(ctx: CallContext, decl: CommandDecl, args: object, plan: AsyncPlan): Promise<string>;
  /** Resolves when the job finished (tests, bench, CLI wait), with its status: 1 succeeded, 2 failed (0: finished
   *  but its outcome could not be recorded). */
  waitFor(jobId: string): Promise<number>;
  /** Reconciles jobs a crash interrupted, then starts the workers. */
  start(): Promise<void>;
  /** Stops taking jobs; waits for running ones up to the timeout. */
  stop(timeoutMs?: number): Promise<void>;
  /** Takes the unfinished jobs of a management server that is Down and reconciles them as after a restart;
   *  returns how many it took. */
  adopt(deadMsId: string): Promise<number>;
  /** Handlers of async commands, by command name (set by the registry). */
  bind(handlers: Map<string, { decl: CommandDecl; handler: AsyncHandler<CommandDecl> }>): void;
}

/** Picks host and storage for a VM. */
export interface DeploymentRequest {
  zoneId: string;
  cpuNumber: number;
  cpuSpeed: number;
  memoryMb: number;
  hypervisor?: string | null;
  hostTags: string[];
  storageTags: string[];
  rootDiskBytes: number;
  /** Admin placement narrowing. */
  podId?: string | null;
  clusterId?: string | null;
  hostId?: string | null;
  /** Tried first (a stopped VM's last host). */
  preferHostId?: string | null;
  avoidHostIds?: string[];
}

export interface DeploymentPlan {
  podId: string; clusterId: string; hostId: string; poolId: string;
  /** The host's name when the planner knows it (the deploy's answer shows it without reading the host again). */
  hostName?: string;
}

export interface DeploymentPlanner {
  /** Chooses a destination and reserves its CPU and memory atomically; 533 ApiError when nothing fits. */
  planAndReserve(req: DeploymentRequest): Promise<DeploymentPlan>;
  /** Returns reserved CPU (MHz and cores) and memory to a host (VM stopped, destroyed, moved). */
  release(hostId: string, cpuMhz: number, memoryBytes: number, cores: number): Promise<void>;
  /** Reserves on a given host (start on last host, migration target); false when it does not fit. */
  reserveOn(hostId: string, cpuMhz: number, memoryBytes: number, cores: number): Promise<boolean>;
}

export interface Services {
  db: Db;
  dbKind: DbKind;
  clock: Clock;
  config: CoreConfig;
  log: Logger;
  identity: IdentityService;
  events: EventLog;
  jobs: JobManager;
  drivers: DriverRegistry;
  planner: DeploymentPlanner;
  /** Instance names (i-<account>-<n>-VM) drawn from a database sequence: unique across management servers. */
  instanceNames: InstanceNames;
  /** This core's caches (core-caches.ts); each says how it is invalidated. */
  caches: CoreCaches;
  /** Template downloaders by hypervisor, this core's own. */
  templateDownloaders: TemplateDownloaders;
  newId(): string;
}

/**
 * Every cache of a core, made by createCore (createCoreCaches) and reached only through the services: nothing is
 * kept per process, so two cores in one process share nothing but the database, exactly as two servers do.
 */
export interface CoreCaches {
  /** Cross-server invalidation (cache_generations): the families below register with it. */
  shared: SharedCaches;
  /** Identity views and sessions ('identity'). */
  directory: Directory;
  /** Guest OS types ('os_types'). */
  osTypes: OsTypes;
  /** Template and ISO files per image and zone ('image_files'). */
  imageFiles: ImageFiles;
  /** The version the planner's zone views are checked against ('infrastructure'). */
  infraVersion: InfraVersion;
  /** Host and pool facts that never change for an id (no invalidation). */
  infraFacts: InfraFacts;
  /** KVM VM usage figures, refreshed by this core's collector. */
  vmStats: VmStatsCache;
}
