// Offering rows -> CloudStack `serviceoffering` / `diskoffering` objects (field types per the response-types
// file: counts and sizes are numbers, flags are booleans, sizes in GB, restrictions as comma-joined ids/names).
import type { Db } from '../db/connect';
import { csDate, bool, compact } from '../kernel/format';
import { GiB, splitIds, parseDetails, zoneNames, domainNames } from './common';
import type { ServiceOfferingRow, DiskOfferingRow } from './lookups';
import type { ServiceOffering, DiskOffering } from '../contract/responses';

export interface OfferingNames { domains: Map<string, string>; zones: Map<string, string> }

/** Loads the domain and zone names a page of offerings mentions (two queries). */
export async function offeringNames(db: Db, rows: { domain_ids: string; zone_ids: string }[]): Promise<OfferingNames> {
  const d: string[] = [];
  const z: string[] = [];
  for (const r of rows) {
    d.push(...splitIds(r.domain_ids));
    z.push(...splitIds(r.zone_ids));
  }
  const [domains, zones] = await Promise.all([domainNames(db, d), zoneNames(db, z)]);
  return { domains, zones };
}

function restriction(idsText: string, names: Map<string, string>) {
  const ids = splitIds(idsText);
  if (ids.length === 0) return { ids: undefined, names: undefined };
  return { ids: ids.join(','), names: ids.map((i) => names.get(i) ?? i).join(',') };
}

export function formatServiceOffering(r: ServiceOfferingRow, names: OfferingNames): ServiceOffering {
  const dom = restriction(r.domain_ids, names.domains);
  const zone = restriction(r.zone_ids, names.zones);
  const details = parseDetails(r.details);
  return compact<ServiceOffering>({
    id: r.id,
    name: r.name,
    displaytext: r.display_text,
    cpunumber: r.cpu_number,
    cpuspeed: r.cpu_speed,
    memory: r.memory,
    created: csDate(r.created),
    storagetype: r.storage_type,
    provisioningtype: r.provisioning_type,
    offerha: bool(r.offer_ha),
    limitcpuuse: bool(r.limit_cpu_use),
    isvolatile: false,
    hosttags: r.host_tags || undefined,
    storagetags: r.storage_tags || undefined,
    issystem: bool(r.is_system),
    systemvmtype: r.system_vm_type ?? undefined,
    defaultuse: false,
    iscustomized: bool(r.customized),
    iscustomizediops: false,
    dynamicscalingenabled: bool(r.dynamic_scaling),
    diskofferingstrictness: false,
    encryptroot: false,
    hasannotations: false,
    purgeresources: false,
    rootdisksize: r.root_disk_size ? Math.round(r.root_disk_size / GiB) : undefined,
    cacheMode: 'none',
    state: r.state,
    domainid: dom.ids,
    domain: dom.names,
    zoneid: zone.ids,
    zone: zone.names,
    serviceofferingdetails: Object.keys(details).length > 0 ? details : undefined,
  });
}

export function formatDiskOffering(r: DiskOfferingRow, names: OfferingNames): DiskOffering {
  const dom = restriction(r.domain_ids, names.domains);
  const zone = restriction(r.zone_ids, names.zones);
  return compact<DiskOffering>({
    id: r.id,
    name: r.name,
    displaytext: r.display_text,
    disksize: Math.round(r.disk_size / GiB),
    iscustomized: bool(r.customized),
    iscustomizediops: false,
    disksizestrictness: false,
    displayoffering: true,
    encrypt: false,
    hasannotations: false,
    created: csDate(r.created),
    tags: r.tags || undefined,
    storagetype: r.storage_type,
    provisioningtype: r.provisioning_type,
    cacheMode: 'none',
    state: r.state,
    domainid: dom.ids,
    domain: dom.names,
    zoneid: zone.ids,
    zone: zone.names,
  });
}

/** Formats one service offering with its names loaded (for other modules' responses). */
export async function serviceOfferingResponse(db: Db, r: ServiceOfferingRow): Promise<ServiceOffering> {
  return formatServiceOffering(r, await offeringNames(db, [r]));
}

export async function diskOfferingResponse(db: Db, r: DiskOfferingRow): Promise<DiskOffering> {
  return formatDiskOffering(r, await offeringNames(db, [r]));
}
