// Identity objects as listDomains/listAccounts/listUsers/listRoles/listRolePermissions return them.

export interface Domain {
  id: string; name: string; level: number; path: string; parentdomainid?: string; parentdomainname?: string; haschild?: boolean;
  state?: string; created?: string; networkdomain?: string;
}

export interface User {
  id: string; username: string; firstname?: string; lastname?: string; email?: string; state: string; account: string;
  accountid?: string; accounttype?: number; roleid?: string; rolename?: string; roletype?: string; domainid: string; domain?: string;
  created?: string; timezone?: string; usersource?: string; isdefault?: boolean;
}

export interface Account {
  id: string; name: string; accounttype: number; roleid?: string; rolename?: string; roletype?: string; domainid: string;
  domain?: string; domainpath?: string; state: string; created?: string; isdefault?: boolean; networkdomain?: string; user?: User[];
}

export interface Role { id: string; name: string; type: string; description?: string; isdefault?: boolean; ispublic?: boolean; state?: string }

export interface RulePermission { id: string; roleid: string; rule: string; permission: 'allow' | 'deny'; description?: string }

export const ACCOUNT_TYPES = [0, 2, 1, 3] as const;
