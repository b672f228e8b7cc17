// Job commands: queryAsyncJobResult (poll one job) and listAsyncJobs.
import { seesEverything, whereScope } from '../kernel/list-scope';
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../db/schema';
import type { Db } from '../db/connect';
import { allColumns, selectArrays } from '../db/precompiled';
import { precompiledPage, rowsOf } from '../db/list-page';
import { implement } from '../kernel/handler';
import { notFound } from '../kernel/errors';
import { jobsCommands } from '../contract/commands/jobs';
import { pageOf } from '../identity/common';
import { parseDateParam } from '../events/dates';
import { accountNames, formatJob, type JobRow } from './job-format';

export { createJobManager, INTERRUPTED_TEXT } from './job-manager';
export { javaCommandClass } from './job-format';

/** A job row's columns, named (rows are read as arrays, by position). */
const JOB_COLUMNS = allColumns<JobRow>()(['id', 'user_id', 'account_id', 'domain_id', 'command', 'status', 'proc_status', 'result_code',
  'result_type', 'result', 'instance_type', 'instance_id', 'created', 'completed', 'ms_id']);
const JOB_FILTERS = ['startdate', 'resourceid', 'resourcetype', 'managementserverid', 'keyword'] as const;

/** The rows of the jobs whose ids `ids` picks (wide rows: each carries its result), in no particular order. */
const rowsOfPage = (db: Db, ids: SelectQueryBuilder<Database, 'async_jobs', { id: string }>) =>
  db.selectFrom(ids.as('p')).innerJoin('async_jobs as j', 'j.id', 'p.id').select(JOB_COLUMNS.map((c) => `j.${c}` as const));

/** Every job, unfiltered: compiled once, read from the oldest end in the list's second half (db/list-page.ts). */
const everyJobPage = precompiledPage(sql<number>`(select count(*) from async_jobs)`, (db, reversed, { limit, offset }) => {
  const dir = reversed ? 'asc' : 'desc';
  return rowsOfPage(db, db.selectFrom('async_jobs').select('id').orderBy('created', dir).orderBy('id', dir).limit(limit).offset(offset));
});

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
    const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const arrays = seesEverything(scope) && JOB_FILTERS.every((k) => a[k] === undefined) && limit <= 500
      ? await everyJobPage(ctx.svc.db, { offset, limit }, total)
      : await selectArrays(ctx.svc.db, rowsOfPage(ctx.svc.db, q.select('id').orderBy('created', 'desc').orderBy('id', 'desc').limit(limit).offset(offset)));
    const page = rowsOf<JobRow>(JOB_COLUMNS, arrays);
    const rows = page.sort((x, y) => y.created - x.created || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
    const names = await accountNames(ctx.svc, rows.map((r) => r.account_id));
    return { count: total, items: rows.map((r) => formatJob(ctx.svc, r, names.get(r.account_id), true)) };
  },
});
