// The limits editor's model: CloudStack's twelve resource types with the response fields that give an owner's
// used / limit / available (vmtotal, vmlimit, vmavailable ...), the rows the editor shows, and the check of a typed
// limit before it is sent (the server checks again; this only spares a round trip and says what is wrong at once).

export type LimitUnit = 'count' | 'MB' | 'GiB';

export interface LimitType { type: number; name: string; field: string; unit: LimitUnit }

/** In the order CloudStack numbers them (listResourceLimits answers them in this order too). */
export const LIMIT_TYPES: LimitType[] = [
  { type: 0, name: 'user_vm', field: 'vm', unit: 'count' },
  { type: 1, name: 'public_ip', field: 'ip', unit: 'count' },
  { type: 2, name: 'volume', field: 'volume', unit: 'count' },
  { type: 3, name: 'snapshot', field: 'snapshot', unit: 'count' },
  { type: 4, name: 'template', field: 'template', unit: 'count' },
  { type: 5, name: 'project', field: 'project', unit: 'count' },
  { type: 6, name: 'network', field: 'network', unit: 'count' },
  { type: 7, name: 'vpc', field: 'vpc', unit: 'count' },
  { type: 8, name: 'cpu', field: 'cpu', unit: 'count' },
  { type: 9, name: 'memory', field: 'memory', unit: 'MB' },
  { type: 10, name: 'primary_storage', field: 'primarystorage', unit: 'GiB' },
  { type: 11, name: 'secondary_storage', field: 'secondarystorage', unit: 'GiB' },
];

export const UNLIMITED = -1;

export interface LimitRow {
  type: LimitType;
  /** -1: unlimited; null: the server did not answer this type. */
  limit: number | null;
  /** null: the owner's answer has no count (a server without the *total fields). */
  used: number | null;
  /** null: unlimited or unknown. */
  available: number | null;
}

/** The rows for the limits listResourceLimits answered and the owner object's *total fields (when it has them). */
export function limitRows(limits: { resourcetype: string | number; max: number }[] | undefined,
  owner: Record<string, unknown> | undefined): LimitRow[] {
  const byType = new Map((limits ?? []).map((l) => [Number(l.resourcetype), Number(l.max)]));
  return LIMIT_TYPES.map((t) => {
    const limit = byType.has(t.type) ? byType.get(t.type)! : null;
    const rawUsed = owner?.[`${t.field}total`];
    const used = rawUsed === undefined || rawUsed === null || rawUsed === '' || !Number.isFinite(Number(rawUsed)) ? null : Number(rawUsed);
    const available = limit === null || limit === UNLIMITED || used === null ? null : Math.max(0, round2(limit - used));
    return { type: t, limit, used, available };
  });
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Share of the limit in use (0..1+), for the bar; null when unlimited or unknown. */
export function usedShare(r: LimitRow): number | null {
  if (r.limit === null || r.limit === UNLIMITED || r.used === null) return null;
  return r.limit === 0 ? (r.used > 0 ? 1 : 0) : r.used / r.limit;
}

export type LimitInputError = 'empty' | 'notInteger' | 'belowMinusOne' | 'tooLarge';

/** A typed limit: a whole number, -1 for unlimited, at most 2^53 - 1 (what the API's long carries exactly here). */
export function parseLimit(text: string): { value: number } | { error: LimitInputError } {
  const t = text.trim();
  if (t === '') return { error: 'empty' };
  if (!/^-?\d+$/.test(t)) return { error: 'notInteger' };
  const n = Number(t);
  if (n < UNLIMITED) return { error: 'belowMinusOne' };
  if (!Number.isSafeInteger(n)) return { error: 'tooLarge' };
  return { value: n };
}

/** Who the limits belong to, as updateResourceLimit / updateResourceCount / listResourceLimits name it. */
export type LimitOwner =
  | { kind: 'account'; account: string; domainid: string }
  | { kind: 'domain'; domainid: string }
  | { kind: 'project'; projectid: string; domainid: string };

export function ownerParams(o: LimitOwner): Record<string, string> {
  if (o.kind === 'account') return { account: o.account, domainid: o.domainid };
  if (o.kind === 'domain') return { domainid: o.domainid };
  return { projectid: o.projectid };
}

/** updateResourceCount always names the domain (CloudStack requires domainid, with account or projectid). */
export function countParams(o: LimitOwner): Record<string, string> {
  return o.kind === 'project' ? { domainid: o.domainid, projectid: o.projectid } : ownerParams(o);
}
