// The resource figures CloudStack's project (and account) objects carry: for each bounded type its count
// (<prefix>total), its limit (<prefix>limit, "Unlimited" when none) and what is left (<prefix>available), plus the
// running and stopped VMs. Storage is in GiB as CloudStack answers it: primary storage a whole number (bytes / GiB
// rounded down), secondary storage a fraction. Counted from the resources themselves (usage.ts), like the limits.
import type { Services } from '../kernel/services';
import { GiB, RT, isStorage } from './resource-types';
import { limitsOf, UNLIMITED } from './limits';
import { usageOf } from './usage';

const PREFIXES: [prefix: string, type: number][] = [
  ['vm', RT.user_vm], ['ip', RT.public_ip], ['volume', RT.volume], ['snapshot', RT.snapshot], ['template', RT.template],
  ['network', RT.network], ['vpc', RT.vpc], ['cpu', RT.cpu], ['memory', RT.memory],
  ['primarystorage', RT.primary_storage], ['secondarystorage', RT.secondary_storage],
];

/** The count, limit and available fields (and vmrunning / vmstopped) of one account. */
export async function resourceFields(svc: Services, accountId: string): Promise<Record<string, string | number>> {
  const [usage, limits, states] = await Promise.all([
    usageOf(svc.db, { kind: 'account', id: accountId }),
    limitsOf(svc, 'account', accountId),
    svc.db.selectFrom('vms').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('account_id', '=', accountId)
      .where('removed', 'is', null).where('state', 'in', ['Running', 'Stopped']).groupBy('state').execute(),
  ]);
  const out: Record<string, string | number> = {};
  for (const [prefix, t] of PREFIXES) {
    const used = usage.get(t) ?? 0;
    const total = t === RT.primary_storage ? Math.floor(used / GiB) : isStorage(t) ? used / GiB : used;
    const limit = limits.get(t) ?? UNLIMITED;
    out[`${prefix}total`] = total;
    out[`${prefix}limit`] = limit === UNLIMITED ? 'Unlimited' : String(limit);
    out[`${prefix}available`] = limit === UNLIMITED ? 'Unlimited' : String(Math.max(0, limit - total));
  }
  const n = (state: string) => Number(states.find((s) => s.state === state)?.n ?? 0);
  out.vmrunning = n('Running');
  out.vmstopped = n('Stopped');
  return out;
}
