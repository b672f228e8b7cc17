// A job row as CloudStack's AsyncJob response object (queryAsyncJobResult body, listAsyncJobs items).
import type { AsyncJobTable } from '../db/schema';
import type { Services } from '../kernel/services';
import { compact, csDate } from '../kernel/format';
import type { AsyncJob } from '../contract/responses';

/** Java package (under org.apache.cloudstack.api.command.<user|admin>) by jobinstancetype. */
const PACKAGES: Record<string, string> = {
  VirtualMachine: 'vm', Host: 'host', Volume: 'volume', Snapshot: 'snapshot', Template: 'template', Iso: 'iso',
  StoragePool: 'storage', ImageStore: 'storage', Network: 'network', IpAddress: 'address', FirewallRule: 'firewall',
  PortForwardingRule: 'firewall', LoadBalancerRule: 'loadbalancer', DomainRouter: 'router', SystemVm: 'systemvm',
  ConsoleProxy: 'systemvm', Account: 'account', User: 'user', Domain: 'domain', VmSnapshot: 'vmsnapshot', Vpc: 'vpc',
  Zone: 'zone', Pod: 'pod', Cluster: 'cluster',
};
/** Entity types only administrators act on: their commands live in the `admin` packages. */
const ADMIN_TYPES = new Set(['Host', 'StoragePool', 'ImageStore', 'DomainRouter', 'SystemVm', 'ConsoleProxy',
  'Account', 'User', 'Domain', 'Zone', 'Pod', 'Cluster']);

/**
 * A CloudStack-like Java class name for `cmd` (some clients display it): stopVirtualMachine ->
 * org.apache.cloudstack.api.command.user.vm.StopVMCmd. An approximation: real class names are not derivable from
 * the API name in every case.
 */
export function javaCommandClass(command: string, instanceType: string | null): string {
  const type = instanceType ?? '';
  const pkg = PACKAGES[type] ?? (type && type !== 'None' ? type.toLowerCase() : 'misc');
  const scope = ADMIN_TYPES.has(type) ? 'admin' : 'user';
  const cls = (command.charAt(0).toUpperCase() + command.slice(1)).replace('VirtualMachine', 'VM');
  return `org.apache.cloudstack.api.command.${scope}.${pkg}.${cls}Cmd`;
}

export type JobRow = AsyncJobTable;
type AccountNames = { name: string; domainPath: string };

/** Account names and domain paths for a page of jobs: one cached identity lookup per distinct account. */
export async function accountNames(svc: Services, accountIds: string[]): Promise<Map<string, AccountNames | undefined>> {
  const ids = [...new Set(accountIds)];
  const infos = await Promise.all(ids.map((id) => svc.identity.accountInfo(id).catch(() => undefined)));
  return new Map(ids.map((id, i) => [id, infos[i] && { name: infos[i].name, domainPath: infos[i].domainPath }]));
}

export function formatJob(svc: Services, r: JobRow, acc: AccountNames | undefined): AsyncJob {
  const finished = r.status !== 0;
  return compact<AsyncJob>({
    accountid: r.account_id,
    userid: r.user_id,
    cmd: javaCommandClass(r.command, r.instance_type),
    jobstatus: r.status,
    jobprocstatus: r.proc_status,
    jobresultcode: r.result_code,
    jobresulttype: finished && r.result_type ? r.result_type : undefined,
    jobresult: finished && r.result ? parseResult(r.result) : undefined,
    jobinstancetype: r.instance_type,
    jobinstanceid: r.instance_id,
    created: csDate(r.created),
    completed: finished ? csDate(r.completed) : undefined,
    jobid: r.id,
    managementserverid: r.ms_id,
    managementservername: r.ms_id === svc.config.msId ? svc.config.msName : undefined,
    account: acc?.name,
    domainid: r.domain_id,
    domainpath: acc?.domainPath,
  });
}

function parseResult(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { errorcode: 530, errortext: 'The stored job result is unreadable' };
  }
}
