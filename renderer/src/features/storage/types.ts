// CloudStack's volume, snapshot and storage pool objects, as the contract types them.

import type { DiskOffering, Snapshot, StoragePool, VirtualMachine, Volume, Zone } from '../../../../core/contract/responses';

// The API objects, as the contract declares them.
export type { DiskOffering, Snapshot, StoragePool, Volume, Zone };
export type Vm = VirtualMachine;
