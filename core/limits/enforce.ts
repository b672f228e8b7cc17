// Limits enforced at allocation, exactly under concurrency and across management servers sharing the database:
// the allocation's transaction first locks one count row per bounded (owner, type) (one UPDATE, which MariaDB holds
// until commit; SQLite needs none, its transactions hold the database's write lock from their start), then counts the owner's usage from the resources (usage.ts) and refuses
// when usage + the new amount passes the limit; the resource rows are written in that same transaction. Two
// deploys of one account thus run their check-and-insert one after the other, and never both see room for one.
// Rows are locked in one order (the account, then its domains from leaf to root), so two allocations never deadlock.
import type { Services } from '../kernel/services';
import { runOn, type QueryTarget } from '../db/precompiled';
import { ApiError } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import { GiB, isStorage, typeInfo } from './resource-types';
import { limitFacts, limitsWithUsage, UNLIMITED, type DefaultsOf, type OwnerKind } from './limits';
import { AccountType } from '../contract/roles';
import { usageAndReserved, VM_VOLUME_TYPES, type UsageOwner } from './usage';
import type { SettingSource } from '../kernel/settings';

/** How long a reservation of a synchronous call may live before it is taken for a dead server's leftover. */
const SYNC_RESERVATION_MAX_AGE_MS = 10 * 60_000;

/** Amounts an allocation adds, by resource type (storage in bytes, memory in MB). */
export type Deltas = Partial<Record<number, number>>;

interface Bound { kind: OwnerKind; id: string; usage: UsageOwner; types: Map<number, number>; name: string; defaults?: DefaultsOf }

/** A candidate owner with its limits, as a literal (`{ ...c, types }` gave every bound a hidden class of its own on
 *  this V8: see orchestration/vm-states). */
const withTypes = (c: Omit<Bound, 'types'>, types: Map<number, number>): Bound =>
  ({ kind: c.kind, id: c.id, usage: c.usage, types, name: c.name, defaults: c.defaults });

/** What prepare found bounding an allocation; null when no finite limit applies (nothing to lock). */
export interface LimitGuard {
  bounds: Bound[]; deltas: Deltas;
  /** Whether the transaction must lock count rows: not on SQLite, where every transaction holds the database's
   *  write lock from its start (the group-commit driver begins it with BEGIN IMMEDIATE; other writers wait). */
  lockRows: boolean;
  /** SQLite, a VM's or volume's types: the limits are read in the transaction with the usage (one statement per
   *  owner, limits.ts limitsWithUsage); `bounds` are then every candidate owner, their `types` not yet known. */
  deferred?: SettingSource;
}

/** The owner's domain and its ancestors up to (not including) ROOT, leaf first, from the identity directory:
 *  ROOT and everything above an account's own domain never change for it, and the directory follows identity changes. */
async function boundedDomains(svc: Services, domainId: string) {
  const domains = await svc.caches.directory.domains();
  const out: { id: string; path: string }[] = [];
  for (let d = domains.get(domainId); d && d.parentId !== null; d = domains.get(d.parentId)) out.push({ id: d.id, path: d.path });
  return out;
}

/** Finds the finite limits on the allocation's owner and its domains, and makes sure their count rows exist. */
export async function limitGuard(svc: Services, owner: { accountId: string; domainId: string }, deltas: Deltas,
  /** false: always read the limits now (a reservation is written only where a finite limit applies). */
  readInTx = true): Promise<LimitGuard | null> {
  const types = Object.entries(deltas).filter(([, v]) => (v ?? 0) > 0).map(([t]) => Number(t));
  if (types.length === 0) return null;
  // The root admin's accounts and the ROOT domain are not limited: an admin's deploy reads nothing here.
  const account = await svc.caches.directory.account(owner.accountId);
  const candidates: Omit<Bound, 'types'>[] = [];
  if (account && account.type !== AccountType.Admin) {
    candidates.push({ kind: 'account', id: owner.accountId, usage: { kind: 'account', id: owner.accountId }, name: account.name,
      defaults: account.type === AccountType.Project ? 'project' : 'account' });
  }
  for (const d of await boundedDomains(svc, owner.domainId)) {
    candidates.push({ kind: 'domain', id: d.id, usage: { kind: 'domain', path: d.path }, name: d.id });
  }
  if (candidates.length === 0) return null;
  // On SQLite the allocation's transaction holds the write lock from its start: its one statement can read the limits
  // with the usage, and what prepare would read here could only be older.
  if (readInTx && svc.dbKind === 'sqlite' && types.every((t) => VM_VOLUME_TYPES.includes(t))) {
    return { bounds: candidates.map((c) => withTypes(c, new Map())), deltas, lockRows: false, deferred: svc };
  }
  // The limits in force (read at use: a change applies at once on every server) and the count rows there are.
  const facts = await limitFacts(svc, candidates, types);
  const bounds: Bound[] = [];
  for (const c of candidates) {
    const lim = new Map([...facts.limits(c.kind, c.id)].filter(([, v]) => v !== UNLIMITED));
    if (lim.size) bounds.push(withTypes(c, lim));
  }
  if (bounds.length === 0) return null;
  const lockRows = svc.dbKind !== 'sqlite';
  if (!lockRows) return { bounds, deltas, lockRows };
  // Outside the allocation's transaction: INSERT-or-ignore there would take a shared lock that two transactions
  // then both try to upgrade (a deadlock on MariaDB). Only the first allocation of an owner (and type) writes.
  const rows = bounds.flatMap((b) => [...b.types.keys()].filter((t) => !facts.hasCount(b.kind, b.id, t))
    .map((t) => ({ owner_type: b.kind, owner_id: b.id, resource_type: t, count: 0 })));
  if (rows.length) await svc.db.insertInto('resource_counts').values(rows).orIgnore().execute();
  return { bounds, deltas, lockRows };
}

