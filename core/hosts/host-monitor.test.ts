// Host monitor transitions with a fake clock: Up -> Alert after the ping timeout, Alert -> Up when the host
// answers again, and reconnection of hosts the simulator forgot (a management server restart).
import { describe, it, expect, afterEach } from 'vitest';
import { rmSync } from 'node:fs';
import { createFixture, basicZone, addSimHost, insertVm, type Fixture } from '../infrastructure/test-support';
import { createHostMonitor } from './host-monitor';
import { createSimulatorDriver } from '../hypervisors/simulator/index';

let f: Fixture | undefined;
afterEach(async () => { await f?.close(); f = undefined; });

const state = async (fx: Fixture, id: string) => (await fx.call('listHosts', { id })).items[0].state;

describe('host monitor', () => {
  it('moves a silent host to Alert only after the timeout, and back to Up when it answers', async () => {
    f = await createFixture();
    const ids = await basicZone(f);
    const h = await addSimHost(f, ids, 'h1');
    const other = await addSimHost(f, ids, 'h2');
    const mon = createHostMonitor(f.svc, { intervalMs: 1000, timeoutMs: 3000 });
    f.sim.setHostDown(h.id, true);
    f.clock.advance(1000);
    await mon.tick();
    expect(await state(f, h.id)).toBe('Up'); // silent for 1 s only
    f.clock.advance(2500);
    await mon.tick();
    expect(await state(f, h.id)).toBe('Alert');
    expect(await state(f, other.id)).toBe('Up'); // the healthy host kept answering
    expect(f.alerts).toEqual([expect.objectContaining({ type: 7, name: 'ALERT.COMPUTE.HOST', zoneId: ids.zoneId,
      description: expect.stringMatching(/^Host disconnected, name: h1 .*availability zone: z1, pod: p1$/) })]);
    expect(f.events.at(-1)).toMatchObject({ type: 'HOST.UPDATE', level: 'WARN', resourceId: h.id, description: expect.stringMatching(/Up -> Alert/) });
    const listed = (await f.call('listHosts', { id: h.id })).items[0];
    expect(listed.disconnected).toBeDefined();

    // A host in Alert takes no new VMs.
    await expect(f.svc.planner.planAndReserve({ zoneId: ids.zoneId, hostId: h.id, cpuNumber: 1, cpuSpeed: 100, memoryMb: 64,
      hostTags: [], storageTags: [], rootDiskBytes: 0 })).rejects.toMatchObject({ errorcode: 533 });

    f.sim.setHostDown(h.id, false);
    f.clock.advance(1000);
    await mon.tick();
    expect(await state(f, h.id)).toBe('Up');
    expect(f.alerts.at(-1)?.description).toMatch(/^Host is up, name: h1/);
    expect(f.events.at(-1)).toMatchObject({ type: 'HOST.RECONNECT', description: expect.stringMatching(/Alert -> Up/) });
    expect((await f.call('listHosts', { id: h.id })).items[0].disconnected).toBeUndefined();
  });

  it('records last_pinged for answering hosts in one batch per tick', async () => {
    f = await createFixture();
    const ids = await basicZone(f);
    const h = await addSimHost(f, ids, 'h1');
    const mon = createHostMonitor(f.svc, { intervalMs: 1000 });
    f.clock.advance(60_000);
    await mon.tick();
    const row = await f.svc.db.selectFrom('hosts').select('last_pinged').where('id', '=', h.id).executeTakeFirstOrThrow();
    expect(row.last_pinged).toBe(f.clock.now());
    expect(await state(f, h.id)).toBe('Up');
  });

  it('reconnects hosts a restarted simulator forgot and has it adopt their running VMs', async () => {
    f = await createFixture();
    const ids = await basicZone(f);
    const h = await addSimHost(f, ids, 'h1', 'cpunumber=4');
    const running = await insertVm(f, { zoneId: ids.zoneId, hostId: h.id, state: 'Running' });
    await insertVm(f, { zoneId: ids.zoneId, hostId: h.id, state: 'Stopped' });
    const dir = f.dir;
    await f.opened.close();

    // "Restart": same database, a fresh simulator that knows nothing.
    const fresh = createSimulatorDriver();
    f = await createFixture({ dir, sim: fresh });
    expect(await fresh.pingHost(h.id)).toBe(false);
    const mon = createHostMonitor(f.svc, { intervalMs: 1000 });
    await mon.tick();
    expect(await fresh.pingHost(h.id)).toBe(true);
    expect([...(await fresh.vmPowerStates(h.id))]).toEqual([[running, 'PowerOn']]);
    expect(await state(f, h.id)).toBe('Up');
    expect(f.alerts).toHaveLength(0); // nothing went wrong from the user's point of view
    await f.close();
    f = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('start() ticks at once and stop() ends the timer', async () => {
    f = await createFixture();
    const ids = await basicZone(f);
    const h = await addSimHost(f, ids, 'h1');
    const mon = createHostMonitor(f.svc, { intervalMs: 20, timeoutMs: 0 });
    f.sim.setHostDown(h.id, true);
    mon.start();
    // The first round runs at once but settles a moment later (stop() does not wait for it): poll, not a fixed 100 ms.
    const fx = f;
    await expect.poll(() => state(fx, h.id), { timeout: 5_000, interval: 10 }).toBe('Alert');
    mon.stop();
    await mon.tick(); // nothing of the monitor is left running when the fixture closes
  });
});
