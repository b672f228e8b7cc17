// Volume and snapshot state machines (reference sections 5.5 and 6.5), CloudStack's state names, and the functions
// every volume/snapshot state change goes through: a conditional update (WHERE state = <from>) so racing changes
// are detected, then a state notification.
import type { Kysely } from 'kysely';
import type { Database, SnapshotTable, VolumeTable } from '../db/schema';
import type { Services } from '../kernel/services';
import { invalidParam } from '../kernel/errors';
import { concurrentChange } from './vm-states';

export type VolumeState = 'Allocated' | 'Creating' | 'Ready' | 'Resizing' | 'Migrating' | 'Snapshotting' |
  'RevertSnapshotting' | 'Destroy' | 'Expunging' | 'Expunged' | 'Error';
export type VolumeEvent = 'CreateRequested' | 'OperationSucceeded' | 'OperationFailed' | 'ResizeRequested' |
  'SnapshotRequested' | 'RevertSnapshotRequested' | 'MigrationRequested' | 'DestroyRequested' | 'RecoverRequested' |
  'ExpungingRequested';

const back = { OperationSucceeded: 'Ready', OperationFailed: 'Ready' } as const;

const VOLUME: Record<VolumeState, Partial<Record<VolumeEvent, VolumeState>>> = {
  // A data volume stays Allocated (no storage used) until it is first attached or its VM first starts.
  Allocated: { CreateRequested: 'Creating', DestroyRequested: 'Destroy', ExpungingRequested: 'Expunging' },
  Creating: { OperationSucceeded: 'Ready', OperationFailed: 'Allocated', DestroyRequested: 'Destroy' },
  Ready: { ResizeRequested: 'Resizing', SnapshotRequested: 'Snapshotting', RevertSnapshotRequested: 'RevertSnapshotting',
    MigrationRequested: 'Migrating', DestroyRequested: 'Destroy', ExpungingRequested: 'Expunging' },
  Resizing: back, Snapshotting: back, RevertSnapshotting: back, Migrating: back,
  Destroy: { RecoverRequested: 'Ready', ExpungingRequested: 'Expunging' },
  Expunging: { OperationSucceeded: 'Expunged', OperationFailed: 'Destroy', ExpungingRequested: 'Expunging' },
  Expunged: {},
  Error: { DestroyRequested: 'Destroy', ExpungingRequested: 'Expunging' },
};

export const VOLUME_TRANSITIONAL: ReadonlySet<string> =
  new Set(['Creating', 'Resizing', 'Snapshotting', 'RevertSnapshotting', 'Migrating', 'Expunging']);

const VOLUME_ACTION: Partial<Record<VolumeEvent, string>> = {
  CreateRequested: 'create', ResizeRequested: 'resize', SnapshotRequested: 'snapshot',
  RevertSnapshotRequested: 'revert', MigrationRequested: 'migrate', DestroyRequested: 'destroy',
  RecoverRequested: 'recover', ExpungingRequested: 'delete',
};

export function nextVolumeState(from: string, event: VolumeEvent): VolumeState | undefined {
  return VOLUME[from as VolumeState]?.[event];
}

/** The target state, or 431 "Unable to <action> volume <name>: it is <state>". */
export function transitionVolume(from: string, event: VolumeEvent, name = ''): VolumeState {
  const to = nextVolumeState(from, event);
  if (to === undefined) {
    throw invalidParam(`Unable to ${VOLUME_ACTION[event] ?? 'change the state of'} ${name ? `volume ${name}` : 'the volume'}: it is ${from}`);
  }
  return to;
}

export type SnapshotState = 'Allocated' | 'Creating' | 'BackedUp' | 'Destroying' | 'Destroyed' | 'Error';
export type SnapshotEvent = 'CreateRequested' | 'OperationSucceeded' | 'OperationFailed' | 'DestroyRequested';

// Snapshots stay on primary storage here, so CloudStack's CreatedOnPrimary -> BackingUp steps collapse into one:
// Creating -> BackedUp once the driver has taken the snapshot.
const SNAPSHOT: Record<SnapshotState, Partial<Record<SnapshotEvent, SnapshotState>>> = {
  Allocated: { CreateRequested: 'Creating', DestroyRequested: 'Destroying', OperationFailed: 'Error' },
  Creating: { OperationSucceeded: 'BackedUp', OperationFailed: 'Error' },
  BackedUp: { DestroyRequested: 'Destroying' },
  Destroying: { OperationSucceeded: 'Destroyed', OperationFailed: 'BackedUp', DestroyRequested: 'Destroying' },
  Destroyed: {},
  Error: { DestroyRequested: 'Destroying' },
};

export function transitionSnapshot(from: string, event: SnapshotEvent, name = ''): SnapshotState {
  const to = SNAPSHOT[from as SnapshotState]?.[event];
  if (to === undefined) {
    const action = event === 'DestroyRequested' ? 'delete' : event === 'CreateRequested' ? 'create' : 'change the state of';
    throw invalidParam(`Unable to ${action} ${name ? `snapshot ${name}` : 'the snapshot'}: it is ${from}`);
  }
  return to;
}

type Row = { id: string; name: string; state: string };
interface ChangeOptions<T> {
  patch?: Partial<Omit<T, 'id' | 'state'>>;
  also?: (db: Kysely<Database>) => Promise<void>;
}

/** Conditional state update shared by volumes and snapshots; see changeVmState for the contract. */
async function change<T extends Row>(svc: Services, table: 'volumes' | 'snapshots', what: string, resourceType: string,
  row: T, from: string, to: string, opts: ChangeOptions<T>): Promise<void> {
  const set = { ...opts.patch, state: to } as never;
  const write = async (db: Kysely<Database>) => {
    const r = await db.updateTable(table).set(set).where('id', '=', row.id).where('state', '=', from).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    if (opts.also) await opts.also(db);
    return true;
  };
  const ok = opts.also ? await svc.db.transaction().execute(write) : await write(svc.db);
  if (!ok) {
    const now = await svc.db.selectFrom(table).select('state').where('id', '=', row.id).executeTakeFirst();
    throw concurrentChange(what, row.name, 'change', now?.state);
  }
  Object.assign(row, set);
  svc.events.notify({ kind: 'state', resourceType, resourceId: row.id, state: to });
}

/** Announces volume state changes written inside a VM transition (deploy, destroy, recover). */
export function notifyVolumes(svc: Services, ids: string[], state: VolumeState): void {
  for (const id of ids) svc.events.notify({ kind: 'state', resourceType: 'Volume', resourceId: id, state });
}

export type VolumeRef = Pick<VolumeTable, 'id' | 'name' | 'state'> & Partial<VolumeTable>;
export type SnapshotRef = Pick<SnapshotTable, 'id' | 'name' | 'state'> & Partial<SnapshotTable>;

export async function changeVolumeState(svc: Services, vol: VolumeRef, event: VolumeEvent,
  opts: ChangeOptions<VolumeTable> = {}): Promise<VolumeState> {
  const from = vol.state;
  const to = transitionVolume(from, event, vol.name);
  await change(svc, 'volumes', 'volume', 'Volume', vol, from, to, opts);
  return to;
}

export async function changeSnapshotState(svc: Services, snap: SnapshotRef, event: SnapshotEvent,
  opts: ChangeOptions<SnapshotTable> = {}): Promise<SnapshotState> {
  const from = snap.state;
  const to = transitionSnapshot(from, event, snap.name);
  await change(svc, 'snapshots', 'snapshot', 'Snapshot', snap, from, to, opts);
  return to;
}
