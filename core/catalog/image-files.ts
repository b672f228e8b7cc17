// Where template, ISO and snapshot files live in an image store (secondary storage) whose folder this machine
// can reach (file:// stores, or nfs:// stores mounted here). The layout follows CloudStack's:
//   template/tmpl/<template id>/<template id>.<ext>      templates and ISOs
//   snapshots/<account id>/<volume id>/<snapshot id>.qcow2
// The path of an image is derived from its id and format, so nothing but the store has to be recorded.
import type { SharedCaches } from '../db/shared-caches';
import path from 'node:path';
import type { Db } from '../db/connect';
import { localStorePath } from '../infrastructure/storage-url';

const EXT: Record<string, string> = { QCOW2: 'qcow2', RAW: 'raw', VHD: 'vhd', VHDX: 'vhdx', VMDK: 'vmdk', OVA: 'ova', ISO: 'iso' };

export const imageExt = (format: string) => EXT[format.toUpperCase()] ?? format.toLowerCase();

/** The image's folder inside its store (removed whole when the image is deleted). */
export const imageDirIn = (storeDir: string, templateId: string) => path.join(storeDir, 'template', 'tmpl', templateId);

export const imageFileIn = (storeDir: string, templateId: string, format: string) =>
  path.join(imageDirIn(storeDir, templateId), `${templateId}.${imageExt(format)}`);

/**
 * The store holding a zone's copy (its recorded store, else the zone's first store) and that store's folder
 * here; null when the zone has no store this machine can reach.
 */
export async function storeDirOf(db: Db, zoneId: string, storeId: string | null = null): Promise<{ storeId: string; dir: string } | null> {
  let q = db.selectFrom('image_stores').select(['id', 'url']).where('removed', 'is', null);
  q = storeId ? q.where('id', '=', storeId) : q.where('zone_id', '=', zoneId).orderBy('created').orderBy('id');
  for (const s of await q.execute()) {
    const dir = localStorePath(s.url);
    if (dir !== null) return { storeId: s.id, dir };
  }
  return null;
}

/**
 * The file of a template or ISO's copy in a zone (undefined when it has no reachable store), remembered per image
 * and zone: deploys and ISO attaches ask for the same few files over and over. One per core (core-caches.ts).
 * Invalidation: a copy moved to a store or deleted here is forgotten at once (forget); one moved or deleted on
 * another server clears every entry within one poll of the shared cache generations ('image_files').
 */
export interface ImageFiles {
  file(templateId: string, zoneId: string): Promise<string | undefined>;
  /** Forgets the files of an image (deleted, or its copy moved to another store), here and on the other servers. */
  forget(templateId: string): void;
}

export function createImageFiles(db: Db, shared: SharedCaches): ImageFiles {
  const files = new Map<string, Promise<string | undefined>>();
  shared.onChange('image_files', () => files.clear());
  const lookUp = async (templateId: string, zoneId: string) => {
    const row = await db.selectFrom('templates as t')
      .leftJoin('template_zones as tz', (j) => j.onRef('tz.template_id', '=', 't.id').on('tz.zone_id', '=', zoneId))
      .select(['t.format', 'tz.store_id']).where('t.id', '=', templateId).executeTakeFirst();
    if (!row) return undefined;
    const store = await storeDirOf(db, zoneId, row.store_id);
    return store ? imageFileIn(store.dir, templateId, row.format) : undefined;
  };
  return {
    file(templateId, zoneId) {
      const key = `${templateId}/${zoneId}`;
      let hit = files.get(key);
      if (!hit) {
        const p = (hit = lookUp(templateId, zoneId));
        p.catch(() => { if (files.get(key) === p) files.delete(key); });
        files.set(key, p);
      }
      return hit;
    },
    forget(templateId) {
      for (const k of files.keys()) if (k.startsWith(`${templateId}/`)) files.delete(k);
      void shared.changed('image_files');
    },
  };
}

/** Folder for a volume's snapshots in the zone's image store, or undefined (the driver then keeps its own). */
export async function snapshotDirOf(db: Db, zoneId: string, accountId: string, volumeId: string): Promise<string | undefined> {
  const store = await storeDirOf(db, zoneId);
  return store ? path.join(store.dir, 'snapshots', accountId, volumeId) : undefined;
}
