// Account types and role types as CloudStack names them.

export const AccountType = { User: 0, Admin: 1, DomainAdmin: 2, ResourceAdmin: 3, ReadOnlyAdmin: 4, Project: 5 } as const;
export type AccountTypeId = (typeof AccountType)[keyof typeof AccountType];

export type RoleType = 'Admin' | 'ResourceAdmin' | 'DomainAdmin' | 'User';
export const ROLE_TYPES: readonly RoleType[] = ['Admin', 'ResourceAdmin', 'DomainAdmin', 'User'];

/** Which role types may call a command when no role rule says otherwise (CloudStack's `authorized` annotation). */
export type Authorized = readonly RoleType[];
export const ALL_ROLES: Authorized = ROLE_TYPES;
export const ADMIN_ONLY: Authorized = ['Admin'];
export const ADMINS: Authorized = ['Admin', 'ResourceAdmin', 'DomainAdmin'];
export const INFRA_ADMINS: Authorized = ['Admin', 'ResourceAdmin'];

export function roleTypeOfAccountType(t: number): RoleType {
  if (t === AccountType.Admin) return 'Admin';
  if (t === AccountType.DomainAdmin) return 'DomainAdmin';
  if (t === AccountType.ResourceAdmin) return 'ResourceAdmin';
  return 'User';
}

export function accountTypeOfRoleType(t: RoleType): AccountTypeId {
  return ({ Admin: 1, DomainAdmin: 2, ResourceAdmin: 3, User: 0 } as const)[t];
}
