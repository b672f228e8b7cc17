// Tags as the lists of taggable resources use them: a page's tags[] in one query, and the tags[i].key/value
// filter as an IN (subquery) on the resource id that the (type, key, value) index answers.
import type { Db } from '../db/connect';
import type { MapEntries } from '../contract/params';
import type { TaggableType } from '../contract/commands/tags';
import type { Tags } from '../contract/responses';
import type { Services } from '../kernel/services';
import { invalidParam } from '../kernel/errors';
import { precompiledIn } from '../db/precompiled';
import { ownerFields } from '../kernel/format';

// Read for every page of a taggable list and every VM object (each deploy's result): compiled once per list of
// types (db/precompiled), the ids filled in.
const tagsQ = new Map<string, ReturnType<typeof tagsOfIds>>();
const tagsOfIds = (types: string[]) => precompiledIn((db, ids) => db.selectFrom('resource_tags').selectAll()
  .where('resource_id', 'in', ids).where('resource_type', 'in', types).orderBy('created').orderBy('tag_key'));

/** The tags[] of each resource of a page (oldest first, then by key): one query over the page's ids. */
export async function tagsOfPage(svc: Pick<Services, 'db' | 'identity'>, type: TaggableType | TaggableType[], ids: string[]): Promise<Map<string, Tags[]>> {
  const out = new Map<string, Tags[]>();
  if (ids.length === 0) return out;
  const types = Array.isArray(type) ? type : [type];
  const typesKey = types.join(',');
  let q = tagsQ.get(typesKey);
  if (!q) tagsQ.set(typesKey, (q = tagsOfIds(types)));
  const rows = await q(svc.db, ids, {});
  for (const r of rows) {
    const owner = await svc.identity.accountInfo(r.account_id);
    const list = out.get(r.resource_id) ?? [];
    list.push(formatTag(r, owner));
    out.set(r.resource_id, list);
  }
  return out;
}

export interface TagRow { resource_type: string; resource_id: string; tag_key: string; tag_value: string; customer: string | null; domain_id: string }

export function formatTag(r: TagRow, owner: { name: string; domainName: string; domainPath: string; project?: { id: string; name: string } }): Tags {
  const t: Tags = {
    key: r.tag_key, value: r.tag_value, resourcetype: r.resource_type, resourceid: r.resource_id,
    ...ownerFields(owner), domainid: r.domain_id, domain: owner.domainName, domainpath: owner.domainPath,
  };
  if (r.customer !== null) t.customer = r.customer;
  return t;
}

export interface TagPair { key: string; value?: string }

/** The tags[i].key/value entries of a request; 431 for an entry without a key. */
export function tagPairs(entries: MapEntries | undefined): TagPair[] {
  return (entries ?? []).map((e) => {
    if (!e.key) throw invalidParam('Each tags[i] entry needs a key (tags[0].key=k&tags[0].value=v)');
    return e.value === undefined ? { key: e.key } : { key: e.key, value: e.value };
  });
}

/** Subquery of the ids of resources of `type` carrying every pair (a value-less pair: any value of that key). */
export function taggedIdsQuery(db: Db, type: TaggableType, pairs: TagPair[]) {
  let q = db.selectFrom('resource_tags as t0').select('t0.resource_id').where('t0.resource_type', '=', type)
    .where('t0.tag_key', '=', pairs[0].key);
  if (pairs[0].value !== undefined) q = q.where('t0.tag_value', '=', pairs[0].value);
  // Each further pair: the same resource carries it too.
  for (let i = 1; i < pairs.length; i++) {
    const pair = pairs[i];
    q = q.where((eb) => eb.exists(eb.selectFrom('resource_tags as tn').select('tn.id')
      .whereRef('tn.resource_id', '=', 't0.resource_id').where('tn.resource_type', '=', type).where('tn.tag_key', '=', pair.key)
      .$if(pair.value !== undefined, (s) => s.where('tn.tag_value', '=', pair.value!))));
  }
  return q;
}
