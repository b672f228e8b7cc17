// Projects (CloudStack's ProjectService): a project owns a hidden PROJECT account, so its VMs, volumes, networks and
// the rest are owned, scoped and limited like any account's. Members (accounts with the role Admin or Regular) use
// its resources through projectid=; project admins manage it. With project.invite.required an account is invited and
// joins when it accepts.
import { defineCommands } from '../command';
import { p, pagingParams } from '../params';
import { ALL_ROLES } from '../roles';
import { tagFilterParam } from './tags';

const PROJECT = { kind: 'object', name: 'project' } as const;

export const PROJECT_ROLES = ['Admin', 'Regular'] as const;

export const projectsCommands = defineCommands({
  createProject: {
    description: 'Creates a project', async: true, creates: true, instanceType: 'Project', authorized: ALL_ROLES,
    params: {
      name: p.req.string({ description: 'Name of the project' }),
      displaytext: p.string({ description: 'Display text of the project (default: the name)' }),
      account: p.string({ description: 'The owner account (with domainid), for admins creating for it' }),
      domainid: p.uuid({ description: 'The domain of the project' }),
      accountid: p.uuid({ description: 'The owner account, by id' }),
      userid: p.uuid({ description: 'The owner user (accepted; the account is the owner)' }),
    },
    response: PROJECT,
  },
  listProjects: {
    description: 'Lists projects the caller is a member of (admins with listall: of their domain tree)',
    async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      ...tagFilterParam,
      id: p.uuid({ description: 'The project' }),
      name: p.string({ description: 'Projects of this name' }),
      displaytext: p.string({ description: 'Projects of this display text' }),
      state: p.string({ description: 'Active or Suspended' }),
      account: p.string({ description: 'Projects this account is a member of (with domainid)' }),
      domainid: p.uuid({ description: 'Projects of this domain' }),
      isrecursive: p.boolean({ description: 'With domainid or listall: include subdomains' }),
      listall: p.boolean({ description: 'Admins: every project they may see, not only their memberships' }),
      username: p.string({ description: 'Accepted (projects of this user)' }),
      details: p.list({ description: 'Accepted: all details are always shown' }),
      showicon: p.boolean({ description: 'Accepted (projects have no icons here)' }),
    },
    response: { kind: 'list', item: 'project' },
  },
  updateProject: {
    description: 'Updates a project: its name, display text or owner (the new owner becomes an Admin member)',
    async: true, instanceType: 'Project', authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The project' }),
      name: p.string({ description: 'New name' }),
      displaytext: p.string({ description: 'New display text' }),
      account: p.string({ description: 'New owner account (or, with roletype, the member whose role changes)' }),
      roletype: p.string({ description: 'The role to give `account`: Admin or Regular', oneOf: PROJECT_ROLES }),
      swapowner: p.boolean({ description: 'With account: make it the owner (default true)' }),
      userid: p.uuid({ description: 'Accepted (the account is the member)' }),
    },
    response: PROJECT,
  },
  deleteProject: {
    description: 'Deletes a project; with cleanup=true its VMs, volumes, snapshots, templates and networks too',
    async: true, instanceType: 'Project', authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The project' }),
      cleanup: p.boolean({ description: 'Remove the project\'s resources as well (otherwise refused while it has any)' }),
    },
    response: { kind: 'success' },
  },
  activateProject: {
    description: 'Activates a suspended project', async: true, instanceType: 'Project', authorized: ALL_ROLES,
    // CloudStack's envelope name carries this typo.
    responseName: 'activaterojectresponse',
    params: { id: p.req.uuid({ description: 'The project' }) },
    response: PROJECT,
  },
  suspendProject: {
    description: 'Suspends a project: its running VMs are stopped and nothing new can be made in it',
    async: true, instanceType: 'Project', authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'The project' }) },
    response: PROJECT,
  },
  addAccountToProject: {
    description: 'Adds an account to a project (with project.invite.required: invites it)',
    async: true, instanceType: 'Project', authorized: ALL_ROLES,
    params: {
      projectid: p.req.uuid({ description: 'The project' }),
      account: p.string({ description: 'The account to add (in the project\'s domain)' }),
      email: p.string({ description: 'Invite by email (only with project.invite.required)' }),
      roletype: p.string({ description: 'Admin or Regular (default Regular)', oneOf: PROJECT_ROLES }),
      projectroleid: p.uuid({ description: 'Project roles are not supported' }),
    },
    response: { kind: 'success' },
  },
  deleteAccountFromProject: {
    description: 'Removes an account from a project', async: true, instanceType: 'Project', authorized: ALL_ROLES,
    params: {
      projectid: p.req.uuid({ description: 'The project' }),
      account: p.req.string({ description: 'The account to remove' }),
    },
    response: { kind: 'success' },
  },
  listProjectAccounts: {
    description: 'Lists the accounts of a project with their roles', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      projectid: p.req.uuid({ description: 'The project' }),
      account: p.string({ description: 'Only this account' }),
      role: p.string({ description: 'Only members with this role: Admin or Regular', oneOf: PROJECT_ROLES }),
      userid: p.uuid({ description: 'Accepted (members are accounts)' }),
      projectroleid: p.uuid({ description: 'Accepted (project roles are not supported)' }),
    },
    response: { kind: 'list', item: 'projectaccount' },
  },
  listProjectInvitations: {
    description: 'Lists project invitations: those to the caller\'s account, or a project\'s for its admins',
    async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      id: p.uuid({ description: 'The invitation' }),
      projectid: p.uuid({ description: 'Invitations of this project' }),
      account: p.string({ description: 'Invitations of this account' }),
      domainid: p.uuid({ description: 'Invitations in this domain' }),
      isrecursive: p.boolean({ description: 'With domainid: include subdomains' }),
      listall: p.boolean({ description: 'Admins: every invitation they may see' }),
      state: p.string({ description: 'Pending, Completed or Declined' }),
      activeonly: p.boolean({ description: 'Only pending invitations' }),
      userid: p.uuid({ description: 'Accepted (invitations are to accounts)' }),
    },
    response: { kind: 'list', item: 'projectinvitation' },
  },
  updateProjectInvitation: {
    description: 'Accepts or declines an invitation to a project', async: true, instanceType: 'Project', authorized: ALL_ROLES,
    params: {
      projectid: p.req.uuid({ description: 'The project' }),
      accept: p.boolean({ description: 'true (default) joins the project, false declines' }),
      account: p.string({ description: 'The invited account (default: the caller\'s)' }),
      token: p.string({ description: 'The token of an email invitation' }),
      userid: p.uuid({ description: 'Accepted (invitations are to accounts)' }),
    },
    response: { kind: 'success' },
  },
  deleteProjectInvitation: {
    description: 'Deletes a project invitation', async: true, instanceType: 'Project', authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'The invitation' }) },
    response: { kind: 'success' },
  },
});
