// `strata serve --demo` on any machine: a simulated zone of 16 hosts a newcomer can use at once, with a small
// workload already placed (running VMs on hosts, stopped ones without), and seeding again adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ZONE, seedDemoLab, seedDemoVms } from './demo';
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
    // Guest networking: the admin's VMs are on the lab's default isolated network, each with its own address.
    const nets = (await call('listNetworks', { zoneid: zoneId })).network as { name: string; state: string; id: string }[];
    expect(nets).toEqual([expect.objectContaining({ name: 'Lab Network', state: 'Implemented', type: 'Isolated' })]);
    const ips = vms.map((v) => (v as unknown as { nic: { ipaddress: string; networkid: string }[] }).nic[0]);
    expect(ips.every((n) => n.networkid === nets[0].id && /^10\.1\.1\.\d+$/.test(n.ipaddress))).toBe(true);
    expect(new Set(ips.map((n) => n.ipaddress)).size).toBe(22);
    expect((await call('listRouters', { networkid: nets[0].id })).router[0]).toMatchObject({ state: 'Running', publicip: '203.0.113.10' });
    expect((await seedDemoLab(t.core)).created).toBe(false);
  });
});

describe('demo lab seeding that fails', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(); }, 60_000);
  afterAll(async () => { await t?.stop(); });

  it('removes what it made, and a half-seeded lab left by a crash is seeded anew, not taken as present', async () => {
    const admin = await t.core.admin();
    const call = (c: string, p: Record<string, string> = {}) => t.core.dispatcher.invoke(admin, c, p) as Promise<any>;
    let hosts = 0;
    const failing = async (c: string, p: Record<string, string> = {}) => {
      if (c === 'addHost' && ++hosts === 6) throw new Error('database went away');
      return call(c, p);
    };
    await expect(seedDemoLab(t.core, { invoke: failing })).rejects.toThrow('database went away');
    expect((await call('listZones', { name: DEMO_ZONE })).zone ?? []).toEqual([]);
    const lateFailure = async (c: string, p: Record<string, string> = {}) => {
      if (c === 'createNetwork') throw new Error('network step failed');
      return call(c, p);
    };
    await expect(seedDemoLab(t.core, { invoke: lateFailure })).rejects.toThrow('network step failed');
    expect((await call('listPhysicalNetworks')).count ?? 0).toBe(0);
    expect((await call('listVlanIpRanges')).count ?? 0).toBe(0);
    expect((await call('listHosts', { type: 'Routing' })).count ?? 0).toBe(0);

    // A crash between two steps leaves a disabled demo zone with some of its parts.
    const half = (await call('createZone', { name: DEMO_ZONE, networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone;
    await call('createPod', { zoneid: half.id, name: 'Pod 1', gateway: '192.168.1.1', netmask: '255.255.255.0',
      startip: '192.168.1.10', endip: '192.168.1.250' });
    const { created, zoneId } = await seedDemoLab(t.core);
    expect(created).toBe(true);
    expect(zoneId).not.toBe(half.id);
    expect((await call('listZones', { name: DEMO_ZONE })).zone.map((z: any) => z.allocationstate)).toEqual(['Enabled']);
    expect((await call('listHosts', { zoneid: zoneId, type: 'Routing' })).count).toBe(16);
  });
});
