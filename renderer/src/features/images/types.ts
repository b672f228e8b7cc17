// Templates and ISOs as listTemplates/listIsos return them: one object per image per zone.

export type ImageKind = 'template' | 'iso';

import type { Template } from '../../../../core/contract/responses';

/** A template or ISO (the contract's Iso has the same fields as Template). */
export type Image = Template;

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
