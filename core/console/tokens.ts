// One-time console tokens: 32 random bytes (base64url), valid once and for `ttlMs` after issue, bound to one VM
// and to the caller who asked for it. Stored keyed by a SHA-256 of the token, so lookups never compare secrets byte
// by byte and a memory or database dump does not yield usable tokens. The console service keeps them in the
// database (SharedConsoleTokens: valid on every management server); ConsoleTokens is the in-memory form.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/services';
import type { Db } from '../db/connect';
import type { Caller } from '../identity/caller';

export interface ConsoleTicket {
  vmId: string;
  caller: Caller;
  /** The caller's extra security token (createConsoleEndpoint `token`); the WebSocket must present it too. */
  extra: string | null;
  issuedAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export type Redeemed =
  | { ok: true; ticket: ConsoleTicket }
  | { ok: false; why: 'invalid' | 'used' | 'expired' };

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

export class ConsoleTokens {
  private readonly tickets = new Map<string, ConsoleTicket>();

  /** `ttlMs`: unused tokens expire this long after issue. Used and expired ones are remembered for as long
   * again, so a late second attempt is told "used" or "expired" rather than "invalid". */
  constructor(private readonly clock: Clock, readonly ttlMs = 60_000) {}

  issue(vmId: string, caller: Caller, extra: string | null): { token: string; ticket: ConsoleTicket } {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const ticket: ConsoleTicket = { vmId, caller, extra, issuedAt: now, expiresAt: now + this.ttlMs, usedAt: null };
    this.tickets.set(keyOf(token), ticket);
    return { token, ticket };
  }

  /** Marks the token used (whatever happens next, it never works again) and returns what it grants. */
  redeem(token: string): Redeemed {
    if (!TOKEN_RE.test(token)) return { ok: false, why: 'invalid' };
    const t = this.tickets.get(keyOf(token));
    if (!t) return { ok: false, why: 'invalid' };
    if (t.usedAt !== null) return { ok: false, why: 'used' };
    const now = this.clock.now();
    if (now > t.expiresAt) return { ok: false, why: 'expired' };
    t.usedAt = now;
    return { ok: true, ticket: t };
  }

  /** Forgets tickets past their remembrance window; returns how many are left. */
  sweep(): number {
    const cutoff = this.clock.now() - this.ttlMs;
    for (const [k, t] of this.tickets) if (t.expiresAt < cutoff) this.tickets.delete(k);
    return this.tickets.size;
  }

  /** Tokens issued and not used yet (and not expired). */
  pending(): number {
    const now = this.clock.now();
    let n = 0;
    for (const t of this.tickets.values()) if (t.usedAt === null && t.expiresAt >= now) n++;
    return n;
  }

  get size(): number { return this.tickets.size; }
}

/**
 * The same tokens kept in the database (table console_tokens, migration 013c), so that a console endpoint created
 * through one management server is redeemed by whichever server the viewer reaches. Redeeming is one conditional
 * UPDATE: of two servers shown the same token at once, exactly one admits it.
 */
export class SharedConsoleTokens {
  constructor(private readonly db: Db, private readonly clock: Clock, readonly ttlMs = 60_000) {}

  async issue(vmId: string, caller: Caller, extra: string | null): Promise<{ token: string; ticket: ConsoleTicket }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const ticket: ConsoleTicket = { vmId, caller, extra, issuedAt: now, expiresAt: now + this.ttlMs, usedAt: null };
    await this.db.insertInto('console_tokens').values({ key_hash: keyOf(token), vm_id: vmId, caller: JSON.stringify(caller),
      extra, issued: now, expires: ticket.expiresAt, used: null }).execute();
    return { token, ticket };
  }

  async redeem(token: string): Promise<Redeemed> {
    if (!TOKEN_RE.test(token)) return { ok: false, why: 'invalid' };
    const key = keyOf(token);
    const now = this.clock.now();
    const r = await this.db.updateTable('console_tokens').set({ used: now }).where('key_hash', '=', key)
      .where('used', 'is', null).where('expires', '>=', now).executeTakeFirst();
    const row = await this.db.selectFrom('console_tokens').selectAll().where('key_hash', '=', key).executeTakeFirst();
    if (!row) return { ok: false, why: 'invalid' };
    if (Number(r.numUpdatedRows) === 0) return { ok: false, why: row.used !== null ? 'used' : 'expired' };
    return { ok: true, ticket: { vmId: row.vm_id, caller: JSON.parse(row.caller) as Caller, extra: row.extra,
      issuedAt: row.issued, expiresAt: row.expires, usedAt: now } };
  }

  /** Forgets tokens past their remembrance window (any server may sweep; deleting twice is harmless). */
  async sweep(): Promise<void> {
    await this.db.deleteFrom('console_tokens').where('expires', '<', this.clock.now() - this.ttlMs).execute();
  }

  /** Tokens issued (by any server) and not used yet, nor expired. */
  async pending(): Promise<number> {
    const r = await this.db.selectFrom('console_tokens').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('used', 'is', null).where('expires', '>=', this.clock.now()).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
