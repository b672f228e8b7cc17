// A VM's root disk from its template again, and a new guest password (reference section 5.4).
import { defineCommands } from '../command';
import { p } from '../params';
import { ALL_ROLES } from '../roles';

const VM = { kind: 'object', name: 'virtualmachine' } as const;

export const vmRestoreCommands = defineCommands({
  restoreVirtualMachine: {
    description: 'Gives a VM a new root volume from its template (or templateid); the old root volume is removed',
    async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: {
      virtualmachineid: p.req.uuid({ description: 'The VM to restore' }),
      templateid: p.uuid({ description: 'A template to restore from instead of the VM\'s own' }),
      rootdisksize: p.long({ description: 'New root disk size in GB (at least the template\'s)' }),
      diskofferingid: p.uuid({ description: 'Disk offering of the new root volume (accepted, not used)' }),
      expunge: p.boolean({ description: 'Expunge the old root volume at once (it always is here)' }),
      details: p.map({ description: 'Details (accepted, not used)' }),
    },
    response: VM,
  },
  resetPasswordForVirtualMachine: {
    description: 'Sets a new password for a stopped VM whose template is password-enabled; the guest gets it at its next start',
    async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The VM' }),
      password: p.string({ description: 'The new password; a random one by default' }),
    },
    response: VM,
  },
});
