// User data as deploys, templates and registerUserData take it: base64 text of at most 1 MB decoded (CloudStack's
// vm.userdata.max.length upper bound).
import { invalidParam } from '../kernel/errors';

export function checkUserDataText(s: string | undefined): void {
  if (s === undefined) return;
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw invalidParam('User data is not a valid base64 string');
  if (Math.floor((s.length * 3) / 4) > 1048576) throw invalidParam('User data is too long (at most 1 MB)');
}

export type UserDataPolicy = 'ALLOWOVERRIDE' | 'APPEND' | 'DENYOVERRIDE';

/**
 * The user data a VM gets from its deploy's own (base64) and its template's linked user data, by the link's policy:
 * the deploy's wins (ALLOWOVERRIDE), is appended to the template's (APPEND), or is refused (DENYOVERRIDE).
 */
export function effectiveUserData(own: string | undefined, linked: { text: string; policy: UserDataPolicy } | null): string | undefined {
  if (!linked) return own;
  if (own === undefined) return linked.text;
  if (linked.policy === 'DENYOVERRIDE') throw invalidParam('User data is not allowed to be overridden: the template links its own with policy DENYOVERRIDE');
  if (linked.policy === 'APPEND') {
    return Buffer.concat([Buffer.from(linked.text, 'base64'), Buffer.from(own, 'base64')]).toString('base64');
  }
  return own;
}
