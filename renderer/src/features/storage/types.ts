// The fields of CloudStack's volume, snapshot and storage pool objects these views use.

export interface Volume {
  id: string; name: string; state: string; type: 'ROOT' | 'DATADISK' | string; size?: number; physicalsize?: number;
  zoneid: string; zonename?: string; account?: string; domain?: string; domainid?: string; created?: string;
  virtualmachineid?: string; vmname?: string; vmdisplayname?: string; vmstate?: string; deviceid?: number; attached?: string;
  diskofferingid?: string; diskofferingname?: string; serviceofferingname?: string; storageid?: string; storage?: string;
  storagetype?: string; provisioningtype?: string; path?: string; templatename?: string; hypervisor?: string;
}

export interface Snapshot {
  id: string; name: string; state: string; volumeid: string; volumename?: string; volumetype?: string; volumestate?: string;
  snapshottype?: string; intervaltype?: string; revertable?: boolean; physicalsize?: number; virtualsize?: number;
  zoneid?: string; zonename?: string; created?: string; account?: string; domain?: string; locationtype?: string;
}

export interface StoragePool {
  id: string; name: string; state: string; type?: string; scope?: string; zoneid?: string; zonename?: string; podname?: string;
  clusterid?: string; clustername?: string; ipaddress?: string; path?: string; hypervisor?: string; provider?: string;
  disksizetotal?: number; disksizeused?: number; disksizeallocated?: number; overprovisionfactor?: string; created?: string;
  tags?: string;
}

export interface DiskOffering { id: string; name: string; displaytext?: string; disksize?: number; iscustomized?: boolean }
export interface Zone { id: string; name: string }
export interface Vm { id: string; name: string; displayname?: string; state: string; zoneid?: string }
