// createTags, deleteTags and listTags. A tag copies its resource's owner; only callers who may act on the resource
// (its owner, or an admin over its domain) tag it or untag it, and listTags scopes like the resources' own lists.
import { whereScope } from '../kernel/list-scope';
import { sql } from 'kysely';
import type { HandlersFor, CallContext } from '../kernel/handler';
import type { tagsCommands, TaggableType } from '../contract/commands/tags';
import { TAGGABLE_TYPES } from '../contract/commands/tags';
import { invalidParam } from '../kernel/errors';
import { pageWindow } from '../kernel/paging';
import { taggableType, taggedResources, TABLE_OF, type TaggedResource } from './kinds';
import { formatTag, tagPairs, type TagPair } from './tag-store';

type H = HandlersFor<typeof tagsCommands>;

interface Target { type: TaggableType; resources: TaggedResource[] }

/** The resources a tag command names, each checked against the caller's rights (531 otherwise). */
async function targets(ctx: CallContext, resourceType: string, ids: string[]): Promise<Target> {
  const type = taggableType(resourceType);
  if (ids.length === 0) throw invalidParam('resourceids must name at least one resource');
  const resources = await taggedResources(ctx.svc.db, type, [...new Set(ids)]);
  // A domain-wide network has no owner account: '-' matches no account, so only admins over its domain pass.
  for (const r of resources) await ctx.svc.identity.checkAccess(ctx.caller, { accountId: r.accountId ?? '-', domainId: r.domainId });
  return { type, resources };
}

interface NewTag { id: string; resource_type: string; resource_id: string; tag_key: string; tag_value: string;
  customer: string | null; account_id: string; domain_id: string; created: number }

async function insertTags(ctx: CallContext, rows: NewTag[]): Promise<void> {
  // Done already (a job recovered after its commit): the rows are there.
  const first = await ctx.svc.db.selectFrom('resource_tags').select('id').where('id', '=', rows[0].id).executeTakeFirst();
  if (first) return;
  try {
    await ctx.svc.db.transaction().execute((tx) => tx.insertInto('resource_tags').values(rows).execute().then(() => undefined));
  } catch (e) {
    // The unique (resource, type, key) index: another request tagged the same key in between.
    throw invalidParam(`A tag with one of these keys already exists on the resource: ${(e as Error).message.slice(0, 120)}`);
  }
}

function matching(ctx: CallContext, t: Target, pairs: TagPair[]) {
  let q = ctx.svc.db.selectFrom('resource_tags').where('resource_type', '=', t.type)
    .where('resource_id', 'in', t.resources.map((r) => r.id));
  if (pairs.length > 0) {
    q = q.where((eb) => eb.or(pairs.map((p) => eb.and([eb('tag_key', '=', p.key),
      ...(p.value !== undefined ? [eb('tag_value', '=', p.value)] : [])]))));
  }
  return q;
}

/** Tags whose resource still exists (a removed VM's tags are not shown). */
const LIVE = sql<boolean>`(${sql.join(TAGGABLE_TYPES.map((t) =>
  sql`(resource_type = ${t} and exists (select 1 from ${sql.table(TABLE_OF[t])} r where r.id = resource_tags.resource_id and r.removed is null))`),
  sql` or `)})`;

export const tagsHandlers: H = {
  createTags: {
    async prepare(ctx, a) {
      const t = await targets(ctx, a.resourcetype, a.resourceids);
      const pairs = tagPairs(a.tags);
      if (pairs.length === 0) throw invalidParam('tags must name at least one tag: tags[0].key=k&tags[0].value=v');
      for (const p of pairs) if (!p.value) throw invalidParam(`Value for the key ${p.key} is either null or empty`);
      const keys = new Set(pairs.map((p) => p.key));
      if (keys.size !== pairs.length) throw invalidParam('Each tag key may be given once');
      const existing = await matching(ctx, t, pairs.map((p) => ({ key: p.key }))).select(['resource_id', 'tag_key']).executeTakeFirst();
      if (existing) throw invalidParam(`A tag with key ${existing.tag_key} already exists on resource ${existing.resource_id}`);
      const now = ctx.svc.clock.now();
      const rows: NewTag[] = t.resources.flatMap((r) => pairs.map((p) => ({
        id: ctx.svc.newId(), resource_type: t.type, resource_id: r.id, tag_key: p.key, tag_value: p.value!,
        customer: a.customer ?? null, account_id: r.accountId ?? ctx.caller.accountId, domain_id: r.domainId, created: now,
      })));
      return { instanceType: 'None', instanceId: null, locks: t.resources.map((r) => `tags:${r.id}`), payload: rows };
    },
    execute: (ctx, _a, rows: NewTag[]) => insertTags(ctx, rows),
    recover: (ctx, _a, rows: NewTag[]) => insertTags(ctx, rows),
  },

  deleteTags: {
    async prepare(ctx, a) {
      const t = await targets(ctx, a.resourcetype, a.resourceids);
      const pairs = tagPairs(a.tags);
      const found = await matching(ctx, t, pairs).select('id').execute();
      if (found.length === 0) throw invalidParam('Unable to find any tags which conform to specified delete parameters.');
      return { instanceType: 'None', instanceId: null, locks: t.resources.map((r) => `tags:${r.id}`), payload: found.map((f) => f.id) };
    },
    // Deleting by the ids found at request time keeps a retry (or a recovery) from deleting tags added since.
    execute: async (ctx, _a, ids: string[]) => { await ctx.svc.db.deleteFrom('resource_tags').where('id', 'in', ids).execute(); },
    recover: async (ctx, _a, ids: string[]) => { await ctx.svc.db.deleteFrom('resource_tags').where('id', 'in', ids).execute(); },
  },

  async listTags(ctx, a) {
    const scope = await ctx.svc.identity.listScope(ctx.caller, a);
    let q = ctx.svc.db.selectFrom('resource_tags').where(LIVE);
    q = whereScope(q, scope);
    if (a.resourcetype !== undefined) q = q.where('resource_type', '=', taggableType(a.resourcetype));
    if (a.resourceid !== undefined) q = q.where('resource_id', '=', a.resourceid);
    if (a.key !== undefined) q = q.where('tag_key', '=', a.key);
    if (a.value !== undefined) q = q.where('tag_value', '=', a.value);
    if (a.customer !== undefined) q = q.where('customer', '=', a.customer);
    if (a.keyword !== undefined) {
      const like = `%${a.keyword}%`;
      q = q.where((eb) => eb.or([eb('tag_key', 'like', like), eb('tag_value', 'like', like)]));
    }
    const { offset, limit } = pageWindow(a, ctx.svc.config.maxPageSize);
    let page = q.selectAll().orderBy('created').orderBy('id');
    if (limit !== null) page = page.limit(limit).offset(offset);
    const [total, rows] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(), page.execute(),
    ]);
    const items = [];
    for (const r of rows) items.push(formatTag(r, await ctx.svc.identity.accountInfo(r.account_id)));
    return { count: Number(total.n), items };
  },
};
