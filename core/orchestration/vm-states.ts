// The VM state machine (reference section 6.1) and the one function every VM state change goes through.
// The table is CloudStack's (VirtualMachine.State / Event). changeVmState updates the row only while it is still
// in the state the caller saw (WHERE state = <from>), so two changes racing on one VM are detected instead of
// silently overwriting each other; then it announces the change and records the action event.
import type { Kysely } from 'kysely';
import type { Database, VmTable } from '../db/schema';
import type { EventInput, Services } from '../kernel/services';
import { ApiError, invalidParam } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import { precompiled, precompiledUpdate } from '../db/precompiled';

export const VM_STATES = ['Starting', 'Running', 'Stopping', 'Stopped', 'Migrating', 'Destroyed', 'Expunging',
  'Error', 'Unknown', 'Shutdown', 'Restoring'] as const;
export type VmState = (typeof VM_STATES)[number];

export type VmEvent = 'StartRequested' | 'OperationSucceeded' | 'OperationFailed' | 'StopRequested' |
  'DestroyRequested' | 'RecoveryRequested' | 'ExpungeOperation' | 'MigrationRequested' | 'AgentReportRunning' |
  'AgentReportStopped' | 'OperationFailedToError';

/** Transitional states: a VM must never stay in one without a job working on it. */
export const TRANSITIONAL: ReadonlySet<string> = new Set(['Starting', 'Stopping', 'Migrating', 'Expunging', 'Restoring']);

const power = { AgentReportRunning: 'Running', AgentReportStopped: 'Stopped' } as const;

const TABLE: Record<VmState, Partial<Record<VmEvent, VmState>>> = {
  Stopped: { StartRequested: 'Starting', DestroyRequested: 'Destroyed', ExpungeOperation: 'Expunging',
    OperationFailedToError: 'Error', ...power },
  Starting: { OperationSucceeded: 'Running', OperationFailed: 'Stopped', ...power },
  Running: { StopRequested: 'Stopping', MigrationRequested: 'Migrating', ...power },
  Stopping: { OperationSucceeded: 'Stopped', OperationFailed: 'Running', ...power },
  Migrating: { OperationSucceeded: 'Running', OperationFailed: 'Running', ...power },
  Destroyed: { RecoveryRequested: 'Stopped', ExpungeOperation: 'Expunging' },
  // The row is marked removed by a last Expunging -> Expunging step; CloudStack has no "Expunged" VM state.
  Expunging: { ExpungeOperation: 'Expunging', OperationSucceeded: 'Expunging', OperationFailed: 'Expunging' },
  Error: { DestroyRequested: 'Expunging', ExpungeOperation: 'Expunging' },
  Unknown: { ...power },
  Shutdown: { StartRequested: 'Starting', DestroyRequested: 'Destroyed', ...power },
  Restoring: { OperationSucceeded: 'Stopped', OperationFailed: 'Stopped' },
};

const ACTION: Partial<Record<VmEvent, string>> = {
  StartRequested: 'start', StopRequested: 'stop', DestroyRequested: 'destroy', RecoveryRequested: 'recover',
  ExpungeOperation: 'expunge', MigrationRequested: 'migrate',
};

export const actionOf = (event: VmEvent) => ACTION[event] ?? 'change the state of';

/** The state `event` leads to from `from`, or undefined when the machine does not allow it. */
export function nextVmState(from: string, event: VmEvent): VmState | undefined {
  return TABLE[from as VmState]?.[event];
}

/** The target state, or 431 "Unable to <action> VM <name>: it is <state>". */
export function transitionVm(from: string, event: VmEvent, name = ''): VmState {
  const to = nextVmState(from, event);
  if (to === undefined) throw invalidParam(`Unable to ${actionOf(event)} ${name ? `VM ${name}` : 'the VM'}: it is ${from}`);
  return to;
}

