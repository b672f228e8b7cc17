// Desktop security (DESIGN.md section 5). Every decision is a pure function of its inputs, unit-tested without
// Electron; the Electron objects are touched only by the thin wiring functions at the end, which receive them as
// parameters (so this module never imports 'electron' at runtime).
import { isAbsolute, relative, resolve, sep, extname } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'strata';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

// ------------------------------------------------------------------------------------------------- decisions

/**
 * The webPreferences every window must have: the renderer gets no Node, runs sandboxed and isolated from the preload.
 * main.ts writes them out literally at its BrowserWindow call (where reviewers and Electronegativity read them);
 * main-smoke.test.ts checks that window against this policy.
 */
export function windowWebPreferences(preloadPath: string, opts: { devTools?: boolean } = {}) {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    disableBlinkFeatures: 'Auxclick',
    devTools: opts.devTools ?? false,
  } as const;
}

export function parseUrl(url: string): URL | null {
  try { return new URL(url); } catch { return null; }
}

/**
 * True when `url` is on exactly the origin `origin` (scheme, host and port equal, no credentials). Compared
 * field by field: Node reports `origin === 'null'` for custom schemes such as app://, so comparing `.origin`
 * strings would treat every app:// URL as the same origin.
 */
export function isSameOrigin(origin: string, url: string): boolean {
  const a = parseUrl(origin);
  const b = parseUrl(url);
  if (!a || !b) return false;
  if (b.username !== '' || b.password !== '') return false;
  return a.protocol === b.protocol && a.hostname.toLowerCase() === b.hostname.toLowerCase() && a.port === b.port
    && b.hostname !== '';
}

/** `will-navigate` / `will-redirect`: only within the app itself. */
export function isAllowedNavigation(appOrigin: string, url: string): boolean {
  return isSameOrigin(appOrigin, url);
}

/** `window.open` and target=_blank: never a new window; http(s) links go to the system browser. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: string | null } {
  const u = parseUrl(url);
  const external = u && (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' ? u.href : null;
  return { action: 'deny', openExternally: external };
}

// Clipboard writes back the "copy" buttons (API keys, ids); everything else (camera, notifications,
// geolocation, ...) is refused. Only our own origin gets even that.
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(appOrigin: string, permission: string, requestingUrl: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isSameOrigin(appOrigin, requestingUrl);
}

// connect-src reaches loopback only (the embedded core, and main's console relay, which carries the VM consoles
// of remote servers: main/console-relay.ts); the API of remote servers goes through main over IPC.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function cspHeader(): string { return CSP; }

export type AppPathResult = { kind: 'file'; path: string; spaFallback: boolean } | { kind: 'error'; status: 400 | 403 | 404 };

/**
 * Maps an app:// URL to a file under `root` (the built renderer). Refuses other hosts, encoded separators or
 * NULs that try to climb out, and anything that resolves outside `root`. Extension-less paths may fall back to
 * index.html (client-side routes), which the caller does when the file is missing.
 */
export function resolveAppPath(root: string, url: string): AppPathResult {
  const u = parseUrl(url);
  if (!u || u.protocol !== `${APP_SCHEME}:` || u.hostname.toLowerCase() !== APP_HOST || u.port !== '' || u.username || u.password) {
    return { kind: 'error', status: 403 };
  }
  let pathname: string;
  try { pathname = decodeURIComponent(u.pathname); } catch { return { kind: 'error', status: 400 }; }
  if (pathname.includes('\0')) return { kind: 'error', status: 400 };
  if (pathname === '' || pathname === '/') pathname = '/index.html';
  const base = resolve(root);
  const target = resolve(base, '.' + pathname.replaceAll('\\', '/'));
  const rel = relative(base, target);
  if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) return { kind: 'error', status: 403 };
  return { kind: 'file', path: target, spaFallback: extname(target) === '' };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers on every app:// answer. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': cspHeader(),
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

/** The scheme registration (must happen before `app.whenReady()`). */
export const APP_SCHEME_PRIVILEGES = [{
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
}];

// --------------------------------------------------------------------------------------------------- wiring

interface NavigationEvent { url: string; preventDefault(): void }
export interface ContentsLike {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (e: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (e: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (e: { preventDefault(): void }) => void): unknown;
}
export interface ShellLike { openExternal(url: string): Promise<void> }

/** Applied to every web contents the app creates (hooked on `web-contents-created`). */
export function hardenContents(contents: ContentsLike, shell: ShellLike, appOrigin = APP_ORIGIN): void {
  contents.setWindowOpenHandler(({ url }) => {
    const d = windowOpenDecision(url);
    if (d.openExternally) void shell.openExternal(d.openExternally).catch(() => undefined);
    return { action: 'deny' };
  });
  const guard = (e: NavigationEvent) => { if (!isAllowedNavigation(appOrigin, e.url)) e.preventDefault(); };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

export interface SessionLike {
  setPermissionRequestHandler(h: (wc: unknown, permission: any, cb: (granted: boolean) => void, details: { requestingUrl?: string }) => void): void;
  setPermissionCheckHandler(h: (wc: unknown, permission: any, requestingOrigin: string) => boolean): void;
}

export function installPermissionHandlers(session: SessionLike, appOrigin = APP_ORIGIN): void {
  session.setPermissionRequestHandler((_wc, permission, cb, details) =>
    cb(isPermissionAllowed(appOrigin, String(permission), details?.requestingUrl)));
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    isPermissionAllowed(appOrigin, String(permission), requestingOrigin));
}

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: typeof APP_SCHEME_PRIVILEGES): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Serves the built renderer on app://strata/ with the CSP header. `readFile` rejects when the file is absent. */
export function serveAppProtocol(protocol: ProtocolLike, root: string, readFile: (path: string) => Promise<Uint8Array>): void {
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request, root, readFile));
}

export async function appProtocolResponse(request: Request, root: string, readFile: (path: string) => Promise<Uint8Array>): Promise<Response> {
  const text = (status: number, body: string) => new Response(body, { status, headers: appResponseHeaders('text/plain; charset=utf-8') });
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed');
  const r = resolveAppPath(root, request.url);
  if (r.kind === 'error') return text(r.status, r.status === 400 ? 'bad request' : 'forbidden');
  let path = r.path;
  let body: Uint8Array;
  try {
    body = await readFile(path);
  } catch {
    if (!r.spaFallback) return text(404, 'not found');
    path = resolve(root, 'index.html');
    try { body = await readFile(path); } catch { return text(404, 'not found'); }
  }
  return new Response(request.method === 'HEAD' ? null : (body as unknown as ConstructorParameters<typeof Response>[0]), { status: 200, headers: appResponseHeaders(contentTypeFor(path)) });
}
