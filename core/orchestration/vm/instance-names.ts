// Instance names follow CloudStack's i-<account number>-<vm number>-VM. The VM number comes from the database
// sequence `vm_number` (db/sequences), so no two management servers ever hand out the same name. The account number
// lives on the account row (accounts.number), drawn from the `account_number` sequence when the account is created
// (createAccount, a project's account: accountNumber() below), as CloudStack's account ids are, so an account's first
// deploy writes nothing to its row (with 25,000 accounts each deploying once, that UPDATE was one statement and two
// WAL pages of every deploy). An account that has none (created before numbers were drawn at creation, or rows
// written directly) gets one the first time one of its VMs is named. Once set it never changes, so a server may keep
// it for the life of the process; when two servers draw for the same account at once, the conditional UPDATE lets
// the first win and the other reads the winner's number (its own draw is a gap, never a duplicate).
import type { Db } from '../../db/connect';
import type { Sequences } from '../../db/sequences';

export interface InstanceNames {
  /** A new, never used instance name for a VM of the account. `known`: the account's number as the caller read it
   *  (null: it had none then; undefined: not read), which spares a read on the account's first deploy here. */
  next(accountId: string, known?: number | null): Promise<string>;
  /** The number of an account being created, for its row (a sequence draw: usually no statement at all). */
  accountNumber(): Promise<number>;
}

/** The sequence account numbers come from (migration 013d). */
const ACCOUNT_NUMBERS = 'account_number';

export function createInstanceNames(db: Db, sequences: Sequences): InstanceNames {
  const numbers = new Map<string, Promise<number>>();
  const readNumber = async (accountId: string) =>
    (await db.selectFrom('accounts').select('number').where('id', '=', accountId).executeTakeFirst())?.number ?? null;

  async function draw(accountId: string, hint: number | null | undefined): Promise<number> {
    // A null hint may be stale (another server drew since): the conditional UPDATE below then changes nothing and
    // the read gives that server's number (the draw here is a gap).
    const known = hint === undefined ? await readNumber(accountId) : hint;
    if (known !== null) return Number(known);
    const mine = await sequences.next(ACCOUNT_NUMBERS);
    const set = await db.updateTable('accounts').set({ number: mine }).where('id', '=', accountId).where('number', 'is', null).executeTakeFirst();
    // The row changed: the number is ours, no read needed (the common case: 25,000 accounts' first deploys).
    if (Number(set.numUpdatedRows) === 1) return mine;
    const won = await readNumber(accountId);
    if (won === null) throw new Error(`account ${accountId} does not exist`);
    return Number(won);
  }

  const numberOf = (accountId: string, hint: number | null | undefined) => {
    let n = numbers.get(accountId);
    if (!n) {
      n = draw(accountId, hint);
      n.catch(() => numbers.delete(accountId));
      numbers.set(accountId, n);
    }
    return n;
  };
  return {
    async next(accountId, known) {
      const [n, acct] = await Promise.all([sequences.next('vm_number'), numberOf(accountId, known)]);
      return `i-${acct}-${n}-VM`;
    },
    accountNumber: () => sequences.next(ACCOUNT_NUMBERS),
  };
}
