// Job scheduling (issue 15): CloudStack 4.19's VM schedules and snapshot policies (reference 5.4, 5.5), and
// Strata's scheduled tasks for any async command (an extension, README "API extensions").
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ALL_ROLES } from '../roles';

const VM_SCHEDULE = { kind: 'object', name: 'vmschedule' } as const;
const POLICY = { kind: 'object', name: 'snapshotpolicy' } as const;
const TASK = { kind: 'object', name: 'scheduledtask' } as const;

/** Runs of one listScheduledRuns answer, at most (a month of 10,000 runs fits with room). */
export const MAX_SCHEDULED_RUNS = 50_000;

export const VM_SCHEDULE_ACTIONS = ['START', 'STOP', 'REBOOT', 'FORCE_STOP', 'FORCE_REBOOT'] as const;

export const scheduleCommands = defineCommands({
  createVMSchedule: {
    description: 'Creates a schedule that starts, stops or reboots a virtual machine on a cron', since: '4.19.0',
    async: false, authorized: ALL_ROLES,
    params: {
      virtualmachineid: p.req.uuid({ description: 'ID of the VM for which schedule is to be defined' }),
      action: p.req.string({ description: 'Action to take: START, STOP, REBOOT, FORCE_STOP or FORCE_REBOOT' }),
      schedule: p.req.string({ description: 'Schedule for action on VM in cron format, e.g. "0 15 10 * *"' }),
      timezone: p.req.string({ description: 'Specifies a timezone for this command (IANA name, e.g. Asia/Shanghai)' }),
      description: p.string({ description: 'Name of the schedule', length: 1024 }),
      startdate: p.string({ description: 'Start date from which the schedule becomes active, yyyy-MM-dd HH:mm:ss in the time zone; now + 1 minute by default' }),
      enddate: p.string({ description: 'End date after which the schedule becomes inactive, yyyy-MM-dd HH:mm:ss in the time zone' }),
      enabled: p.boolean({ description: 'Enable the schedule (true by default)' }),
    },
    response: VM_SCHEDULE,
  },
  updateVMSchedule: {
    description: 'Updates a VM schedule', since: '4.19.0', async: false, authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'ID of VM schedule' }),
      description: p.string({ description: 'Name of the schedule', length: 1024 }),
      schedule: p.string({ description: 'Schedule for action on VM in cron format' }),
      timezone: p.string({ description: 'Specifies a timezone for this command' }),
      startdate: p.string({ description: 'Start date, yyyy-MM-dd HH:mm:ss in the time zone' }),
      enddate: p.string({ description: 'End date, yyyy-MM-dd HH:mm:ss in the time zone' }),
      enabled: p.boolean({ description: 'Enable or disable the schedule' }),
    },
    response: VM_SCHEDULE,
  },
  listVMSchedule: {
    description: 'Lists the schedules of a virtual machine', since: '4.19.0', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      virtualmachineid: p.req.uuid({ description: 'ID of the VM for which schedule is to be defined' }),
      id: p.uuid({ description: 'ID of VM schedule' }),
      action: p.string({ description: 'Action taken by schedule' }),
      enabled: p.boolean({ description: 'ID of VM schedule' }),
    },
    response: { kind: 'list', item: 'vmschedule' },
  },
  deleteVMSchedule: {
    description: 'Deletes schedules of a virtual machine (all of them when neither id nor ids is given)', since: '4.19.0',
    async: false, authorized: ALL_ROLES,
    params: {
      virtualmachineid: p.req.uuid({ description: 'ID of VM' }),
      id: p.uuid({ description: 'ID of VM schedule' }),
      ids: p.uuids({ description: 'IDs of VM schedules' }),
    },
    response: { kind: 'success' },
  },
  createSnapshotPolicy: {
    description: 'Creates a snapshot policy for a volume (one per interval type: an existing one of that type is updated)',
    async: false, authorized: ALL_ROLES,
    params: {
      volumeid: p.req.uuid({ description: 'The ID of the disk volume' }),
      intervaltype: p.req.string({ description: 'Valid values are HOURLY, DAILY, WEEKLY, and MONTHLY' }),
      schedule: p.req.string({ description: 'Time the snapshot is scheduled to be taken: HOURLY MM, DAILY MM:HH, WEEKLY MM:HH:D (1 = Sunday), MONTHLY MM:HH:DD' }),
      maxsnaps: p.req.integer({ description: 'Maximum number of snapshots to retain' }),
      timezone: p.req.string({ description: 'Specifies a timezone for this command' }),
      fordisplay: p.boolean({ description: 'An optional field, whether to the display the policy to the end user or not' }),
      storageids: p.uuids({ description: 'Storage pools to copy snapshots to (accepted, not used)' }),
      zoneids: p.uuids({ description: 'Zones to copy snapshots to (accepted, not used)' }),
      usestoragereplication: p.boolean({ description: 'Use storage replication (accepted, not used)' }),
      tags: p.map({ description: 'Tags (accepted, not used)' }),
    },
    response: POLICY,
  },
  updateSnapshotPolicy: {
    description: 'Updates a snapshot policy', async: true, authorized: ALL_ROLES, instanceType: 'SnapshotPolicy',
    params: {
      id: p.uuid({ description: 'The ID of the snapshot policy' }),
      fordisplay: p.boolean({ description: 'An optional field, whether to the display the snapshot policy to the end user or not' }),
      customid: p.string({ description: 'An optional field, in case you want to set a custom id to the resource (accepted, not used)' }),
    },
    response: POLICY,
  },
  listSnapshotPolicies: {
    description: 'Lists snapshot policies', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'The ID of the snapshot policy' }),
      volumeid: p.uuid({ description: 'The ID of the disk volume' }),
      fordisplay: p.boolean({ description: 'List resources by display flag' }),
    },
    response: { kind: 'list', item: 'snapshotpolicy' },
  },
  deleteSnapshotPolicies: {
    description: 'Deletes snapshot policies', async: false, authorized: ALL_ROLES,
    params: {
      id: p.uuid({ description: 'The Id of the snapshot policy' }),
      ids: p.uuids({ description: 'List of snapshots policy IDs separated by comma' }),
    },
    response: { kind: 'success' },
  },
  createScheduledTask: {
    description: 'Strata extension: runs any async command the caller may run, once at a time or on a cron, as the caller ' +
      '(checked against the caller\'s rights when it runs)', async: false, authorized: ALL_ROLES,
    params: {
      apicommand: p.req.string({ description: 'The async API command to run, e.g. stopVirtualMachine (`command` names the API call itself)' }),
      params: p.map({ description: 'Its parameters: params[0].name=id&params[0].value=<uuid>' }),
      runat: p.string({ description: 'Run once at this time, yyyy-MM-dd HH:mm:ss in the time zone (or schedule)' }),
      schedule: p.string({ description: 'Run on this 5-field cron (or runat)' }),
      timezone: p.string({ description: 'IANA time zone of runat and schedule; UTC by default' }),
      description: p.string({ description: 'What the task is for', length: 1024 }),
      startdate: p.string({ description: 'With schedule: active from, yyyy-MM-dd HH:mm:ss in the time zone' }),
      enddate: p.string({ description: 'With schedule: active until, yyyy-MM-dd HH:mm:ss in the time zone' }),
      enabled: p.boolean({ description: 'Enable the task (true by default)' }),
    },
    response: TASK,
  },
  updateScheduledTask: {
    description: 'Strata extension: updates a scheduled task', async: false, authorized: ALL_ROLES,
    params: {
      id: p.req.uuid({ description: 'The ID of the scheduled task' }),
      runat: p.string({ description: 'Run once at this time (replaces schedule)' }),
      schedule: p.string({ description: 'Run on this cron (replaces runat)' }),
      timezone: p.string({ description: 'IANA time zone' }),
      description: p.string({ description: 'What the task is for', length: 1024 }),
      startdate: p.string({ description: 'Active from' }),
      enddate: p.string({ description: 'Active until' }),
      enabled: p.boolean({ description: 'Enable or disable the task' }),
    },
    response: TASK,
  },
  listScheduledTasks: {
    description: 'Strata extension: lists scheduled tasks', async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      id: p.uuid({ description: 'The ID of the scheduled task' }),
      apicommand: p.string({ description: 'Tasks running this command' }),
      enabled: p.boolean({ description: 'Enabled or disabled tasks' }),
    },
    response: { kind: 'list', item: 'scheduledtask' },
  },
  deleteScheduledTask: {
    description: 'Strata extension: deletes a scheduled task', async: false, authorized: ALL_ROLES,
    params: { id: p.req.uuid({ description: 'The ID of the scheduled task' }) },
    response: { kind: 'success' },
  },
  listScheduledRuns: {
    description: 'Strata extension: the runs of every schedule the caller may see (VM schedules, snapshot policies, ' +
      'scheduled tasks) between two instants: past runs with their outcome and job, upcoming runs as computed now',
    async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams, ...scopeParams,
      startdate: p.req.string({ description: 'From this instant (ISO 8601, or yyyy-MM-dd HH:mm:ss in UTC)' }),
      enddate: p.req.string({ description: 'Until this instant; at most 62 days after startdate' }),
      zoneid: p.uuid({ description: 'Runs on resources in this zone' }),
      action: p.string({ description: 'Runs of this action (START, STOP, REBOOT, ..., HOURLY.., or an API command)' }),
      resourceid: p.uuid({ description: 'Runs acting on this resource (a VM or volume)' }),
      scheduleid: p.uuid({ description: 'Runs of this schedule' }),
    },
    response: { kind: 'list', item: 'scheduledrun' },
  },
  cancelScheduledRun: {
    description: 'Strata extension: cancels the next pending run of a schedule (the schedule stays; its following run ' +
      'becomes the next). A run whose job has started is an ordinary async job and cannot be cancelled',
    async: false, authorized: ALL_ROLES,
    params: { scheduleid: p.req.uuid({ description: 'The ID of the VM schedule, snapshot policy or scheduled task' }) },
    response: { kind: 'success' },
  },
});
