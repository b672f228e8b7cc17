// Agent tokens. addHost with url agent://NAME makes one per host and shows it once, in its answer; the host row
// keeps only a SHA-256 of the secret part (host detail `agentSecretHash`, hidden from API answers like every
// *secret* detail). The token is `<host id>.<secret>`: the id finds the host with one indexed read, the secret
// (32 random bytes) proves the agent was given the token. A SHA-256 suffices because the secret is random, not a
// password: there is nothing to guess from its hash.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_HASH_DETAIL = 'agentSecretHash';

const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export function newAgentToken(hostId: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${hostId}.${secret}`, hash: hashOf(secret) };
}

/** The host id and secret of a token, or null when it is not shaped like one. */
export function parseAgentToken(token: string): { hostId: string; secret: string } | null {
  const m = /^([0-9a-fA-F-]{8,64})\.([A-Za-z0-9_-]{20,200})$/.exec(token.trim());
  return m ? { hostId: m[1]!, secret: m[2]! } : null;
}

/** Constant-time comparison of a secret with the stored hash. */
export function secretMatches(secret: string, storedHash: string | undefined): boolean {
  if (!storedHash || !/^[0-9a-f]{64}$/.test(storedHash)) return false;
  return timingSafeEqual(Buffer.from(hashOf(secret), 'hex'), Buffer.from(storedHash, 'hex'));
}
