// listTemplates / listIsos: one row per image per zone, filtered by templatefilter/isofilter semantics:
//   featured        public and featured                  community   public, not featured
//   self            owned by the caller (scope params)   selfexecutable  self + ready
//   executable      own + public, ready                  sharedexecutable shared with the caller's account, ready
//   all             everything (root admins only)
import { scopeCond, seesEverything } from '../kernel/list-scope';
import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { CallContext, ListResult } from '../kernel/handler';
import type { ArgsOf } from '../contract/command';
import type { catalogCommands } from '../contract/commands/catalog';
import type { Database } from '../db/schema';
import type { ListScope } from '../kernel/services';
import { isRootAdmin } from '../identity/caller';
import { invalidParam } from '../kernel/errors';
import { pageWindow } from '../kernel/paging';
import { formatTemplate, imageNames, showsUrl, type ImageRow } from './template-format';
import type { Template } from '../contract/responses';
import { taggedIdsQuery, tagPairs } from '../tags/tag-store';
import { sharedIdsQuery } from './template-permissions';

type C = typeof catalogCommands;
type ListArgs = ArgsOf<C['listTemplates']> | ArgsOf<C['listIsos']>;
type EB = ExpressionBuilder<Database & { t: Database['templates']; tz: Database['template_zones'] }, 't' | 'tz'>;
type Cond = (eb: EB) => Expression<SqlBool>;

function ownerCond(scope: ListScope): Cond | null {
  if (seesEverything(scope)) return null;
  return (eb) => scopeCond(eb, scope, 't.account_id', 't.domain_id')!;
}

const ready: Cond = (eb) => eb('tz.is_ready', '=', 1);

/** The conditions a filter adds; null when nothing can match. */
async function filterConds(ctx: CallContext, a: ListArgs, filter: string): Promise<Cond[] | null> {
  if (filter === 'all' && !isRootAdmin(ctx.caller)) throw invalidParam('Filter all can be specified by admin only');
  if (filter === 'featured') return [(eb) => eb('t.is_public', '=', 1), (eb) => eb('t.is_featured', '=', 1)];
  if (filter === 'community') return [(eb) => eb('t.is_public', '=', 1), (eb) => eb('t.is_featured', '=', 0)];
  // Launch permissions (updateTemplatePermissions op=add) share a template with single accounts.
  if (filter === 'sharedexecutable') return [ready, (eb) => eb('t.id', 'in', sharedIdsQuery(ctx.svc.db, ctx.caller.accountId) as never)];
  const scopeArgs = { account: a.account, domainid: a.domainid, isrecursive: a.isrecursive, listall: a.listall, projectid: a.projectid };
  if (filter === 'all' && a.account === undefined && a.domainid === undefined) return [];
  const owned = ownerCond(await ctx.svc.identity.listScope(ctx.caller, scopeArgs));
  const conds: Cond[] = [];
  if (filter === 'executable') {
    if (owned) conds.push((eb) => eb.or([owned(eb), eb('t.is_public', '=', 1)]));
  } else if (owned) conds.push(owned);
  if (filter === 'selfexecutable' || filter === 'executable') conds.push(ready);
  return conds;
}

/** The plain filters (id, name, zone, readiness...) shared by templates and ISOs. */
async function paramConds(ctx: CallContext, a: ListArgs, iso: boolean): Promise<Cond[] | null> {
  const c: Cond[] = [iso ? (eb) => eb('t.format', '=', 'ISO') : (eb) => eb('t.format', '!=', 'ISO')];
  if (!a.showremoved) c.push((eb) => eb('t.removed', 'is', null));
  if (a.id !== undefined) c.push((eb) => eb('t.id', '=', a.id!));
  if (a.name !== undefined) c.push((eb) => eb('t.name', '=', a.name!));
  if (a.zoneid !== undefined) c.push((eb) => eb('tz.zone_id', '=', a.zoneid!));
  if (a.isready === true) c.push(ready);
  if (a.isready === false) c.push((eb) => eb.or([eb('tz.is_ready', '=', 0), eb('tz.is_ready', 'is', null)]));
  if (a.keyword !== undefined) {
    const kw = a.keyword.toLowerCase();
    c.push(() => sql<SqlBool>`(instr(lower(t.name), ${kw}) > 0 or instr(lower(t.display_text), ${kw}) > 0)`);
  }
  if (a.tags !== undefined && a.tags.length > 0) {
    const tagged = taggedIdsQuery(ctx.svc.db, iso ? 'ISO' : 'Template', tagPairs(a.tags));
    c.push((eb) => eb('t.id', 'in', tagged as never));
  }
  if (a.oscategoryid !== undefined) {
    const ids = await ctx.svc.caches.osTypes.idsOfCategory(a.oscategoryid);
    if (ids.length === 0) return null;
    c.push((eb) => eb('t.ostype_id', 'in', ids));
  }
  if ('templatefilter' in a) {
    if (a.ids !== undefined) c.push((eb) => eb('t.id', 'in', a.ids!));
    if (a.hypervisor !== undefined) c.push((eb) => eb(eb.fn('lower', ['t.hypervisor']), '=', a.hypervisor!.toLowerCase()));
    if (a.templatetype !== undefined) c.push((eb) => eb('t.template_type', '=', a.templatetype!.toUpperCase()));
  } else {
    if (a.bootable !== undefined) c.push((eb) => eb('t.bootable', '=', a.bootable ? 1 : 0));
    if (a.ispublic !== undefined) c.push((eb) => eb('t.is_public', '=', a.ispublic ? 1 : 0));
  }
  return c;
}

export async function listImages(ctx: CallContext, a: ListArgs, kind: 'template' | 'iso'): Promise<ListResult<Template>> {
  const filter = 'templatefilter' in a ? a.templatefilter : (a.isofilter ?? 'selfexecutable');
  const byFilter = await filterConds(ctx, a, filter);
  const byParams = await paramConds(ctx, a, kind === 'iso');
  if (byFilter === null || byParams === null) return { count: 0, items: [] };
  const conds = [...byParams, ...byFilter];
  const { db } = ctx.svc;
  const base = db.selectFrom('templates as t').leftJoin('template_zones as tz', 'tz.template_id', 't.id')
    .where((eb) => eb.and(conds.map((f) => f(eb as unknown as EB))));
  const total = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const count = Number(total.n);
  const w = pageWindow(a, ctx.svc.config.maxPageSize);
  let q = base.selectAll('t').select(['tz.zone_id', 'tz.status', 'tz.is_ready', 'tz.physical_size'])
    .orderBy('t.created').orderBy('t.id').orderBy('tz.zone_id');
  if (w.limit !== null) q = q.limit(w.limit).offset(w.offset);
  const rows: ImageRow[] = count === 0 ? [] : await q.execute();
  const names = await imageNames(ctx.svc, rows);
  return { count, items: rows.map((r) => formatTemplate(r, names, { showUrl: showsUrl(ctx.caller, r) })) };
}
