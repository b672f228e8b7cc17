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

const vmAggregate = (d: any, o: UsageOwner) => owned(d.selectFrom('vms').where('removed', 'is', null).where('state', 'not in', GONE_VM), o)
  .select((eb: any) => [eb.fn.countAll().as('n'), eb.fn.sum('cpu_number').as('cpu'), eb.fn.sum('memory').as('mem')]);
const volumeAggregate = (d: any, o: UsageOwner) => owned(d.selectFrom('volumes').where('removed', 'is', null).where('state', 'not in', GONE_VOLUME), o)
  .select((eb: any) => [eb.fn.countAll().as('vn'), eb.fn.sum('size').as('bytes')]);

const vmTypes = (r: Record<string, unknown>) => ({ [RT.user_vm]: num(r.n), [RT.cpu]: num(r.cpu), [RT.memory]: num(r.mem) });
const volumeTypes = (r: Record<string, unknown>) => ({ [RT.volume]: num(r.vn), [RT.primary_storage]: num(r.bytes) });

async function vmUsage(db: QueryTarget, o: UsageOwner) {
  return vmTypes(await one(db, (d) => vmAggregate(d, o)));
}

async function volumeUsage(db: QueryTarget, o: UsageOwner) {
  return volumeTypes(await one(db, (d) => volumeAggregate(d, o)));
}

/** Both in one statement (a deploy's five types: one round trip inside its transaction). */
async function vmAndVolumeUsage(db: QueryTarget, o: UsageOwner) {
  const r = await one(db, (d) => d.selectFrom([vmAggregate(d, o).as('v'), volumeAggregate(d, o).as('w')]).selectAll());
  return { ...vmTypes(r), ...volumeTypes(r) };
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
  const vms = want(RT.user_vm) || want(RT.cpu) || want(RT.memory);
  const volumes = want(RT.volume) || want(RT.primary_storage);
  if (vms && volumes) set(await vmAndVolumeUsage(db, o));
  else if (vms) set(await vmUsage(db, o));
  else if (volumes) set(await volumeUsage(db, o));
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