/** The event type and verb of an operation that ends by leaving `from`. */
const VERB: Partial<Record<VmState, [string, string]>> = {
  Starting: ['VM.START', 'start'], Stopping: ['VM.STOP', 'stop'], Migrating: ['VM.MIGRATE', 'migrate'],
  Expunging: ['VM.EXPUNGE', 'expunge'], Restoring: ['VM.RESTORE', 'restore'],
};

/** What a VM state change writes to the event log (CloudStack's action event types). */
function eventFor(from: VmState, to: VmState, event: VmEvent, name: string, reason?: string):
  Pick<EventInput, 'type' | 'state' | 'level' | 'description'> {
  const why = reason ? `: ${reason}` : '';
  switch (event) {
    case 'StartRequested': return { type: 'VM.START', state: 'Started', description: `Starting VM ${name}` };
    case 'StopRequested': return { type: 'VM.STOP', state: 'Started', description: `Stopping VM ${name}` };
    case 'MigrationRequested': return { type: 'VM.MIGRATE', state: 'Started', description: `Migrating VM ${name}` };
    case 'ExpungeOperation':
      return from === 'Expunging'
        ? { type: 'VM.EXPUNGE', state: 'Completed', description: `Expunged VM ${name}` }
        : { type: 'VM.EXPUNGE', state: 'Started', description: `Expunging VM ${name}` };
    case 'DestroyRequested': return { type: 'VM.DESTROY', state: 'Completed', description: `Destroyed VM ${name}` };
    case 'RecoveryRequested': return { type: 'VM.RECOVER', state: 'Completed', description: `Recovered VM ${name}` };
    case 'OperationFailedToError':
      return { type: 'VM.CREATE', state: 'Completed', level: 'ERROR', description: `Failed to create VM ${name}${why}` };
    case 'AgentReportRunning':
      return { type: 'VM.START', state: 'Completed', level: 'WARN', description: `VM ${name} is running (reported by its host)${why}` };
    case 'AgentReportStopped':
      return { type: 'VM.STOP', state: 'Completed', level: 'WARN', description: `VM ${name} is stopped (reported by its host)${why}` };
    case 'OperationSucceeded': {
      const [type, v] = VERB[from] ?? ['VM.UPDATE', 'update'];
      return { type, state: 'Completed', description: `VM ${name}: ${v} succeeded${to !== from ? `, now ${to}` : ''}` };
    }
    case 'OperationFailed': {
      const [type, v] = VERB[from] ?? ['VM.UPDATE', 'update'];
      return { type, state: 'Completed', level: 'ERROR', description: `Failed to ${v} VM ${name}${why}` };
    }
  }
}

/** The columns changeVmState needs; it updates `state` (and the patched columns) of this object in place. */
export type VmStateRef = Pick<VmTable, 'id' | 'name' | 'state' | 'account_id' | 'domain_id'> & Partial<VmTable>;

export interface VmChangeOptions {
  /** Other columns written in the same conditional update (host, pod, cluster, last host, removed, ...). */
  patch?: Partial<Omit<VmTable, 'id' | 'state'>>;
  /** Related writes (volumes, pools) committed in one transaction with the state change. */
  also?: (db: Kysely<Database>) => Promise<void>;
  /** Who acted (the job's user); system when absent. */
  userId?: string | null;
  /** Appended to the event description (failures). */
  reason?: string;
}

export const concurrentChange = (what: string, name: string, action: string, now: string | undefined) =>
  new ApiError(ErrorCode.InternalError,
    `Unable to ${action} ${what} ${name}: its state changed to ${now ?? 'removed'} while the operation was running`,
    CsErrorCode.ConcurrentOperation);

// The statements of every VM state change, compiled once (see db/precompiled).
const updateVmInState = precompiledUpdate('vms', (qb, w: { id: string; state: string }) =>
  qb.where('id', '=', w.id).where('state', '=', w.state).where('removed', 'is', null));
const liveVmState = precompiled((db, p: { id: string }) =>
  db.selectFrom('vms').select('state').where('id', '=', p.id).where('removed', 'is', null));

