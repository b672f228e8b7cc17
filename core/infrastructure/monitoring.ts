// listCapacity, listAlerts, archiveAlerts, deleteAlerts.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { HandlersFor, CallContext } from '../kernel/handler';
import type { Database } from '../db/schema';
import type { infraCommands } from '../contract/commands/infra';
import { invalidParam } from '../kernel/errors';
import { csDate } from '../kernel/format';
import { parseDateParam } from '../events/dates';
import { computeCapacities, type Level } from './capacity';
import { zoneById } from './zones';
import { podById } from './pods';
import { clusterById } from './clusters';
import { countOf, paged, pageArray, likeOf } from './util';

type H = HandlersFor<typeof infraCommands>;

function alertType(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw invalidParam(`Invalid alert type ${v}: use the alert type number`);
  return n;
}

interface AlertSelection { ids?: string[]; type?: string; startdate?: string; enddate?: string }

/** archiveAlerts/deleteAlerts act on alerts picked by ids, type and/or a date range (at least one is needed). */
function selection(a: AlertSelection) {
  if (a.ids === undefined && a.type === undefined && a.startdate === undefined && a.enddate === undefined) {
    throw invalidParam('either ids, type, startdate or enddate must be specified');
  }
  const type = alertType(a.type);
  const from = a.startdate !== undefined ? parseDateParam(a.startdate, 'startdate') : undefined;
  const to = a.enddate !== undefined ? parseDateParam(a.enddate, 'enddate', true) : undefined;
  if (from !== undefined && to !== undefined && from > to) throw invalidParam('startdate must be before enddate');
  return (eb: ExpressionBuilder<Database, 'alerts'>) => {
    const c: Expression<SqlBool>[] = [];
    if (a.ids !== undefined) c.push(eb('id', 'in', a.ids));
    if (type !== undefined) c.push(eb('type', '=', type));
    if (from !== undefined) c.push(eb('sent', '>=', from));
    if (to !== undefined) c.push(eb('sent', '<=', to));
    return eb.and(c);
  };
}

async function recordAlertAction(ctx: CallContext, type: string, n: number): Promise<void> {
  await ctx.svc.events.record({
    type, description: `${type === 'ALERT.ARCHIVE' ? 'Archived' : 'Deleted'} ${n} alert(s)`, level: 'INFO', state: 'Completed',
    userId: ctx.caller.userId, accountId: ctx.caller.accountId, domainId: ctx.caller.domainId,
  });
}

export const monitoringHandlers: Pick<H, 'listCapacity' | 'listAlerts' | 'archiveAlerts' | 'deleteAlerts'> = {
  async listCapacity(ctx, a) {
    if (a.zoneid !== undefined) await zoneById(ctx, a.zoneid, 'zoneid');
    if (a.podid !== undefined) await podById(ctx, a.podid, 'podid');
    if (a.clusterid !== undefined) await clusterById(ctx, a.clusterid, 'clusterid');
    const byUsage = a.sortby !== undefined;
    if (byUsage && a.sortby!.toLowerCase() !== 'usage') throw invalidParam('Only value supported for sortBy parameter is : usage');
    if (byUsage && a.clusterid !== undefined) throw invalidParam('Currently clusterId param is not supported');
    // CloudStack lists by the level asked; sortby=usage (its "top consumed") ranks the level below the filter instead:
    // zones, a zone's pods, a pod's clusters.
    const level: Level = byUsage
      ? (a.podid !== undefined ? 'cluster' : a.zoneid !== undefined ? 'pod' : 'zone')
      : (a.clusterid !== undefined ? 'cluster' : a.podid !== undefined ? 'pod' : 'zone');
    let caps = await computeCapacities(ctx.svc.db,
      { level, zoneId: a.zoneid, podId: a.podid, clusterId: a.clusterid, type: a.type, latest: a.fetchlatest === true });
    if (a.keyword !== undefined) caps = caps.filter((c) => c.name.toLowerCase().includes(a.keyword!.toLowerCase()));
    if (!byUsage) return { count: caps.length, items: pageArray(caps, a, ctx.svc.config.maxPageSize) };
    // The pagesize most used first (page is not applied, as in CloudStack), then grouped by zone name in that order.
    const top = [...caps].sort((x, y) => Number(y.percentused) - Number(x.percentused))
      .slice(0, a.pagesize !== undefined && a.pagesize > 0 ? a.pagesize : ctx.svc.config.maxPageSize || undefined);
    const ranked = top.map((c, i) => ({ c, i }))
      .sort((x, y) => (x.c.zonename ?? '').localeCompare(y.c.zonename ?? '') || x.i - y.i).map((x) => x.c);
    return { count: ranked.length, items: ranked };
  },

  async listAlerts(ctx, a) {
    let q = ctx.svc.db.selectFrom('alerts').where('archived', '=', 0);
    if (a.id !== undefined) q = q.where('id', '=', a.id);
    const type = alertType(a.type);
    if (type !== undefined) q = q.where('type', '=', type);
    if (a.name !== undefined) q = q.where('name', '=', a.name);
    if (a.keyword !== undefined) q = q.where((eb) => eb.or([eb('description', 'like', likeOf(a.keyword!)), eb('name', 'like', likeOf(a.keyword!))]));
    const count = await countOf(q.select((eb) => eb.fn.countAll<number>().as('n')));
    const rows = await paged(q.selectAll().orderBy('sent', 'desc').orderBy('id'), a, ctx.svc.config.maxPageSize).execute();
    return { count, items: rows.map((r) => ({ id: r.id, type: r.type, name: r.name, description: r.description, sent: csDate(r.sent) })) };
  },

  async archiveAlerts(ctx, a) {
    const r = await ctx.svc.db.updateTable('alerts').set({ archived: 1 }).where(selection(a)).where('archived', '=', 0).executeTakeFirst();
    await recordAlertAction(ctx, 'ALERT.ARCHIVE', Number(r.numUpdatedRows));
  },

  async deleteAlerts(ctx, a) {
    const r = await ctx.svc.db.deleteFrom('alerts').where(selection(a)).executeTakeFirst();
    await recordAlertAction(ctx, 'ALERT.DELETE', Number(r.numDeletedRows));
  },
};
