// What an account (or a domain's accounts together) holds of each resource type, counted from the resources
// themselves: there is no counter to drift, and under the count row's lock (enforce.ts) the count is exact.
// CloudStack's rules: destroyed VMs and volumes no longer count (a recovered one counts again); CPU and memory are
// those of the counted VMs; primary storage is the counted volumes' size, secondary storage the user templates'
// and the snapshots' size.
import { runOn, type QueryTarget } from '../db/precompiled';
import { RT } from './resource-types';

/** Whose usage: one account, or every account in a domain's subtree (by its path prefix). */
export type UsageOwner = { kind: 'account'; id: string } | { kind: 'domain'; path: string };

const GONE_VM = ['Destroyed', 'Expunging'];
const GONE_VOLUME = ['Destroy', 'Expunging', 'Expunged'];

function owned<Q extends { where: (...a: any[]) => Q }>(q: Q, o: UsageOwner, col = 'account_id'): Q {
  if (o.kind === 'account') return q.where(col, '=', o.id);
  return q.where(col, 'in', (eb: any) => eb.selectFrom('accounts').select('accounts.id')
    .where('accounts.domain_id', 'in', (e2: any) => e2.selectFrom('domains').select('domains.id').where('domains.path', 'like', `${o.path}%`)));
}

const num = (v: unknown) => Number(v ?? 0);

/** The one row of an aggregate, on a database or inside an allocation's transaction. */
async function one(db: QueryTarget, build: (d: any) => any): Promise<Record<string, unknown>> {
  return (await runOn<Record<string, unknown>>(db, build))[0] ?? {};
}

async function vmUsage(db: QueryTarget, o: UsageOwner) {
  const r = await one(db, (d) => owned(d.selectFrom('vms').where('removed', 'is', null).where('state', 'not in', GONE_VM), o)
    .select((eb: any) => [eb.fn.countAll().as('n'), eb.fn.sum('cpu_number').as('cpu'), eb.fn.sum('memory').as('mem')]));
  return { [RT.user_vm]: num(r.n), [RT.cpu]: num(r.cpu), [RT.memory]: num(r.mem) };
}

async function volumeUsage(db: QueryTarget, o: UsageOwner) {
  const r = await one(db, (d) => owned(d.selectFrom('volumes').where('removed', 'is', null).where('state', 'not in', GONE_VOLUME), o)
    .select((eb: any) => [eb.fn.countAll().as('n'), eb.fn.sum('size').as('bytes')]));
  return { [RT.volume]: num(r.n), [RT.primary_storage]: num(r.bytes) };
}

async function snapshotUsage(db: QueryTarget, o: UsageOwner) {
  const r = await one(db, (d) => owned(d.selectFrom('snapshots').where('removed', 'is', null).where('state', '!=', 'Destroyed'), o)
    .select((eb: any) => [eb.fn.countAll().as('n'), eb.fn.sum('physical_size').as('bytes')]));
  return { n: num(r.n), bytes: num(r.bytes) };
}

async function templateUsage(db: QueryTarget, o: UsageOwner) {
  const r = await one(db, (d) => owned(d.selectFrom('templates').where('removed', 'is', null).where('template_type', '=', 'USER'), o)
    .select((eb: any) => [eb.fn.countAll().as('n'), eb.fn.sum('size').as('bytes')]));
  return { n: num(r.n), bytes: num(r.bytes) };
}

async function countOf(db: QueryTarget, build: (d: any) => any): Promise<number> {
  return num((await one(db, (d) => build(d).select((eb: any) => eb.fn.countAll().as('n')))).n);
}

/** The usage of the given types (all twelve when absent); types Strata has no resources of count 0. */
export async function usageOf(db: QueryTarget, o: UsageOwner, types?: number[]): Promise<Map<number, number>> {
  const want = (t: number) => types === undefined || types.includes(t);
  const out = new Map<number, number>();
  const set = (vals: Record<number, number>) => { for (const [t, v] of Object.entries(vals)) if (want(Number(t))) out.set(Number(t), v); };
  if (want(RT.user_vm) || want(RT.cpu) || want(RT.memory)) set(await vmUsage(db, o));
  if (want(RT.volume) || want(RT.primary_storage)) set(await volumeUsage(db, o));
  if (want(RT.snapshot) || want(RT.template) || want(RT.secondary_storage)) {
    // One after the other: inside a transaction both run on its one connection.
    const s = await snapshotUsage(db, o);
    const t = await templateUsage(db, o);
    set({ [RT.snapshot]: s.n, [RT.template]: t.n, [RT.secondary_storage]: s.bytes + t.bytes });
  }
  if (want(RT.public_ip)) out.set(RT.public_ip, await countOf(db, (d) => owned(d.selectFrom('public_ips'), o)));
  if (want(RT.network)) {
    out.set(RT.network, await countOf(db, (d) => owned(d.selectFrom('networks').where('removed', 'is', null).where('guest_type', '=', 'Isolated'), o)));
  }
  if (want(RT.project)) out.set(RT.project, 0);
  if (want(RT.vpc)) out.set(RT.vpc, 0);
  return out;
}

/** What pending allocations hold (enforce.ts reserve): counted with the usage when a limit is checked. */
export async function reservedOf(db: QueryTarget, o: UsageOwner, types: number[]): Promise<Map<number, number>> {
  const rows = await runOn<{ resource_type: number; n: unknown }>(db, (d) => owned(d.selectFrom('resource_reservations'), o)
    .where('resource_type', 'in', types).groupBy('resource_type').select((eb: any) => ['resource_type', eb.fn.sum('amount').as('n')]));
  return new Map(rows.map((r) => [Number(r.resource_type), num(r.n)]));
}
