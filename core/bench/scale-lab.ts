// Growing a benchmark lab fast: accounts (with one user each) and events inserted as rows, since the API would
// spend its time hashing 25,000 passwords (scrypt, by design slow) rather than in what the benchmark measures.
import type { Core } from '../index';
import { SETTINGS } from '../kernel/settings';

/**
 * Settings for a lab whose accounts hold up to 400 VMs each (10,000 deploys over 250 accounts, 100,000 VMs over
 * 25,000): every account and domain limit (issue 19) far above that, so each deploy for an account still pays for
 * its limit check (a finite limit applies) but none is refused.
 */
export const HIGH_LIMITS = Object.fromEntries(Object.keys(SETTINGS).filter((n) => /^max\.(account|domain)\./.test(n)).map((n) => [n, '1000000000']));

/** Adds accounts (type User, root domain, one user each) until there are `total` named `bench-acct-<n>`. */
export async function growAccounts(core: Core, total: number): Promise<{ names: string[]; domainId: string }> {
  const db = core.svc.db;
  const admin = await core.admin();
  const role = await db.selectFrom('roles').select('id').where('type', '=', 'User').where('is_default', '=', 1).executeTakeFirstOrThrow();
  const hash = (await db.selectFrom('users').select('password_hash').where('id', '=', admin.userId).executeTakeFirstOrThrow()).password_hash;
  const have = Number((await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('name', 'like', 'bench-acct-%').executeTakeFirstOrThrow()).n);
  const now = core.svc.clock.now();
  for (let i = have; i < total; i += 500) {
    const n = Math.min(500, total - i);
    const ids = Array.from({ length: n }, () => core.svc.newId());
    // Each with its number drawn, as createAccount draws it (a deploy then finds it on the row).
    const numbers = await Promise.all(ids.map(() => core.svc.instanceNames.accountNumber()));
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('accounts').values(ids.map((id, k) => ({ id, name: `bench-acct-${i + k}`, type: 0, domain_id: admin.domainId,
        role_id: role.id, state: 'enabled', network_domain: null, created: now + i + k, removed: null, number: numbers[k] }))).execute();
      await trx.insertInto('users').values(ids.map((id, k) => ({ id: core.svc.newId(), account_id: id, username: `bench-user-${i + k}`,
        password_hash: hash, firstname: 'B', lastname: 'U', email: '', state: 'enabled', timezone: null, api_key: null,
        secret_key: null, is_default: 0, created: now + i + k, removed: null }))).execute();
    });
  }
  return { names: Array.from({ length: total }, (_, i) => `bench-acct-${i}`), domainId: admin.domainId };
}

/** Adds plain events until the table holds at least `total` rows. */
export async function growEvents(core: Core, total: number): Promise<void> {
  const db = core.svc.db;
  const have = Number((await db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const admin = await core.admin();
  const now = core.svc.clock.now();
  for (let i = have; i < total; i += 1000) {
    const n = Math.min(1000, total - i);
    await db.insertInto('events').values(Array.from({ length: n }, (_, k) => ({
      id: core.svc.newId(), type: 'VM.CREATE', level: 'INFO', description: `bench event ${i + k}`, state: 'Completed',
      user_id: admin.userId, account_id: admin.accountId, domain_id: admin.domainId, resource_id: null, resource_type: null,
      resource_name: null, parent_id: null, created: now, archived: 0,
    }))).execute();
  }
}
