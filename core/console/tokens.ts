// One-time console tokens: 32 random bytes (base64url), valid once and for `ttlMs` after issue, bound to one VM
// and to the caller who asked for it. Kept in memory only: a token outlives no restart and is redeemed on the
// management server that issued it (the URL names that server). The map is keyed by a SHA-256 of the token, so
// lookups never compare secrets byte by byte and a memory dump does not yield usable tokens.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/services';
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
