// Window security decisions, checked without Electron: webPreferences, navigation and window.open, permissions,
// the CSP, and the app:// file resolver (path traversal).
import { describe, it, expect, vi } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APP_ORIGIN, windowWebPreferences, isAllowedNavigation, windowOpenDecision, isPermissionAllowed, cspHeader, resolveAppPath,
  appProtocolResponse, hardenContents, installPermissionHandlers,
} from './security';

describe('webPreferences of every window', () => {
  it('sandboxes and isolates the renderer, with no Node and no remote module', () => {
    const p = windowWebPreferences('/app/preload.cjs');
    expect(p).toMatchObject({ preload: '/app/preload.cjs', sandbox: true, contextIsolation: true, nodeIntegration: false,
      nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false,
      webviewTag: false, devTools: false });
    expect(p).not.toHaveProperty('enableRemoteModule');
    expect(windowWebPreferences('/p', { devTools: true }).devTools).toBe(true);
  });
});

describe('navigation', () => {
  it('allows only the app origin, compared as parsed URLs', () => {
    expect(isAllowedNavigation(APP_ORIGIN, 'app://strata/index.html')).toBe(true);
    expect(isAllowedNavigation(APP_ORIGIN, 'app://strata/#/instances?zone=1')).toBe(true);
    expect(isAllowedNavigation(APP_ORIGIN, 'APP://STRATA/index.html')).toBe(true);
    for (const bad of [
      'app://strata.evil.com/', 'app://strata@evil/', 'app://strata:1234/', 'app://evil/strata', 'app://user:pw@strata/',
      'app://stratax/', 'app:strata', 'app:///strata', 'javascript:alert(1)', 'https://strata/', 'file:///etc/passwd',
      'http://127.0.0.1:8080/', 'about:blank', 'data:text/html,<script>1</script>', '', 'not a url', 'app://%73trata/',
    ]) {
      expect(isAllowedNavigation(APP_ORIGIN, bad), bad).toBe(false);
    }
  });

  it('never opens new windows; http(s) links go to the system browser, other schemes nowhere', () => {
    expect(windowOpenDecision('https://cloudstack.apache.org/api.html')).toEqual({ action: 'deny', openExternally: 'https://cloudstack.apache.org/api.html' });
    expect(windowOpenDecision('http://example.com')).toEqual({ action: 'deny', openExternally: 'http://example.com/' });
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'smb://host/share', 'app://strata/x', 'ms-settings:', 'https:', '']) {
      expect(windowOpenDecision(bad).openExternally, bad).toBeNull();
    }
  });

  it('wires the guards on a web contents', async () => {
    const handlers: Record<string, (e: any) => void> = {};
    let openHandler!: (d: { url: string }) => { action: string };
    const contents = {
      setWindowOpenHandler: (h: any) => { openHandler = h; },
      on: (ev: string, l: any) => { handlers[ev] = l; },
    };
    const shell = { openExternal: vi.fn(async () => {}) };
    hardenContents(contents as any, shell);
    expect(openHandler({ url: 'https://example.com/doc' })).toEqual({ action: 'deny' });
    expect(openHandler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(shell.openExternal.mock.calls).toEqual([['https://example.com/doc']]);
    const nav = (url: string) => { const e = { url, preventDefault: vi.fn() }; handlers['will-navigate'](e); return e.preventDefault.mock.calls.length === 0; };
    expect(nav('app://strata/index.html')).toBe(true);
    expect(nav('https://evil.example/')).toBe(false);
    const redirect = { url: 'app://strata.evil.com/', preventDefault: vi.fn() };
    handlers['will-redirect'](redirect);
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    handlers['will-attach-webview'](webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });
});

describe('permissions', () => {
  it('denies by default; only clipboard writes from the app itself pass', () => {
    expect(isPermissionAllowed(APP_ORIGIN, 'clipboard-sanitized-write', 'app://strata/index.html')).toBe(true);
    expect(isPermissionAllowed(APP_ORIGIN, 'clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fullscreen', 'unknown']) {
      expect(isPermissionAllowed(APP_ORIGIN, p, 'app://strata/'), p).toBe(false);
    }
    const calls: any = {};
    installPermissionHandlers({
      setPermissionRequestHandler: (h) => { calls.request = h; }, setPermissionCheckHandler: (h) => { calls.check = h; },
    });
    const cb = vi.fn();
    calls.request({}, 'media', cb, { requestingUrl: 'app://strata/' });
    expect(cb).toHaveBeenCalledWith(false);
    expect(calls.check({}, 'geolocation', 'app://strata')).toBe(false);
  });
});

describe('the app:// protocol', () => {
  it('sends the strict CSP', () => {
    expect(cspHeader()).toBe("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:*; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  });

  it('resolves files under the root and refuses traversal', () => {
    const root = '/opt/strata/dist/renderer';
    expect(resolveAppPath(root, 'app://strata/')).toEqual({ kind: 'file', path: `${root}/index.html`, spaFallback: false });
    expect(resolveAppPath(root, 'app://strata/assets/index-abc.js?v=1#x')).toEqual({ kind: 'file', path: `${root}/assets/index-abc.js`, spaFallback: false });
    expect(resolveAppPath(root, 'app://strata/instances/42')).toMatchObject({ kind: 'file', spaFallback: true });
    // The URL parser itself clamps dot segments (also %2e%2e) at the root, so these stay inside it.
    expect(resolveAppPath(root, 'app://strata/../../etc/passwd')).toMatchObject({ kind: 'file', path: `${root}/etc/passwd` });
    expect(resolveAppPath(root, 'app://strata/%2e%2e')).toMatchObject({ kind: 'file', path: `${root}/index.html` });
    for (const bad of ['app://strata/..%2f..%2fetc%2fpasswd', 'app://strata/%2e%2e%2f%2e%2e%2fetc/passwd', 'app://strata/..%5c..%5cetc%5cpasswd',
      'app://strata/assets/..%2F..%2F..%2Fsecret', 'app://evil/index.html', 'app://strata.evil.com/index.html',
      'app://strata@evil/index.html', 'https://strata/index.html']) {
      expect(resolveAppPath(root, bad), bad).toEqual({ kind: 'error', status: 403 });
    }
    expect(resolveAppPath(root, 'app://strata/a%00.js')).toEqual({ kind: 'error', status: 400 });
    expect(resolveAppPath(root, 'app://strata/%E0%A4%A')).toEqual({ kind: 'error', status: 400 });
  });

  it('answers files with the CSP, falls back to index.html for routes, 404s missing assets', async () => {
    const root = mkdtempSync(join(tmpdir(), 'strata-renderer-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Strata</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'outside-secret.txt'), 'secret');
    const get = (url: string, method = 'GET') => appProtocolResponse(new Request(url, { method }), root, (p) => readFile(p));
    const js = await get('app://strata/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(cspHeader());
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const route = await get('app://strata/instances/42');
    expect([route.status, await route.text()]).toEqual([200, '<!doctype html><title>Strata</title>']);
    expect((await get('app://strata/assets/missing.js')).status).toBe(404);
    const escape = await get('app://strata/..%2foutside-secret.txt');
    expect([escape.status, await escape.text()]).toEqual([403, 'forbidden']);
    expect((await get('app://strata/index.html', 'POST')).status).toBe(405);
  });
});
