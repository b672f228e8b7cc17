// Job commands: queryAsyncJobResult (poll one job) and listAsyncJobs.
import { whereScope } from '../kernel/list-scope';
import { implement } from '../kernel/handler';
import { notFound } from '../kernel/errors';
import { jobsCommands } from '../contract/commands/jobs';
import { pageOf } from '../identity/common';
import { parseDateParam } from '../events/dates';
import { accountNames, formatJob } from './job-format';

export { createJobManager, INTERRUPTED_TEXT } from './job-manager';
export { javaCommandClass } from './job-format';

export const jobsModule = implement(jobsCommands, {
  queryAsyncJobResult: async (ctx, a) => {
    const jobid = a.jobid!; // required: the dispatcher rejects a call without it
    const row = await ctx.svc.db.selectFrom('async_jobs').selectAll().where('id', '=', jobid).executeTakeFirst();
    if (!row) throw notFound(ctx.command, 'jobid', jobid);
    // Only the owner, or an admin over the owner's domain (531 otherwise).
    await ctx.svc.identity.checkAccess(ctx.caller, { accountId: row.account_id, domainId: row.domain_id });
    const names = await accountNames(ctx.svc, [row.account_id]);
    return formatJob(ctx.svc, row, names.get(row.account_id));
  },

  listAsyncJobs: async (ctx, a) => {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = ctx.svc.db.selectFrom('async_jobs');
    q = whereScope(q, scope);
    if (a.startdate) q = q.where('created', '>=', parseDateParam(a.startdate, 'startdate'));
    if (a.resourceid) q = q.where('instance_id', '=', a.resourceid);
    if (a.resourcetype) q = q.where((eb) => eb(eb.fn('lower', ['instance_type']), '=', a.resourcetype!.toLowerCase()));
    if (a.managementserverid) q = q.where('ms_id', '=', a.managementserverid);
    if (a.keyword) q = q.where('command', 'like', `%${a.keyword}%`);
    const { offset, limit } = pageOf(a, ctx.svc.config.maxPageSize);
    // Newest first. The page's ids come from the (…, created, id) indexes alone; only those rows (wide: each
    // carries its result) are then read, instead of every skipped one.
    const ids = q.select('id').orderBy('created', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
    const [total, page] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ctx.svc.db.selectFrom(ids.as('p')).innerJoin('async_jobs as j', 'j.id', 'p.id').selectAll('j').execute(),
    ]);
    const rows = page.sort((x, y) => y.created - x.created || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
    const names = await accountNames(ctx.svc, rows.map((r) => r.account_id));
    return { count: Number(total.n), items: rows.map((r) => formatJob(ctx.svc, r, names.get(r.account_id))) };
  },
});
