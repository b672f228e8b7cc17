// Identity objects as listDomains/listAccounts/listUsers/listRoles/listRolePermissions return them.

import type { Account, Domain, Role, RolePermission, User } from '../../../../core/contract/responses';

// The API objects, as the contract declares them.
export type { Account, Domain, Role, User };
export type RulePermission = RolePermission;

export const ACCOUNT_TYPES = [0, 2, 1, 3] as const;
