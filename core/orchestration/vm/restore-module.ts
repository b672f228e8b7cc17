// restoreVirtualMachine and resetPasswordForVirtualMachine bound to their handlers.
import { implement } from '../../kernel/handler';
import { vmRestoreCommands } from '../../contract/commands/vm-restore';
import { resetPasswordHandler, restoreHandler } from './restore';

export const vmRestoreModule = implement(vmRestoreCommands, {
  restoreVirtualMachine: restoreHandler,
  resetPasswordForVirtualMachine: resetPasswordHandler,
});
