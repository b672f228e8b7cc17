// Password guessing. Two brakes, both kept in the database so every management server sharing it applies them:
// - per user: consecutive failed logins are counted (users.login_attempts); at incorrect.login.attempts.allowed
//   (CloudStack's setting, default 5) the user is locked, with an event and an alert, until an admin unlocks it
//   (enableUser). A successful login resets the count.
// - per client address: one login at a time is checked (a check holds the address's row), and after a few failures
//   in a row the address must wait before its next attempt is even checked, the wait doubling with each further
//   failure. Parallel guessing therefore gains nothing. A success from the address clears it.
import type { Db } from '../db/connect';
import type { Clock, CoreConfig, EventLog, Logger } from '../kernel/services';
import { settingNumber } from '../kernel/settings';
import type { Directory } from './directory';

/** Failures from one address that are free; each one after waits longer. */
const FREE_FAILURES = 3;
const FIRST_WAIT_MS = 1000;
const MAX_WAIT_MS = 30_000;
/** Longest a login check holds its address (a crashed server's hold ends by itself). */
const HOLD_MS = 10_000;
/** A failure this old no longer counts. */
const FORGET_MS = 15 * 60_000;
/** CloudStack has no alert type for users; 13 is its type for management-server alerts (ALERT.MANAGEMENT). */
const ALERT_MANAGEMENT = 13;

export interface LoginGuardDeps {
  db: Db; clock: Clock; log: Logger; config: Pick<CoreConfig, 'settings'>;
  events?: Pick<EventLog, 'record' | 'alert'>;
}

export interface GuardedUser { id: string; username: string; accountId: string; domainId: string }

/** Wait after `failures` failures in a row from one address. */
export function waitAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - FREE_FAILURES));
}

export function createLoginGuard(deps: LoginGuardDeps, dir: Directory) {
  const { db, clock } = deps;

  /**
   * Takes the address's turn to have a password checked. Waits (briefly) while another login from the address
   * is being checked; answers the wait left when the address is throttled. Every claim ends with addressFailed,
   * addressSucceeded or release.
   */
  async function claim(address: string | undefined): Promise<{ ok: true } | { ok: false; waitMs: number }> {
    if (!address) return { ok: true };
    // Real time, not the service clock: a test's frozen clock must not make this wait forever.
    const giveUp = Date.now() + HOLD_MS;
    for (;;) {
      const now = clock.now();
      const r = await db.updateTable('login_failures').set({ next_allowed: now + HOLD_MS })
        .where('address', '=', address).where('next_allowed', '<=', now).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return { ok: true };
      const row = await db.selectFrom('login_failures').select(['failures', 'next_allowed']).where('address', '=', address).executeTakeFirst();
      if (!row) {
        try {
          await db.insertInto('login_failures').values({ address, failures: 0, last_failure: now, next_allowed: now + HOLD_MS }).execute();
          return { ok: true };
        } catch { continue; /* another login from the address inserted it first */ }
      }
      if (row.failures >= FREE_FAILURES || Date.now() >= giveUp) return { ok: false, waitMs: Math.max(1, row.next_allowed - now) };
      await new Promise((res) => setTimeout(res, 25));
    }
  }

  async function addressFailed(address: string | undefined): Promise<void> {
    if (!address) return;
    const now = clock.now();
    const row = await db.selectFrom('login_failures').select(['failures', 'last_failure']).where('address', '=', address).executeTakeFirst();
    const failures = (row && now - row.last_failure <= FORGET_MS ? row.failures : 0) + 1;
    await db.updateTable('login_failures').set({ failures, last_failure: now, next_allowed: now + waitAfter(failures) })
      .where('address', '=', address).execute();
  }

  async function addressSucceeded(address: string | undefined): Promise<void> {
    if (address) await db.deleteFrom('login_failures').where('address', '=', address).execute();
  }

  /** Ends a claim that neither failed nor succeeded (the password was right but the user may not log in). */
  async function release(address: string | undefined): Promise<void> {
    if (!address) return;
    await db.deleteFrom('login_failures').where('address', '=', address).where('failures', '=', 0).execute();
    await db.updateTable('login_failures').set({ next_allowed: clock.now() }).where('address', '=', address).execute();
  }

  /** Counts a wrong password for the user; locks it at the allowed number. Returns true when this locked it. */
  async function userFailed(user: GuardedUser): Promise<boolean> {
    await db.updateTable('users').set((eb) => ({ login_attempts: eb('login_attempts', '+', 1) }))
      .where('id', '=', user.id).where('state', '=', 'enabled').execute();
    const row = await db.selectFrom('users').select(['login_attempts', 'state']).where('id', '=', user.id).executeTakeFirst();
    const allowed = await settingNumber(deps, 'incorrect.login.attempts.allowed');
    if (!row || row.state !== 'enabled' || row.login_attempts < allowed) return false;
    const r = await db.updateTable('users').set({ state: 'locked' }).where('id', '=', user.id).where('state', '=', 'enabled').executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false; // another server locked it first
    await db.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    dir.invalidate();
    dir.dropSessionsOf([user.id]);
    const text = `User ${user.username} locked after ${row.login_attempts} failed login attempts; an admin may unlock it with enableUser`;
    deps.log.warn('user locked', { userId: user.id, username: user.username, attempts: row.login_attempts });
    await deps.events?.record({ type: 'USER.LOCK', level: 'WARN', description: text, state: 'Completed', resourceId: user.id,
      resourceType: 'User', resourceName: user.username, userId: user.id, accountId: user.accountId, domainId: user.domainId });
    await deps.events?.alert({ type: ALERT_MANAGEMENT, name: 'ALERT.MANAGEMENT', description: text });
    return true;
  }

  async function userSucceeded(userId: string): Promise<void> {
    await db.updateTable('users').set({ login_attempts: 0 }).where('id', '=', userId).where('login_attempts', '!=', 0).execute();
  }

  return { claim, addressFailed, addressSucceeded, release, userFailed, userSucceeded };
}