export function limitExceeded(typeName: string, b: { kind: OwnerKind; name: string }, domainId: string): ApiError {
  const who = b.kind === 'account' ? `account name=${b.name} in domain id=${domainId}` : `domain id=${b.name}`;
  return new ApiError(ErrorCode.ResourceAllocation, `Maximum number of resources of type '${typeName}' for ${who} has been exceeded.`,
    CsErrorCode.ResourceAllocation);
}

/**
 * Inside the allocation's transaction, before its rows are written: lock the owner's count rows of these types
 * (one statement), count its usage and the pending reservations (one statement for a deploy's five types),
 * refuse when a limit would be passed. The count rows are only locks: usage is always counted from the resources.
 */
export async function enforceInTx(tx: QueryTarget, guard: LimitGuard | null, domainId: string): Promise<void> {
  if (guard === null) return;
  if (guard.deferred) {
    const types = Object.entries(guard.deltas).filter(([, v]) => (v ?? 0) > 0).map(([t]) => Number(t));
    for (const b of guard.bounds) {
      const { limits, usage, reserved } = await limitsWithUsage(tx, guard.deferred, b, types);
      refuseOver({ ...b, types: limits }, usage, reserved, guard.deltas, domainId);
    }
    return;
  }
  for (const b of guard.bounds) {
    const types = [...b.types.keys()].sort((x, y) => x - y);
    if (guard.lockRows) {
      await runOn(tx, (d) => d.updateTable('resource_counts').set((eb) => ({ count: eb('count', '+', 0) }))
        .where('owner_type', '=', b.kind).where('owner_id', '=', b.id).where('resource_type', 'in', types));
    }
    const { usage, reserved } = await usageAndReserved(tx, b.usage, types);
    refuseOver(b, usage, reserved, guard.deltas, domainId);
  }
}

/** Throws when usage + reservations + the allocation pass one of the bound's finite limits. */
function refuseOver(b: Bound, usage: Map<number, number>, reserved: Map<number, number>, deltas: Deltas, domainId: string): void {
  for (const [t, limit] of [...b.types].sort((x, y) => x[0] - y[0])) {
    if (limit === UNLIMITED) continue;
    const max = isStorage(t) ? limit * GiB : limit;
    const next = (usage.get(t) ?? 0) + (reserved.get(t) ?? 0) + (deltas[t] ?? 0);
    if (next > max) throw limitExceeded(typeInfo(t)!.name, b, domainId);
  }
}

/**
 * For allocations whose rows are written after the check (a resize once the driver answered, a scale, an address
 * taken by its own statements): the check and a reservation of the amounts in one transaction under the count rows'
 * locks, so concurrent allocations see each other's amounts. Release the reservation (releaseReservation) once the
 * resource rows carry the amounts, or the allocation failed. Null when no finite limit applies (nothing to hold).
 */
export async function reserve(svc: Services, owner: { accountId: string; domainId: string }, deltas: Deltas): Promise<string | null> {
  // A server that died between reserving and releasing left its rows: these calls take milliseconds, so a `sync-`
  // row older than this is such a leftover, and would count against the owner for ever (jobs' reservations are
  // released when the job ends or is recovered, on whichever server adopts it).
  await svc.db.deleteFrom('resource_reservations').where('id', 'like', 'sync-%').where('created', '<', svc.clock.now() - SYNC_RESERVATION_MAX_AGE_MS).execute();
  const plan = await reservation(svc, owner, deltas, 'sync-');
  if (plan === null) return null;
  await svc.db.transaction().execute((tx) => plan.write(tx));
  return plan.id;
}

/**
 * A reservation to write in a transaction of the caller's: an async command's job transaction (AsyncPlan.write), so
 * the reservation exists exactly when the job that releases it does (no reservation outlives a job never created).
 */
export async function reservation(svc: Services, owner: { accountId: string; domainId: string }, deltas: Deltas, prefix = ''):
  Promise<{ id: string; write: (tx: QueryTarget) => Promise<void> } | null> {
  const guard = await limitGuard(svc, owner, deltas, false);
  if (guard === null) return null;
  const id = `${prefix}${svc.newId()}`;
  const created = svc.clock.now();
  const rows = Object.entries(deltas).filter(([, v]) => (v ?? 0) > 0)
    .map(([t, amount]) => ({ id: `${id}:${t}`, account_id: owner.accountId, domain_id: owner.domainId, resource_type: Number(t), amount: amount!, created }));
  return {
    id,
    write: async (tx) => {
      await enforceInTx(tx, guard, owner.domainId);
      await runOn(tx, (d) => d.insertInto('resource_reservations').values(rows));
    },
  };
}

/** Drops a reservation (its rows are `<id>:<type>`); null (nothing reserved) is a no-op. */
export async function releaseReservation(svc: Pick<Services, 'db'>, id: string | null | undefined): Promise<void> {
  if (!id) return;
  // Types 0..11 (resource-types.ts): by primary key, no prefix scan.
  await svc.db.deleteFrom('resource_reservations').where('id', 'in', Array.from({ length: 12 }, (_, t) => `${id}:${t}`)).execute();
}

/** reserve, then `allocate`, then release: for an allocation that writes its rows at once. */
export async function withReservation<T>(svc: Services, owner: { accountId: string; domainId: string }, deltas: Deltas,
  allocate: () => Promise<T>): Promise<T> {
  const id = await reserve(svc, owner, deltas);
  try {
    return await allocate();
  } finally {
    await releaseReservation(svc, id);
  }
}
