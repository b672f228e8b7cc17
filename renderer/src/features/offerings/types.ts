// Service (compute) and disk offerings as listServiceOfferings/listDiskOfferings return them.

import type { DiskOffering, ServiceOffering } from '../../../../core/contract/responses';

// The API objects, as the contract declares them.
export type ComputeOffering = ServiceOffering;
export type DiskOfferingRow = DiskOffering;

export type OfferingKind = 'compute' | 'disk';

export const OFFERING_API = {
  compute: { list: 'listServiceOfferings', item: 'serviceoffering', del: 'deleteServiceOffering', update: 'updateServiceOffering', create: 'createServiceOffering' },
  disk: { list: 'listDiskOfferings', item: 'diskoffering', del: 'deleteDiskOffering', update: 'updateDiskOffering', create: 'createDiskOffering' },
} as const;

/** Memory in MB as operators read it: 512 MB, 2 GB. */
export function formatMb(mb: number | undefined): string {
  if (mb === undefined) return '—';
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${mb} MB`;
}
