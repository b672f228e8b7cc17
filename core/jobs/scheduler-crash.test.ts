// A management server killed at the moment a scheduled run fires (inside the transaction that advances the
// schedule, records the run and writes its job row) loses nothing and doubles nothing: after the restart the run
// is still due, fires once (it is within the grace period), and later ticks fire it no more.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { startCrashServer } from '../testing/crash-child';
import { formatWallTime } from '../contract/schedule/index';

let t: TestServer | undefined;
afterAll(async () => { await t?.stop(); });

describe('a crash at the moment a scheduled run fires', () => {
  it('runs it exactly once after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-sched-crash-'));
    // The child's scheduler ticks every second on the real clock; it dies writing the disableAccount job row.
    const crash = startCrashServer(dataDir, 'disableAccount');
    const admin = await sessionClient(await crash.url);
    const must = async (command: string, params: Record<string, string>) => {
      const r = await admin.call(command, params, 'POST');
      if (r.status !== 200) throw new Error(`${command}: ${r.text}`);
      return r.json[`${command.toLowerCase()}response`];
    };
    const root = (await must('listDomains', { name: 'ROOT' })).domain[0];
    await must('createAccount', { accounttype: '0', username: 'victim', password: 'pw-pw-pw-1', firstname: 'v', lastname: 'v', email: 'v@x', account: 'victim' });
    const task = (await must('createScheduledTask', { apicommand: 'disableAccount', 'params[0].name': 'account', 'params[0].value': 'victim',
      'params[1].name': 'domainid', 'params[1].value': root.id, 'params[2].name': 'lock', 'params[2].value': 'true',
      // 2-3 s ahead: runat has whole seconds, and a request that a busy machine takes over a second for must not
      // find it in the past (Date.now() + 2 s, cut to the second, left as little as 1 s).
      runat: formatWallTime(Math.ceil(Date.now() / 1000) * 1000 + 2_000, 'UTC') })).scheduledtask;
    expect(await crash.exited).toBe('SIGKILL');

    t = await startTestServer({ dataDir, db: join(dataDir, 'strata.db') });
    const db = t.core.svc.db;
    expect(await db.selectFrom('schedule_runs').selectAll().where('schedule_id', '=', task.id).execute()).toEqual([]);
    expect(await t.core.scheduler.tick()).toBe(1);
    await t.core.scheduler.settled();
    expect(await t.core.scheduler.tick()).toBe(0);
    const runs = await db.selectFrom('schedule_runs').selectAll().where('schedule_id', '=', task.id).execute();
    expect(runs).toMatchObject([{ outcome: 'job' }]);
    const jobs = await db.selectFrom('async_jobs').select(['id', 'status']).where('command', '=', 'disableAccount').execute();
    expect(jobs).toEqual([{ id: runs[0].job_id, status: 1 }]);
    const victim = await db.selectFrom('accounts').select('state').where('name', '=', 'victim').executeTakeFirstOrThrow();
    expect(victim.state).toBe('locked');
  }, 120_000);
});
