// Who sees and who manages an offering. An offering with no domain restriction is public. One restricted to
// domain D is offered to accounts of D and its subdomains; a domain admin manages offerings restricted to
// domains inside its own subtree (CloudStack's rules for domain-specific offerings).
import type { Db } from '../db/connect';
import type { Caller } from '../identity/caller';
import { isRootAdmin } from '../identity/caller';
import { permissionDenied } from '../kernel/errors';
import type { CallContext } from '../kernel/handler';
import { requireDomains, requireZones, splitIds } from './common';

/** '/Child/Sub/' -> ['/', '/Child/', '/Child/Sub/']: the paths of a domain and all its ancestors. */
function pathPrefixes(path: string): string[] {
  const out = ['/'];
  let i = path.indexOf('/', 1);
  while (i > 0) {
    out.push(path.slice(0, i + 1));
    i = path.indexOf('/', i + 1);
  }
  return out;
}

const seesEverything = (c: Caller) => isRootAdmin(c) || c.accountType === 3;

/** A predicate on an offering's restricting domain ids: may this caller see/use it? */
export async function offeringVisibility(db: Db, caller: Caller): Promise<(domainIds: string[]) => boolean> {
  if (seesEverything(caller)) return () => true;
  const ancestors = await db.selectFrom('domains').select('id').where('path', 'in', pathPrefixes(caller.domainPath))
    .execute();
  const allowed = new Set(ancestors.map((r) => r.id));
  if (caller.accountType === 2) {
    // Domain admins also see what they manage: offerings of their subdomains.
    const rows = await db.selectFrom('domains').select(['id', 'path']).where('path', 'like', `${caller.domainPath}%`)
      .where('removed', 'is', null).execute();
    for (const r of rows) if (r.path.startsWith(caller.domainPath)) allowed.add(r.id);
  }
  return (domainIds) => domainIds.length === 0 || domainIds.some((d) => allowed.has(d));
}

/**
 * Throws 531 unless the caller may create/change/delete an offering restricted to `domainIds` (root admins:
 * anything; domain admins: a non-empty set of domains inside their subtree).
 */
export async function checkManageOffering(db: Db, caller: Caller, cmd: string, param: string, domainIds: string[]): Promise<void> {
  if (isRootAdmin(caller)) return;
  if (caller.accountType !== 2) throw permissionDenied(`Account ${caller.accountName} may not manage offerings`);
  if (domainIds.length === 0) {
    throw permissionDenied(`Unable to manage a public offering by domain admin ${caller.accountName}; ` +
      'specify a domainid inside your domain');
  }
  const paths = await requireDomains(db, cmd, param, domainIds);
  for (const [id, path] of paths) {
    if (!path.startsWith(caller.domainPath)) {
      throw permissionDenied(`Account ${caller.accountName} does not have permission to operate within domain id=${id}`);
    }
  }
}

/**
 * updateServiceOffering/updateDiskOffering `domainid`/`zoneid` take comma-separated ids or the words
 * "public"/"all" (no restriction). Returns the new stored text, or undefined when the param is absent.
 */
export async function parseRestrictionUpdate(ctx: CallContext, param: 'domainid' | 'zoneid', v: string | undefined): Promise<string | undefined> {
  if (v === undefined) return undefined;
  const word = param === 'domainid' ? 'public' : 'all';
  if (v.trim().toLowerCase() === word) return '';
  const ids = splitIds(v).map((x) => x.toLowerCase());
  if (param === 'domainid') await requireDomains(ctx.svc.db, ctx.command, param, ids);
  else await requireZones(ctx.svc.db, ctx.command, param, ids);
  return ids.join(',');
}
