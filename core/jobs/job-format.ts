// A job row as CloudStack's AsyncJob response object (queryAsyncJobResult body, listAsyncJobs items).
import type { AsyncJobTable } from '../db/schema';
import type { Services } from '../kernel/services';
import { csDate } from '../kernel/format';
import { JsonText, looksWhole } from '../kernel/json-text';
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

/** The columns a job's answer shows (listAsyncJobs reads only these: not its params, payload or lock keys). */
export type JobRow = Pick<AsyncJobTable, 'id' | 'user_id' | 'account_id' | 'domain_id' | 'command' | 'status' | 'proc_status' |
  'result_code' | 'result_type' | 'result' | 'instance_type' | 'instance_id' | 'created' | 'completed' | 'ms_id'>;
type AccountNames = { name: string; domainPath: string };

/** Account names and domain paths for a page of jobs: one cached identity lookup per distinct account. */
export async function accountNames(svc: Services, accountIds: string[]): Promise<Map<string, AccountNames | undefined>> {
  const ids = [...new Set(accountIds)];
  const infos = await Promise.all(ids.map((id) => svc.identity.accountInfo(id).catch(() => undefined)));
  return new Map(ids.map((id, i) => [id, infos[i] && { name: infos[i].name, domainPath: infos[i].domainPath }]));
}

/** javaCommandClass by command and instance type: a page of jobs holds a few of each. */
const classNames = new Map<string, string>();
function commandClass(command: string, instanceType: string | null): string {
  const key = `${command} ${instanceType ?? ''}`;
  let name = classNames.get(key);
  if (name === undefined) classNames.set(key, name = javaCommandClass(command, instanceType));
  return name;
}

const UNREADABLE = { errorcode: 530, errortext: 'The stored job result is unreadable' };

/**
 * `stored`: the result as its stored JSON text, written into a JSON answer as it is (kernel/json-text.ts; a list
 * page), instead of parsed (one job's answer, which in-process pollers read). One literal with every field in
 * response order, absent ones undefined (JSON and XML leave those out), as the VM page's.
 */
export function formatJob(svc: Services, r: JobRow, acc: AccountNames | undefined, stored = false): AsyncJob {
  const finished = r.status !== 0;
  const result = finished && r.result ? r.result : undefined;
  return {
    accountid: r.account_id ?? undefined,
    userid: r.user_id ?? undefined,
    cmd: commandClass(r.command, r.instance_type),
    jobstatus: r.status,
    jobprocstatus: r.proc_status ?? undefined,
    jobresultcode: r.result_code ?? undefined,
    jobresulttype: finished && r.result_type ? r.result_type : undefined,
    jobresult: result === undefined ? undefined : stored && looksWhole(result) ? new JsonText(result, UNREADABLE) : parseResult(result) ?? undefined,
    jobinstancetype: r.instance_type ?? undefined,
    jobinstanceid: r.instance_id ?? undefined,
    created: csDate(r.created),
    completed: finished ? csDate(r.completed) : undefined,
    jobid: r.id,
    managementserverid: r.ms_id ?? undefined,
    managementservername: r.ms_id === svc.config.msId ? svc.config.msName : undefined,
    account: acc?.name,
    domainid: r.domain_id ?? undefined,
    domainpath: acc?.domainPath,
  };
}

function parseResult(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { ...UNREADABLE };
  }
}
