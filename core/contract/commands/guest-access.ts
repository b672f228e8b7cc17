// How users get into their guests (CloudStack's SSH key pairs and user data): key pairs by name per account,
// registered user data that deploys and templates refer to. Guests read both from a config drive (README).
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ALL_ROLES } from '../roles';

const owner = {
  account: p.string({ description: 'The account (with domainid), for admins acting for it' }),
  domainid: p.uuid({ description: 'The domain of the account' }),
  projectid: p.uuid({ description: 'The project the key pair or user data belongs to' }),
} as const;

export const guestAccessCommands = defineCommands({
  createSSHKeyPair: {
    description: 'Creates an SSH key pair; the private key is answered this once and never kept',
    async: false, authorized: ALL_ROLES,
    params: { name: p.req.string({ description: 'Name of the key pair' }), ...owner },
    response: { kind: 'object', name: 'keypair' },
  },
  registerSSHKeyPair: {
    description: 'Registers the public key of an SSH key pair made elsewhere',
    async: false, authorized: ALL_ROLES,
    params: {
      name: p.req.string({ description: 'Name of the key pair' }),
      publickey: p.req.string({ description: 'The public key, OpenSSH format (ssh-rsa AAAA... comment)', length: 8192 }),
      ...owner,
    },
    response: { kind: 'object', name: 'keypair' },
  },
  listSSHKeyPairs: {
    description: 'Lists SSH key pairs', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'The key pair with this id' }),
      name: p.string({ description: 'The key pair with this name' }),
      fingerprint: p.string({ description: 'The key pair with this fingerprint' }),
    },
    response: { kind: 'list', item: 'sshkeypair' },
  },
  deleteSSHKeyPair: {
    description: 'Deletes an SSH key pair (VMs keep the public keys they were given)', async: false, authorized: ALL_ROLES,
    params: { name: p.req.string({ description: 'Name of the key pair' }), ...owner },
    response: { kind: 'success' },
  },
  registerUserData: {
    description: 'Registers user data by name for deploys (userdataid=) and templates (linkUserDataToTemplate)',
    async: false, authorized: ALL_ROLES,
    params: {
      name: p.req.string({ description: 'Name of the user data' }),
      userdata: p.req.string({ description: 'Base64-encoded user data', length: 1048576 }),
      params: p.string({ description: 'Comma-separated names of the variables the user data uses', length: 4096 }),
      ...owner,
    },
    response: { kind: 'object', name: 'userdata' },
  },
  listUserData: {
    description: 'Lists registered user data', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'The user data with this id' }),
      name: p.string({ description: 'The user data with this name' }),
    },
    response: { kind: 'list', item: 'userdata' },
  },
  deleteUserData: {
    description: 'Deletes registered user data that no template links', async: false, authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'The user data' }), ...owner },
    response: { kind: 'success' },
  },
  linkUserDataToTemplate: {
    description: 'Links registered user data to a template or ISO (or unlinks it without userdataid)',
    async: false, authorized: ALL_ROLES,
    params: {
      templateid: p.uuid({ description: 'The template' }),
      isoid: p.uuid({ description: 'The ISO' }),
      userdataid: p.uuid({ description: 'The user data; without it the link is removed' }),
      userdatapolicy: p.string({ description: 'ALLOWOVERRIDE (default), APPEND or DENYOVERRIDE: what a deploy\'s own user data does',
        oneOf: ['ALLOWOVERRIDE', 'APPEND', 'DENYOVERRIDE'] }),
    },
    response: { kind: 'object', name: 'template' },
  },
});
