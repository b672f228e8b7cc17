// The limit in force for an account or a domain: the one set with updateResourceLimit, else the max.account.* /
// max.domain.* setting. The root admin's accounts and the ROOT domain are unlimited (CloudStack does not check
// them). Values are read at use (no cache): a change applies at once on every management server.
import type { Db } from '../db/connect';
import type { SettingSource, SettingName } from '../kernel/settings';
import { settingValue } from '../kernel/settings';
import { AccountType } from '../contract/roles';
import { RESOURCE_TYPES, typeInfo } from './resource-types';

export type OwnerKind = 'account' | 'domain';

export const UNLIMITED = -1;

async function defaultLimit(src: SettingSource, kind: OwnerKind, type: number): Promise<number> {
  const info = typeInfo(type)!;
  const n = Number(await settingValue(src, `max.${kind}.${info.setting}` as SettingName));
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
  if (await exempt(src.db, kind, id)) {
    for (const t of want) out.set(t, UNLIMITED);
    return out;
  }
  const set = await src.db.selectFrom('resource_limits').select(['resource_type', 'max']).where('owner_type', '=', kind)
    .where('owner_id', '=', id).execute();
  const byType = new Map(set.map((r) => [Number(r.resource_type), Number(r.max)]));
  for (const t of want) out.set(t, byType.get(t) ?? await defaultLimit(src, kind, t));
  return out;
}
