// Measures the job machinery's own cost per job (insert, started, result, locks, waiters) with a no-op handler on
// a real SQLite file: what is left of the 2,000 deploys/s budget for the work itself. Used by `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineCommands, type CommandDecl } from '../contract/command';
import { ALL_ROLES } from '../contract/roles';
import type { AsyncHandler } from '../kernel/handler';
import { makeEnv } from './test-env';

const decls = defineCommands({
  deployVirtualMachine: { description: 'bench', async: true, creates: true, instanceType: 'VirtualMachine',
    authorized: ALL_ROLES, params: {}, response: { kind: 'object', name: 'virtualmachine' } },
});

export interface JobOverhead { jobs: number; concurrency: number; eventsPerJob: number; usPerJob: number; jobsPerSecond: number }

/** Submits `jobs` jobs, `concurrency` at a time (like that many API clients), and waits for all of them. */
export async function measureJobOverhead(jobs = 10_000, concurrency = 200, eventsPerJob = 0): Promise<JobOverhead> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-jobbench-'));
  const env = await makeEnv({ file: join(dir, 'bench.db'), seed: false, jobWorkers: 256 });
  const handler: AsyncHandler<CommandDecl> = {
    prepare: async () => { throw new Error('unused'); },
    execute: async (ctx, _a, payload: { vm: string }) => {
      for (let i = 0; i < eventsPerJob; i++) {
        await ctx.svc.events.record({ type: 'VM.CREATE', description: 'bench', resourceId: payload.vm, accountId: ctx.caller.accountId });
      }
      return { id: payload.vm, state: 'Running' };
    },
  };
  env.svc.jobs.bind(new Map([['deployVirtualMachine', { decl: decls.deployVirtualMachine, handler }]]));
  await env.svc.jobs.start();
  const ctx = env.ctx('admin', 'deployVirtualMachine');
  let next = 0;
  const client = async () => {
    while (next < jobs) {
      const n = next++;
      const vm = `vm-${n}`;
      // Like a deploy: the VM's own key plus a key shared with other jobs (one of 50 hosts).
      const id = await env.svc.jobs.submit(ctx, decls.deployVirtualMachine, { name: vm },
        { instanceType: 'VirtualMachine', instanceId: vm, createdId: vm, locks: [`vm:${vm}`, `host:${n % 50}`], payload: { vm } });
      await env.svc.jobs.waitFor(id);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const ms = performance.now() - t0;
  await env.svc.jobs.stop();
  await env.close();
  rmSync(dir, { recursive: true, force: true });
  const usPerJob = (ms * 1000) / jobs;
  return { jobs, concurrency, eventsPerJob, usPerJob: Math.round(usPerJob * 10) / 10, jobsPerSecond: Math.round(1e6 / usPerJob) };
}
