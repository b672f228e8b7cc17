// Several `strata serve` processes on one database (here two cores in one test process, each with its own data
// folder and id): they see each other Up, hosts say which server owns them, a session made on one server works on
// the other and a logout on one ends it on both. (A server killed mid-job: cluster/failover.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoLab } from '../demo';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { SharedConsoleTokens } from '../console/tokens';

const running: TestServer[] = [];
afterEach(async () => { for (const t of running.splice(0).reverse()) await t.stop().catch(() => {}); });

const cluster = { heartbeatMs: 0, downAfterMs: 60_000, cacheSyncMs: 0 };
async function pair(): Promise<[TestServer, TestServer]> {
  const a = await startTestServer({ cluster });
  running.push(a);
  const b = await startTestServer({ db: a.db, cluster });
  running.push(b);
  return [a, b];
}

describe('several management servers on one database', () => {
  it('list each other Up, and every host names the server that owns it', async () => {
    const [a, b] = await pair();
    const admin = await sessionClient(b.url);
    const ms = (await admin.call('listManagementServers')).json.listmanagementserversresponse;
    expect(ms.count).toBe(2);
    expect(ms.managementserver.map((m: any) => m.id).sort()).toEqual([a.core.svc.config.msId, b.core.svc.config.msId].sort());
    expect(ms.managementserver.every((m: any) => m.state === 'Up' && m.version === a.core.svc.config.version)).toBe(true);

    const { zoneId } = await seedDemoLab(a.core);
    const hosts = (await admin.call('listHosts', { zoneid: zoneId, type: 'Routing' })).json.listhostsresponse.host;
    expect(hosts).toHaveLength(16);
    expect(new Set(hosts.map((h: any) => h.managementserverid))).toEqual(new Set([a.core.svc.config.msId]));
    const mine = (await admin.call('listManagementServers', { id: a.core.svc.config.msId })).json.listmanagementserversresponse;
    expect(mine.managementserver[0]).toMatchObject({ agentscount: 16, state: 'Up' });
  });

  it('a session made on one server works on the other; a logout on one ends it on both', async () => {
    const [a, b] = await pair();
    const onA = await sessionClient(a.url);
    const asB = (command: string) => fetch(`${b.url}/client/api?${new URLSearchParams({ command, response: 'json', sessionkey: onA.sessionKey })}`,
      { headers: { cookie: `sessionkey=${onA.sessionKey}` } });
    expect((await asB('listZones')).status).toBe(200);
    expect((await onA.call('logout')).status).toBe(200);
    await b.core.svc.caches.shared.poll();
    expect((await asB('listZones')).status).toBe(401);
  });

  it("a host tag set through one server steers the other's next placement once it has polled", async () => {
    const [a, b] = await pair();
    const { zoneId } = await seedDemoLab(a.core);
    const onA = await sessionClient(a.url);
    // B's planner is asked directly: its hosts' drivers live on A (commands are not yet forwarded between servers).
    const place = (hostTags: string[]) => b.core.svc.planner.planAndReserve({ zoneId, cpuNumber: 1, cpuSpeed: 500, memoryMb: 512,
      hostTags, storageTags: [], rootDiskBytes: 2 ** 30 });
    await place([]); // B now holds its view of the zone's hosts
    const hosts = (await onA.call('listHosts', { zoneid: zoneId, type: 'Routing' })).json.listhostsresponse.host;
    expect((await onA.call('updateHost', { id: hosts[5].id, hosttags: 'gpu' })).status).toBe(200);
    await b.core.svc.caches.shared.poll();
    expect(await place(['gpu'])).toMatchObject({ hostId: hosts[5].id });
  });

  it('a console token issued through one server is redeemed once, on any server', async () => {
    const [a, b] = await pair();
    const admin = await a.core.admin();
    const onA = new SharedConsoleTokens(a.core.svc.db, a.core.svc.clock);
    const onB = new SharedConsoleTokens(b.core.svc.db, b.core.svc.clock);
    const { token } = await onA.issue('vm-1', admin, 'extra-1');
    expect(await onB.pending()).toBe(1);
    expect(await onB.redeem(token)).toMatchObject({ ok: true, ticket: { vmId: 'vm-1', extra: 'extra-1', caller: { userId: admin.userId } } });
    expect(await onA.redeem(token)).toEqual({ ok: false, why: 'used' });
  });

  it('a server that another one marked Down stops running jobs (it fences itself), and its heartbeat does not revive it', async () => {
    const [a] = await pair();
    const onA = await sessionClient(a.url);
    const domain = (await onA.call('createDomain', { name: 'fenced' })).json.createdomainresponse.domain;
    // What a survivor does when A's heartbeat is late: A's row says Down, A's hosts and jobs are the survivor's.
    await a.core.svc.db.updateTable('management_servers').set({ state: 'Down' }).where('id', '=', a.core.svc.config.msId).execute();
    await a.core.cluster.tick();
    const refused = await onA.call('deleteDomain', { id: domain.id });
    expect(refused.status).toBe(503);
    expect(refused.json.deletedomainresponse.errortext).toContain('does not accept async jobs');
    const row = await a.core.svc.db.selectFrom('management_servers').select('state').where('id', '=', a.core.svc.config.msId).executeTakeFirst();
    expect(row?.state).toBe('Down');
  });
});
