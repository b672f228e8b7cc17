// Guest OS types and categories: seeded reference data, listOsTypes and listOsCategories. The os_types table
// stores the category by name; a category's id is derived from its name so it is the same on every install.
import type { SharedCaches } from '../db/shared-caches';
import { createHash } from 'node:crypto';
import type { Db } from '../db/connect';
import type { CallContext, ListResult } from '../kernel/handler';
import type { ArgsOf } from '../contract/command';
import type { catalogCommands } from '../contract/commands/catalog';
import { containsText, pageOf } from './common';
import type { OsCategory, OsType } from '../contract/responses';

type C = typeof catalogCommands;

/** Seeded guest OS types by category: CloudStack's names, spelled as CloudStack spells them (scripts and Terraform
 * configurations name OS types, e.g. "Debian GNU/Linux 7(64-bit)", with its irregular spacing). */
export const SEED_OS_TYPES: Readonly<Record<string, readonly string[]>> = {
  CentOS: [
    'CentOS 4.5 (32-bit)', 'CentOS 5.0 (32-bit)', 'CentOS 5.0 (64-bit)', 'CentOS 5.3 (64-bit)', 'CentOS 5.5 (32-bit)',
    'CentOS 5.5 (64-bit)', 'CentOS 5.6 (64-bit)', 'CentOS 6.0 (32-bit)', 'CentOS 6.0 (64-bit)', 'CentOS 6.5 (64-bit)',
    'CentOS 7', 'CentOS 7 (64-bit)', 'CentOS 8', 'Other CentOS (32-bit)', 'Other CentOS (64-bit)',
  ],
  Debian: [
    'Debian GNU/Linux 5.0 (32-bit)', 'Debian GNU/Linux 5(64-bit)', 'Debian GNU/Linux 6(32-bit)', 'Debian GNU/Linux 6(64-bit)',
    'Debian GNU/Linux 7(32-bit)', 'Debian GNU/Linux 7(64-bit)', 'Debian GNU/Linux 8 (32-bit)', 'Debian GNU/Linux 8 (64-bit)',
    'Debian GNU/Linux 9 (32-bit)', 'Debian GNU/Linux 9 (64-bit)', 'Debian GNU/Linux 10 (32-bit)', 'Debian GNU/Linux 10 (64-bit)',
    'Debian GNU/Linux 11 (64-bit)', 'Debian GNU/Linux 12 (64-bit)',
  ],
  Ubuntu: [
    'Ubuntu 10.04 (32-bit)', 'Ubuntu 10.04 (64-bit)', 'Ubuntu 12.04 (32-bit)', 'Ubuntu 12.04 (64-bit)',
    'Ubuntu 14.04 (32-bit)', 'Ubuntu 14.04 (64-bit)', 'Ubuntu 16.04 (32-bit)', 'Ubuntu 16.04 (64-bit)',
    'Ubuntu 18.04 LTS', 'Ubuntu 20.04 LTS', 'Ubuntu 22.04 LTS', 'Ubuntu 24.04 LTS', 'Other Ubuntu (32-bit)', 'Other Ubuntu (64-bit)',
  ],
  Oracle: ['Oracle Enterprise Linux 5.5 (64-bit)', 'Oracle Enterprise Linux 6.0 (64-bit)', 'Oracle Linux 7', 'Oracle Linux 8', 'Oracle Linux 9'],
  RedHat: [
    'Red Hat Enterprise Linux 5.5 (64-bit)', 'Red Hat Enterprise Linux 6.0 (64-bit)', 'Red Hat Enterprise Linux 7',
    'Red Hat Enterprise Linux 8', 'Red Hat Enterprise Linux 9', 'Fedora 13', 'Rocky Linux 8', 'Rocky Linux 9',
    'AlmaLinux 8', 'AlmaLinux 9',
  ],
  SUSE: ['SUSE Linux Enterprise Server 11 (64-bit)', 'SUSE Linux Enterprise Server 12 (64-bit)', 'SUSE Linux Enterprise Server 15 (64-bit)'],
  Windows: [
    'Windows 7 (64-bit)', 'Windows 8 (64-bit)', 'Windows 10 (64-bit)', 'Windows 11 (64-bit)',
    'Windows Server 2008 R2 (64-bit)', 'Windows Server 2012 R2 (64-bit)', 'Windows Server 2016 (64-bit)',
    'Windows Server 2019 (64-bit)', 'Windows Server 2022 (64-bit)', 'Windows PV',
  ],
  Unix: ['FreeBSD (32-bit)', 'FreeBSD (64-bit)', 'FreeBSD 13 (64-bit)', 'Sun Solaris 11 (64-bit)'],
  Other: [
    'Other Linux (32-bit)', 'Other Linux (64-bit)', 'Other 2.6x Linux (32-bit)', 'Other 2.6x Linux (64-bit)',
    'Other PV (32-bit)', 'Other PV (64-bit)', 'Other (32-bit)', 'Other (64-bit)', 'None',
  ],
};

