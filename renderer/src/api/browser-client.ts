// Browser mode: the console served by `strata serve` talks to /client/api with a login session.
import { CloudError, prefersPost, toWireParams, unwrapResponse, type CloudClient, type Params } from './cloud-client';

const SESSION_STORAGE_KEY = 'strata.session';

export interface BrowserSession { sessionKey: string; username: string; account: string; type: string; userId: string; domainId: string }

export async function loginBrowser(base: string, username: string, password: string, domain: string): Promise<BrowserSession> {
  const body = new URLSearchParams({ command: 'login', username, password, domain: domain || '/', response: 'json' });
  const res = await fetch(`${base}/client/api`, { method: 'POST', body, credentials: 'same-origin' });
  const inner = unwrapResponse(res.status, await res.json().catch(() => ({})));
  const s: BrowserSession = { sessionKey: inner.sessionkey, username: inner.username, account: inner.account, type: inner.type, userId: inner.userid, domainId: inner.domainid };
  sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(s));
  return s;
}

export function savedBrowserSession(): BrowserSession | null {
  try { return JSON.parse(sessionStorage.getItem(SESSION_STORAGE_KEY) ?? 'null'); } catch { return null; }
}

export function forgetBrowserSession() { sessionStorage.removeItem(SESSION_STORAGE_KEY); }

export function browserClient(base: string, session: BrowserSession, onUnauthorized: () => void): CloudClient {
  return {
    connectionId: 'local',
    connectionName: location.host,
    async call(command: string, params?: Params, opts?: { post?: boolean }) {
      const q = new URLSearchParams({ ...toWireParams(params), command, response: 'json', sessionkey: session.sessionKey });
      const post = opts?.post ?? prefersPost(command);
      const res = post
        ? await fetch(`${base}/client/api`, { method: 'POST', body: q, credentials: 'same-origin' })
        : await fetch(`${base}/client/api?${q}`, { credentials: 'same-origin' });
      const body = await res.json().catch(() => ({}));
      if (res.status === 401) onUnauthorized();
      try {
        return unwrapResponse(res.status, body);
      } catch (e) {
        if (e instanceof CloudError) throw e;
        throw new CloudError(res.status, String(e));
      }
    },
  };
}
