// Live migration between two driver instances on one machine (as two agents would be), sharing the pool:
// the guest keeps its memory and its hot-plugged disk, the source process goes away, and a guest-initiated
// power-off on the destination is reported as a state change.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PowerState } from '../driver';
import { ensureGuestImages, GUEST_READY_BANNER } from './guest-image';
import { isAlive, waitGone } from './proc';
import { createQemuDriver, type QemuDriver } from './qemu-driver';
import { openSerial } from './serial';
import { dataVolume, qemuInstalled, rootVolume, SKIP_REASON, tempDir, uuid, vmSpec } from './test-support';

if (!qemuInstalled) console.warn(`Skipping QEMU migration tests: ${SKIP_REASON}`);

describe.skipIf(!qemuInstalled)('QEMU driver: live migration between two hosts on one machine', () => {
  const tmp = tempDir('sqm-');
  const pool = path.join(tmp.dir, 'pool');
  const [h1, h2] = [uuid(), uuid()];
  const templateId = uuid();
  const changes: [string, string, PowerState][] = [];
  let d1: QemuDriver;
  let d2: QemuDriver;
  const pids: number[] = [];

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    const onPowerStateChange = (h: string, vm: string, st: PowerState) => { changes.push([h, vm, st]); };
    d1 = createQemuDriver({ workDir: path.join(tmp.dir, 'a'), onPowerStateChange });
    d2 = createQemuDriver({ workDir: path.join(tmp.dir, 'b'), onPowerStateChange });
    await d1.connectHost({ hostId: h1, name: 'kvm-1', url: 'qemu://127.0.0.1?accel=tcg', details: {} });
    await d2.connectHost({ hostId: h2, name: 'kvm-2', url: 'qemu://127.0.0.1?accel=tcg', details: {} });
    await d1.ensureTemplate!(h1, { templateId, sourcePath: guest.qcow2, poolId: 'pool-1', poolPath: pool });
  }, 120_000);

  afterAll(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await d1.shutdown();
    await d2.shutdown();
    tmp.cleanup();
  });

  it('moves a running guest with its memory and hot-plugged disk; the source process is gone', async () => {
    const root = rootVolume(pool, templateId);
    root.path = await d1.createVolume(h1, root);
    const data = dataVolume(pool);
    data.path = await d1.createVolume(h1, data);
    const vm = vmSpec([root]);
    await d1.startVm(h1, vm);
    const srcPid = d1.pidOf(vm.id)!;
    pids.push(srcPid);
    let con = await openSerial((await d1.consoleEndpoint!(h1, vm.id))!.serialSocketPath!);
    await con.waitFor(new RegExp(GUEST_READY_BANNER), 60_000);
    await d1.attachVolume(h1, vm.id, data);
    await con.exec('for i in $(seq 1 40); do [ -b /dev/vdb ] && break; sleep 0.25; done; echo abcde | dd of=/dev/vdb conv=fsync 2>/dev/null');
    await con.exec('echo in-memory-$((40+2)) > /tmp/marker');
    con.close();

    const { uri } = await d2.prepareMigration!(h2, { ...vm, volumes: [root, data] });
    expect(uri).toMatch(/^tcp:127\.0\.0\.1:\d+$/);
    pids.push(d2.pidOf(vm.id)!);
    const progress: number[] = [];
    await d1.sendMigration!(h1, vm.id, uri, (done) => progress.push(done));
    await d2.finishMigration!(h2, vm.id, true);

    expect(isAlive(srcPid)).toBe(false);
    expect((await d1.vmPowerStates(h1)).has(vm.id)).toBe(false);
    expect((await d2.vmPowerStates(h2)).get(vm.id)).toBe('PowerOn');
    expect(progress.length).toBeGreaterThan(0);

    con = await openSerial((await d2.consoleEndpoint!(h2, vm.id))!.serialSocketPath!);
    expect(await con.exec('cat /tmp/marker')).toContain('in-memory-42');
    expect(await con.exec('head -c 5 /dev/vdb')).toContain('abcde');

    // The guest powers itself off: the driver notices and reports it.
    const dstPid = d2.pidOf(vm.id)!;
    con.send('poweroff\n');
    expect(await waitGone(dstPid, 20_000)).toBe(true);
    const deadline = Date.now() + 5000;
    while (!changes.some(([h, id, st]) => h === h2 && id === vm.id && st === 'PowerOff') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(changes).toContainEqual([h2, vm.id, 'PowerOff']);
    expect((await d2.vmPowerStates(h2)).get(vm.id)).toBe('PowerOff');
    con.close();
    await d2.destroyVm(h2, vm.id);
  }, 120_000);

  it('an aborted migration leaves no incoming process behind', async () => {
    const root = rootVolume(pool, templateId);
    root.path = await d1.createVolume(h1, root);
    const vm = vmSpec([root]);
    await d2.prepareMigration!(h2, vm);
    const pid = d2.pidOf(vm.id)!;
    pids.push(pid);
    expect(isAlive(pid)).toBe(true);
    await d2.finishMigration!(h2, vm.id, false);
    expect(isAlive(pid)).toBe(false);
    expect((await d2.vmPowerStates(h2)).has(vm.id)).toBe(false);
  }, 60_000);
});