/** The OS type used when a registration names none. */
export const DEFAULT_OS_TYPE = 'Other (64-bit)';

/** A stable UUID for a category name (name-based, SHA-1, version 5 layout). */
export function osCategoryId(name: string): string {
  const h = createHash('sha1').update(`strata:oscategory:${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export async function seedOsTypes(db: Db, osTypes: OsTypes, newId: () => string): Promise<void> {
  const existing = new Set((await db.selectFrom('os_types').select('description').execute()).map((r) => r.description));
  const rows: { id: string; description: string; category: string }[] = [];
  for (const [category, types] of Object.entries(SEED_OS_TYPES)) {
    for (const description of types) if (!existing.has(description)) rows.push({ id: newId(), description, category });
  }
  if (rows.length > 0) await db.insertInto('os_types').values(rows).execute();
  void osTypes.changed();
}

export interface OsTypeEntry { id: string; description: string; category: string }

/**
 * The guest OS types of the core's database, read once and kept: they are reference data that only seeding
 * changes. Invalidation: seeding here clears it at once; seeding on another server (a newer version adding types)
 * clears it within one poll of the shared cache generations ('os_types').
 */
export interface OsTypes {
  all(): Promise<OsTypeEntry[]>;
  byId(id: string): Promise<OsTypeEntry | undefined>;
  byDescription(description: string): Promise<OsTypeEntry | undefined>;
  /** Description by id. */
  names(): Promise<Map<string, string>>;
  /** OS type ids of a category id (for the oscategoryid filter of image lists). */
  idsOfCategory(categoryId: string): Promise<string[]>;
  /** Rows changed here: forget the list, and tell the other servers. */
  changed(): Promise<void>;
}

export function createOsTypes(db: Db, shared: SharedCaches): OsTypes {
  let list: Promise<OsTypeEntry[]> | undefined;
  shared.onChange('os_types', () => { list = undefined; });
  const all = () => {
    if (!list) {
      const p = db.selectFrom('os_types').select(['id', 'description', 'category']).orderBy('description').execute();
      list = p;
      p.catch(() => { if (list === p) list = undefined; });
    }
    return list;
  };
  return {
    all,
    byId: async (id) => (await all()).find((o) => o.id === id),
    byDescription: async (description) => (await all()).find((o) => o.description === description),
    names: async () => new Map((await all()).map((o) => [o.id, o.description])),
    idsOfCategory: async (categoryId) => (await all()).filter((o) => osCategoryId(o.category) === categoryId).map((o) => o.id),
    changed: () => shared.changed('os_types'),
  };
}

export async function listOsTypes(ctx: CallContext, a: ArgsOf<C['listOsTypes']>): Promise<ListResult<OsType>> {
  const all = await ctx.svc.caches.osTypes.all();
  const ids = a.ids ? new Set(a.ids) : null;
  const matches = all.filter((o) =>
    (a.id === undefined || o.id === a.id) &&
    (ids === null || ids.has(o.id)) &&
    (a.oscategoryid === undefined || osCategoryId(o.category) === a.oscategoryid) &&
    (a.description === undefined || o.description.toLowerCase() === a.description.toLowerCase()) &&
    (a.fordisplay !== false) &&
    (a.keyword === undefined || containsText([o.description], a.keyword)));
  const page = pageOf(matches, a, ctx.svc.config.maxPageSize);
  return {
    count: matches.length,
    items: page.map((o) => ({
      id: o.id, name: o.description, description: o.description, oscategoryid: osCategoryId(o.category),
      oscategoryname: o.category, isuserdefined: false, fordisplay: true,
    })),
  };
}

export async function listOsCategories(ctx: CallContext, a: ArgsOf<C['listOsCategories']>): Promise<ListResult<OsCategory>> {
  const names = [...new Set((await ctx.svc.caches.osTypes.all()).map((o) => o.category))].sort();
  const matches = names.map((name) => ({ id: osCategoryId(name), name })).filter((c) =>
    (a.id === undefined || c.id === a.id) &&
    (a.name === undefined || c.name.toLowerCase() === a.name.toLowerCase()) &&
    (a.keyword === undefined || containsText([c.name], a.keyword)));
  const page = pageOf(matches, a, ctx.svc.config.maxPageSize);
  return { count: matches.length, items: page.map((c) => ({ ...c, isfeatured: false })) };
}
