// CloudStack's limit fields on an account, domain or project answer (vmlimit, vmtotal, vmavailable, ... for the
// twelve resource types): what the console's limits editor shows as used / limit / available. Limits and
// availability are strings ("Unlimited" for -1), totals numbers; storage in GiB as CloudStack answers them.
// Counted from the resources (usage.ts), so each answer costs a few aggregate queries: the lists add these fields
// when they name one id (README, "Limits").
import type { Services } from '../kernel/services';
import { GiB, isStorage, RESOURCE_TYPES } from './resource-types';
import { limitsOf, UNLIMITED, type OwnerKind } from './limits';
import { usageOf } from './usage';

/** The response field prefix of each resource type, as CloudStack names them. */
const PREFIX: Record<number, string> = {
  0: 'vm', 1: 'ip', 2: 'volume', 3: 'snapshot', 4: 'template', 5: 'project', 6: 'network', 7: 'vpc', 8: 'cpu',
  9: 'memory', 10: 'primarystorage', 11: 'secondarystorage',
};

export type LimitTotals = Record<string, string | number>;

/** The fields for an account (by id) or a domain (by id, its subtree's usage). */
export async function limitTotals(svc: Services, kind: OwnerKind, id: string): Promise<LimitTotals> {
  const usageOwner = kind === 'account' ? { kind, id } as const
    : { kind, path: (await svc.db.selectFrom('domains').select('path').where('id', '=', id).executeTakeFirstOrThrow()).path } as const;
  const [limits, usage] = await Promise.all([limitsOf(svc, kind, id), usageOf(svc.db, usageOwner)]);
  const out: LimitTotals = {};
  for (const { type } of RESOURCE_TYPES) {
    const raw = usage.get(type) ?? 0;
    // Storage is counted in bytes and limited in GiB; CloudStack answers both in GiB.
    const used = isStorage(type) ? Math.round((raw / GiB) * 100) / 100 : raw;
    const max = limits.get(type) ?? UNLIMITED;
    const p = PREFIX[type];
    out[`${p}total`] = used;
    out[`${p}limit`] = max === UNLIMITED ? 'Unlimited' : String(max);
    out[`${p}available`] = max === UNLIMITED ? 'Unlimited' : String(Math.max(0, Math.round((max - used) * 100) / 100));
  }
  return out;
}
