// Password hashing (scrypt) and random keys. Hashes carry their parameters and salt so the cost can be raised
// later without invalidating stored passwords.
import { scrypt, randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const COST = { N: 16384, r: 8, p: 1 };
const KEY_LEN = 64;
const SALT_LEN = 16;

function derive(password: string, salt: Buffer, o: ScryptOptions): Promise<Buffer> {
  // maxmem must cover 128 * N * r bytes; the default (32 MiB) is too tight for raised costs.
  const opts = { ...o, maxmem: 256 * (o.N ?? COST.N) * (o.r ?? COST.r) + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const hash = await derive(password, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Constant-time comparison of the derived key; false for malformed stored values. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (expected.length !== KEY_LEN) return false;
  const actual = await derive(password, salt, { N, r, p });
  return timingSafeEqual(actual, expected);
}

/** A hash no password matches, used to spend the same time on unknown users as on known ones. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomKey(32));
  return dummy;
}

/** URL-safe base64 of `bytes` random bytes (API keys: 64 bytes -> 86 chars; session keys: 20 bytes). */
export const randomKey = (bytes: number) => randomBytes(bytes).toString('base64url');

/** A strong generated password for the first admin (24 characters). */
export const generatePassword = () => randomKey(18);
