// Instance names follow CloudStack's i-<account number>-<vm number>-VM. The VM number comes from the database
// sequence `vm_number` (db/sequences), so no two management servers ever hand out the same name. The account
// number is the account's creation rank; accounts are never deleted (only marked removed), so a rank once computed
// never changes and may be kept for the life of the process. (Two servers whose clocks disagree could rank an
// account differently; the VM number alone keeps names unique.)
import type { Db } from '../../db/connect';
import type { Sequences } from '../../db/sequences';

export interface InstanceNames {
  /** A new, never used instance name for a VM of the account. */
  next(accountId: string): Promise<string>;
}

export function createInstanceNames(db: Db, sequences: Sequences): InstanceNames {
  const ranks = new Map<string, Promise<number>>();
  const rankOf = (accountId: string) => {
    let n = ranks.get(accountId);
    if (!n) {
      n = (async () => {
        const a = await db.selectFrom('accounts').select('created').where('id', '=', accountId).executeTakeFirst();
        if (!a) return 0;
        const r = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n'))
          .where((eb) => eb.or([eb('created', '<', a.created), eb.and([eb('created', '=', a.created), eb('id', '<', accountId)])]))
          .executeTakeFirstOrThrow();
        return Number(r.n) + 1;
      })();
      n.catch(() => ranks.delete(accountId));
      ranks.set(accountId, n);
    }
    return n;
  };
  return {
    async next(accountId) {
      const [n, acct] = await Promise.all([sequences.next('vm_number'), rankOf(accountId)]);
      return `i-${acct}-${n}-VM`;
    },
  };
}
