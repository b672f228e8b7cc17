// VM snapshots (reference section 5.5): a VM's disks, and on QEMU its memory, at one moment, reverted in place.
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ALL_ROLES } from '../roles';

export const vmSnapshotCommands = defineCommands({
  createVMSnapshot: {
    description: 'Creates a snapshot of a VM: its disks, and its memory with snapshotmemory=true (the VM must run)',
    async: true, creates: true, instanceType: 'VmSnapshot', authorized: ALL_ROLES,
    params: {
      virtualmachineid: p.req.uuid({ description: 'The VM to snapshot' }),
      name: p.string({ description: 'Display name of the snapshot; <instance name>_VS_<yyyyMMddHHmmss> by default' }),
      description: p.string({ description: 'Description of the snapshot' }),
      snapshotmemory: p.boolean({ description: 'Snapshot the memory too (default false); a running KVM VM needs it' }),
      quiescevm: p.boolean({ description: 'Quiesce the VM first (accepted; a memory snapshot needs no quiescing)' }),
    },
    response: { kind: 'object', name: 'vmsnapshot' },
  },
  listVMSnapshot: {
    description: 'Lists VM snapshots', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      virtualmachineid: p.uuid({ description: 'Snapshots of this VM' }),
      vmsnapshotid: p.uuid({ description: 'The ID of the VM snapshot' }),
      vmsnapshotids: p.uuids({ description: 'The IDs of the VM snapshots' }),
      name: p.string({ description: 'Name (or display name) of the VM snapshot' }),
      state: p.string({ description: 'State of the VM snapshot' }),
    },
    response: { kind: 'list', item: 'vmSnapshot' },
  },
  revertToVMSnapshot: {
    description: 'Reverts a VM to a snapshot: a running VM to a disk-and-memory one, a stopped VM to a disk one',
    async: true, instanceType: 'VmSnapshot', authorized: ALL_ROLES,
    params: { vmsnapshotid: p.req.uuid({ description: 'The ID of the VM snapshot' }) },
    response: { kind: 'object', name: 'virtualmachine' },
  },
  deleteVMSnapshot: {
    description: 'Deletes a VM snapshot', async: true, instanceType: 'VmSnapshot', authorized: ALL_ROLES,
    params: { vmsnapshotid: p.req.uuid({ description: 'The ID of the VM snapshot' }) },
    response: { kind: 'success' },
  },
});
