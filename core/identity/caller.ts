// The authenticated identity a request runs as.
import type { RoleType } from '../contract/roles';

export interface Caller {
  userId: string;
  username: string;
  accountId: string;
  accountName: string;
  /** 0 user, 1 root admin, 2 domain admin, 3 resource admin */
  accountType: number;
  roleId: string;
  roleType: RoleType;
  domainId: string;
  /** Internal domain path: '/' for ROOT, '/Child/Sub/' below. */
  domainPath: string;
}

export const isRootAdmin = (c: Caller) => c.accountType === 1;
export const isDomainAdmin = (c: Caller) => c.accountType === 2;
export const isAdmin = (c: Caller) => c.accountType === 1 || c.accountType === 2 || c.accountType === 3;
