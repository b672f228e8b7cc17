// Value formatting shared by every response formatter, following CloudStack's JSON conventions.

/** Recent dates by second: list pages format two dates per row, mostly from a few seconds (bulk-made resources). */
const recentDates = new Map<number, string>();

/** CloudStack's date format: yyyy-MM-dd'T'HH:mm:ssZ in UTC, e.g. 2021-10-04T09:24:38+0000. */
export function csDate(ms: number): string;
export function csDate(ms: number | null | undefined): string | undefined;
export function csDate(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined) return undefined;
  const second = Math.floor(ms / 1000);
  let text = recentDates.get(second);
  if (text === undefined) {
    text = `${new Date(second * 1000).toISOString().slice(0, 19)}+0000`;
    if (recentDates.size >= 4096) recentDates.clear();
    recentDates.set(second, text);
  }
  return text;
}

/** Percentages are strings with a % sign ("10.18%"). */
export const percent = (part: number, whole: number) => `${whole > 0 ? ((part / whole) * 100).toFixed(2) : '0.00'}%`;

export const bool = (v: number | boolean | null | undefined) => v === true || v === 1;

/** Comma-separated tag text stored in the DB -> list of tags. */
export const tagList = (s: string | null | undefined) => (s ? s.split(',').map((t) => t.trim()).filter(Boolean) : []);

/** `T` whose optional fields may also hold null (a database NULL): compact() drops those fields. */
export type WithNulls<T> = { [K in keyof T]: undefined extends T[K] ? T[K] | null : T[K] };

/**
 * Drops undefined and null fields: CloudStack omits null fields. Give the response type (`compact<Zone>({...})`)
 * so the compiler checks every field's name and JSON type against the contract.
 */
export function compact<T extends object>(o: WithNulls<T>): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined || o[k] === null) delete o[k];
  return o as T;
}

/**
 * The owner fields of a resource: `account`, or for a project's resource `project` and `projectid` instead of the
 * project's hidden account, as CloudStack's populateOwner does.
 */
export function ownerFields(info: { name: string; project?: { id: string; name: string } } | null | undefined):
  { account?: string; project?: string; projectid?: string } {
  if (!info) return {};
  return info.project ? { project: info.project.name, projectid: info.project.id } : { account: info.name };
}
