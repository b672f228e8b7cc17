// Service (compute) and disk offerings as listServiceOfferings/listDiskOfferings return them.

export interface ComputeOffering {
  id: string; name: string; displaytext?: string; cpunumber?: number; cpuspeed?: number; memory?: number; offerha?: boolean;
  limitcpuuse?: boolean; hosttags?: string; storagetags?: string; storagetype?: string; provisioningtype?: string;
  iscustomized?: boolean; dynamicscalingenabled?: boolean; rootdisksize?: number; state?: string; created?: string;
  domain?: string; zone?: string;
}

export interface DiskOfferingRow {
  id: string; name: string; displaytext?: string; disksize?: number; iscustomized?: boolean; tags?: string;
  storagetype?: string; provisioningtype?: string; state?: string; created?: string; domain?: string; zone?: string;
}

export type OfferingKind = 'compute' | 'disk';

export const OFFERING_API = {
  compute: { list: 'listServiceOfferings', item: 'serviceoffering', del: 'deleteServiceOffering', update: 'updateServiceOffering', create: 'createServiceOffering' },
  disk: { list: 'listDiskOfferings', item: 'diskoffering', del: 'deleteDiskOffering', update: 'updateDiskOffering', create: 'createDiskOffering' },
} as const;

/** Memory in CloudStack's MB (MiB): the console's one unit formatter. */
export { formatMib as formatMb } from '../../components/kit/format';
