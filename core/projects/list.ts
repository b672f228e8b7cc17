// listProjects: a user sees the projects its account is a member of; an admin with listall (or domainid) those of
// its domain tree; `account` narrows to one account's memberships. Filters by id, name, state, keyword and tags.
import type { HandlersFor } from '../kernel/handler';
import type { projectsCommands } from '../contract/commands/projects';
import { pageWindow } from '../kernel/paging';
import { isAdmin, isRootAdmin } from '../identity/caller';
import { accountByName, domainDenied, liveDomain, managesDomain } from '../identity/scope';
import { taggedIdsQuery, tagPairs } from '../tags/tag-store';
import { formatProjects } from './format';

type H = HandlersFor<typeof projectsCommands>;

export const listHandlers: Pick<H, 'listProjects'> = {
  async listProjects(ctx, a) {
    const db = ctx.svc.db;
    const dir = ctx.svc.caches.directory;
    let q = db.selectFrom('projects').where('removed', 'is', null);
    const memberOf = (accountId: string) => db.selectFrom('project_accounts').select('project_id').where('account_id', '=', accountId);
    if (!isAdmin(ctx.caller)) {
      q = q.where('id', 'in', memberOf(ctx.caller.accountId));
    } else if (a.domainid || a.account) {
      const d = await liveDomain(dir, a.domainid ?? ctx.caller.domainId);
      if (!managesDomain(ctx.caller, d.path)) throw domainDenied(ctx.caller, d.id);
      if (a.account) q = q.where('id', 'in', memberOf((await accountByName(dir, a.account, d.id)).id));
      else if (a.isrecursive) q = q.where('domain_id', 'in', (await dir.subtree(d.path)).map((x) => x.id));
      else q = q.where('domain_id', '=', d.id);
    } else if (a.listall || a.id) {
      if (!isRootAdmin(ctx.caller)) q = q.where('domain_id', 'in', (await dir.subtree(ctx.caller.domainPath)).map((x) => x.id));
    } else {
      q = q.where('id', 'in', memberOf(ctx.caller.accountId));
    }
    if (a.id) q = q.where('id', '=', a.id);
    if (a.name) q = q.where('name', '=', a.name);
    if (a.displaytext) q = q.where('display_text', '=', a.displaytext);
    if (a.state) q = q.where('state', '=', a.state.charAt(0).toUpperCase() + a.state.slice(1).toLowerCase());
    if (a.keyword) q = q.where((eb) => eb.or([eb('name', 'like', `%${a.keyword}%`), eb('display_text', 'like', `%${a.keyword}%`)]));
    if (a.tags && a.tags.length > 0) q = q.where('id', 'in', taggedIdsQuery(db, 'Project', tagPairs(a.tags)));
    const { offset, limit } = pageWindow(a, ctx.svc.config.maxPageSize);
    let page = q.selectAll().orderBy('created').orderBy('id');
    if (limit !== null) page = page.limit(limit).offset(offset);
    const [total, rows] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(), page.execute(),
    ]);
    const items = await formatProjects(ctx.svc, rows);
    return { count: Number(total.n), items };
  },
};
