// Service and disk offerings, OS types, templates and ISOs (reference §5.2, §5.3).
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ALL_ROLES, type Authorized } from '../roles';
import { tagFilterParam } from './tags';

/** CloudStack lets domain admins manage offerings restricted to their own domain subtree. */
const OFFERING_ADMINS: Authorized = ['Admin', 'DomainAdmin'];

export const TEMPLATE_FILTERS = ['featured', 'self', 'selfexecutable', 'sharedexecutable', 'executable', 'community', 'all'] as const;
export const TEMPLATE_FORMATS = ['QCOW2', 'RAW', 'VHD', 'VHDX', 'OVA', 'VMDK'] as const;
const STORAGE_TYPES = ['shared', 'local'] as const;
const PROVISIONING_TYPES = ['thin', 'sparse', 'fat'] as const;
const OFFERING_STATES = ['Active', 'Inactive', 'all'] as const;

const offeringRestriction = {
  domainid: p.uuids({ description: 'Domains the offering is restricted to (absent: public)' }),
  zoneid: p.uuids({ description: 'Zones the offering is available in (absent: all zones)' }),
} as const;

const offeringUpdate = {
  id: p.req.uuid({ description: 'The offering id' }),
  name: p.string({ description: 'New name' }),
  displaytext: p.string({ description: 'New display text', length: 4096 }),
  state: p.string({ description: 'Active or Inactive', oneOf: ['Active', 'Inactive'] }),
  domainid: p.string({ description: 'Comma-separated domain ids the offering is restricted to, or "public"', length: 4096 }),
  zoneid: p.string({ description: 'Comma-separated zone ids the offering is available in, or "all"', length: 4096 }),
} as const;

const templateCommon = {
  ostypeid: p.uuid({ description: 'OS type of the guest' }),
  ispublic: p.boolean({ description: 'True when every account may use it' }),
  isfeatured: p.boolean({ description: 'True when featured (admins only)' }),
  isextractable: p.boolean({ description: 'True when it may be extracted (downloaded)' }),
  passwordenabled: p.boolean({ description: 'True when the guest supports password reset' }),
  sshkeyenabled: p.boolean({ description: 'True when the guest supports SSH key reset' }),
  isdynamicallyscalable: p.boolean({ description: 'True when the guest supports dynamic scaling of CPU/memory' }),
  bootable: p.boolean({ description: 'True when it can boot a VM (ISOs; templates are always bootable)' }),
  checksum: p.string({ description: 'Checksum: "{SHA-256}hex", "{MD5}hex" or a bare MD5/SHA hex digest' }),
  account: p.string({ description: 'Owner account (with domainid)' }),
  domainid: p.uuid({ description: 'Owner domain' }),
  projectid: p.uuid({ description: 'Owner project' }),
} as const;

const templateUpdate = {
  id: p.req.uuid({ description: 'The id of the image' }),
  name: p.string({ description: 'New name' }),
  displaytext: p.string({ description: 'New display text', length: 4096 }),
  ostypeid: p.uuid({ description: 'New OS type' }),
  bootable: p.boolean({ description: 'True when it can boot a VM' }),
  passwordenabled: p.boolean({ description: 'True when the guest supports password reset' }),
  sshkeyenabled: p.boolean({ description: 'True when the guest supports SSH key reset' }),
  isdynamicallyscalable: p.boolean({ description: 'True when the guest supports dynamic scaling' }),
  requireshvm: p.boolean({ description: 'True when the guest requires HVM' }),
  details: p.map({ description: 'Details to set, as details[0].key=value' }),
  cleanupdetails: p.boolean({ description: 'Removes all details' }),
} as const;

const imageListCommon = {
  id: p.uuid({ description: 'Only this image' }),
  name: p.string({ description: 'Only images with this name' }),
  zoneid: p.uuid({ description: 'Only copies in this zone' }),
  isready: p.boolean({ description: 'Only ready (or not ready) copies' }),
  oscategoryid: p.uuid({ description: 'Only images of this OS category' }),
  showremoved: p.boolean({ description: 'Include removed images' }),
  ...pagingParams,
  ...scopeParams,
} as const;

