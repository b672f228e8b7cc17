// Connection metadata on disk (userData/connections.json): ids, names, URLs, auth type and user name. Never a
// secret: those live in the SecretStore under `connection:<id>`. Written atomically (temp file + rename) and
// readable by the owner only.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface StoredConnection {
  id: string;
  name: string;
  kind: 'strata' | 'cloudstack';
  url: string;
  authType: 'keys' | 'password';
  username?: string;
  domain?: string;
}

export const CONNECTIONS_FILE = 'connections.json';

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Drops entries that are malformed (a hand-edited file must not stop the app from starting). */
export function parseConnections(text: string): StoredConnection[] {
  let doc: any;
  try { doc = JSON.parse(text); } catch { return []; }
  const list: unknown[] = Array.isArray(doc?.connections) ? doc.connections : [];
  const out: StoredConnection[] = [];
  for (const c of list as any[]) {
    if (!c || !str(c.id) || !str(c.name) || !str(c.url)) continue;
    if (c.kind !== 'strata' && c.kind !== 'cloudstack') continue;
    if (c.authType !== 'keys' && c.authType !== 'password') continue;
    out.push({ id: c.id, name: c.name, kind: c.kind, url: c.url, authType: c.authType,
      ...(str(c.username) ? { username: c.username } : {}), ...(typeof c.domain === 'string' ? { domain: c.domain } : {}) });
  }
  return out;
}

export function loadConnections(dir: string): StoredConnection[] {
  try { return parseConnections(readFileSync(join(dir, CONNECTIONS_FILE), 'utf8')); } catch { return []; }
}

export function saveConnections(dir: string, list: readonly StoredConnection[]): void {
  const file = join(dir, CONNECTIONS_FILE);
  mkdirSync(dirname(file), { recursive: true });
  // Whitelist the fields written, so a secret can never ride along on an object passed in by mistake.
  const clean = list.map(({ id, name, kind, url, authType, username, domain }) => ({ id, name, kind, url, authType, username, domain }));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: 1, connections: clean }, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}
