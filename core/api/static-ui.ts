// Browser mode: `strata serve` serves the built console (dist/renderer) at `/`, with a strict CSP. The API
// stays at /client/api; the console signs in with username and password like CloudStack's web UI.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=UTF-8', '.js': 'text/javascript; charset=UTF-8', '.css': 'text/css; charset=UTF-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
};

export const UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** Maps a URL path to a file under root, or null when it would escape root. */
export function resolveUiPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try { decoded = decodeURIComponent(urlPath.split('?')[0]); } catch { return null; }
  if (decoded.includes('\0')) return null;
  const rel = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '');
  const full = resolve(root, rel);
  return full === resolve(root) || full.startsWith(resolve(root) + sep) ? full : null;
}

export function createUiRoute(root: string) {
  const built = existsSync(join(root, 'index.html'));
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const headers = { 'Content-Security-Policy': UI_CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' };
    if (!built) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=UTF-8', ...headers });
      res.end('The console is not built. Run `npm run build` (or `npm start`), then reload. The API is at /client/api.');
      return true;
    }
    const file = resolveUiPath(root, req.url ?? '/');
    if (!file || !existsSync(file) || !statSync(file).isFile()) return false;
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // Hashed assets never change; index.html must always be fresh so a new build is picked up.
    const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': cache, ...headers });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
    return true;
  };
}
