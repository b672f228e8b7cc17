// Identity commands: domains, accounts, users, API keys, roles and role permissions (CloudStack names and params).
import { defineCommands } from '../command';
import { p, pagingParams } from '../params';
import { ALL_ROLES, ADMIN_ONLY, ADMINS, ROLE_TYPES, type Authorized } from '../roles';

/** Who manages domains, accounts and users: root admins, and domain admins within their subtree. */
const DOMAIN_MANAGERS: Authorized = ['Admin', 'DomainAdmin'];

const accountRef = {
  id: p.uuid({ description: 'Account id' }),
  account: p.string({ description: 'Account name (with domainid)' }),
  domainid: p.uuid({ description: 'Domain of the account named by `account`' }),
} as const;

const userBase = {
  email: p.req.string({ description: 'Email address' }),
  firstname: p.req.string({ description: 'First name' }),
  lastname: p.req.string({ description: 'Last name' }),
  password: p.req.string({ description: 'Clear-text password (sent over TLS); stored as a scrypt hash' }),
  username: p.req.string({ description: 'Login name, unique within the domain' }),
  timezone: p.string({ description: 'Time zone for the user' }),
  userid: p.uuid({ description: 'Id to give the new user' }),
} as const;

const roleType = (required: boolean, description: string) =>
  (required ? p.req : p).string({ description, oneOf: ROLE_TYPES });

