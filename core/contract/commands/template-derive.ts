// Templates made from what a cloud already has (reference sections 5.3, 5.5): a stopped VM's root volume or a
// volume snapshot, copies into other zones, downloads, and sharing with other accounts.
import { defineCommands } from '../command';
import { p } from '../params';
import { ALL_ROLES } from '../roles';

export const templateDeriveCommands = defineCommands({
  createTemplate: {
    description: 'Creates a template from the root volume of a stopped VM (volumeid) or from a volume snapshot (snapshotid)',
    async: true, creates: true, instanceType: 'Template', authorized: ALL_ROLES,
    params: {
      name: p.req.string({ description: 'Name of the template' }),
      displaytext: p.req.string({ description: 'Display text of the template', length: 4096 }),
      ostypeid: p.req.uuid({ description: 'OS type of the guest' }),
      volumeid: p.uuid({ description: 'The root volume of a stopped VM to make the template of' }),
      snapshotid: p.uuid({ description: 'The volume snapshot to make the template of' }),
      virtualmachineid: p.uuid({ description: 'VM of the volume (accepted with volumeid, checked against it)' }),
      zoneid: p.uuid({ description: 'Zone of the template (the volume\'s or snapshot\'s zone)' }),
      ispublic: p.boolean({ description: 'True when every account may use it' }),
      isfeatured: p.boolean({ description: 'True when featured (admins only)' }),
      passwordenabled: p.boolean({ description: 'True when the guest supports password reset' }),
      sshkeyenabled: p.boolean({ description: 'True when the guest supports SSH key reset' }),
      isdynamicallyscalable: p.boolean({ description: 'True when the guest supports dynamic scaling' }),
      requireshvm: p.boolean({ description: 'True when the guest requires HVM' }),
      bits: p.integer({ description: '32 or 64 (accepted)' }),
      templatetag: p.string({ description: 'Free tag for the template' }),
      details: p.map({ description: 'Details, as details[0].key=value' }),
      url: p.string({ description: 'Not supported (a template from a URL is registered)', length: 2048 }),
      arch: p.string({ description: 'CPU architecture (accepted)' }),
      account: p.string({ description: 'Owner account (with domainid)' }),
      domainid: p.uuid({ description: 'Owner domain' }),
      projectid: p.uuid({ description: 'Owner project' }),
    },
    response: { kind: 'object', name: 'template' },
  },
  copyTemplate: {
    description: 'Copies a template into other zones\' secondary storage', async: true, instanceType: 'Template',
    authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The template to copy' }),
      destzoneid: p.uuid({ description: 'Zone to copy to' }),
      destzoneids: p.uuids({ description: 'Zones to copy to' }),
      sourcezoneid: p.uuid({ description: 'Zone to copy from; any zone where the template is ready by default' }),
    },
    response: { kind: 'object', name: 'template' },
  },
  extractTemplate: {
    description: 'Makes a template downloadable: the answer carries an HTTP URL this server serves',
    async: true, instanceType: 'Template', authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The template to extract' }),
      mode: p.req.string({ description: 'HTTP_DOWNLOAD (FTP_UPLOAD is not supported)', oneOf: ['HTTP_DOWNLOAD', 'FTP_UPLOAD'] }),
      zoneid: p.uuid({ description: 'Zone of the copy to extract' }),
      url: p.string({ description: 'FTP upload target (not supported)', length: 2048 }),
    },
    response: { kind: 'object', name: 'template' },
  },
  updateTemplatePermissions: {
    description: 'Shares a template with accounts (op=add|remove|reset) and sets its public, featured and extractable flags',
    async: false, authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The template' }),
      accounts: p.list({ description: 'Account names (of the template owner\'s domain) to add or remove' }),
      op: p.string({ description: 'add, remove or reset' }),
      ispublic: p.boolean({ description: 'True when every account may use it' }),
      isfeatured: p.boolean({ description: 'True when featured' }),
      isextractable: p.boolean({ description: 'True when it may be extracted (root admins)' }),
      projectids: p.uuids({ description: 'Projects to add or remove (projects are not supported)' }),
    },
    response: { kind: 'success' },
  },
  listTemplatePermissions: {
    description: 'Lists the accounts a template is shared with', async: false, authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'The template' }) },
    response: { kind: 'object', name: 'templatepermission' },
  },
});
