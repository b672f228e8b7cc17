// Events (reference section 5.7): listing, event types, archiving and deleting.
import { defineCommands } from '../command';
import { p, pagingParams, scopeParams } from '../params';
import { ALL_ROLES } from '../roles';

const DATE_FORMS = 'yyyy-MM-dd or yyyy-MM-dd HH:mm:ss, UTC';

/** Which events archiveEvents/deleteEvents act on; at least ids, type or enddate must be given. */
const eventSelection = {
  ids: p.uuids({ description: 'The ids of the events' }),
  type: p.string({ description: 'Events of this type (e.g. VM.CREATE)' }),
  startdate: p.date({ description: `Events created at or after this date (${DATE_FORMS})` }),
  enddate: p.date({ description: `Events created at or before this date (${DATE_FORMS}); a date alone includes that day` }),
} as const;

export const eventsCommands = defineCommands({
  listEvents: {
    description: 'Lists action events (newest first)',
    async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      ...scopeParams,
      id: p.uuid({ description: 'The event id' }),
      type: p.string({ description: 'Event type, e.g. VM.CREATE, VM.START, MAINT.PREPARE' }),
      level: p.string({ description: 'Event level', oneOf: ['INFO', 'WARN', 'ERROR'] }),
      state: p.string({ description: 'Event state', oneOf: ['Created', 'Scheduled', 'Started', 'Completed'] }),
      startdate: p.date({ description: `Events created at or after this date (${DATE_FORMS})` }),
      enddate: p.date({ description: `Events created at or before this date (${DATE_FORMS}); a date alone includes that day` }),
      resourceid: p.uuid({ description: 'Events of this resource' }),
      resourcetype: p.string({ description: 'Events of this resource type (e.g. VirtualMachine, Host)' }),
      startid: p.uuid({ description: 'The start event id: lists it and the events that name it as parent' }),
      archived: p.boolean({ description: 'true: list archived events instead of current ones' }),
    },
    response: { kind: 'list', item: 'event' },
  },
  listEventTypes: {
    description: 'Lists the event types',
    async: false, authorized: ALL_ROLES, params: {},
    response: { kind: 'list', item: 'eventtype' },
  },
  // CloudStack offers these to every role (user.event package); callers act only on events they may list.
  archiveEvents: {
    description: 'Archives events: they no longer appear in listEvents unless archived=true',
    async: false, authorized: ALL_ROLES, params: eventSelection,
    response: { kind: 'success' },
  },
  deleteEvents: {
    description: 'Deletes events',
    async: false, authorized: ALL_ROLES, params: eventSelection,
    response: { kind: 'success' },
  },
});
