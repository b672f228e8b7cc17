// VM work that maintenance and HA start on their own, run as ordinary async jobs of the VM commands
// (migrateVirtualMachine, stopVirtualMachine, startVirtualMachine): each shows in listAsyncJobs with its progress,
// takes the VM's lock like a user's command would, and recovers after a restart like one.
import type { CallContext } from '../kernel/handler';
import type { AsyncHandler } from '../kernel/handler';
import type { CommandDecl } from '../contract/command';
import { computeCommands } from '../contract/commands/compute';
import { migrateHandler } from '../orchestration/vm/migrate';
import { startHandler, stopHandler } from '../orchestration/vm/lifecycle';

export type VmJobCommand = 'migrateVirtualMachine' | 'startVirtualMachine' | 'stopVirtualMachine';
const HANDLERS: Record<VmJobCommand, unknown> = {
  migrateVirtualMachine: migrateHandler, startVirtualMachine: startHandler, stopVirtualMachine: stopHandler,
};

export interface VmJobOutcome { jobId: string | null; ok: boolean; error?: string }

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Submits one VM command as a job and waits for it; refusals (prepare) and failures come back as text. */
export async function runVmJob(ctx: CallContext, command: VmJobCommand, args: Record<string, unknown>): Promise<VmJobOutcome> {
  const decl = computeCommands[command] as CommandDecl;
  const handler = HANDLERS[command] as unknown as AsyncHandler<CommandDecl>;
  let jobId: string;
  try {
    const plan = await handler.prepare({ ...ctx, command }, args as never);
    jobId = await ctx.svc.jobs.submit({ ...ctx, command }, decl, args, plan);
  } catch (e) {
    return { jobId: null, ok: false, error: errText(e) };
  }
  const status = await ctx.svc.jobs.waitFor(jobId);
  if (status === 1) return { jobId, ok: true };
  const row = await ctx.svc.db.selectFrom('async_jobs').select('result').where('id', '=', jobId).executeTakeFirst();
  let error = `job ${jobId} failed`;
  try {
    error = (JSON.parse(String(row?.result)) as { errortext?: string }).errortext ?? error;
  } catch { /* keep the generic text */ }
  return { jobId, ok: false, error };
}

/** Runs `fn` over `items` with at most `limit` at once (ha.workers). */
export async function withConcurrency<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
