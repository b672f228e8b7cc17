// Instance groups and affinity groups bound to their handlers (placement by the rules: core/placement).
import { implement } from '../kernel/handler';
import { groupsCommands } from '../contract/commands/groups';
import { instanceGroupHandlers } from './instance-groups';
import { affinityGroupHandlers } from './affinity-groups';

export const groupsModule = implement(groupsCommands, { ...instanceGroupHandlers, ...affinityGroupHandlers });
export { groupNamed } from './instance-groups';
export { resolveAffinityGroups } from './affinity-groups';
