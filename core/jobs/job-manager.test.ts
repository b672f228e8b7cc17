import { describe, it, expect, afterEach } from 'vitest';
import { defineCommands, type CommandDecl } from '../contract/command';
import { p } from '../contract/params';
import { ALL_ROLES } from '../contract/roles';
import { ApiError, invalidParam } from '../kernel/errors';
import type { AsyncHandler } from '../kernel/handler';
import type { Notification } from '../kernel/services';
import { makeEnv, type TestEnv } from './test-env';
import { FINISHED_PAYLOAD, INTERRUPTED_TEXT } from './job-manager';
import { captureLog } from '../testing/capture-log';

const vmCmd = { async: true, instanceType: 'VirtualMachine', authorized: ALL_ROLES,
  params: { id: p.req.uuid({ description: 'vm' }) }, response: { kind: 'object', name: 'virtualmachine' } } as const;
const decls = defineCommands({
  stopVirtualMachine: { ...vmCmd, description: 'stop' },
  startVirtualMachine: { ...vmCmd, description: 'start' },
  rebootVirtualMachine: { ...vmCmd, description: 'reboot' },
  deleteThing: { description: 'delete', async: true, instanceType: 'None', authorized: ALL_ROLES, params: {}, response: { kind: 'success' } },
});
type Name = keyof typeof decls;
type H = Partial<AsyncHandler<CommandDecl>>;

function bindAll(env: TestEnv, hs: Partial<Record<Name, H>>) {
  const m = new Map<string, { decl: CommandDecl; handler: AsyncHandler<CommandDecl> }>();
  for (const [name, h] of Object.entries(hs)) {
    m.set(name, { decl: decls[name as Name], handler: { prepare: async () => { throw new Error('unused'); }, execute: async () => {}, ...h } as AsyncHandler<CommandDecl> });
  }
  env.svc.jobs.bind(m);
}

const submit = (env: TestEnv, name: Name, vm: string | null, locks: string[] = vm ? [`vm:${vm}`] : [], who: 'alice' | 'admin' = 'alice') =>
  env.svc.jobs.submit(env.ctx(who, name), decls[name], { id: vm ?? undefined }, { instanceType: 'VirtualMachine', instanceId: vm, locks, payload: { vm } });

