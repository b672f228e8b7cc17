// Login response body and session cookies, as CloudStack's login servlet produces them.
import type { Services } from '../kernel/services';
import type { Caller } from '../identity/caller';
import type { LoginResponse } from '../contract/responses';

const SESSION_TIMEOUT_SECONDS = 1800;

export function loginResponse(svc: Services, caller: Caller, sessionKey: string): LoginResponse {
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

/**
 * Path=/ (CloudStack uses /client): the console proxy at /console/websockify must see the session too, so a console
 * token that leaked to another signed-in user is refused for them (the proxy compares the session's user).
 */
export function sessionCookies(sessionKey: string): string[] {
  return [`sessionkey=${sessionKey}; Path=/; HttpOnly; SameSite=Lax`, `JSESSIONID=${sessionKey.slice(0, 16)}; Path=/; HttpOnly; SameSite=Lax`];
}

export function logoutCookies(): string[] {
  return ['sessionkey=; Path=/; Max-Age=0', 'JSESSIONID=; Path=/; Max-Age=0'];
}
