// What travels between management servers for a forwarded host command: the method, its arguments and the answer,
// as JSON. Maps (vmPowerStates) are tagged so they come back as Maps; functions (progress callbacks) are dropped;
// a CloudStack error keeps its codes so the job that forwarded fails with the owner's exact error.
import { ApiError } from '../kernel/errors';

export const PEER_DRIVER_PATH = '/internal/cluster/driver';

export interface PeerCall { hostId: string; method: string; args: unknown[] }
export type PeerAnswer =
  | { ok: true; value?: unknown }
  | { ok: false; notOwner?: string | null; error: { message: string; errorcode?: number; cserrorcode?: number } };

export const encodeValue = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  x instanceof Map ? { $map: [...x.entries()] } : typeof x === 'function' ? undefined : x);

export const decodeValue = (s: string): unknown => JSON.parse(s, (_k, x: unknown) =>
  x && typeof x === 'object' && Array.isArray((x as { $map?: unknown }).$map) ? new Map((x as { $map: [unknown, unknown][] }).$map) : x);

export function errorAnswer(e: unknown): PeerAnswer {
  if (e instanceof ApiError) return { ok: false, error: { message: e.message, errorcode: e.errorcode, cserrorcode: e.cserrorcode } };
  return { ok: false, error: { message: e instanceof Error ? e.message : String(e) } };
}

export function errorOf(a: Extract<PeerAnswer, { ok: false }>): Error {
  const { message, errorcode, cserrorcode } = a.error;
  return errorcode !== undefined ? new ApiError(errorcode, message, cserrorcode ?? null) : new Error(message);
}