const row = (env: TestEnv, id: string) => env.db.selectFrom('async_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

let envs: TestEnv[] = [];
async function env(o: Parameters<typeof makeEnv>[0] = {}) { const e = await makeEnv(o); envs.push(e); return e; }
afterEach(async () => { for (const e of envs.reverse()) await e.svc.jobs.stop(100).catch(() => {}); for (const e of envs) await e.close(); envs = []; });

describe('job manager: results', () => {
  it('persists a pending job at submit and records the object result under the response name', async () => {
    const e = await env();
    const gate = deferred();
    bindAll(e, { stopVirtualMachine: { execute: async (_c, a) => { await gate.promise; return { id: (a as { id: string }).id, state: 'Stopped' }; } } });
    await e.svc.jobs.start();
    const id = await submit(e, 'stopVirtualMachine', 'vm-1');
    const pending = await row(e, id);
    expect(pending).toMatchObject({ status: 0, result: null, completed: null, instance_type: 'VirtualMachine',
      instance_id: 'vm-1', account_id: 'acc-alice', user_id: 'usr-alice', domain_id: 'dom-d1', ms_id: 'ms-1', command: 'stopVirtualMachine' });
    expect(JSON.parse(pending.params)).toEqual({ id: 'vm-1' });
    expect(JSON.parse(pending.payload).payload).toEqual({ vm: 'vm-1' }); // what a restart would resume it with
    gate.resolve();
    await e.svc.jobs.waitFor(id);
    const done = await row(e, id);
    expect(done).toMatchObject({ status: 1, result_code: 0, result_type: 'object' });
    expect(done.started).not.toBeNull();
    expect(done.completed).not.toBeNull();
    expect(JSON.parse(done.result!)).toEqual({ virtualmachine: { id: 'vm-1', state: 'Stopped' } });
    expect(done.payload).toBe(FINISHED_PAYLOAD); // never resumed again, so not kept
  });

  it('records {"success":true} (a boolean) for success commands', async () => {
    const e = await env();
    bindAll(e, { deleteThing: { execute: async () => undefined } });
    await e.svc.jobs.start();
    const id = await submit(e, 'deleteThing', null);
    await e.svc.jobs.waitFor(id);
    expect(JSON.parse((await row(e, id)).result!)).toEqual({ success: true });
  });

  it('fails with the ApiError code and text, or 530 with the message for other errors', async () => {
    const e = await env();
    bindAll(e, {
      stopVirtualMachine: { execute: async () => { throw invalidParam('VM is already stopped'); } },
      startVirtualMachine: { execute: async () => { throw new Error('disk exploded'); } },
    });
    await e.svc.jobs.start();
    const a = await submit(e, 'stopVirtualMachine', 'vm-1');
    const b = await submit(e, 'startVirtualMachine', 'vm-2');
    await Promise.all([e.svc.jobs.waitFor(a), e.svc.jobs.waitFor(b)]);
    const ra = await row(e, a);
    expect(ra).toMatchObject({ status: 2, result_code: 431, result_type: 'object' });
    expect(JSON.parse(ra.result!)).toEqual({ uuidList: [], errorcode: 431, cserrorcode: 4350, errortext: 'VM is already stopped' });
    const rb = await row(e, b);
    expect(rb).toMatchObject({ status: 2, result_code: 530 });
    expect(JSON.parse(rb.result!)).toMatchObject({ errorcode: 530, errortext: 'disk exploded' });
  });

  it('reports progress and notifies subscribers on start, progress and finish', async () => {
    const e = await env();
    const seen: Notification[] = [];
    const dispose = e.events.subscribe((n) => seen.push(n));
    bindAll(e, { stopVirtualMachine: { execute: async (c) => { await (c as { progress(n: number): Promise<void> }).progress(40); return {}; } } });
    await e.svc.jobs.start();
    const id = await submit(e, 'stopVirtualMachine', 'vm-1');
    await e.svc.jobs.waitFor(id);
    dispose();
    const jobs = seen.filter((n) => n.kind === 'job');
    expect(jobs.map((n) => n.kind === 'job' && [n.status, n.progress])).toEqual([[0, 0], [0, 40], [1, 40]]);
    expect(jobs[0]).toMatchObject({ jobId: id, command: 'stopVirtualMachine', instanceType: 'VirtualMachine', instanceId: 'vm-1', accountId: 'acc-alice' });
    expect((await row(e, id)).proc_status).toBe(40);
  });

  it('waitFor resolves at once for a finished job and rejects for an unknown one', async () => {
    const e = await env();
    bindAll(e, { deleteThing: {} });
    await e.svc.jobs.start();
    const id = await submit(e, 'deleteThing', null);
    await e.svc.jobs.waitFor(id);
    await expect(e.svc.jobs.waitFor(id)).resolves.toBe(1);
    await expect(e.svc.jobs.waitFor('no-such-job')).rejects.toThrow(/Unknown async job/);
  });

  it('stop() waits for running jobs, then refuses new ones with 503', async () => {
    const e = await env();
    let started = false;
    let finished = false;
    bindAll(e, { stopVirtualMachine: { execute: async () => { started = true; await sleep(30); finished = true; return {}; } } });
    await e.svc.jobs.start();
    const id = await submit(e, 'stopVirtualMachine', 'vm-1');
    // Running, not only submitted (on MariaDB taking its keys is a round trip or two): stop() must wait for it.
    await expect.poll(() => started, { timeout: 5_000, interval: 1 }).toBe(true);
    await e.svc.jobs.stop(5_000);
    expect(finished).toBe(true);
    expect((await row(e, id)).status).toBe(1);
    await expect(submit(e, 'stopVirtualMachine', 'vm-1')).rejects.toMatchObject({ errorcode: 503 });
  });
});

describe('job manager: stop and start again', () => {
  it('leaves jobs that had not started pending, and runs them exactly once on the next start()', async () => {
    const e = await env({ jobWorkers: 1 });
    const runs: string[] = [];
    bindAll(e, { stopVirtualMachine: { execute: async (_c, a) => { runs.push((a as { id: string }).id); await sleep(20); return {}; } } });
    await e.svc.jobs.start();
    const a = await submit(e, 'stopVirtualMachine', 'vm-1');
    const b = await submit(e, 'stopVirtualMachine', 'vm-2'); // waits for the only worker
    const bWait = e.svc.jobs.waitFor(b).then(() => 'finished', (err: Error) => err.message);
    await expect.poll(() => runs.length, { timeout: 5_000, interval: 1 }).toBe(1); // a runs; b waits for the worker
    await e.svc.jobs.stop(5_000);
    expect(await bWait).toMatch(/was not run: the job manager stopped/);
    expect(await row(e, a)).toMatchObject({ status: 1 });
    expect(await row(e, b)).toMatchObject({ status: 0, started: null });
    await e.svc.jobs.start();
    await e.svc.jobs.waitFor(b);
    expect(await row(e, b)).toMatchObject({ status: 1 });
    expect(runs).toEqual(['vm-1', 'vm-2']);
  });
});

describe('job manager: locks and workers', () => {
  it('runs a stop then a start on one VM in order, without overlap, while another VM proceeds', async () => {
    const e = await env({ jobWorkers: 4 });
    const log: string[] = [];
    // vm-1's stop holds until vm-2's stop has begun (whatever the database's latency): were vm-2 queued behind
    // vm-1, the test would time out.
    let vm2Began!: () => void;
    const vm2Begins = new Promise<void>((r) => { vm2Began = r; });
    const work = (name: string) => async (_c: unknown, a: unknown) => {
      const vm = (a as { id: string }).id;
      log.push(`begin ${name} ${vm}`);
      if (name === 'stop' && vm === 'vm-2') vm2Began();
      await (name === 'stop' && vm === 'vm-1' ? vm2Begins : sleep(5));
      log.push(`end ${name} ${vm}`);
      return {};
    };
    bindAll(e, { stopVirtualMachine: { execute: work('stop') }, startVirtualMachine: { execute: work('start') } });
    await e.svc.jobs.start();
    const ids = [await submit(e, 'stopVirtualMachine', 'vm-1'), await submit(e, 'startVirtualMachine', 'vm-1'),
      await submit(e, 'stopVirtualMachine', 'vm-2')];
    await Promise.all(ids.map((id) => e.svc.jobs.waitFor(id)));
    const at = (s: string) => log.indexOf(s);
    expect(at('begin start vm-1')).toBeGreaterThan(at('end stop vm-1'));
    // vm-2 does not wait for vm-1.
    expect(at('begin stop vm-2')).toBeLessThan(at('end stop vm-1'));
  });

  it('never runs more jobs at once than the worker limit', async () => {
    const e = await env({ jobWorkers: 2 });
    let now = 0;
    let max = 0;
    bindAll(e, { stopVirtualMachine: { execute: async () => { now++; max = Math.max(max, now); await sleep(10); now--; return {}; } } });
    await e.svc.jobs.start();
    const ids = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => submit(e, 'stopVirtualMachine', `vm-${i}`)));
    await Promise.all(ids.map((id) => e.svc.jobs.waitFor(id)));
    expect(max).toBe(2);
  });

  it('keeps submission order per key and never deadlocks with jobs holding several keys', async () => {
    const e = await env({ jobWorkers: 8 });
    const keys = ['vm:a', 'vm:b', 'host:1', 'pool:1'];
    const runs: { job: number; keys: string[]; begin: number; end: number }[] = [];
    let tick = 0;
    bindAll(e, { rebootVirtualMachine: { execute: async (c) => {
      const job = Number((c as { jobId: string }).jobId && jobNo.get((c as { jobId: string }).jobId));
      const begin = ++tick;
      await sleep(Math.floor(Math.random() * 3));
      runs.push({ job, keys: planned[job], begin, end: ++tick });
      return {};
    } } });
    const jobNo = new Map<string, number>();
    const planned: string[][] = [];
    await e.svc.jobs.start();
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      // Random subsets in random order: [a,b] and [b,a] both occur, the classic deadlock recipe.
      const ks = keys.filter(() => Math.random() < 0.5).sort(() => Math.random() - 0.5);
      planned.push(ks);
      const id = await submit(e, 'rebootVirtualMachine', `vm-${i}`, ks);
      jobNo.set(id, i);
      ids.push(id);
    }
    await Promise.all(ids.map((id) => e.svc.jobs.waitFor(id)));
    expect(runs).toHaveLength(120);
    for (const k of keys) {
      const onKey = runs.filter((r) => r.keys.includes(k)).sort((x, y) => x.begin - y.begin);
      for (let i = 1; i < onKey.length; i++) {
        expect(onKey[i].job).toBeGreaterThan(onKey[i - 1].job);
        expect(onKey[i].begin).toBeGreaterThan(onKey[i - 1].end);
      }
    }
  });
});

