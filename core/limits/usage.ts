// What an account (or a domain's accounts together) holds of each resource type. A deploy's five types (user_vm,
// cpu, memory, volume, primary_storage) are read from the account's `account_usage` row, which triggers on vms and
// volumes keep current inside the statement of every change (migration 011q, as CloudStack keeps resource_count):
// a limit check reads one row instead of counting and summing the account's VMs and volumes, a cost that grew with
// the account. A domain's usage is the sum of its subtree's account rows (no domain rows: a shared domain row would
// be written by every deploy under it, one more row per change and, on MariaDB, one row every such deploy waits on;
// the sum costs a row per account of the subtree, read only when a domain below ROOT is checked). Under the count
// row's lock (enforce.ts) the figures are exact, the triggers running in the writer's own transaction on any
// management server; updateResourceCount recounts from the resources and repairs the rows (db/account-usage.ts).
// The root admin's accounts and the ROOT domain, never limited, are counted from the resources when their figures
// are asked for (listAccounts / listDomains id=): the rows leave the root admin's VMs and volumes out, so that its
// deploys (a thousand in flight on MariaDB) do not all write, and wait on, one row. (A root admin account placed in a
// subdomain thus does not count toward that domain's limit, as CloudStack skips root admins' limit checks.)
// The other types are counted from the resources at each check (none of them is on a deploy's path).
// CloudStack's rules: destroyed VMs and volumes no longer count (a recovered one counts again); CPU and memory are
// those of the counted VMs; primary storage is the counted volumes' size, secondary storage the user templates'
// and the snapshots' size.
import { sql } from 'kysely';
import { precompiled, type QueryTarget } from '../db/precompiled';
import { RT } from './resource-types';

/** Whose usage: one account, or every account in a domain's subtree (by its path prefix). */
export type UsageOwner = { kind: 'account'; id: string } | { kind: 'domain'; path: string };

/** The owner as a query's value: the account's id, or the LIKE pattern of the domain's subtree. */
export type OwnerRef = { kind: 'account'; id: string } | { kind: 'domain'; pattern: string };

function owned<Q extends { where: (...a: any[]) => Q }>(q: Q, o: OwnerRef, col = 'account_id'): Q {
  if (o.kind === 'account') return q.where(col, '=', o.id);
  return q.where(col, 'in', (eb: any) => eb.selectFrom('accounts').select('accounts.id')
    .where('accounts.domain_id', 'in', (e2: any) => e2.selectFrom('domains').select('domains.id').where('domains.path', 'like', o.pattern)));
}

const num = (v: unknown) => Number(v ?? 0);

export type Row = Record<string, unknown>;

/**
 * An aggregate over the owner's resources, compiled once per owner kind (db/precompiled: a limit check runs inside
 * every bounded allocation's transaction); gives its one row, on a database or inside a transaction.
 */
function perOwner(build: (d: any, o: OwnerRef) => any): (db: QueryTarget, o: UsageOwner) => Promise<Row> {
  const byAccount = precompiled((db, p: { id: string }) => build(db, { kind: 'account', id: p.id }));
  const byDomain = precompiled((db, p: { pattern: string }) => build(db, { kind: 'domain', pattern: p.pattern }));
  return async (db, o) => ((o.kind === 'account' ? await byAccount.first(db, { id: o.id })
    : await byDomain.first(db, { pattern: `${o.path}%` })) ?? {}) as Row;
}

/** The five types from the owner's account rows, as one row (an aggregate: zeros when an account has no row yet). */
const usageAggregate = (d: any, o: OwnerRef) => owned(d.selectFrom('account_usage'), o)
  .select((eb: any) => [eb.fn.sum('user_vm').as('n'), eb.fn.sum('cpu').as('cpu'), eb.fn.sum('memory').as('mem'),
    eb.fn.sum('volume').as('vn'), eb.fn.sum('primary_storage').as('bytes')]);

const vmAndVolumeUsage = perOwner(usageAggregate);
/** The same five counted from the resources: for the exempt owners (root admin accounts, ROOT domain), whose VMs
 *  and volumes the rows leave out (migration 011q) and whose figures only listAccounts / listDomains show. */
const countedVmAndVolumeUsage = perOwner((d, o) => d.selectFrom([
  owned(d.selectFrom('vms').where('removed', 'is', null).where('state', 'not in', ['Destroyed', 'Expunging']), o)
    .select((eb: any) => [eb.fn.countAll().as('n'), eb.fn.sum('cpu_number').as('cpu'), eb.fn.sum('memory').as('mem')]).as('v'),
  owned(d.selectFrom('volumes').where('removed', 'is', null).where('state', 'not in', ['Destroy', 'Expunging', 'Expunged']), o)
    .select((eb: any) => [eb.fn.countAll().as('vn'), eb.fn.sum('size').as('bytes')]).as('w')]).selectAll());
const snapshotUsage = perOwner((d, o) => owned(d.selectFrom('snapshots').where('removed', 'is', null).where('state', '!=', 'Destroyed'), o)
  .select((eb: any) => [eb.fn.countAll().as('n'), eb.fn.sum('physical_size').as('bytes')]));
const templateUsage = perOwner((d, o) => owned(d.selectFrom('templates').where('removed', 'is', null).where('template_type', '=', 'USER'), o)
  .select((eb: any) => [eb.fn.countAll().as('n'), eb.fn.sum('size').as('bytes')]));
