// Login response body and session cookies, as CloudStack's login servlet produces them.
import type { Services } from '../services';
import type { Caller } from '../identity/caller';

const SESSION_TIMEOUT_SECONDS = 1800;

export function loginResponse(svc: Services, caller: Caller, sessionKey: string): object {
  return {
    username: caller.username,
    userid: caller.userId,
    domainid: caller.domainId,
    timeout: SESSION_TIMEOUT_SECONDS,
    account: caller.accountName,
    firstname: caller.username,
    lastname: '',
    type: String(caller.accountType),
    timezone: 'UTC',
    timezoneoffset: '0.0',
    registered: 'false',
    sessionkey: sessionKey,
    is2faenabled: 'false',
    is2faverified: 'true',
    ...(caller.accountType === 1 ? { managementserverid: svc.config.msId } : {}),
    passwordchangerequired: false,
  };
}

export function sessionCookies(sessionKey: string): string[] {
  return [`sessionkey=${sessionKey}; Path=/client; HttpOnly; SameSite=Lax`, `JSESSIONID=${sessionKey.slice(0, 16)}; Path=/client; HttpOnly; SameSite=Lax`];
}

export function logoutCookies(): string[] {
  return ['sessionkey=; Path=/client; Max-Age=0', 'JSESSIONID=; Path=/client; Max-Age=0'];
}
