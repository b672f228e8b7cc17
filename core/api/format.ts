// Value formatting shared by every response formatter, following CloudStack's JSON conventions.

const pad = (n: number) => String(n).padStart(2, '0');

/** CloudStack's date format: yyyy-MM-dd'T'HH:mm:ssZ in UTC, e.g. 2021-10-04T09:24:38+0000. */
export function csDate(ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined) return undefined;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+0000`;
}

/** Percentages are strings with a % sign ("10.18%"). */
export const percent = (part: number, whole: number) => `${whole > 0 ? ((part / whole) * 100).toFixed(2) : '0.00'}%`;

export const bool = (v: number | boolean | null | undefined) => v === true || v === 1;

/** Comma-separated tag text stored in the DB -> list of tags. */
export const tagList = (s: string | null | undefined) => (s ? s.split(',').map((t) => t.trim()).filter(Boolean) : []);

/** Drops undefined and null fields: CloudStack omits null fields. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined || o[k] === null) delete o[k];
  return o;
}
