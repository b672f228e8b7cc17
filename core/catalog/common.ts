// Small helpers shared by the catalog handlers: id lists stored as text, detail maps, batch name loading and
// existence checks for zones and domains.
import type { Db } from '../db/connect';
import type { MapEntries } from '../contract/params';
import { notFound } from '../kernel/errors';
import { pageWindow } from '../kernel/paging';
import type { CallContext } from '../kernel/handler';

export const GiB = 1024 ** 3;

export const flag = (v: boolean | undefined, dflt: boolean): number => ((v ?? dflt) ? 1 : 0);

/** Comma-separated ids as stored in domain_ids / zone_ids ('' means "no restriction"). */
export const splitIds = (s: string | null | undefined): string[] =>
  (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

export function parseDetails(s: string | null | undefined): Record<string, string> {
  if (!s) return {};
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/**
 * Map params arrive as indexed records. CloudStack accepts both `details[0].key=k&details[0].value=v` and
 * `details[0].k=v`; both end up as one flat string map.
 */
export function mergeMapEntries(entries: MapEntries | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries ?? []) {
    const keys = Object.keys(e);
    if (keys.length === 2 && 'key' in e && 'value' in e) out[e.key] = e.value;
    else for (const k of keys) out[k] = e[k];
  }
  return out;
}

/** One page of an in-memory result, with CloudStack's page/pagesize semantics. */
export function pageOf<T>(items: T[], args: { page?: number; pagesize?: number }, maxPageSize: number): T[] {
  const w = pageWindow(args, maxPageSize);
  return w.limit === null ? items : items.slice(w.offset, w.offset + w.limit);
}

export const containsText = (haystack: (string | null | undefined)[], needle: string): boolean => {
  const n = needle.toLowerCase();
  return haystack.some((h) => !!h && h.toLowerCase().includes(n));
};

export async function zoneNames(db: Db, ids: Iterable<string>): Promise<Map<string, string>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const rows = await db.selectFrom('zones').select(['id', 'name']).where('id', 'in', list).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function domainNames(db: Db, ids: Iterable<string>): Promise<Map<string, string>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const rows = await db.selectFrom('domains').select(['id', 'name']).where('id', 'in', list).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Every id must name a live zone; the first unknown one gets CloudStack's not-found text. */
export async function requireZones(db: Db, cmd: string, param: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db.selectFrom('zones').select('id').where('id', 'in', ids).where('removed', 'is', null).execute();
  const found = new Set(rows.map((r) => r.id));
  for (const id of ids) if (!found.has(id)) throw notFound(cmd, param, id);
}

/** Every id must name a live domain; returns id -> internal path ('/Child/'). */
export async function requireDomains(db: Db, cmd: string, param: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('domains').select(['id', 'path']).where('id', 'in', ids)
    .where('removed', 'is', null).execute();
  const paths = new Map(rows.map((r) => [r.id, r.path]));
  for (const id of ids) if (!paths.has(id)) throw notFound(cmd, param, id);
  return paths;
}

/** Records an action event as the caller (every catalog change writes one). */
export function recordEvent(ctx: CallContext, type: string, resourceType: string, id: string, name: string, description: string) {
  return ctx.svc.events.record({
    type, description, state: 'Completed', resourceId: id, resourceType, resourceName: name,
    userId: ctx.caller.userId, accountId: ctx.caller.accountId, domainId: ctx.caller.domainId,
  });
}
