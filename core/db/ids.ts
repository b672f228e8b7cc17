// Resource ids: time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
// Every table is keyed by its id, so random (v4) ids scatter each insert over the whole primary-key b-tree and the
// indexes on id columns (volumes.vm_id, ...): at thousands of deploys a second every row then dirties pages of its
// own, and the commit writes them all. Time-ordered ids append at the right edge of those b-trees instead, a few
// hot pages shared by all the inserts of a commit. Ids stay opaque, unique and unguessable enough for what they are
// (names, not secrets: API keys and session keys come from identity/secrets.ts).
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Random bytes are drawn in blocks: one system call per 512 ids instead of one per id. */
const POOL_IDS = 512;
const pool = Buffer.alloc(10 * POOL_IDS);
let used = POOL_IDS;

/** A new version-7 UUID in the canonical lowercase form. */
export function timeOrderedId(now = Date.now()): string {
  if (used === POOL_IDS) {
    randomFillSync(pool);
    used = 0;
  }
  const r = used++ * 10;
  const h = HEX;
  const p = pool;
  // The 48-bit timestamp, big-endian, in two parts that stay exact in double arithmetic.
  const hi = Math.floor(now / 0x1000000);
  const lo = now - hi * 0x1000000;
  return h[(hi >>> 16) & 0xff] + h[(hi >>> 8) & 0xff] + h[hi & 0xff] + h[lo >>> 16] + '-' + h[(lo >>> 8) & 0xff] +
    h[lo & 0xff] + '-' + h[0x70 | (p[r] & 0x0f)] + h[p[r + 1]] + '-' + h[0x80 | (p[r + 2] & 0x3f)] + h[p[r + 3]] + '-' +
    h[p[r + 4]] + h[p[r + 5]] + h[p[r + 6]] + h[p[r + 7]] + h[p[r + 8]] + h[p[r + 9]];
}
