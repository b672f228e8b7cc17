// Templates and ISOs as listTemplates/listIsos return them: one object per image per zone.

export type ImageKind = 'template' | 'iso';

export interface Image {
  id: string; name: string; displaytext?: string; zoneid?: string; zonename?: string; isready?: boolean; status?: string;
  size?: number; physicalsize?: number; format?: string; hypervisor?: string; ostypeid?: string; ostypename?: string;
  account?: string; domain?: string; domainid?: string; ispublic?: boolean; isfeatured?: boolean; isextractable?: boolean;
  bootable?: boolean; passwordenabled?: boolean; isdynamicallyscalable?: boolean; templatetype?: string; created?: string;
  url?: string; checksum?: string; crossZones?: boolean;
}

/** What differs between templates and ISOs in the API. */
export const KINDS = {
  template: { list: 'listTemplates', item: 'template', filterParam: 'templatefilter', update: 'updateTemplate', del: 'deleteTemplate', register: 'registerTemplate', tab: 'templates' },
  iso: { list: 'listIsos', item: 'iso', filterParam: 'isofilter', update: 'updateIso', del: 'deleteIso', register: 'registerIso', tab: 'isos' },
} as const;

/** "35% Downloaded" -> 35; null when the status carries no percentage. */
export function downloadPercent(status: string | undefined): number | null {
  const m = /(\d+(?:\.\d+)?)\s*%/.exec(status ?? '');
  return m ? Number(m[1]) : null;
}

export function downloadFailed(img: Pick<Image, 'isready' | 'status'>): boolean {
  return !img.isready && /fail|error|abandon/i.test(img.status ?? '');
}

/** A copy still on its way: polling it is useful. */
export function downloading(img: Pick<Image, 'isready' | 'status'>): boolean {
  return !img.isready && !downloadFailed(img);
}

export const imageRowId = (i: Image) => `${i.id}:${i.zoneid ?? ''}`;
