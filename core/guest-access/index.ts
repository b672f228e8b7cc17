// The SSH key pair and user data command family bound to its handlers (VM-side use: orchestration/vm/vm-access.ts).
import { implement } from '../kernel/handler';
import { guestAccessCommands } from '../contract/commands/guest-access';
import { guestAccessHandlers } from './commands';

export const guestAccessModule = implement(guestAccessCommands, guestAccessHandlers);
