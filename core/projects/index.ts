// The project command family bound to its handlers (CloudStack's ProjectService); access.ts is what identity uses
// to scope projectid= and to let members act on project resources.
import { implement } from '../kernel/handler';
import { projectsCommands } from '../contract/commands/projects';
import { lifecycleHandlers } from './lifecycle';
import { deleteHandlers } from './delete';
import { memberHandlers } from './members';
import { listHandlers } from './list';

export const projectsModule = implement(projectsCommands, { ...lifecycleHandlers, ...deleteHandlers, ...memberHandlers, ...listHandlers });