export const catalogCommands = defineCommands({
  createServiceOffering: {
    description: 'Creates a service offering (compute: CPU, memory, placement tags)',
    async: false, authorized: OFFERING_ADMINS,
    params: {
      name: p.req.string({ description: 'Name of the offering' }),
      displaytext: p.req.string({ description: 'Display text', length: 4096 }),
      cpunumber: p.integer({ description: 'Number of CPU cores' }),
      cpuspeed: p.integer({ description: 'CPU speed per core in MHz' }),
      memory: p.integer({ description: 'Memory in MB' }),
      customized: p.boolean({ description: 'True when CPU and memory are chosen at deployment' }),
      mincpunumber: p.integer({ description: 'Customized offerings: minimum CPU cores' }),
      maxcpunumber: p.integer({ description: 'Customized offerings: maximum CPU cores' }),
      minmemory: p.integer({ description: 'Customized offerings: minimum memory in MB' }),
      maxmemory: p.integer({ description: 'Customized offerings: maximum memory in MB' }),
      offerha: p.boolean({ description: 'True when VMs get high availability' }),
      limitcpuuse: p.boolean({ description: 'True when CPU usage is capped to the offering' }),
      hosttags: p.string({ description: 'Host tags a host must carry (comma-separated)', length: 4096 }),
      tags: p.string({ description: 'Storage tags the root disk pool must carry (comma-separated)', length: 4096 }),
      storagetype: p.string({ description: 'shared or local root disk storage', oneOf: STORAGE_TYPES }),
      provisioningtype: p.string({ description: 'thin, sparse or fat', oneOf: PROVISIONING_TYPES }),
      rootdisksize: p.long({ description: 'Root disk size in GB' }),
      dynamicscalingenabled: p.boolean({ description: 'True when VMs may be scaled while running' }),
      issystem: p.boolean({ description: 'True for a system VM offering (root admins)' }),
      systemvmtype: p.string({ description: 'The system VM type of a system offering: domainrouter (default), consoleproxy or secondarystoragevm' }),
      serviceofferingdetails: p.map({ description: 'Extra details, as serviceofferingdetails[0].key=value' }),
      ...offeringRestriction,
    },
    response: { kind: 'object', name: 'serviceoffering' },
  },
  updateServiceOffering: {
    description: 'Updates a service offering',
    async: false, authorized: OFFERING_ADMINS,
    params: {
      ...offeringUpdate,
      hosttags: p.string({ description: 'New host tags (comma-separated)', length: 4096 }),
      storagetags: p.string({ description: 'New storage tags (comma-separated)', length: 4096 }),
    },
    response: { kind: 'object', name: 'serviceoffering' },
  },
  deleteServiceOffering: {
    description: 'Deletes a service offering (VMs using it keep running)',
    async: false, authorized: OFFERING_ADMINS,
    params: { id: p.req.uuid({ description: 'The offering id' }) },
    response: { kind: 'success' },
  },
  listServiceOfferings: {
    description: 'Lists service offerings available to the caller',
    async: false, authorized: ALL_ROLES,
    params: {
      id: p.uuid({ description: 'Only this offering' }),
      name: p.string({ description: 'Only offerings with this name' }),
      zoneid: p.uuid({ description: 'Only offerings available in this zone' }),
      domainid: p.uuid({ description: 'Only offerings restricted to this domain' }),
      issystem: p.boolean({ description: 'System VM offerings (root admins)' }),
      systemvmtype: p.string({ description: 'Only system offerings of this system VM type (domainrouter, consoleproxy, secondarystoragevm)' }),
      cpunumber: p.integer({ description: 'Only offerings with this many CPU cores' }),
      cpuspeed: p.integer({ description: 'Only offerings with this CPU speed' }),
      memory: p.integer({ description: 'Only offerings with this memory (MB)' }),
      state: p.string({ description: 'Active (default), Inactive or all', oneOf: OFFERING_STATES }),
      storagetype: p.string({ description: 'Only offerings with this storage type', oneOf: STORAGE_TYPES }),
      virtualmachineid: p.uuid({ description: 'Offerings this VM can change to' }),
      ...pagingParams,
    },
    response: { kind: 'list', item: 'serviceoffering' },
  },
  createDiskOffering: {
    description: 'Creates a disk offering',
    async: false, authorized: OFFERING_ADMINS,
    params: {
      name: p.req.string({ description: 'Name of the offering' }),
      displaytext: p.req.string({ description: 'Display text', length: 4096 }),
      disksize: p.long({ description: 'Disk size in GB (required unless customized)' }),
      customized: p.boolean({ description: 'True when the size is chosen when the volume is created' }),
      tags: p.string({ description: 'Storage tags the pool must carry (comma-separated)', length: 4096 }),
      storagetype: p.string({ description: 'shared or local', oneOf: STORAGE_TYPES }),
      provisioningtype: p.string({ description: 'thin, sparse or fat', oneOf: PROVISIONING_TYPES }),
      ...offeringRestriction,
    },
    response: { kind: 'object', name: 'diskoffering' },
  },
  updateDiskOffering: {
    description: 'Updates a disk offering',
    async: false, authorized: OFFERING_ADMINS,
    params: { ...offeringUpdate, tags: p.string({ description: 'New storage tags (comma-separated)', length: 4096 }) },
    response: { kind: 'object', name: 'diskoffering' },
  },
  deleteDiskOffering: {
    description: 'Deletes a disk offering (volumes using it are kept)',
    async: false, authorized: OFFERING_ADMINS,
    params: { id: p.req.uuid({ description: 'The offering id' }) },
    response: { kind: 'success' },
  },
  listDiskOfferings: {
    description: 'Lists disk offerings available to the caller',
    async: false, authorized: ALL_ROLES,
    params: {
      id: p.uuid({ description: 'Only this offering' }),
      name: p.string({ description: 'Only offerings with this name' }),
      zoneid: p.uuid({ description: 'Only offerings available in this zone' }),
      domainid: p.uuid({ description: 'Only offerings restricted to this domain' }),
      state: p.string({ description: 'Active (default), Inactive or all', oneOf: OFFERING_STATES }),
      storagetype: p.string({ description: 'Only offerings with this storage type', oneOf: STORAGE_TYPES }),
      ...pagingParams,
    },
    response: { kind: 'list', item: 'diskoffering' },
  },

  listOsTypes: {
    description: 'Lists guest OS types',
    async: false, authorized: ALL_ROLES,
    params: {
      id: p.uuid({ description: 'Only this OS type' }),
      ids: p.uuids({ description: 'Only these OS types' }),
      oscategoryid: p.uuid({ description: 'Only OS types of this category' }),
      description: p.string({ description: 'Only the OS type with this description' }),
      fordisplay: p.boolean({ description: 'Only OS types shown to users' }),
      ...pagingParams,
    },
    response: { kind: 'list', item: 'ostype' },
  },
  listOsCategories: {
    description: 'Lists guest OS categories',
    async: false, authorized: ALL_ROLES,
    params: {
      id: p.uuid({ description: 'Only this category' }),
      name: p.string({ description: 'Only the category with this name' }),
      ...pagingParams,
    },
    response: { kind: 'list', item: 'oscategory' },
  },

  registerTemplate: {
    description: 'Registers a template from a URL; its copy in each zone becomes ready once downloaded',
    async: false, authorized: ALL_ROLES,
    params: {
      name: p.req.string({ description: 'Name of the template' }),
      displaytext: p.req.string({ description: 'Display text', length: 4096 }),
      url: p.req.string({ description: 'http(s):// or file:// URL, or an absolute local path', length: 2048 }),
      format: p.req.string({ description: `Image format: ${TEMPLATE_FORMATS.join(', ')}` }),
      hypervisor: p.req.string({ description: 'Hypervisor the template is for (Simulator, KVM)' }),
      zoneid: p.uuid({ description: 'Zone to register in; -1 for all zones' }),
      zoneids: p.uuids({ description: 'Zones to register in; -1 for all zones' }),
      requireshvm: p.boolean({ description: 'True when the guest requires HVM' }),
      templatetag: p.string({ description: 'Free tag for the template' }),
      details: p.map({ description: 'Details, as details[0].key=value' }),
      ...templateCommon,
    },
    response: { kind: 'list', item: 'template' },
  },
  listTemplates: {
    description: 'Lists templates, one row per template per zone',
    async: false, authorized: ALL_ROLES,
    params: {
      ...tagFilterParam,
      templatefilter: p.req.string({ description: 'featured, self, selfexecutable, sharedexecutable, executable, community or all (admin)', oneOf: TEMPLATE_FILTERS }),
      ids: p.uuids({ description: 'Only these templates' }),
      hypervisor: p.string({ description: 'Only templates for this hypervisor' }),
      templatetype: p.string({ description: 'Only templates of this type (USER, BUILTIN, SYSTEM...)' }),
      ...imageListCommon,
    },
    response: { kind: 'list', item: 'template' },
  },
  updateTemplate: {
    description: 'Updates a template',
    async: false, authorized: ALL_ROLES,
    params: {
      ...templateUpdate,
      format: p.string({ description: `Image format: ${TEMPLATE_FORMATS.join(', ')}` }),
      templatetype: p.string({ description: 'USER, BUILTIN, SYSTEM, ROUTING or PERHOST (root admins)', oneOf: ['USER', 'BUILTIN', 'SYSTEM', 'ROUTING', 'PERHOST'] }),
      templatetag: p.string({ description: 'Free tag for the template' }),
    },
    response: { kind: 'object', name: 'template' },
  },
  deleteTemplate: {
    description: 'Deletes a template from one zone or all zones',
    async: true, authorized: ALL_ROLES, instanceType: 'Template',
    params: {
      id: p.req.uuid({ description: 'The template id' }),
      zoneid: p.uuid({ description: 'Delete only the copy in this zone' }),
      forced: p.boolean({ description: 'Delete even when VMs use it' }),
      issystem: p.boolean({ description: 'Required for system templates' }),
    },
    response: { kind: 'success' },
  },
  registerIso: {
    description: 'Registers an ISO from a URL',
    async: false, authorized: ALL_ROLES,
    params: {
      name: p.req.string({ description: 'Name of the ISO' }),
      displaytext: p.req.string({ description: 'Display text', length: 4096 }),
      url: p.req.string({ description: 'http(s):// or file:// URL, or an absolute local path', length: 2048 }),
      zoneid: p.req.uuid({ description: 'Zone to register in; -1 for all zones' }),
      ...templateCommon,
    },
    response: { kind: 'list', item: 'iso' },
  },
  listIsos: {
    description: 'Lists ISOs, one row per ISO per zone',
    async: false, authorized: ALL_ROLES,
    params: {
      ...tagFilterParam,
      isofilter: p.string({ description: 'Same values as templatefilter; default selfexecutable', oneOf: TEMPLATE_FILTERS }),
      bootable: p.boolean({ description: 'Only bootable (or non-bootable) ISOs' }),
      ispublic: p.boolean({ description: 'Only public (or private) ISOs' }),
      ...imageListCommon,
    },
    response: { kind: 'list', item: 'iso' },
  },
  updateIso: {
    description: 'Updates an ISO',
    async: false, authorized: ALL_ROLES,
    params: templateUpdate,
    response: { kind: 'object', name: 'iso' },
  },
  deleteIso: {
    description: 'Deletes an ISO from one zone or all zones',
    async: true, authorized: ALL_ROLES, instanceType: 'Iso', responseName: 'deleteisosresponse',
    params: {
      id: p.req.uuid({ description: 'The ISO id' }),
      zoneid: p.uuid({ description: 'Delete only the copy in this zone' }),
    },
    response: { kind: 'success' },
  },
});
