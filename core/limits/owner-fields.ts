// The resource figures CloudStack's account, domain and project objects carry: for each bounded type its count
// (<prefix>total), its limit (<prefix>limit, "Unlimited" when none) and what is left (<prefix>available), plus the
// running and stopped VMs. Storage is in GiB as CloudStack answers it: primary storage a whole number (bytes / GiB
// rounded down), secondary storage a fraction. From usage.ts, as the limits read them (the VMs' and volumes' types
// from the account rows the triggers keep, the rest counted from the resources): a few aggregate queries per owner,
// so accounts and domains answer them when one id is asked for (README, "Limits").
import type { Services } from '../kernel/services';
import { GiB, RT, isStorage } from './resource-types';
import { exempt, limitsOf, UNLIMITED, type OwnerKind } from './limits';
import { usageOf, type UsageOwner } from './usage';

const PREFIXES: [prefix: string, type: number][] = [
  ['vm', RT.user_vm], ['ip', RT.public_ip], ['volume', RT.volume], ['snapshot', RT.snapshot], ['template', RT.template],
  ['network', RT.network], ['vpc', RT.vpc], ['cpu', RT.cpu], ['memory', RT.memory],
  ['primarystorage', RT.primary_storage], ['secondarystorage', RT.secondary_storage],
];
/** Accounts and domains also answer the projects they own (a project has none). */
const WITH_PROJECTS: [string, number][] = [...PREFIXES, ['project', RT.project]];

/**
 * The count, limit and available fields, and vmrunning / vmstopped, of an account (a project's figures are its
 * hidden account's) or of a domain (its subtree's usage against the domain's own limits).
 */
export async function resourceFields(svc: Services, kind: OwnerKind, id: string, o: { projects?: boolean } = {}): Promise<Record<string, string | number>> {
  const owner: UsageOwner = kind === 'account' ? { kind, id }
    : { kind: 'domain', path: (await svc.db.selectFrom('domains').select('path').where('id', '=', id).executeTakeFirstOrThrow()).path };
  const states = kind === 'account'
    ? svc.db.selectFrom('vms').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('account_id', '=', id)
    : svc.db.selectFrom('vms').innerJoin('accounts', 'accounts.id', 'vms.account_id').innerJoin('domains', 'domains.id', 'accounts.domain_id')
      .select(['vms.state as state', (eb) => eb.fn.countAll<number>().as('n')]).where('domains.path', 'like', `${(owner as { path: string }).path}%`);
  const [usage, limits, counts] = await Promise.all([
    exempt(svc.db, kind, id).then((ex) => usageOf(svc.db, owner, undefined, ex)),
    limitsOf(svc, kind, id),
    states.where('vms.removed', 'is', null).where('vms.state', 'in', ['Running', 'Stopped']).groupBy('vms.state').execute(),
  ]);
  const out: Record<string, string | number> = {};
  for (const [prefix, t] of o.projects ? WITH_PROJECTS : PREFIXES) {
    const used = usage.get(t) ?? 0;
    const total = t === RT.primary_storage ? Math.floor(used / GiB) : isStorage(t) ? used / GiB : used;
    const limit = limits.get(t) ?? UNLIMITED;
    out[`${prefix}total`] = total;
    out[`${prefix}limit`] = limit === UNLIMITED ? 'Unlimited' : String(limit);
    out[`${prefix}available`] = limit === UNLIMITED ? 'Unlimited' : String(Math.max(0, limit - total));
  }
  const n = (state: string) => Number(counts.find((s) => s.state === state)?.n ?? 0);
  out.vmrunning = n('Running');
  out.vmstopped = n('Stopped');
  return out;
}
