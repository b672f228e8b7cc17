// Async job queries (reference section 3): polling one job, listing the caller's jobs.
import { defineCommands } from '../command';
import { p, pagingParams } from '../params';
import { ALL_ROLES } from '../roles';

export const jobsCommands = defineCommands({
  queryAsyncJobResult: {
    description: 'Retrieves the current status of an asynchronous job, and its result once it finished',
    async: false, authorized: ALL_ROLES,
    params: {
      jobid: p.req.uuid({ description: 'The ID of the asynchronous job' }),
    },
    // The job object is the response body itself: {"queryasyncjobresultresponse":{"jobid":...,"jobstatus":...}}.
    response: { kind: 'raw' },
  },
  listAsyncJobs: {
    description: 'Lists the asynchronous jobs of the caller (admins: of the accounts they manage)',
    async: false, authorized: ALL_ROLES,
    params: {
      ...pagingParams,
      account: p.string({ description: 'List jobs of this account (with domainid)' }),
      domainid: p.uuid({ description: 'List jobs of this domain' }),
      isrecursive: p.boolean({ description: 'With domainid or listall: include subdomains' }),
      listall: p.boolean({ description: 'List all jobs the caller may see, not only its own' }),
      startdate: p.date({ description: 'Only jobs created at or after this date (yyyy-MM-dd or yyyy-MM-dd HH:mm:ss, UTC)' }),
      resourceid: p.uuid({ description: 'Only jobs acting on this resource (jobinstanceid)' }),
      resourcetype: p.string({ description: 'Only jobs acting on this type of resource (jobinstancetype, e.g. VirtualMachine)' }),
      managementserverid: p.string({ description: 'Only jobs run by this management server' }),
    },
    response: { kind: 'list', item: 'asyncjobs' },
  },
});
