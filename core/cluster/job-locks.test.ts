// Per-resource job locks across management servers (jobs/db-locks.ts): two servers on one database acting on the
// same VM at once never run both jobs together; the second waits for the first. A lock left by a job that has
// ended is swept; the lock of a server that died moves with its unfinished job to the server adopting it.
// Runs on SQLite and (npm run test:mysql) on MariaDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, sessionClient, startTestServer, waitJob, type TestServer } from '../testing/harness';

const cluster = { heartbeatMs: 0, downAfterMs: 60_000, cacheSyncMs: 0 };
let a: TestServer, b: TestServer;
let onA: Awaited<ReturnType<typeof sessionClient>>, onB: typeof onA;
let vmId: string;

beforeAll(async () => {
  a = await startTestServer({ cluster });
  b = await startTestServer({ db: a.db, cluster });
  onA = await sessionClient(a.url);
  onB = await sessionClient(b.url, 'admin', ADMIN_PASSWORD);
  const { seedDemoLab } = await import('../demo');
  const { zoneId } = await seedDemoLab(a.core);
  const cl = (await onA.call('listClusters', { zoneid: zoneId })).json.listclustersresponse.cluster[0];
  // Every VM operation on this host takes 600 ms: long enough for two jobs to overlap if nothing stops them.
  const hostId = (await onA.call('addHost', { zoneid: zoneId, podid: cl.podid, clusterid: cl.id, hypervisor: 'Simulator',
    username: 'root', password: 'sim', url: 'http://sim-locks/?cpunumber=8&cpuspeed=2000&memory=65536&latency=600' })).json.addhostresponse.host[0].id;
  const so = (await onA.call('listServiceOfferings')).json.listserviceofferingsresponse.serviceoffering[0].id;
  const tpl = (await onA.call('listTemplates', { templatefilter: 'all', zoneid: zoneId })).json.listtemplatesresponse.template[0].id;
  const dep = await onA.call('deployVirtualMachine', { zoneid: zoneId, serviceofferingid: so, templateid: tpl, hostid: hostId, name: 'locked' });
  const done = await waitJob(onA.call, dep.json.deployvirtualmachineresponse.jobid, 30_000);
  expect(done.jobstatus, JSON.stringify(done.jobresult)).toBe(1);
  vmId = done.jobresult.virtualmachine.id;
}, 120_000);
afterAll(async () => { await b?.stop(); await a?.stop(); });

const reboot = async (c: typeof onA) => (await c.call('rebootVirtualMachine', { id: vmId })).json.rebootvirtualmachineresponse.jobid as string;
const jobRow = (id: string) => a.core.svc.db.selectFrom('async_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('job locks across management servers', () => {
  it('two servers rebooting one VM at once: the jobs run one after the other, both succeed', async () => {
    const [j1, j2] = await Promise.all([reboot(onA), reboot(onB)]);
    for (const j of [j1, j2]) expect((await waitJob(onA.call, j, 30_000)).jobstatus).toBe(1);
    const [r1, r2] = [await jobRow(j1), await jobRow(j2)];
    expect([r1.ms_id, r2.ms_id]).toEqual([a.core.svc.config.msId, b.core.svc.config.msId]);
    const [first, second] = r1.started! <= r2.started! ? [r1, r2] : [r2, r1];
    expect(second.started!).toBeGreaterThanOrEqual(first.completed!);
    // The outcome is recorded before the keys are given back (so the next holder sees it): a poll that saw the job
    // end may come a moment before its row is dropped.
    await expect.poll(() => a.core.svc.db.selectFrom('job_locks').selectAll().execute(), { timeout: 5_000 }).toEqual([]);
  });

  it('a lock row left behind by a job that has ended does not block the resource', async () => {
    const ended = (await a.core.svc.db.selectFrom('async_jobs').select('id').where('status', '<>', 0).limit(1).executeTakeFirstOrThrow()).id;
    await a.core.svc.db.insertInto('job_locks').values({ lock_key: `vm:${vmId}`, job_id: ended, ms_id: a.core.svc.config.msId, acquired: 0 }).execute();
    expect((await waitJob(onB.call, await reboot(onB), 30_000)).jobstatus).toBe(1);
    // The job's keys are given back just after its outcome is recorded; the next test starts from no lock rows.
    await expect.poll(() => a.core.svc.db.selectFrom('job_locks').selectAll().execute(), { timeout: 5_000 }).toEqual([]);
  });

  it('the lock of a server that died waits for its job, which the server adopting it runs; then the next job runs', async () => {
    // A server that took the VM's lock for a reboot and died before starting it: its job row and its lock row.
    const caller = await a.core.admin();
    const id = a.core.svc.newId();
    const now = Date.now();
    await a.core.svc.db.insertInto('async_jobs').values({ id, user_id: caller.userId, account_id: caller.accountId,
      domain_id: caller.domainId, command: 'rebootVirtualMachine', params: JSON.stringify({ id: vmId }),
      payload: JSON.stringify({ caller, payload: null, seq: 1 }), status: 0, proc_status: 0, result_code: 0, result_type: '',
      result: null, instance_type: 'VirtualMachine', instance_id: vmId, lock_keys: JSON.stringify([`vm:${vmId}`]),
      created: now, started: null, completed: null, ms_id: 'dead-server' }).execute();
    await a.core.svc.db.insertInto('job_locks').values({ lock_key: `vm:${vmId}`, job_id: id, ms_id: 'dead-server', acquired: now }).execute();

    const waiting = await reboot(onB);
    await new Promise((r) => setTimeout(r, 400));
    expect((await jobRow(waiting)).started).toBeNull();
    expect(await a.core.svc.jobs.adopt('dead-server')).toBe(1);
    for (const j of [id, waiting]) expect((await waitJob(onB.call, j, 30_000)).jobstatus).toBe(1);
    const [adopted, next] = [await jobRow(id), await jobRow(waiting)];
    expect(adopted.ms_id).toBe(a.core.svc.config.msId);
    expect(next.started!).toBeGreaterThanOrEqual(adopted.completed!);
    await expect.poll(() => a.core.svc.db.selectFrom('job_locks').selectAll().execute(), { timeout: 5_000 }).toEqual([]);
  });
});
