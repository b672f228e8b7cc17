// The identity module: command handlers bound to their declarations, and the identity service.
import { implement } from '../kernel/handler';
import { identityCommands } from '../contract/commands/identity';
import { domainHandlers } from './domain-commands';
import { accountHandlers } from './account-commands';
import { userHandlers } from './user-commands';
import { roleHandlers } from './role-commands';
import { rolePermissionHandlers } from './role-permission-commands';

export const identityModule = implement(identityCommands, {
  ...domainHandlers, ...accountHandlers, ...userHandlers, ...roleHandlers, ...rolePermissionHandlers,
});

export { createIdentityService, SESSION_IDLE_TIMEOUT_SECONDS, normalizeDomainPath } from './identity-service';
