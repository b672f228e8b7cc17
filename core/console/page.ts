// The console page at createConsoleEndpoint's `url` (/console/vnc.html?token=...). When the built renderer has a
// `console.html` entry (the noVNC viewer), that page is served; until then a small built-in page explains where
// the viewer is and shows the WebSocket parameters for other RFB clients. Strict CSP: no inline script or style.
// Loading the page never uses the token; only the WebSocket does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UI_CSP } from '../api/static-ui';

const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>VM console - Strata</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console-info.js" defer></script>
</head>
<body>
<main>
<h1>VM console</h1>
<p>The console viewer is provided by the Strata console app: open the instance page and choose <b>Console</b>.</p>
<p>Any RFB-over-WebSocket client (noVNC, for one) can use this console endpoint directly. The token works once
and expires 60 seconds after it was issued.</p>
<dl id="params">
<dt>WebSocket URL</dt><dd><code id="ws-url">-</code></dd>
<dt>host</dt><dd><code id="ws-host">-</code></dd>
<dt>port</dt><dd><code id="ws-port">-</code></dd>
<dt>path</dt><dd><code id="ws-path">-</code></dd>
<dt>token</dt><dd><code id="ws-token">-</code></dd>
</dl>
<p id="no-token" hidden>This page was opened without a console token.</p>
</main>
</body>
</html>
`;

const CSS = `body { font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1d2433; }
main { max-width: 46rem; margin: 3rem auto; padding: 1.5rem 2rem; background: #fff; border-radius: 8px; }
h1 { font-size: 1.4rem; margin-top: 0; }
dt { font-weight: 600; margin-top: .6rem; }
dd { margin: 0; }
code { word-break: break-all; background: #eef0f4; padding: .1rem .3rem; border-radius: 4px; }
@media (prefers-color-scheme: dark) { body { background: #14171d; color: #e3e6ec; } main { background: #1d2129; } code { background: #2a2f3a; } }
`;

const JS = `'use strict';
(function () {
  var q = new URLSearchParams(location.search);
  var token = q.get('token');
  var extra = q.get('extra');
  var set = function (id, text) { document.getElementById(id).textContent = text; };
  if (!token) { document.getElementById('no-token').hidden = false; return; }
  var port = location.port || (location.protocol === 'https:' ? '443' : '80');
  var path = 'console/websockify';
  var query = new URLSearchParams({ token: token });
  if (extra) query.set('extra', extra);
  set('ws-url', (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/' + path + '?' + query);
  set('ws-host', location.hostname);
  set('ws-port', port);
  set('ws-path', path);
  set('ws-token', token);
})();
`;

const COMMON = {
  'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-store',
};

export function createConsolePageRoute(opts: { uiDir: string }) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0];
    if (!path.startsWith('/console/') || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const send = (type: string, body: string | Buffer, csp = PAGE_CSP) => {
      res.writeHead(200, { 'Content-Type': type, 'Content-Security-Policy': csp, ...COMMON });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    };
    if (path === '/console/vnc.html' || path === '/console/') {
      // Looked up on every request (it is cheap) so a build made while the server runs is picked up.
      const viewer = join(opts.uiDir, 'console.html');
      if (existsSync(viewer)) return send('text/html; charset=UTF-8', readFileSync(viewer), UI_CSP);
      return send('text/html; charset=UTF-8', HTML);
    }
    if (path === '/console/console-info.js') return send('text/javascript; charset=UTF-8', JS);
    if (path === '/console/console.css') return send('text/css; charset=UTF-8', CSS);
    return false;
  };
}
