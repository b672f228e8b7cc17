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

/** Memory in CloudStack's MB (MiB): the console's one unit formatter. */
export { formatMib as formatMb } from '../../components/kit/format';
