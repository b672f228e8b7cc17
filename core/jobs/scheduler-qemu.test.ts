// Schedules acting on a real QEMU guest (local KVM host, TCG): a VM schedule stops it and another starts it again,
// and an HOURLY snapshot policy with maxsnaps=2 keeps exactly two real snapshots after three runs, the oldest's
// file deleted. One guest for the whole file; a fake clock (starting now) moves to each run and the test ticks.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImages } from '../hypervisors/qemu/guest-image';
import { isAlive } from '../hypervisors/qemu/proc';
import { qemuInstalled, SKIP_REASON } from '../hypervisors/qemu/test-support';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { buildKvmLab, guestTemplateAndOffering, job, ok, serveFiles, type Call } from '../testing/kvm-fixtures';

if (!qemuInstalled) console.warn(`Skipping scheduled QEMU tests: ${SKIP_REASON}`);

const MINUTE = 60_000;
const clock = { t: Math.ceil(Date.now() / MINUTE) * MINUTE + 5_000, now: () => clock.t };

describe.skipIf(!qemuInstalled)('schedules on a real QEMU guest', () => {
  let t: TestServer;
  let call: Call;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let vmId = '';
  const pids: number[] = [];

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    t = await startTestServer({ clock });
    call = (await sessionClient(t.url)).call;
    const lab = await buildKvmLab(call, t.dataDir, { host: true, name: 'sched' });
    web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
    const { templateId, offeringId } = await guestTemplateAndOffering(call, lab.zoneId, web.url);
    vmId = (await job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId, serviceofferingid: offeringId,
      name: 'scheduled', 'details[0].stopTimeoutMs': '3000' })).virtualmachine.id;
    pids.push(t.core.qemu!.pidOf(vmId)!);
  }, 300_000);

  afterAll(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await web?.close();
    await t?.stop();
  });

  /** Moves the clock minute by minute (a new VM schedule starts a minute from now) until something fires. */
  async function nextMinute(): Promise<number> {
    for (let i = 0; i < 3; i++) {
      clock.t = Math.floor(clock.t / MINUTE) * MINUTE + MINUTE;
      const n = await t.core.scheduler.tick();
      await t.core.scheduler.settled();
      if (n > 0) return n;
    }
    return 0;
  }
  const state = async () => (await ok(call, 'listVirtualMachines', { id: vmId })).virtualmachine[0].state;

  it('a VM schedule stops the guest and another starts it', async () => {
    const stop = (await ok(call, 'createVMSchedule', { virtualmachineid: vmId, action: 'STOP', schedule: '* * * * *', timezone: 'Europe/Berlin' })).vmschedule;
    expect(await nextMinute()).toBe(1);
    expect(await state()).toBe('Stopped');
    expect(isAlive(pids[0])).toBe(false);
    await ok(call, 'deleteVMSchedule', { virtualmachineid: vmId, id: stop.id });
    await ok(call, 'createVMSchedule', { virtualmachineid: vmId, action: 'START', schedule: '* * * * *', timezone: 'Asia/Shanghai' });
    expect(await nextMinute()).toBe(1);
    expect(await state()).toBe('Running');
    const pid = t.core.qemu!.pidOf(vmId)!;
    pids.push(pid);
    expect(isAlive(pid)).toBe(true);
    await ok(call, 'deleteVMSchedule', { virtualmachineid: vmId });
  }, 120_000);

  it('a snapshot policy keeps exactly maxsnaps real snapshots', async () => {
    const root = (await ok(call, 'listVolumes', { virtualmachineid: vmId, type: 'ROOT' })).volume[0];
    // HOURLY at minute MM: the minute after the clock's current one.
    const minute = (new Date(clock.t).getUTCMinutes() + 1) % 60;
    await ok(call, 'createSnapshotPolicy', { volumeid: root.id, intervaltype: 'HOURLY', schedule: String(minute), maxsnaps: '2', timezone: 'UTC' });
    const paths: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) clock.t += 59 * MINUTE; // the next hour's minute
      expect(await nextMinute()).toBe(1);
      const newest = await t.core.svc.db.selectFrom('snapshots').select('path').where('volume_id', '=', root.id)
        .orderBy('created', 'desc').executeTakeFirstOrThrow();
      paths.push(newest.path!);
    }
    call = (await sessionClient(t.url)).call; // two hours passed on the fake clock: the session timed out
    const kept = (await ok(call, 'listSnapshots', { volumeid: root.id })).snapshot;
    expect(kept.map((s: any) => [s.intervaltype, s.state])).toEqual([['HOURLY', 'BackedUp'], ['HOURLY', 'BackedUp']]);
    expect(paths.map((p) => existsSync(p))).toEqual([false, true, true]);
  }, 180_000);
});