describe('job manager: restart recovery', () => {
  it('requeues never-started jobs, recovers or fails interrupted ones, and leaves nothing pending', async () => {
    const first = await env({ jobWorkers: 2 });
    const hang = () => new Promise<never>(() => {});
    const ranFirst: string[] = [];
    bindAll(first, {
      stopVirtualMachine: { execute: async () => { ranFirst.push('stop'); return hang(); } },
      rebootVirtualMachine: { execute: async () => { ranFirst.push('reboot'); return hang(); } },
      startVirtualMachine: { execute: async () => { ranFirst.push('start'); return {}; } },
    });
    await first.svc.jobs.start();
    const stop = await submit(first, 'stopVirtualMachine', 'vm-1');       // started, then the server "crashes"
    const reboot = await submit(first, 'rebootVirtualMachine', 'vm-3');   // started, no recover() handler
    const startSame = await submit(first, 'startVirtualMachine', 'vm-1'); // queued behind the stop: never started
    const startOther = await submit(first, 'startVirtualMachine', 'vm-2'); // no free worker: never started
    // Both running before the "crash" (a bounded loop of 100 x 5 ms could give up first on a busy MariaDB).
    await expect.poll(() => [...ranFirst].sort(), { timeout: 10_000, interval: 5 }).toEqual(['reboot', 'stop']);
    await expect.poll(async () => [(await row(first, stop)).started, (await row(first, reboot)).started].includes(null), { timeout: 10_000, interval: 5 }).toBe(false);
    await first.db.insertInto('async_jobs').values({ ...(await row(first, startOther)), id: 'other-ms-job', ms_id: 'ms-2' }).execute();

    // A new process on the same database file; the first one is simply abandoned, as after a crash.
    const second = await env({ file: first.file });
    const order: string[] = [];
    const callers: string[] = [];
    bindAll(second, {
      stopVirtualMachine: {
        execute: async () => { order.push('execute stop'); return {}; },
        recover: async (c, a) => { order.push('recover stop'); callers.push(c.caller.accountId); return { id: (a as { id: string }).id, state: 'Stopped' }; },
      },
      rebootVirtualMachine: { execute: async () => { order.push('execute reboot'); return {}; } },
      startVirtualMachine: { execute: async (c, a) => { order.push(`execute start ${(a as { id: string }).id}`); callers.push(c.caller.accountId); return {}; } },
    });
    await second.svc.jobs.start();
    await Promise.all([startSame, startOther].map((id) => second.svc.jobs.waitFor(id)));

    expect(order.filter((o) => o.includes('stop') || o.includes('vm-1'))).toEqual(['recover stop', 'execute start vm-1']);
    expect(order.filter((o) => o === 'execute start vm-2')).toHaveLength(1);
    expect(order).not.toContain('execute reboot');
    expect(callers.every((c) => c === 'acc-alice')).toBe(true);

    expect(await row(second, stop)).toMatchObject({ status: 1, result_code: 0 });
    expect(JSON.parse((await row(second, stop)).result!)).toEqual({ virtualmachine: { id: 'vm-1', state: 'Stopped' } });
    const r = await row(second, reboot);
    expect(r).toMatchObject({ status: 2, result_code: 530 });
    expect(JSON.parse(r.result!).errortext).toBe(INTERRUPTED_TEXT);
    for (const id of [startSame, startOther]) expect((await row(second, id)).status).toBe(1);
    const pending = await second.db.selectFrom('async_jobs').select(['id', 'ms_id']).where('status', '=', 0).execute();
    expect(pending).toEqual([{ id: 'other-ms-job', ms_id: 'ms-2' }]);
  });

  it('fails a recovered job whose recover() throws, with the ApiError code', async () => {
    const first = await env({ jobWorkers: 1 });
    bindAll(first, { stopVirtualMachine: { execute: () => new Promise<never>(() => {}) } });
    await first.svc.jobs.start();
    const id = await submit(first, 'stopVirtualMachine', 'vm-1');
    await expect.poll(async () => (await row(first, id)).started, { timeout: 10_000, interval: 5 }).not.toBeNull();
    const second = await env({ file: first.file });
    bindAll(second, { stopVirtualMachine: { recover: async () => { throw new ApiError(534, 'host is unreachable', 4380); } } });
    await second.svc.jobs.start();
    expect(await row(second, id)).toMatchObject({ status: 2, result_code: 534 });
  });
});

