// Template/ISO rows (one per template per zone) -> CloudStack `template` / `iso` objects, with the zone,
// owner and OS type names batch-loaded once per page.
import type { Db } from '../db/connect';
import type { Services } from '../kernel/services';
import type { Caller } from '../identity/caller';
import { isAdmin } from '../identity/caller';
import { csDate, bool, compact, ownerFields } from '../kernel/format';
import { parseDetails, zoneNames } from './common';
import type { TemplateRow } from './lookups';
import type { Tags, Template } from '../contract/responses';
import { tagsOfPage } from '../tags/tag-store';

/** A template joined with its copy in one zone (zone fields null for a template without copies). */
export interface ImageRow extends TemplateRow {
  zone_id: string | null;
  status: string | null;
  is_ready: number | null;
  physical_size: number | null;
}

interface OwnerNames { account?: string; project?: string; projectid?: string; domain: string; domainPath: string }
export interface ImageNames { zones: Map<string, string>; owners: Map<string, OwnerNames>; osTypes: Map<string, string>; tags: Map<string, Tags[]>;
  /** Names of the user data templates link (linkUserDataToTemplate). */
  userData?: Map<string, string> }

export async function imageNames(svc: Pick<Services, 'db' | 'identity' | 'caches'>, rows: ImageRow[]): Promise<ImageNames> {
  const accountIds = [...new Set(rows.map((r) => r.account_id))];
  const userDataIds = [...new Set(rows.flatMap((r) => (r.userdata_id ? [r.userdata_id] : [])))];
  const [zones, osTypes, owners, tags, userData] = await Promise.all([
    zoneNames(svc.db, rows.flatMap((r) => (r.zone_id ? [r.zone_id] : []))),
    svc.caches.osTypes.names(),
    Promise.all(accountIds.map(async (id): Promise<[string, OwnerNames]> => {
      const i = await svc.identity.accountInfo(id).catch(() => null);
      return [id, { ...(i ? ownerFields(i) : { account: '' }), domain: i?.domainName ?? '', domainPath: i?.domainPath ?? '' }];
    })),
    tagsOfPage(svc, ['Template', 'ISO'], [...new Set(rows.map((r) => r.id))]),
    userDataIds.length === 0 ? [] : svc.db.selectFrom('user_data').select(['id', 'name']).where('id', 'in', userDataIds).execute(),
  ]);
  return { zones, osTypes, owners: new Map(owners), tags, userData: new Map(userData.map((u) => [u.id, u.name])) };
}

/** The download URL may carry credentials, so only the owner and admins see it. */
export const showsUrl = (caller: Caller, r: TemplateRow) => isAdmin(caller) || caller.accountId === r.account_id;

export function formatTemplate(r: ImageRow, names: ImageNames, opts: { showUrl: boolean }): Template {
  const iso = r.format === 'ISO';
  const owner = names.owners.get(r.account_id);
  const details = parseDetails(r.details);
  return compact<Template>({
    id: r.id,
    name: r.name,
    displaytext: r.display_text,
    ispublic: bool(r.is_public),
    created: csDate(r.created),
    removed: csDate(r.removed),
    isready: bool(r.is_ready),
    status: r.status,
    passwordenabled: bool(r.password_enabled),
    sshkeyenabled: bool(r.ssh_key_enabled),
    format: r.format,
    isfeatured: bool(r.is_featured),
    crossZones: bool(r.cross_zones),
    ostypeid: r.ostype_id,
    ostypename: r.ostype_id ? names.osTypes.get(r.ostype_id) : undefined,
    account: owner?.account,
    project: owner?.project,
    projectid: owner?.projectid,
    accountid: r.account_id,
    domain: owner?.domain,
    domainid: r.domain_id,
    domainpath: owner?.domainPath,
    zoneid: r.zone_id,
    zonename: r.zone_id ? names.zones.get(r.zone_id) : undefined,
    size: r.size > 0 ? r.size : undefined,
    physicalsize: r.physical_size ? r.physical_size : undefined,
    templatetype: r.template_type,
    hypervisor: iso ? undefined : r.hypervisor,
    isextractable: bool(r.is_extractable),
    checksum: r.checksum,
    bootable: bool(r.bootable),
    isdynamicallyscalable: bool(r.dynamic_scaling),
    userdataid: r.userdata_id ?? undefined,
    userdataname: r.userdata_id ? names.userData?.get(r.userdata_id) : undefined,
    userdatapolicy: r.userdata_id ? (r.userdata_policy ?? 'ALLOWOVERRIDE') : undefined,
    requireshvm: iso ? undefined : bool(r.requires_hvm),
    templatetag: r.template_tag,
    directdownload: false,
    deployasis: iso ? undefined : false,
    url: opts.showUrl ? r.url : undefined,
    details: Object.keys(details).length > 0 ? details : undefined,
    tags: names.tags.get(r.id) ?? [],
  });
}

/** Every zone copy of one image, joined for formatting (registration and update answers). */
export async function imageRows(db: Db, id: string): Promise<ImageRow[]> {
  return db.selectFrom('templates as t').leftJoin('template_zones as tz', 'tz.template_id', 't.id').selectAll('t')
    .select(['tz.zone_id', 'tz.status', 'tz.is_ready', 'tz.physical_size']).where('t.id', '=', id)
    .orderBy('tz.created').orderBy('tz.zone_id').execute();
}

/** Formats every zone copy of one image for `caller`. */
export async function imageResponses(svc: Pick<Services, 'db' | 'identity' | 'caches'>, caller: Caller, id: string): Promise<Template[]> {
  const rows = await imageRows(svc.db, id);
  const names = await imageNames(svc, rows);
  return rows.map((r) => formatTemplate(r, names, { showUrl: showsUrl(caller, r) }));
}
