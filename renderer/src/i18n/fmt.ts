// Message templates: placeholders and English plural choices. Kept apart from messages.ts, which needs the UI
// store (and so a browser), so it can be tested and used anywhere.

/**
 * Fills {name} placeholders, and {name:one|other} plural choices (English: `{n} {n:host|hosts}`; Chinese strings
 * need none): `one` when the value is 1, else `other`.
 */
export function fmt(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)(?::([^|{}]*)\|([^{}]*))?\}/g, (whole, k: string, one?: string, other?: string) => {
    const v = vars[k];
    if (one !== undefined) return v === undefined ? whole : Number(v) === 1 ? one : other!;
    return String(v ?? `{${k}}`);
  });
}