export const identityCommands = defineCommands({
  // Domains ------------------------------------------------------------------------------------------------
  createDomain: {
    description: 'Creates a domain', async: false, authorized: DOMAIN_MANAGERS,
    params: {
      name: p.req.string({ description: 'Domain name (no "/")' }),
      parentdomainid: p.uuid({ description: "Parent domain; defaults to the caller's domain" }),
      networkdomain: p.string({ description: 'Network domain for guest networks of this domain' }),
      domainid: p.uuid({ description: 'Id to give the new domain' }),
    },
    response: { kind: 'object', name: 'domain' },
  },
  updateDomain: {
    description: 'Updates a domain', async: false, authorized: DOMAIN_MANAGERS,
    params: {
      id: p.req.uuid({ description: 'Domain id' }),
      name: p.string({ description: 'New name' }),
      networkdomain: p.string({ description: 'Network domain' }),
    },
    response: { kind: 'object', name: 'domain' },
  },
  deleteDomain: {
    description: 'Deletes a domain, its subdomains and (with cleanup) their accounts', async: true,
    instanceType: 'Domain', authorized: DOMAIN_MANAGERS,
    params: {
      id: p.req.uuid({ description: 'Domain id' }),
      cleanup: p.boolean({ description: 'Also delete the accounts of the domain and its subdomains' }),
    },
    response: { kind: 'success' },
  },
  listDomains: {
    description: 'Lists domains', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      id: p.uuid({ description: 'Domain id' }),
      name: p.string({ description: 'Domain name' }),
      level: p.integer({ description: 'Domain level (ROOT is 0)' }),
      listall: p.boolean({ description: "Whole subtree of the caller's domain instead of the caller's domain" }),
      details: p.list({ description: 'Detail groups to return (accepted, all details are returned)' }),
      showicon: p.boolean({ description: 'Show the icon (no icons here)' }),
      tag: p.string({ description: 'Tag (accepted, not used)' }),
    },
    response: { kind: 'list', item: 'domain' },
  },
  listDomainChildren: {
    description: 'Lists the child domains of a domain', async: false, authorized: ADMINS,
    params: {
      ...pagingParams,
      id: p.uuid({ description: "Parent domain; defaults to the caller's domain" }),
      name: p.string({ description: 'Domain name' }),
      isrecursive: p.boolean({ description: 'All descendants instead of direct children' }),
      listall: p.boolean({ description: 'Same as isrecursive' }),
      showicon: p.boolean({ description: 'Show the icon (no icons here)' }),
    },
    response: { kind: 'list', item: 'domain' },
  },

  // Accounts -----------------------------------------------------------------------------------------------
  createAccount: {
    description: 'Creates an account with its first user', async: false, authorized: DOMAIN_MANAGERS,
    params: {
      ...userBase,
      account: p.string({ description: 'Account name; defaults to the username' }),
      accounttype: p.integer({ description: '0 user, 1 root admin, 2 domain admin, 3 resource admin' }),
      roleid: p.uuid({ description: 'Role of the account (instead of accounttype)' }),
      domainid: p.uuid({ description: "Domain of the account; defaults to the caller's domain" }),
      networkdomain: p.string({ description: 'Network domain of the account' }),
      accountdetails: p.map({ description: 'Account details (accepted, not stored)' }),
      accountid: p.uuid({ description: 'Id to give the new account' }),
    },
    response: { kind: 'object', name: 'account' },
  },
  updateAccount: {
    description: 'Updates an account', async: false, authorized: DOMAIN_MANAGERS,
    params: {
      ...accountRef,
      newname: p.string({ description: 'New account name' }),
      networkdomain: p.string({ description: 'Network domain' }),
      roleid: p.uuid({ description: 'New role (same role type)' }),
      accountdetails: p.map({ description: 'Account details (accepted, not stored)' }),
      apikeyaccess: p.string({ description: 'API key access (accepted, not used)' }),
    },
    response: { kind: 'object', name: 'account' },
  },
  deleteAccount: {
    description: 'Deletes an account and its users; refused while it owns VMs or volumes', async: true,
    instanceType: 'Account', authorized: DOMAIN_MANAGERS,
    params: { id: p.req.uuid({ description: 'Account id' }) },
    response: { kind: 'success' },
  },
  disableAccount: {
    description: 'Disables or locks an account', async: true, instanceType: 'Account', authorized: DOMAIN_MANAGERS,
    params: { ...accountRef, lock: p.req.boolean({ description: 'true locks (users cannot log in), false disables' }) },
    response: { kind: 'object', name: 'account' },
  },
  enableAccount: {
    description: 'Enables a disabled or locked account', async: false, authorized: DOMAIN_MANAGERS,
    params: { ...accountRef },
    response: { kind: 'object', name: 'account' },
  },
  lockAccount: {
    description: 'Locks an account', async: false, authorized: DOMAIN_MANAGERS,
    params: {
      account: p.req.string({ description: 'Account name' }),
      domainid: p.req.uuid({ description: 'Domain of the account' }),
    },
    response: { kind: 'object', name: 'account' },
  },
  listAccounts: {
    description: 'Lists accounts', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      id: p.uuid({ description: 'Account id' }),
      name: p.string({ description: 'Account name' }),
      accounttype: p.integer({ description: 'Account type' }),
      state: p.string({ description: 'enabled, disabled or locked' }),
      domainid: p.uuid({ description: 'Accounts of this domain' }),
      isrecursive: p.boolean({ description: 'With domainid: include subdomains' }),
      listall: p.boolean({ description: 'All accounts the caller may see' }),
      details: p.list({ description: 'Detail groups (accepted, all details are returned)' }),
      iscleanuprequired: p.boolean({ description: 'Accepted, not used' }),
      apikeyaccess: p.string({ description: 'Accepted, not used' }),
      showicon: p.boolean({ description: 'Show the icon (no icons here)' }),
      tag: p.string({ description: 'Tag (accepted, not used)' }),
    },
    response: { kind: 'list', item: 'account' },
  },

  // Users --------------------------------------------------------------------------------------------------
  createUser: {
    description: 'Creates a user in an existing account', async: false, authorized: DOMAIN_MANAGERS,
    params: {
      ...userBase,
      account: p.req.string({ description: 'Account the user joins' }),
      domainid: p.uuid({ description: "Domain of the account; defaults to the caller's domain" }),
    },
    response: { kind: 'object', name: 'user' },
  },
  updateUser: {
    description: 'Updates a user (names, email, password, keys)', async: false, authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'User id' }),
      email: p.string({ description: 'Email address' }),
      firstname: p.string({ description: 'First name' }),
      lastname: p.string({ description: 'Last name' }),
      username: p.string({ description: 'New login name' }),
      password: p.string({ description: 'New password' }),
      currentpassword: p.string({ description: 'Current password; required when changing one\'s own password' }),
      timezone: p.string({ description: 'Time zone' }),
      userapikey: p.string({ description: 'API key to set (with usersecretkey)' }),
      usersecretkey: p.string({ description: 'Secret key to set (with userapikey)' }),
      apikeyaccess: p.string({ description: 'Accepted, not used' }),
      mandate2fa: p.boolean({ description: 'Accepted, not used (no 2FA)' }),
    },
    response: { kind: 'object', name: 'user' },
  },
  deleteUser: {
    description: 'Deletes a user', async: false, authorized: DOMAIN_MANAGERS,
    params: { id: p.req.uuid({ description: 'User id' }) },
    response: { kind: 'success' },
  },
  disableUser: {
    description: 'Disables a user', async: true, instanceType: 'User', authorized: DOMAIN_MANAGERS,
    params: { id: p.req.uuid({ description: 'User id' }) },
    response: { kind: 'object', name: 'user' },
  },
  enableUser: {
    description: 'Enables a user', async: false, authorized: DOMAIN_MANAGERS,
    params: { id: p.req.uuid({ description: 'User id' }) },
    response: { kind: 'object', name: 'user' },
  },
  lockUser: {
    description: 'Locks a user', async: false, authorized: DOMAIN_MANAGERS,
    params: { id: p.req.uuid({ description: 'User id' }) },
    response: { kind: 'object', name: 'user' },
  },
  listUsers: {
    description: 'Lists users', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      id: p.uuid({ description: 'User id' }),
      username: p.string({ description: 'Login name' }),
      account: p.string({ description: 'Users of this account (with domainid)' }),
      accounttype: p.integer({ description: 'Account type' }),
      state: p.string({ description: 'enabled, disabled or locked' }),
      domainid: p.uuid({ description: 'Users of this domain' }),
      isrecursive: p.boolean({ description: 'With domainid: include subdomains' }),
      listall: p.boolean({ description: 'All users the caller may see' }),
      usersource: p.string({ description: 'Accepted; all users are native' }),
      apikeyaccess: p.string({ description: 'Accepted, not used' }),
      showicon: p.boolean({ description: 'Show the icon (no icons here)' }),
    },
    response: { kind: 'list', item: 'user' },
  },
  registerUserKeys: {
    description: 'Generates new API and secret keys for a user, replacing the old ones', async: false,
    authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'User id' }) },
    response: { kind: 'object', name: 'userkeys' },
  },
  getUserKeys: {
    description: "Returns a user's API and secret keys", async: false, authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'User id' }) },
    response: { kind: 'object', name: 'userkeys' },
  },

  // Roles --------------------------------------------------------------------------------------------------
  createRole: {
    description: 'Creates a role, or clones one with roleid', async: false, authorized: ADMIN_ONLY,
    params: {
      name: p.req.string({ description: 'Role name' }),
      type: roleType(false, 'Admin, ResourceAdmin, DomainAdmin or User (or roleid)'),
      roleid: p.uuid({ description: 'Role to clone (type and permissions)' }),
      description: p.string({ description: 'Description' }),
      ispublic: p.boolean({ description: 'Visible to domain admins (default true)' }),
    },
    response: { kind: 'object', name: 'role' },
  },
  updateRole: {
    description: 'Updates a role', async: false, authorized: ADMIN_ONLY,
    params: {
      id: p.req.uuid({ description: 'Role id' }),
      name: p.string({ description: 'New name' }),
      type: roleType(false, 'New role type (only while no account uses the role)'),
      description: p.string({ description: 'Description' }),
      ispublic: p.boolean({ description: 'Visible to domain admins' }),
    },
    response: { kind: 'object', name: 'role' },
  },
  deleteRole: {
    description: 'Deletes a role that is not built in and not in use', async: false, authorized: ADMIN_ONLY,
    params: { id: p.req.uuid({ description: 'Role id' }) },
    response: { kind: 'success' },
  },
  listRoles: {
    description: 'Lists roles', async: false, authorized: ADMINS,
    params: {
      ...pagingParams,
      id: p.uuid({ description: 'Role id' }),
      name: p.string({ description: 'Role name' }),
      type: roleType(false, 'Role type'),
      state: p.string({ description: 'ENABLED or DISABLED' }),
    },
    response: { kind: 'list', item: 'role' },
  },
  createRolePermission: {
    description: 'Adds a rule at the end of a role\'s permissions', async: false, authorized: ADMIN_ONLY,
    params: {
      roleid: p.req.uuid({ description: 'Role id' }),
      rule: p.req.string({ description: 'API name or wildcard pattern ([A-Za-z0-9*]+)' }),
      permission: p.req.string({ description: 'allow or deny', oneOf: ['allow', 'deny'] }),
      description: p.string({ description: 'Description' }),
    },
    response: { kind: 'object', name: 'rolepermission' },
  },
  updateRolePermission: {
    description: 'Reorders a role\'s rules (ruleorder) or changes one rule\'s permission', async: false,
    authorized: ADMIN_ONLY,
    params: {
      roleid: p.req.uuid({ description: 'Role id' }),
      ruleorder: p.uuids({ description: "All of the role's permission ids in their new order" }),
      ruleid: p.uuid({ description: 'Rule to change (with permission)' }),
      permission: p.string({ description: 'allow or deny', oneOf: ['allow', 'deny'] }),
    },
    response: { kind: 'success' },
  },
  deleteRolePermission: {
    description: 'Deletes a role permission', async: false, authorized: ADMIN_ONLY,
    params: { id: p.req.uuid({ description: 'Role permission id' }) },
    response: { kind: 'success' },
  },
  listRolePermissions: {
    description: 'Lists role permissions in evaluation order', async: false, authorized: ADMIN_ONLY,
    params: { roleid: p.uuid({ description: 'Role id; all roles when omitted' }) },
    response: { kind: 'list', item: 'rolepermission' },
  },
  importRole: {
    description: 'Creates a role with its rules in one call', async: false, authorized: ADMIN_ONLY,
    params: {
      name: p.req.string({ description: 'Role name' }),
      rules: p.req.map({ description: 'rules[i].rule, rules[i].permission (allow|deny), rules[i].description' }),
      type: roleType(false, 'Role type (required unless replacing a role with forced=true)'),
      description: p.string({ description: 'Description' }),
      ispublic: p.boolean({ description: 'Visible to domain admins (default true)' }),
      forced: p.boolean({ description: 'Replace an existing role of the same name' }),
    },
    response: { kind: 'object', name: 'role' },
  },
});
