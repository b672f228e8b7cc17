// The renderer's HTML pages carry the CSP as a meta tag as well as the servers' header (so review tools and anyone
// reading the page see it). A page gets the intersection of both, so the meta tag must allow everything the header
// allows (or the page would break) and nothing unsafe. Checked here against the desktop's app:// header; browser mode
// (strata serve's header, core/api/static-ui.ts, outside what main may import) is covered by the e2e specs that load
// these pages in Chromium.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cspHeader } from './security';
import { repoRoot } from './testing/keyring-session';

type Policy = Map<string, string[]>;
const parse = (csp: string): Policy =>
  new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name, sources]));
const metaCsp = (page: string): string => {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(readFileSync(join(repoRoot, 'renderer', page), 'utf8'));
  return m ? m[1] : '';
};
/** What `policy` allows for `directive` (falling back to default-src as browsers do). */
const allowed = (policy: Policy, directive: string) => policy.get(directive) ?? policy.get('default-src') ?? [];

describe.each(['index.html', 'console.html'])('renderer/%s CSP meta tag', (page) => {
  const meta = parse(metaCsp(page));

  it('is present and allows scripts only from the app itself', () => {
    expect(meta.get('script-src')).toEqual(["'self'"]);
    expect(meta.get('object-src')).toEqual(["'none'"]);
    expect(meta.get('base-uri')).toEqual(["'none'"]);
  });

  it('allows all the app:// header allows', () => {
    for (const [directive, sources] of parse(cspHeader())) {
      if (directive === 'frame-ancestors') continue; // ignored in meta tags: header only
      for (const s of sources) {
        if (s === "'none'") continue; // allows nothing: any meta value is at least as wide
        expect(allowed(meta, directive), `${directive} ${s}`).toContain(s);
      }
    }
  });
});