describe('job manager: logs', () => {
  it("logs a job's lines under the id of the request that submitted it, also after a restart", async () => {
    const first = await env({ jobWorkers: 1 });
    bindAll(first, { stopVirtualMachine: { execute: () => new Promise<never>(() => {}) } });
    await first.svc.jobs.start();
    await submit(first, 'stopVirtualMachine', 'vm-1'); // holds the only worker
    const queued = await first.svc.jobs.submit({ ...first.ctx('alice', 'startVirtualMachine'), requestId: 'req-42' },
      decls.startVirtualMachine, { id: 'vm-2' }, { instanceType: 'VirtualMachine', instanceId: 'vm-2', locks: ['vm:vm-2'], payload: {} });

    // Another process takes over the database before the queued job ran.
    const out = captureLog('debug');
    const second = await env({ file: first.file, log: out.log });
    const seen: (string | undefined)[] = [];
    bindAll(second, {
      stopVirtualMachine: { recover: async () => ({}) },
      startVirtualMachine: { execute: async (c) => { seen.push(c.requestId); c.svc.log.info('handler line'); return {}; } },
    });
    await second.svc.jobs.start();
    expect(await second.svc.jobs.waitFor(queued)).toBe(1);
    expect(seen).toEqual(['req-42']);
    const lines = out.records().filter((r) => r.jobId === queued);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['handler line', expect.stringContaining('succeeded')]));
    for (const l of lines) expect(l.reqId).toBe('req-42');
  });
});
