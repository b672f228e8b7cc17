// The scheduling command family: VM schedules, snapshot policies and scheduled tasks, all fired by jobs/scheduler.
import { implement } from '../kernel/handler';
import { scheduleCommands } from '../contract/commands/schedules';
import { vmScheduleHandlers } from './vm-schedules';
import { snapshotPolicyHandlers } from './snapshot-policies';
import { scheduledTaskHandlers, type CommandResolver } from './scheduled-tasks';
import { scheduledRunHandlers } from './scheduled-runs';

export type { CommandResolver };

export function createSchedulesModule(resolve: CommandResolver) {
  return implement(scheduleCommands, { ...vmScheduleHandlers, ...snapshotPolicyHandlers, ...scheduledTaskHandlers(resolve), ...scheduledRunHandlers });
}
