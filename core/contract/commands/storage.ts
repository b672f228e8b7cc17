// Volume and volume snapshot commands (reference section 5.5).
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ALL_ROLES } from '../roles';
import { tagFilterParam } from './tags';

const VOLUME = { kind: 'object', name: 'volume' } as const;
const SNAPSHOT = { kind: 'object', name: 'snapshot' } as const;

export const storageCommands = defineCommands({
  createVolume: {
    description: 'Creates a disk volume from a disk offering or a snapshot; it stays Allocated until attached',
    async: true, creates: true, instanceType: 'Volume', authorized: ALL_ROLES,
    params: {
      name: p.string({ description: 'Name of the volume; a random one when absent' }),
      zoneid: p.uuid({ description: 'Zone of the volume (not needed with snapshotid or virtualmachineid)' }),
      diskofferingid: p.uuid({ description: 'Disk offering (required unless snapshotid is given)' }),
      size: p.long({ description: 'Size in GB, for a customized disk offering' }),
      snapshotid: p.uuid({ description: 'Snapshot to create the volume from' }),
      virtualmachineid: p.uuid({ description: 'Attach the new volume to this VM at once' }),
      displayvolume: p.boolean({ description: 'Whether the volume is shown to the end user' }),
      miniops: p.long({ description: 'Minimum IOPS (accepted, not used)' }),
      maxiops: p.long({ description: 'Maximum IOPS (accepted, not used)' }),
      storageid: p.uuid({ description: 'Storage pool to create the volume on (admins; accepted, the allocator chooses)' }),
      account: p.string({ description: 'Owner account (with domainid); admins only' }),
      domainid: p.uuid({ description: 'Domain of the owner account' }),
      projectid: p.uuid({ description: 'Owner project: the volume belongs to the project' }),
    },
    response: VOLUME,
  },
  attachVolume: {
    description: 'Attaches a disk volume to a virtual machine', async: true, instanceType: 'Volume', authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The ID of the disk volume' }),
      virtualmachineid: p.req.uuid({ description: 'The virtual machine' }),
      deviceid: p.long({ description: 'Device slot (1-15, 3 is reserved for the CD-ROM); the first free one by default' }),
    },
    response: VOLUME,
  },
  detachVolume: {
    description: 'Detaches a disk volume from a virtual machine', async: true, instanceType: 'Volume', authorized: ALL_ROLES,
    params: {
      id: p.uuid({ description: 'The ID of the disk volume' }),
      virtualmachineid: p.uuid({ description: 'The virtual machine (with deviceid)' }),
      deviceid: p.long({ description: 'Device slot of the volume on the VM (with virtualmachineid)' }),
    },
    response: VOLUME,
  },
  resizeVolume: {
    description: 'Resizes a volume', async: true, instanceType: 'Volume', authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The ID of the disk volume' }),
      size: p.long({ description: 'New size in GB' }),
      diskofferingid: p.uuid({ description: 'New disk offering (its size, or size for a customized one)' }),
      shrinkok: p.boolean({ description: 'Allow shrinking the volume' }),
      miniops: p.long({ description: 'Minimum IOPS (accepted, not used)' }),
      maxiops: p.long({ description: 'Maximum IOPS (accepted, not used)' }),
      automigrate: p.boolean({ description: 'Migrate the volume if needed (accepted, not needed)' }),
    },
    response: VOLUME,
  },
  deleteVolume: {
    description: 'Deletes a detached disk volume', async: false, authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'The ID of the disk volume' }) },
    response: { kind: 'success' },
  },
  listVolumes: {
    description: 'Lists volumes', async: false, authorized: ALL_ROLES,
    params: {
      ...tagFilterParam,
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'The ID of the disk volume' }),
      ids: p.uuids({ description: 'The IDs of the volumes' }),
      name: p.string({ description: 'Name of the volume' }),
      type: p.string({ description: 'Type of the volume: ROOT or DATADISK' }),
      state: p.string({ description: 'State of the volume' }),
      virtualmachineid: p.uuid({ description: 'VM the volume is attached to' }),
      zoneid: p.uuid({ description: 'Zone' }),
      podid: p.uuid({ description: 'Pod of the storage pool (admins)' }),
      clusterid: p.uuid({ description: 'Cluster of the storage pool (admins)' }),
      storageid: p.uuid({ description: 'Storage pool (admins)' }),
      hostid: p.uuid({ description: 'Host running the VM the volume is attached to (admins)' }),
      diskofferingid: p.uuid({ description: 'Disk offering' }),
      displayvolume: p.boolean({ description: 'Displayed to the end user or not' }),
      listsystemvms: p.boolean({ description: 'Include volumes of system VMs (accepted, none here)' }),
      tags: p.map({ description: 'Resource tags (accepted, not used)' }),
    },
    response: { kind: 'list', item: 'volume' },
  },
  createSnapshot: {
    description: 'Creates a snapshot of a Ready volume', async: true, creates: true, instanceType: 'Snapshot',
    authorized: ALL_ROLES,
    params: {
      volumeid: p.req.uuid({ description: 'The volume to snapshot' }),
      name: p.string({ description: 'Name of the snapshot; <vm>_<volume>_<timestamp> by default' }),
      quiescevm: p.boolean({ description: 'Quiesce the VM first (accepted, not used)' }),
      asyncbackup: p.boolean({ description: 'Back up asynchronously (accepted, not used)' }),
      policyid: p.uuid({ description: 'Snapshot policy (accepted, not used)' }),
      locationtype: p.string({ description: 'Location type (accepted, snapshots stay on primary storage)' }),
      zoneids: p.uuids({ description: 'Zones to copy the snapshot to (accepted, not used)' }),
      tags: p.map({ description: 'Tags (accepted, not used)' }),
      account: p.string({ description: 'Owner account (with domainid)' }),
      domainid: p.uuid({ description: 'Domain of the owner account' }),
    },
    response: SNAPSHOT,
  },
  listSnapshots: {
    description: 'Lists volume snapshots', async: false, authorized: ALL_ROLES,
    params: {
      ...tagFilterParam,
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'The ID of the snapshot' }),
      ids: p.uuids({ description: 'The IDs of the snapshots' }),
      name: p.string({ description: 'Name of the snapshot' }),
      volumeid: p.uuid({ description: 'Volume the snapshot was taken of' }),
      snapshottype: p.string({ description: 'MANUAL, HOURLY, DAILY, WEEKLY or MONTHLY' }),
      intervaltype: p.string({ description: 'Interval type of a recurring snapshot' }),
      zoneid: p.uuid({ description: 'Zone' }),
      tags: p.map({ description: 'Resource tags (accepted, not used)' }),
    },
    response: { kind: 'list', item: 'snapshot' },
  },
  deleteSnapshot: {
    description: 'Deletes a snapshot', async: true, instanceType: 'Snapshot', authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The ID of the snapshot' }),
      zoneid: p.uuid({ description: 'Zone copy to delete (accepted; a snapshot lives in one zone here)' }),
    },
    response: { kind: 'success' },
  },
  revertSnapshot: {
    description: 'Reverts a volume to a snapshot; the VM using it must be stopped', async: true,
    instanceType: 'Snapshot', authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'The ID of the snapshot' }) },
    response: SNAPSHOT,
  },
});
