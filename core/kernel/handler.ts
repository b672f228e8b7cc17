// How command handlers are written. A handler receives the decoded, validated params of its declaration and
// the call context; it returns plain data in CloudStack's response shape and throws ApiError for failures.
import type { CommandDecl, ArgsOf } from '../contract/command';
import type { ItemOf, ObjectOf } from '../contract/responses';
import type { Services } from './services';
import type { Caller } from '../identity/caller';
import type { QueryTarget } from '../db/precompiled';

export interface CallContext {
  svc: Services;
  caller: Caller;
  command: string;
  /** Remote address of the HTTP client, for logs. */
  remote?: string;
  /** Id of the HTTP request (X-Request-Id), carried into the async job it submits; `svc.log` lines carry it. */
  requestId?: string;
}

/**
 * What list handlers return: total matches and the page of items (already formatted as API objects). A page too
 * big to hold at once (pagesize=-1, large pages) gives its first batch in `items` and the rest in `more`, batch by
 * batch, which the HTTP front writes to the socket as they come (api/stream.ts) and in-process callers collect.
 */
export interface ListResult<T = object> {
  count: number; items: T[]; more?: AsyncIterable<T[]>;
  /** The items' key when a parameter changes what they are (listLoadBalancerRuleInstances lbvmips=true: lbrulevmidip). */
  itemKey?: string;
}
/** Success-only commands may return nothing or a displaytext. */
export type SuccessResult = void | { displaytext?: string };

/** A handler's result, typed by its declaration's response (core/contract/responses.ts). */
export type SyncResult<D> = D extends { response: { kind: 'list' } } ? ListResult<ItemOf<D>>
  : D extends { response: { kind: 'success' } } ? SuccessResult
  : ObjectOf<D>;

/** What an async job puts in jobresult: the declared object, or nothing for success-only commands. */
export type JobResult<D> = D extends { response: { kind: 'object' } } ? ObjectOf<D>
  : D extends { response: { kind: 'success' } } ? void
  : object | void;

export type SyncHandler<D extends CommandDecl> =
  (ctx: CallContext, args: ArgsOf<D>) => Promise<SyncResult<D>> | SyncResult<D>;

/**
 * An async command runs in two halves. `prepare` runs inside the request: it validates, authorizes and reserves
 * (unknown ids -> 431, no permission -> 531, wrong state -> 431), and may create the entity row (deploy, create
 * volume) so its id can be answered. `execute` runs inside the job worker, possibly after a restart, with the
 * same args and the JSON payload prepare returned.
 */
export interface AsyncPlan<P = unknown> {
  /** Entity the job acts on (`jobinstancetype`/`jobinstanceid`). */
  instanceType: string;
  instanceId: string | null;
  /** For creates: the new entity id returned beside the jobid. */
  createdId?: string;
  /** Resource keys the job must hold exclusively while it runs (e.g. `vm:<id>`, `host:<id>`). */
  locks: string[];
  /** JSON-serializable data carried to execute (persisted with the job). */
  payload: P;
  /**
   * Rows the command creates before its job runs (a deploy's VM and volumes), written in the same transaction as
   * the job row: a crash leaves both (and recovery finishes the job) or neither (and the name stays free).
   */
  write?: (tx: QueryTarget) => Promise<void>;
  /** Runs once `write` is committed with the job (events about the new rows). */
  committed?: () => Promise<void>;
  /** The job's id when the caller must know it before the job row is written (the scheduler links a run to its
   *  job in `write`, in the same transaction); a new id by default. */
  jobId?: string;
}

export interface JobContext extends CallContext {
  jobId: string;
  /** Reports progress (`jobprocstatus`, 0..100). */
  progress(percent: number): Promise<void>;
}

export interface AsyncHandler<D extends CommandDecl, P = any> {
  prepare(ctx: CallContext, args: ArgsOf<D>): Promise<AsyncPlan<P>>;
  /** Returns the object put in jobresult under the command's response object name, or void for success. */
  execute(ctx: JobContext, args: ArgsOf<D>, payload: P): Promise<JobResult<D>>;
  /**
   * Called at start-up for jobs of this command that a crash interrupted. Reconcile the entity with what the
   * hypervisor reports and either finish (return a result) or throw an ApiError that fails the job. Default:
   * the job fails with "interrupted by a management server restart".
   */
  recover?(ctx: JobContext, args: ArgsOf<D>, payload: P): Promise<JobResult<D>>;
}

export type HandlerFor<D extends CommandDecl> = D extends { async: true } ? AsyncHandler<D> : SyncHandler<D>;

export type HandlersFor<T extends Record<string, CommandDecl>> = { [K in keyof T]: HandlerFor<T[K]> };

/** Binds handlers to a family of declarations; the compiler checks that every declared command is handled. */
export function implement<T extends Record<string, CommandDecl>>(decls: T, handlers: HandlersFor<T>) {
  return { decls, handlers } as { decls: T; handlers: HandlersFor<T> };
}
