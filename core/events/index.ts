// Event commands: listEvents, listEventTypes, archiveEvents, deleteEvents.
import { seesEverything, whereScope } from '../kernel/list-scope';
import { sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import { implement, type CallContext } from '../kernel/handler';
import { ApiError, invalidParam } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import { eventsCommands } from '../contract/commands/events';
import type { Database, EventTable } from '../db/schema';
import { selectArrays } from '../db/precompiled';
import { precompiledPage, rowsOf } from '../db/list-page';
import type { Db } from '../db/connect';
import { countAllBut } from '../db/counts';
import { batchedList, STREAM_BATCH } from '../kernel/paging';
import { pageOf } from '../identity/common';
import { parseDateParam } from './dates';
import { EVENT_TYPES } from './event-types';
import { formatEvents } from './event-format';
import { EVENT_COLUMNS, isFlushable } from './event-log';

export { createEventLog, type FlushableEventLog } from './event-log';
export { EVENT_TYPES } from './event-types';
export { parseDateParam } from './dates';

type EventQuery = SelectQueryBuilder<Database, 'events', object>;
const EVENT_FILTERS = ['id', 'type', 'level', 'state', 'resourceid', 'resourcetype', 'startid', 'keyword', 'startdate', 'enddate'] as const;

function dated(q: EventQuery, a: { startdate?: string; enddate?: string }): EventQuery {
  const from = a.startdate ? parseDateParam(a.startdate, 'startdate') : undefined;
  const to = a.enddate ? parseDateParam(a.enddate, 'enddate', true) : undefined;
  if (from !== undefined && to !== undefined && from > to) throw invalidParam('Invalid date range: startdate is after enddate');
  if (from !== undefined) q = q.where('created', '>=', from);
  if (to !== undefined) q = q.where('created', '<=', to);
  return q;
}

/** An event row's columns, named (rows are read as arrays, by position). */
const ROW_COLUMNS = ['seq', ...EVENT_COLUMNS] as const;
type EventRow = Selectable<EventTable>;

/** The page's rows (seqs picked by `seqs`) in the page order, newest first. */
const rowsOfPage = (db: Db, seqs: SelectQueryBuilder<Database, 'events', { seq: number }>) =>
  db.selectFrom('events').innerJoin(seqs.as('p'), 'p.seq', 'events.seq').select(ROW_COLUMNS.map((c) => `events.${c}` as const))
    .orderBy('events.seq', 'desc');

/**
 * A page of events, newest first: the page's seqs come from an (archived, seq) index alone (migration 011), so the
 * OFFSET steps over index entries rather than reading every skipped event; then only those rows are read.
 */
async function pageRows(db: Db, q: EventQuery, offset: number, limit: number): Promise<EventRow[]> {
  return rowsOf<EventRow>(ROW_COLUMNS, await selectArrays(db, rowsOfPage(db, q.select('seq').orderBy('seq', 'desc').limit(limit).offset(offset))));
}

/** Every unarchived event: all rows minus the archived ones, each counted from its b-tree at once (db/counts.ts). */
const CURRENT_EVENTS = sql<number>`((select count(*) from events) - (select count(*) from events where archived = 1))`;
/** The unfiltered page of current events, compiled once, read from the oldest end in the list's second half. */
const everyEventPage = precompiledPage(CURRENT_EVENTS, (db, reversed, { limit, offset }) =>
  rowsOfPage(db, db.selectFrom('events').where('archived', '=', 0).select('seq').orderBy('seq', reversed ? 'asc' : 'desc').limit(limit).offset(offset)));

/** The events archiveEvents/deleteEvents act on: those the caller could list, matching the selection. */
async function selectForChange(ctx: CallContext, a: { ids?: string[]; type?: string; startdate?: string; enddate?: string },
  onlyCurrent: boolean, verb: string): Promise<string[]> {
  if (!a.ids?.length && !a.type && !a.enddate) throw invalidParam('Either ids, type or enddate must be specified');
  if (a.startdate && !a.enddate) throw invalidParam('enddate must be specified with startdate parameter');
  const scope = await ctx.svc.identity.listScope(ctx.caller, { listall: true, isrecursive: true });
  let q = dated(whereScope(ctx.svc.db.selectFrom('events'), scope), a);
  if (a.ids?.length) q = q.where('id', 'in', a.ids);
  if (a.type) q = q.where('type', '=', a.type);
  if (onlyCurrent) q = q.where('archived', '=', 0);
  const rows = await q.select('id').execute();
  // CloudStack refuses the whole request when some of the named events are not the caller's (or do not exist).
  if (a.ids?.length && rows.length < new Set(a.ids).size) {
    throw new ApiError(ErrorCode.InternalError, `Unable to ${verb} Events, one or more parameters has invalid values`,
      CsErrorCode.ServerApi);
  }
  return rows.map((r) => r.id);
}

function chunks<T>(xs: T[], n = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export const eventsModule = implement(eventsCommands, {
  listEvents: async (ctx, a) => {
    // Events recorded without awaiting must still show up right after the action.
    if (isFlushable(ctx.svc.events)) await ctx.svc.events.flush();
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = dated(whereScope(ctx.svc.db.selectFrom('events'), scope), a);
    q = q.where('archived', '=', a.archived ? 1 : 0);
    if (a.id) q = q.where('id', '=', a.id);
    if (a.type) q = q.where('type', '=', a.type.toUpperCase());
    if (a.level) q = q.where('level', '=', a.level.toUpperCase());
    if (a.state) q = q.where('state', '=', a.state);
    if (a.resourceid) q = q.where('resource_id', '=', a.resourceid);
    if (a.resourcetype) q = q.where((eb) => eb(eb.fn('lower', ['resource_type']), '=', a.resourcetype!.toLowerCase()));
    if (a.startid) q = q.where((eb) => eb.or([eb('id', '=', a.startid!), eb('parent_id', '=', a.startid!)]));
    if (a.keyword) {
      const like = `%${a.keyword}%`;
      q = q.where((eb) => eb.or([eb('type', 'like', like), eb('description', 'like', like), eb('level', 'like', like)]));
    }
    const { offset, limit } = pageOf(a, ctx.svc.config.maxPageSize);
    // Everything unarchived, unfiltered: the table's count minus the archived (db/counts.ts), not an index walk.
    const all = seesEverything(scope) && !a.archived && EVENT_FILTERS.every((k) => a[k] === undefined);
    const count = all ? countAllBut(ctx.svc.db, 'events', 'archived', 1)
      : q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
    if (limit <= STREAM_BATCH) {
      const total = await count;
      const rows = all ? rowsOf<EventRow>(ROW_COLUMNS, await everyEventPage(ctx.svc.db, { offset, limit }, total))
        : await pageRows(ctx.svc.db, q, offset, limit);
      return { count: total, items: await formatEvents(ctx.svc, rows) };
    }
    // pagesize=-1 and big pages: the seqs at once, the events one batch at a time as they are written.
    const [total, seqs] = await Promise.all([count, q.select('seq').orderBy('seq', 'desc').limit(limit).offset(offset).execute()]);
    return batchedList(total, seqs.map((r) => r.seq), async (batch) => formatEvents(ctx.svc,
      await ctx.svc.db.selectFrom('events').selectAll().where('seq', 'in', batch).orderBy('seq', 'desc').execute()));
  },

  listEventTypes: () => ({ count: EVENT_TYPES.length, items: EVENT_TYPES.map((name) => ({ name })) }),

  archiveEvents: async (ctx, a) => {
    const ids = await selectForChange(ctx, a, true, 'archive');
    for (const part of chunks(ids)) await ctx.svc.db.updateTable('events').set({ archived: 1 }).where('id', 'in', part).execute();
  },

  deleteEvents: async (ctx, a) => {
    const ids = await selectForChange(ctx, a, false, 'delete');
    for (const part of chunks(ids)) await ctx.svc.db.deleteFrom('events').where('id', 'in', part).execute();
  },
});
