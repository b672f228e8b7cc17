// Where each taggable resource type lives, and who owns a resource of it: tags copy the resource's owner so
// listTags scopes like the resources themselves and a user never sees or sets tags on another account's things.
import type { Db } from '../db/connect';
import { invalidParam } from '../kernel/errors';
import { TAGGABLE_TYPES, type TaggableType } from '../contract/commands/tags';

type TaggableTable = 'vms' | 'volumes' | 'snapshots' | 'templates' | 'networks' | 'projects';

const TABLE_OF: Record<TaggableType, TaggableTable> = {
  UserVm: 'vms', Volume: 'volumes', Snapshot: 'snapshots', Template: 'templates', ISO: 'templates',
  Network: 'networks', Project: 'projects',
};

/** CloudStack's name of a resource type, matched without regard to case ("uservm" -> "UserVm"). */
export function taggableType(v: string): TaggableType {
  const t = TAGGABLE_TYPES.find((x) => x.toLowerCase() === v.toLowerCase());
  if (t === undefined) throw invalidParam(`Resource type ${v} does not support tags; supported: ${TAGGABLE_TYPES.join(', ')}`);
  return t;
}

/** accountId is null for a domain-wide (shared) network: only admins of its domain tag it. */
export interface TaggedResource { id: string; accountId: string | null; domainId: string }

/** The live resources of `type` with these ids; 431 naming the first id that is not one. */
export async function taggedResources(db: Db, type: TaggableType, ids: string[]): Promise<TaggedResource[]> {
  let q = db.selectFrom(TABLE_OF[type]).select(['id', 'account_id', 'domain_id']).where('id', 'in', ids).where('removed', 'is', null);
  if (type === 'ISO') q = q.where('format', '=', 'ISO');
  if (type === 'Template') q = q.where('format', '!=', 'ISO');
  const rows = await q.execute();
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) throw invalidParam(`Unable to find resource by id ${missing} and type ${type}`);
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, domainId: r.domain_id }));
}

/** Resource types whose table is `table` (vms -> UserVm; templates -> Template and ISO). */
export const typesOfTable = (table: TaggableTable): TaggableType[] =>
  TAGGABLE_TYPES.filter((t) => TABLE_OF[t] === table);

export { TABLE_OF };
