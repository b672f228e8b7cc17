// The key the management servers sharing a database sign their requests to each other with (forwarded host
// commands). The first server to start makes it (INSERT-or-ignore, so two servers starting together end up with
// the same one); whoever can read the database is trusted anyway, as it holds every credential of the cloud.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/connect';

const KEY_NAME = 'peer-forwarding';
/** A signed request older (or newer) than this is refused, so a captured one cannot be replayed later. */
const MAX_SKEW_MS = 60_000;

export async function clusterKey(db: Db): Promise<string> {
  await db.insertInto('cluster_keys').values({ name: KEY_NAME, secret: randomBytes(32).toString('hex') }).orIgnore().execute();
  const row = await db.selectFrom('cluster_keys').select('secret').where('name', '=', KEY_NAME).executeTakeFirstOrThrow();
  return row.secret;
}

const mac = (key: string, time: string, body: string) => createHmac('sha256', key).update(`${time}\n${body}`).digest('hex');

export const TIME_HEADER = 'x-strata-cluster-time';
export const SIGNATURE_HEADER = 'x-strata-cluster-signature';

export function signPeerRequest(key: string, body: string, now: number): Record<string, string> {
  const time = String(now);
  return { [TIME_HEADER]: time, [SIGNATURE_HEADER]: mac(key, time, body) };
}

/** Null when the request is signed with the cluster key and recent; else why not. */
export function checkPeerRequest(key: string, body: string, time: string | undefined, signature: string | undefined,
  now: number): string | null {
  if (!time || !signature) return 'the request is not signed';
  if (!/^\d+$/.test(time) || Math.abs(now - Number(time)) > MAX_SKEW_MS) return 'the request time is too far from this server\'s';
  const want = Buffer.from(mac(key, time, body), 'hex');
  const got = Buffer.from(signature, 'hex');
  return got.length === want.length && timingSafeEqual(got, want) ? null : 'the signature does not match';
}
