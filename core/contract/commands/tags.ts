// Resource tags (reference section 5.x, CloudStack's TaggedResourceService): key/value pairs on VMs, volumes,
// snapshots, templates, ISOs, networks and projects, shown in every list's tags[] and usable as list filters (tags[i].key/value).
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ALL_ROLES } from '../roles';

/** CloudStack's names of the resource types that can carry tags here. */
export const TAGGABLE_TYPES = ['UserVm', 'Volume', 'Snapshot', 'Template', 'ISO', 'Network', 'Project'] as const;
export type TaggableType = typeof TAGGABLE_TYPES[number];

const resourceType = p.req.string({ description: `The resource type: ${TAGGABLE_TYPES.join(', ')}` });

/** The tags filter every list of taggable resources accepts. */
export const tagFilterParam = {
  tags: p.map({ description: 'Only resources carrying all these tags: tags[0].key=k&tags[0].value=v (value optional)' }),
} as const;

export const tagsCommands = defineCommands({
  createTags: {
    description: 'Creates resource tags', async: true, instanceType: 'None', authorized: ALL_ROLES,
    params: {
      resourceids: p.req.list({ description: 'The ids of the resources to tag' }),
      resourcetype: resourceType,
      tags: p.req.map({ description: 'The tags: tags[0].key=k&tags[0].value=v' }),
      customer: p.string({ description: 'A note of whom the tag is for (free text)' }),
    },
    response: { kind: 'success' },
  },
  deleteTags: {
    description: 'Deletes resource tags (all of them, or those named in tags[]; a value narrows to that value)',
    async: true, instanceType: 'None', authorized: ALL_ROLES,
    params: {
      resourceids: p.req.list({ description: 'The ids of the resources' }),
      resourcetype: resourceType,
      tags: p.map({ description: 'Only these tags: tags[0].key=k (and tags[0].value=v)' }),
    },
    response: { kind: 'success' },
  },
  listTags: {
    description: 'Lists resource tags the caller may see',
    async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      ...scopeParams,
      resourceid: p.string({ description: 'Tags of this resource' }),
      resourcetype: p.string({ description: 'Tags of this resource type' }),
      key: p.string({ description: 'Tags with this key' }),
      value: p.string({ description: 'Tags with this value' }),
      customer: p.string({ description: 'Tags with this customer' }),
    },
    response: { kind: 'list', item: 'tag' },
  },
});
