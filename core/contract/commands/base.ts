// Session, discovery and capability commands.
import { defineCommands } from '../command';
import { p } from '../params';
import { ALL_ROLES } from '../roles';

export const baseCommands = defineCommands({
  login: {
    description: 'Logs a user into the cloud and starts a session (POST only)',
    async: false, authorized: ALL_ROLES, postOnly: true, unauthenticated: true,
    params: {
      username: p.req.string({ description: 'Username' }),
      password: p.req.string({ description: 'Password (clear text, over TLS)' }),
      domain: p.string({ description: 'Domain path, e.g. / or /Child/; ROOT when absent' }),
      domainid: p.uuid({ description: 'Domain id; wins over domain' }),
    },
    response: { kind: 'raw' },
  },
  logout: {
    description: 'Logs out the user and ends the session',
    async: false, authorized: ALL_ROLES, params: {}, response: { kind: 'raw' },
  },
  listApis: {
    description: 'Lists the APIs the caller may call, with their parameters',
    async: false, authorized: ALL_ROLES,
    params: { name: p.string({ description: 'Only this API' }) },
    response: { kind: 'list', item: 'api' },
  },
  listCapabilities: {
    description: 'Lists the capabilities of the cloud',
    async: false, authorized: ALL_ROLES, params: {}, response: { kind: 'object', name: 'capability' },
  },
});