const publicIpCount = perOwner((d, o) => owned(d.selectFrom('public_ips'), o).select((eb: any) => eb.fn.countAll().as('n')));
const networkCount = perOwner((d, o) => owned(d.selectFrom('networks').where('removed', 'is', null).where('guest_type', '=', 'Isolated'), o)
  .select((eb: any) => eb.fn.countAll().as('n')));

/** The usage of the given types (all twelve when absent); types Strata has no resources of count 0. `exempt`: the
 *  owner is never limited (its VMs and volumes are counted, not read from rows). */
export async function usageOf(db: QueryTarget, o: UsageOwner, types?: number[], exempt = false): Promise<Map<number, number>> {
  const want = (t: number) => types === undefined || types.includes(t);
  const out = new Map<number, number>();
  const set = (vals: Record<number, number>) => { for (const [t, v] of Object.entries(vals)) if (want(Number(t))) out.set(Number(t), v); };
  if (VM_VOLUME_TYPES.some(want)) {
    const r = await (exempt ? countedVmAndVolumeUsage : vmAndVolumeUsage)(db, o);
    for (const t of VM_VOLUME_TYPES) if (want(t)) out.set(t, num(r[USAGE_COLUMN[t]]));
  }
  if (want(RT.snapshot) || want(RT.template) || want(RT.secondary_storage)) {
    // One after the other: inside a transaction both run on its one connection.
    const s = await snapshotUsage(db, o);
    const t = await templateUsage(db, o);
    set({ [RT.snapshot]: num(s.n), [RT.template]: num(t.n), [RT.secondary_storage]: num(s.bytes) + num(t.bytes) });
  }
  if (want(RT.public_ip)) out.set(RT.public_ip, num((await publicIpCount(db, o)).n));
  if (want(RT.network)) out.set(RT.network, num((await networkCount(db, o)).n));
  if (want(RT.project)) out.set(RT.project, 0);
  if (want(RT.vpc)) out.set(RT.vpc, 0);
  return out;
}

export const VM_VOLUME_TYPES: readonly number[] = [RT.user_vm, RT.cpu, RT.memory, RT.volume, RT.primary_storage];
/** Pending reservations (enforce.ts reserve) of the VMs' and volumes' five types as one row, a column per type (r0,
 *  r2, r8, r9, r10): the third part of the combined statement below, which is only ever asked about those types
 *  (a column for each of the twelve made every deploy's limit check build and read seven columns it never used). */
const reservedAggregate = (d: any, o: OwnerRef) => owned(d.selectFrom('resource_reservations'), o)
  .select(VM_VOLUME_TYPES.map((t) => sql`sum(case when resource_type = ${sql.lit(t)} then amount else 0 end)`.as(`r${t}`)));
/** A deploy's five types and what is reserved of them, as one row (inside the allocation's transaction); the
 *  caller may add columns to it (limits.ts adds the owner's limits). */
export const vmVolumeAndReservedQuery = (d: any, o: OwnerRef) => d.selectFrom([usageAggregate(d, o).as('u'),
  reservedAggregate(d, o).as('r')]).selectAll();
const vmVolumeAndReserved = perOwner(vmVolumeAndReservedQuery);

/** The usage and the reservations of the types, from a row of vmVolumeAndReservedQuery. */
export function usageAndReservedOfRow(r: Row, types: number[]): { usage: Map<number, number>; reserved: Map<number, number> } {
  return { usage: new Map(types.map((t) => [t, num(r[USAGE_COLUMN[t]])])), reserved: new Map(types.map((t) => [t, num(r[`r${t}`])])) };
}
/** The row's column that holds each type's usage (usageAggregate). */
const USAGE_COLUMN: Record<number, string> = { [RT.user_vm]: 'n', [RT.cpu]: 'cpu', [RT.memory]: 'mem', [RT.volume]: 'vn', [RT.primary_storage]: 'bytes' };

/**
 * The usage and the pending reservations a limit check adds up: for types among the VMs' and volumes' (a deploy,
 * a volume), one statement; otherwise usageOf and reservedOf.
 */
export async function usageAndReserved(db: QueryTarget, o: UsageOwner, types: number[]):
  Promise<{ usage: Map<number, number>; reserved: Map<number, number> }> {
  if (!types.every((t) => VM_VOLUME_TYPES.includes(t))) return { usage: await usageOf(db, o, types), reserved: await reservedOf(db, o, types) };
  return usageAndReservedOfRow(await vmVolumeAndReserved(db, o), types);
}

/** Pending reservations (enforce.ts reserve) by type, compiled once per owner kind. */
const reservedByAccount = precompiled((d, p: { id: string }) => owned((d as any).selectFrom('resource_reservations'), { kind: 'account', id: p.id })
  .groupBy('resource_type').select((eb: any) => ['resource_type', eb.fn.sum('amount').as('n')]));
const reservedByDomain = precompiled((d, p: { pattern: string }) => owned((d as any).selectFrom('resource_reservations'), { kind: 'domain', pattern: p.pattern })
  .groupBy('resource_type').select((eb: any) => ['resource_type', eb.fn.sum('amount').as('n')]));

/** What pending allocations hold (enforce.ts reserve): counted with the usage when a limit is checked. */
export async function reservedOf(db: QueryTarget, o: UsageOwner, types: number[]): Promise<Map<number, number>> {
  const rows = (o.kind === 'account' ? await reservedByAccount.rows(db, { id: o.id }) : await reservedByDomain.rows(db, { pattern: `${o.path}%` })) as
    { resource_type: number; n: unknown }[];
  return new Map(rows.filter((r) => types.includes(Number(r.resource_type))).map((r) => [Number(r.resource_type), num(r.n)]));
}
