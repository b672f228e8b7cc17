// The one place a ListScope becomes SQL. CloudStack skips the resources of project accounts in every list unless
// projectid is given (or an id names the row); the scope carries those accounts as `exceptAccounts`, resolved by
// identity/scope.ts only when projects exist, so a cloud without projects keeps its plain (and fast-pathed) queries.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ListScope } from './services';

/** True when the scope is every row (no owner filter at all): the unfiltered count fast paths may answer it. */
export const seesEverything = (s: ListScope): boolean => s.kind === 'all' && !s.exceptAccounts?.length;

/** The scope as one condition on `accountCol`/`domainCol`, or null when it filters nothing. */
export function scopeCond(eb: ExpressionBuilder<any, any>, s: ListScope, accountCol: string, domainCol: string): Expression<SqlBool> | null {
  if (s.kind === 'account') return eb(accountCol, '=', s.accountId);
  if (s.kind === 'accounts') return eb(accountCol, 'in', s.accountIds.length ? s.accountIds : ['-']);
  // Rows without an owner (shared networks, system rows) are never a project's.
  const skip = s.exceptAccounts?.length
    ? eb.or([eb(accountCol, 'is', null), eb(accountCol, 'not in', s.exceptAccounts)]) : null;
  if (s.kind === 'all') return skip;
  const inDomains = eb(domainCol, 'in', s.domainIds.length ? s.domainIds : ['-']);
  return skip ? eb.and([inDomains, skip]) : inDomains;
}

/** `q` narrowed to the rows the scope lets the caller list. */
export function whereScope<Q extends { where: (...a: any[]) => Q }>(q: Q, s: ListScope, accountCol = 'account_id', domainCol = 'domain_id'): Q {
  if (seesEverything(s)) return q;
  return q.where((eb: ExpressionBuilder<any, any>) => scopeCond(eb, s, accountCol, domainCol)!);
}

/** The same test on one row already read (JS side), e.g. ranges dedicated to an account. */
export function scopeAdmits(s: ListScope, accountId: string | null, domainId: string | null): boolean {
  if (s.kind === 'account') return accountId === s.accountId;
  if (s.kind === 'accounts') return accountId !== null && s.accountIds.includes(accountId);
  if (accountId !== null && s.exceptAccounts?.includes(accountId)) return false;
  return s.kind === 'all' || s.domainIds.includes(domainId ?? '');
}
