// addImageStore, listImageStores, deleteImageStore (secondary storage). Provider NFS with an nfs:// URL, or a
// local folder (file:///path or /path) for a lab where the management server holds the templates itself.
import type { Selectable } from 'kysely';
import type { HandlersFor, CallContext } from '../kernel/handler';
import type { infraCommands } from '../contract/commands/infra';
import type { ImageStoreTable } from '../db/schema';
import { notFound, invalidParam, resourceInUse } from '../kernel/errors';
import { compact, bool } from '../kernel/format';
import { zoneById } from './zones';
import { parseStorageUrl, localCapacity, DEFAULT_REMOTE_CAPACITY } from './storage-url';
import { changed, countOf, paged, likeOf } from './util';
import type { ImageStore } from '../contract/responses';

type Store = Selectable<ImageStoreTable>;
type H = HandlersFor<typeof infraCommands>;

export function formatStore(s: Store, zoneName: string | null): ImageStore {
  return compact<ImageStore>({
    id: s.id, name: s.name, url: s.url, protocol: s.protocol, providername: s.provider, scope: s.scope,
    zoneid: s.zone_id, zonename: zoneName, readonly: bool(s.readonly), disksizetotal: s.capacity_bytes,
    disksizeused: s.used_bytes, hasannotations: false,
  });
}

function locate(url: string): { protocol: string; url: string; local: string | null } {
  const loc = parseStorageUrl(url);
  if (loc.type === 'NetworkFilesystem') return { protocol: 'nfs', url, local: null };
  if (loc.type === 'Filesystem') return { protocol: 'file', url: url.startsWith('/') ? `file://${url}` : url, local: loc.path };
  throw invalidParam(`Image stores take nfs://server/path or a local folder, not ${url}`);
}

export const imageStoreHandlers: Pick<H, 'addImageStore' | 'listImageStores' | 'deleteImageStore'> = {
  async addImageStore(ctx, a) {
    if (a.provider.toUpperCase() !== 'NFS') throw invalidParam(`Image store provider ${a.provider} is not supported; use NFS`);
    if (a.url === undefined) throw invalidParam('url is required for an NFS image store');
    const zone = a.zoneid !== undefined ? await zoneById(ctx, a.zoneid, 'zoneid') : null;
    const where = locate(a.url);
    const db = ctx.svc.db;
    const dup = await db.selectFrom('image_stores').select('id').where('url', '=', where.url).where('removed', 'is', null)
      .where('zone_id', zone ? '=' : 'is', zone?.id ?? null).executeTakeFirst();
    if (dup) throw invalidParam(`An image store with URL ${where.url} already exists${zone ? ` in zone ${zone.name}` : ''}`);
    const measured = where.local !== null ? localCapacity(where.local, true) : null;
    const s: Store = {
      id: ctx.svc.newId(), name: a.name ?? where.url, zone_id: zone?.id ?? null, url: where.url, protocol: where.protocol,
      provider: 'NFS', scope: zone ? 'ZONE' : 'REGION', readonly: 0,
      capacity_bytes: measured?.total ?? DEFAULT_REMOTE_CAPACITY, used_bytes: measured?.used ?? 0,
      created: ctx.svc.clock.now(), removed: null,
    };
    await db.insertInto('image_stores').values(s).execute();
    await changed(ctx, 'IMAGE.STORE.CREATE', `Added image store ${s.name}`, { id: s.id, type: 'ImageStore', name: s.name });
    return formatStore(s, zone?.name ?? null);
  },

  async listImageStores(ctx, a) {
    let q = ctx.svc.db.selectFrom('image_stores as s').leftJoin('zones as z', 'z.id', 's.zone_id').where('s.removed', 'is', null);
    if (a.id !== undefined) q = q.where('s.id', '=', a.id);
    if (a.name !== undefined) q = q.where('s.name', '=', a.name);
    if (a.zoneid !== undefined) q = q.where('s.zone_id', '=', a.zoneid);
    if (a.protocol !== undefined) q = q.where('s.protocol', '=', a.protocol.toLowerCase());
    if (a.provider !== undefined) q = q.where('s.provider', '=', a.provider.toUpperCase());
    if (a.readonly !== undefined) q = q.where('s.readonly', '=', a.readonly ? 1 : 0);
    if (a.keyword !== undefined) q = q.where('s.name', 'like', likeOf(a.keyword));
    const count = await countOf(q.select((eb) => eb.fn.countAll<number>().as('n')));
    const rows = await paged(q.selectAll('s').select('z.name as zone_name').orderBy('s.created').orderBy('s.id'), a, ctx.svc.config.maxPageSize).execute();
    return { count, items: rows.map(({ zone_name, ...s }) => formatStore(s, zone_name)) };
  },

  async deleteImageStore(ctx: CallContext, a) {
    const db = ctx.svc.db;
    const s = await db.selectFrom('image_stores').selectAll().where('id', '=', a.id).where('removed', 'is', null).executeTakeFirst();
    if (s === undefined) throw notFound(ctx.command, 'id', a.id);
    const templates = await countOf(db.selectFrom('template_zones').select((eb) => eb.fn.countAll<number>().as('n')).where('store_id', '=', s.id));
    if (templates > 0) throw resourceInUse('Cannot delete image store with active templates backup!');
    await db.updateTable('image_stores').set({ removed: ctx.svc.clock.now() }).where('id', '=', s.id).execute();
    await changed(ctx, 'IMAGE.STORE.DELETE', `Deleted image store ${s.name}`, { id: s.id, type: 'ImageStore', name: s.name });
  },
};