// No object spread below: on this Node (V8 11.3) an object spread (`{ ...a, b }`) followed by a property the source
// lacks gives every object it makes a hidden class of its own once the code is optimized, about 2-15 us each and
// a megamorphic object for every reader after it; a deploy made seven such objects. Literals and plain stores do not.

/** The columns a state change writes: the patch, the new state and the time. */
function patched(patch: VmChangeOptions['patch'], state: VmState, updated: number): Partial<VmTable> {
  const set: Partial<VmTable> = {};
  if (patch) for (const k in patch) (set as Record<string, unknown>)[k] = (patch as Record<string, unknown>)[k];
  set.state = state;
  set.updated = updated;
  return set;
}

/** A VM's action event as the event log takes it. */
function vmEventInput(vm: Pick<VmTable, 'id' | 'name' | 'account_id' | 'domain_id'>,
  e: Pick<EventInput, 'type' | 'description' | 'state' | 'level'>, userId: string | null | undefined): EventInput {
  return { type: e.type, description: e.description, level: e.level, state: e.state, resourceId: vm.id,
    resourceType: 'VirtualMachine', resourceName: vm.name, accountId: vm.account_id, domainId: vm.domain_id,
    userId: userId ?? null };
}

/**
 * Moves a VM from its current state (vm.state) by `event`: checks the machine, updates the row only if it is still
 * in that state, runs `also` in the same transaction, then notifies subscribers and records the action event.
 * Throws 431 for a transition the machine forbids and 530 (ConcurrentOperation) when the row changed meanwhile.
 */
export async function changeVmState(svc: Services, vm: VmStateRef, event: VmEvent, opts: VmChangeOptions = {}): Promise<VmState> {
  const from = vm.state as VmState;
  const to = transitionVm(from, event, vm.name);
  const set = patched(opts.patch, to, svc.clock.now());
  const write = async (db: Kysely<Database>) => {
    if ((await updateVmInState(db, set, { id: vm.id, state: from })) !== 1) return false;
    if (opts.also) await opts.also(db);
    return true;
  };
  const ok = opts.also ? await svc.db.transaction().execute(write) : await write(svc.db);
  if (!ok) {
    const now = await liveVmState.first(svc.db, { id: vm.id });
    throw concurrentChange('VM', vm.name, actionOf(event), now?.state);
  }
  Object.assign(vm, set);
  svc.events.notify({ kind: 'state', resourceType: 'VirtualMachine', resourceId: vm.id, state: to });
  try {
    await svc.events.record(vmEventInput(vm, eventFor(from, to, event, vm.name, opts.reason), opts.userId));
  } catch (err) {
    // The state change is committed; a failing event log must not turn it into a failed operation.
    svc.log.warn('could not record VM state event', { vm: vm.id, error: String(err) });
  }
  return to;
}

/** Records a VM action event; a failing event log is logged, never turned into a failed operation. */
export async function vmEvent(svc: Services, vm: Pick<VmTable, 'id' | 'name' | 'account_id' | 'domain_id'>,
  e: Pick<EventInput, 'type' | 'description' | 'state' | 'level'>, userId?: string | null): Promise<void> {
  await svc.events.record(vmEventInput(vm, e, userId))
    .catch((err) => svc.log.warn('could not record a VM event', { vm: vm.id, error: String(err) }));
}

/** Writes non-state columns while the VM is still in `vm.state` (e.g. the host chosen during Starting). */
export async function patchVmInState(svc: Services, vm: VmStateRef, patch: Partial<Omit<VmTable, 'id' | 'state'>>): Promise<void> {
  if ((await updateVmInState(svc.db, { ...patch, updated: svc.clock.now() }, { id: vm.id, state: vm.state })) !== 1) {
    const now = await liveVmState.first(svc.db, { id: vm.id });
    throw concurrentChange('VM', vm.name, 'update', now?.state);
  }
  Object.assign(vm, patch);
}
