// The limit in force for an account or a domain: the one set with updateResourceLimit, else the max.account.* /
// max.domain.* setting (max.project.* for a project's hidden account; a project has no project limit). The root admin's accounts and the ROOT domain are unlimited (CloudStack does not check
// them). Values are read at use (no cache): a change applies at once on every management server.
import type { Db } from '../db/connect';
import { sql, type ExpressionBuilder } from 'kysely';
import { precompiled, type Precompiled, type QueryTarget } from '../db/precompiled';
import { usageAndReservedOfRow, vmVolumeAndReservedQuery, type OwnerRef, type Row, type UsageOwner } from './usage';
import type { Database } from '../db/schema';
import type { SettingSource, SettingName } from '../kernel/settings';
import { settingDecl, settingValue } from '../kernel/settings';
import { AccountType } from '../contract/roles';
import { RESOURCE_TYPES, RT, typeInfo } from './resource-types';

export type OwnerKind = 'account' | 'domain';

export const UNLIMITED = -1;

/** Whose defaults apply: a project's hidden account takes the max.project.* settings. */
export type DefaultsOf = OwnerKind | 'project';

/** The setting that gives a type's default limit; null where there is none (a project holds no projects). */
export function defaultSetting(of: DefaultsOf, type: number): SettingName | null {
  if (of === 'project' && type === RT.project) return null;
  return `max.${of}.${typeInfo(type)!.setting}` as SettingName;
}

async function defaultLimit(src: SettingSource, of: DefaultsOf, type: number): Promise<number> {
  const name = defaultSetting(of, type);
  const n = name === null ? UNLIMITED : Number(await settingValue(src, name));
  return Number.isFinite(n) && n >= 0 ? n : UNLIMITED;
}

/** Whether the owner is exempt from every limit (root admin's account, ROOT domain). */
export async function exempt(db: Db, kind: OwnerKind, id: string): Promise<boolean> {
  if (kind === 'account') {
    const a = await db.selectFrom('accounts').select('type').where('id', '=', id).executeTakeFirst();
    return a?.type === AccountType.Admin;
  }
  const d = await db.selectFrom('domains').select('parent_id').where('id', '=', id).executeTakeFirst();
  return d !== undefined && d.parent_id === null;
}

/** The owner's limits of the given types (all when absent), in the API's units (GiB for storage). */
export async function limitsOf(src: SettingSource & { db: Db }, kind: OwnerKind, id: string, types?: number[]): Promise<Map<number, number>> {
  const want = types ?? RESOURCE_TYPES.map((r) => r.type);
  const out = new Map<number, number>();
  const type = kind === 'account' ? (await src.db.selectFrom('accounts').select('type').where('id', '=', id).executeTakeFirst())?.type : undefined;
  if (kind === 'account' ? type === AccountType.Admin : await exempt(src.db, kind, id)) {
    for (const t of want) out.set(t, UNLIMITED);
    return out;
  }
  const of: DefaultsOf = type === AccountType.Project ? 'project' : kind;
  const set = await src.db.selectFrom('resource_limits').select(['resource_type', 'max']).where('owner_type', '=', kind)
    .where('owner_id', '=', id).execute();
  const byType = new Map(set.map((r) => [Number(r.resource_type), Number(r.max)]));
  for (const t of want) out.set(t, byType.get(t) ?? await defaultLimit(src, of, t));
  return out;
}

/** What an allocation's limit check reads before its transaction, in one statement (limitFacts). */
export interface LimitFacts {
  /** The owner's limits of the wanted types (set, else the setting's default), in the API's units. */
  limits(kind: OwnerKind, id: string): Map<number, number>;
  /** Whether the owner's count row of this type (the row its allocations lock) exists. */
  hasCount(kind: OwnerKind, id: string, type: number): boolean;
}

type FactRow = { k: string; a: string; b: string; t: number; v: string };

/** One query per shape (the owners' kinds in order, the types), compiled once: the owners' ids are its values. */
const factsQueries = new Map<string, Precompiled<Record<string, string>, FactRow>>();

function factsQuery(kinds: OwnerKind[], defaults: DefaultsOf[], types: number[]): Precompiled<Record<string, string>, FactRow> {
  const settings = defaults.flatMap((of) => types.map((t) => defaultSetting(of, t)).filter((n) => n !== null));
  return precompiled((db, p: Record<string, string>) => {
    const ownedBy = (eb: ExpressionBuilder<Database, 'resource_limits' | 'resource_counts'>) =>
      eb.or(kinds.map((kind, i) => eb.and([eb('owner_type', '=', kind), eb('owner_id', '=', p[`o${i}`])])));
    return db.selectFrom('resource_limits')
      .select([sql.lit('l').as('k'), 'owner_type as a', 'owner_id as b', 'resource_type as t', sql<string>`${sql.ref('max')}`.as('v')])
      .where(ownedBy).where('resource_type', 'in', types)
      .unionAll((d) => d.selectFrom('resource_counts')
        .select([sql.lit('c').as('k'), 'owner_type as a', 'owner_id as b', 'resource_type as t', sql<string>`${sql.ref('count')}`.as('v')])
        .where(ownedBy).where('resource_type', 'in', types))
      .unionAll((d) => d.selectFrom('configurations')
        .select([sql.lit('s').as('k'), 'name as a', 'name as b', sql.lit(0).as('t'), 'value as v'])
        .where('name', 'in', settings));
  });
}

