// What a host evacuation (prepareHostForMaintenance) is doing to each VM, worked out from what the server already
// lists: the host's prepare job, the VM jobs it started (migrateVirtualMachine, then stopVirtualMachine for a VM
// that could not move; run as the same user, after the prepare job began), the VMs still on the host, and the plan
// the operator saw before confirming (the planned destination of the VMs not yet moving).
import type { AsyncJob, HostMaintenancePlan, VirtualMachine } from '../../../../core/contract/responses';
import { parseCsDate } from '../../components/kit/datetime';

export type EvacState = 'queued' | 'migrating' | 'migrated' | 'stopping' | 'stopped' | 'failed' | 'notMoved';

export interface EvacRow {
  id: string;
  name: string;
  state: EvacState;
  /** 0–100 while migrating or stopping. */
  progress?: number;
  /** Where it went (migrated) or is planned to go (queued, migrating). */
  host?: string;
  /** Why it failed, or why it was stopped instead of migrated. */
  error?: string;
}

const PREPARE = /PrepareHostForMaintenanceCmd$/;
const MIGRATE = /\.MigrateVMCmd$/;
const STOP = /\.StopVMCmd$/;

export const isPrepareJob = (j: AsyncJob) => PREPARE.test(j.cmd);
/** The newest prepareHostForMaintenance job of the host (listAsyncJobs answers newest first). */
export const latestPrepareJob = (hostJobs: AsyncJob[]) => hostJobs.find(isPrepareJob);

const time = (s?: string) => parseCsDate(s)?.getTime() ?? NaN;
const errorOf = (j: AsyncJob) => (j.jobresult as { errortext?: string } | undefined)?.errortext ?? 'failed';
const vmOf = (j: AsyncJob) => (j.jobresult as { virtualmachine?: VirtualMachine } | undefined)?.virtualmachine;

/** The VM jobs the evacuation started: its user's migrate/stop jobs between its start and its end. */
export function evacuationJobs(prepare: AsyncJob, vmJobs: AsyncJob[]): AsyncJob[] {
  // Job dates have whole seconds: a job of the same second as the prepare job counts.
  const from = time(prepare.created);
  const to = prepare.jobstatus === 0 ? Infinity : time(prepare.completed);
  return vmJobs.filter((j) => (MIGRATE.test(j.cmd) || STOP.test(j.cmd)) && j.userid === prepare.userid && !!j.jobinstanceid
    && time(j.created) >= from && time(j.created) <= to);
}

export interface EvacInput {
  preparing: boolean;
  jobs: AsyncJob[];
  onHost: VirtualMachine[];
  plan?: HostMaintenancePlan[];
}

/** One row per VM leaving the host, in the plan's order (then the host's, then the jobs'). */
export function evacuationRows({ preparing, jobs, onHost, plan = [] }: EvacInput): EvacRow[] {
  const byVm = new Map<string, { name?: string; migrate?: AsyncJob; stop?: AsyncJob; planned?: string }>();
  const slot = (id: string) => byVm.get(id) ?? byVm.set(id, {}).get(id)!;
  for (const p of plan) Object.assign(slot(p.virtualmachineid), { name: p.virtualmachinename, planned: p.hostname });
  for (const v of onHost) slot(v.id).name ??= v.name;
  // Oldest first, so a retried migration's later job wins.
  for (const j of [...jobs].sort((a, b) => time(a.created) - time(b.created))) {
    const s = slot(j.jobinstanceid!);
    if (MIGRATE.test(j.cmd)) s.migrate = j; else s.stop = j;
    s.name ??= vmOf(j)?.name;
  }
  return [...byVm].map(([id, s]): EvacRow => {
    const base = { id, name: s.name ?? id };
    const migError = s.migrate?.jobstatus === 2 ? errorOf(s.migrate) : undefined;
    if (s.stop) {
      if (s.stop.jobstatus === 0) return { ...base, state: 'stopping', progress: s.stop.jobprocstatus ?? 0, error: migError };
      if (s.stop.jobstatus === 1) return { ...base, state: 'stopped', error: migError };
      return { ...base, state: 'failed', error: migError ? `${migError}; ${errorOf(s.stop)}` : errorOf(s.stop) };
    }
    if (s.migrate) {
      if (s.migrate.jobstatus === 0) return { ...base, state: 'migrating', progress: s.migrate.jobprocstatus ?? 0, host: s.planned };
      if (s.migrate.jobstatus === 1) return { ...base, state: 'migrated', host: vmOf(s.migrate)?.hostname ?? s.planned };
      // While the host is preparing, a stop (or one retry) may still follow: the row then moves on.
      return { ...base, state: 'failed', error: migError, host: s.planned };
    }
    return { ...base, state: preparing ? 'queued' : 'notMoved', host: s.planned };
  });
}

export const countBy = (rows: EvacRow[], ...states: EvacState[]) => rows.filter((r) => states.includes(r.state)).length;
