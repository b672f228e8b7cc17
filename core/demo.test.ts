// `strata serve --demo` on any machine: a simulated zone of 16 hosts a newcomer can use at once, with a small
// workload already placed (running VMs on hosts, stopped ones without), and seeding again adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoLab, seedDemoVms } from './demo';
import { startTestServer, type TestServer } from './testing/harness';

describe('demo lab', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(); }, 60_000);
  afterAll(async () => { await t?.stop(); });

  it('seeds 16 simulated hosts and 22 VMs through the API, 17 running on hosts and 5 stopped; once only', async () => {
    const admin = await t.core.admin();
    const call = (c: string, p: Record<string, string> = {}) => t.core.dispatcher.invoke(admin, c, p) as Promise<any>;
    const { created, zoneId } = await seedDemoLab(t.core);
    expect(created).toBe(true);
    expect((await call('listHosts', { zoneid: zoneId, type: 'Routing' })).count).toBe(16);
    expect(await seedDemoVms(t.core, zoneId)).toBe(22);
    const vms = (await call('listVirtualMachines', { listall: 'true' })).virtualmachine as { name: string; state: string; hostid?: string }[];
    const running = vms.filter((v) => v.state === 'Running');
    expect([running.length, vms.filter((v) => v.state === 'Stopped').length]).toEqual([17, 5]);
    expect(running.every((v) => v.hostid)).toBe(true);
    expect(vms.map((v) => v.name)).toContain('db-03');
    expect((await seedDemoLab(t.core)).created).toBe(false);
  });
});
