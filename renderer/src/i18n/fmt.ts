// Message templates: placeholders and English plural choices. Kept apart from messages.ts, which needs the UI
// store (and so a browser), so it can be tested and used anywhere.

const rules = new Map<string, Intl.PluralRules>();
/** The page's language (set on <html lang> by the app); English where there is no document (tests, workers). */
function pluralRules(): Intl.PluralRules {
  const lang = (typeof document === 'object' && document.documentElement.lang) || 'en';
  let r = rules.get(lang);
  if (!r) rules.set(lang, (r = new Intl.PluralRules(lang)));
  return r;
}

/**
 * Fills {name} placeholders, and {name:one|other} plural choices (English: `{n} {n:host|hosts}`; Chinese strings
 * need none): `one` when the language's plural rules (Intl.PluralRules) put the value in category "one".
 */
export function fmt(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)(?::([^|{}]*)\|([^{}]*))?\}/g, (whole, k: string, one?: string, other?: string) => {
    const v = vars[k];
    if (one !== undefined) return v === undefined ? whole : pluralRules().select(Number(v)) === 'one' ? one : other!;
    return String(v ?? `{${k}}`);
  });
}