/**
 * For non-exempt owners and the types an allocation adds: the limits set on them, the default settings of those
 * types and which count rows exist, read together (one round trip on a deploy's path instead of one per type).
 */
export async function limitFacts(src: SettingSource & { db: Db }, owners: { kind: OwnerKind; id: string; defaults?: DefaultsOf }[],
  types: number[]): Promise<LimitFacts> {
  const kinds = owners.map((o) => o.kind);
  const defaults = owners.map((o) => o.defaults ?? o.kind);
  const key = `${kinds.join()}|${defaults.join()}|${types.join()}`;
  let q = factsQueries.get(key);
  if (!q) factsQueries.set(key, (q = factsQuery(kinds, defaults, types)));
  const rows = await q.rows(src.db, Object.fromEntries(owners.map((o, i) => [`o${i}`, o.id])));
  const set = new Map<string, number>();
  const counted = new Set<string>();
  const stored = new Map<string, string>();
  for (const r of rows) {
    if (r.k === 's') stored.set(r.a, String(r.v));
    else if (r.k === 'l') set.set(`${r.a}/${r.b}/${Number(r.t)}`, Number(r.v));
    else counted.add(`${r.a}/${r.b}/${Number(r.t)}`);
  }
  const defaultsOf = new Map(owners.map((o) => [`${o.kind}/${o.id}`, o.defaults ?? o.kind]));
  const byDefault = (kind: OwnerKind, id: string, t: number) => {
    const name = defaultSetting(defaultsOf.get(`${kind}/${id}`) ?? kind, t);
    if (name === null) return UNLIMITED;
    const n = Number(stored.get(name) ?? src.config.settings?.[name] ?? settingDecl(name).default);
    return Number.isFinite(n) && n >= 0 ? n : UNLIMITED;
  };
  return {
    limits: (kind, id) => new Map(types.map((t) => [t, set.get(`${kind}/${id}/${t}`) ?? byDefault(kind, id, t)])),
    hasCount: (kind, id, t) => counted.has(`${kind}/${id}/${t}`),
  };
}

/** One query per shape (owner kind, whose defaults, the types), compiled once; see limitsWithUsage. */
const withUsageQueries = new Map<string, Precompiled<{ id: string; pattern: string }, Row>>();

/**
 * Inside an allocation's transaction, for one owner and types among the VMs' and volumes': its limits (set, else the
 * default setting's stored value), its usage and its pending reservations, in one statement. (On SQLite, where the
 * transaction holds the write lock from its start, the limits need not be known before it: see enforce.ts.)
 */
export async function limitsWithUsage(db: QueryTarget, src: SettingSource, owner: { kind: OwnerKind; id: string; defaults?: DefaultsOf; usage: UsageOwner },
  types: number[]): Promise<{ limits: Map<number, number>; usage: Map<number, number>; reserved: Map<number, number> }> {
  const of = owner.defaults ?? owner.kind;
  const key = `${owner.kind}|${of}|${types.join()}`;
  let q = withUsageQueries.get(key);
  if (!q) {
    const ref = (p: { id: string; pattern: string }): OwnerRef => (owner.kind === 'account' ? { kind: 'account', id: p.id } : { kind: 'domain', pattern: p.pattern });
    withUsageQueries.set(key, (q = precompiled((d, p: { id: string; pattern: string }) => vmVolumeAndReservedQuery(d, ref(p))
      .select((eb: ExpressionBuilder<Database, never>) => types.flatMap((t) => {
        const setting = defaultSetting(of, t);
        const limit = eb.selectFrom('resource_limits').select('max').where('owner_type', '=', owner.kind).where('owner_id', '=', p.id)
          .where('resource_type', '=', t).as(`l${t}`);
        return setting === null ? [limit] : [limit, eb.selectFrom('configurations').select('value').where('name', '=', setting).as(`s${t}`)];
      })))));
  }
  const r = await q.first(db, { id: owner.id, pattern: owner.usage.kind === 'domain' ? `${owner.usage.path}%` : '' }) ?? {};
  const limits = new Map<number, number>();
  for (const t of types) {
    const set = r[`l${t}`];
    if (set !== null && set !== undefined) { limits.set(t, Number(set)); continue; }
    const name = defaultSetting(of, t);
    const n = name === null ? UNLIMITED : Number(r[`s${t}`] ?? src.config.settings?.[name] ?? settingDecl(name).default);
    limits.set(t, Number.isFinite(n) && n >= 0 ? n : UNLIMITED);
  }
  return { limits, ...usageAndReservedOfRow(r, types) };
}
