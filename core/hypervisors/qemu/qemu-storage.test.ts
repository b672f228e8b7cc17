// Real QEMU (TCG) storage tests: a data volume hot-plugged into a running guest, live snapshot + revert,
// hot-unplug, live resize, and the ISO: booting from it and inserting it into a running VM.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmSpec, VolumeSpec } from '../driver';
import { ensureGuestImages, GUEST_READY_BANNER } from './guest-image';
import { isAlive, run } from './proc';
import { createQemuDriver, type QemuDriver } from './qemu-driver';
import { openSerial, type SerialConsole } from './serial';
import { dataVolume, qemuInstalled, rootVolume, SKIP_REASON, tempDir, uuid, vmSpec } from './test-support';
import { imageInfo } from './volumes';

if (!qemuInstalled) console.warn(`Skipping QEMU storage tests: ${SKIP_REASON}`);

describe.skipIf(!qemuInstalled)('QEMU driver: volumes, snapshots and ISOs with a real guest', () => {
  const tmp = tempDir('sqs-');
  const pool = path.join(tmp.dir, 'pool');
  const snaps = path.join(tmp.dir, 'secondary', 'snapshots');
  const hostId = uuid();
  const templateId = uuid();
  let iso = '';
  let guestQcow2 = '';
  let driver: QemuDriver;
  const pids: number[] = [];

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    iso = guest.iso;
    guestQcow2 = guest.qcow2;
    driver = createQemuDriver({ workDir: path.join(tmp.dir, 'work'), stopTimeoutMs: 5000 });
    await driver.connectHost({ hostId, name: 'kvm-1', url: 'qemu://localhost?accel=tcg', details: {} });
    await driver.ensureTemplate!(hostId, { templateId, sourcePath: guest.qcow2, poolId: 'pool-1', poolPath: pool });
  }, 120_000);

  afterAll(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await driver.shutdown();
    tmp.cleanup();
  });

  async function start(vm: VmSpec): Promise<SerialConsole> {
    await driver.startVm(hostId, vm);
    pids.push(driver.pidOf(vm.id)!);
    const con = await openSerial((await driver.consoleEndpoint!(hostId, vm.id))!.serialSocketPath!);
    await con.waitFor(new RegExp(GUEST_READY_BANNER), 60_000);
    return con;
  }

  /** Waits in the guest (bounded) for a block device to appear or vanish. */
  const waitDev = (con: SerialConsole, dev: string, present: boolean) =>
    con.exec(`for i in $(seq 1 40); do [ ${present ? '' : '!'} -b ${dev} ] && break; sleep 0.25; done; ls ${dev} 2>&1`, 20_000);

  it('root disks are linked clones of the template copied once into the pool', async () => {
    const root = rootVolume(pool, templateId);
    root.path = await driver.createVolume(hostId, root);
    const info = await imageInfo('qemu-img', path.join(pool, root.path));
    expect(info.backingFile).toBe(`template-${templateId}.qcow2`);
    expect(info.actualSize).toBeLessThan(1024 * 1024);
    // A second ensureTemplate is a no-op returning the same file.
    const again = await driver.ensureTemplate!(hostId, { templateId, sourcePath: '/nonexistent', poolId: 'pool-1', poolPath: pool });
    expect(again.path).toBe(`template-${templateId}.qcow2`);
    // Snapshot and revert of a stopped clone: it stays a linked clone with the snapshot's content.
    const snap = await driver.snapshotVolume(hostId, root, uuid(), { dir: snaps });
    await driver.revertSnapshot(hostId, root, snap.path);
    expect((await imageInfo('qemu-img', path.join(pool, root.path))).backingFile).toBe(`template-${templateId}.qcow2`);
    await run('qemu-img', ['compare', '-q', snap.path, path.join(pool, root.path)]);
    await driver.deleteSnapshot(hostId, snap.path);
    await driver.deleteVolume(hostId, root);

    // A ROOT volume on a pool without the template copies it there first when told where it lives.
    const pool2 = path.join(tmp.dir, 'pool2');
    const root2 = { ...rootVolume(pool2, templateId), templateSourcePath: guestQcow2 };
    root2.path = await driver.createVolume(hostId, root2);
    expect(existsSync(path.join(pool2, `template-${templateId}.qcow2`))).toBe(true);
    expect((await imageInfo('qemu-img', path.join(pool2, root2.path))).backingFile).toBe(`template-${templateId}.qcow2`);
    expect(existsSync(path.join(pool, root.path))).toBe(false);
  });

  it('hot-attached data volume is seen by the guest; live snapshot + revert restores its content', async () => {
    const root = rootVolume(pool, templateId);
    root.path = await driver.createVolume(hostId, root);
    const data: VolumeSpec = dataVolume(pool);
    data.path = await driver.createVolume(hostId, data);
    const vm = vmSpec([root]);
    let con = await start(vm);

    await driver.attachVolume(hostId, vm.id, data);
    expect(await waitDev(con, '/dev/vdb', true)).toContain('/dev/vdb');
    expect(await con.exec('cat /proc/partitions')).toMatch(/vdb/);
    await con.exec('echo hello | dd of=/dev/vdb conv=fsync 2>/dev/null');
    const snap = await driver.snapshotVolume(hostId, data, uuid(), { dir: snaps });
    expect(snap.path.startsWith(snaps)).toBe(true);
    expect(snap.physicalSize).toBeGreaterThan(0);
    await con.exec('echo world | dd of=/dev/vdb conv=fsync 2>/dev/null');
    expect(await con.exec('head -c 5 /dev/vdb')).toContain('world');

    // Live resize, then hot-unplug: the guest sees both.
    await driver.resizeVolume(hostId, data, 32 * 2 ** 20);
    expect(await con.exec('cat /sys/block/vdb/size')).toContain(String((32 * 2 ** 20) / 512));
    await driver.detachVolume(hostId, vm.id, data);
    expect(await waitDev(con, '/dev/vdb', false)).toMatch(/No such file/);

    // Revert needs the VM stopped; the volume is plugged in again at start.
    con.close();
    await driver.stopVm(hostId, vm.id, { forced: true });
    await driver.revertSnapshot(hostId, data, snap.path);
    con = await start({ ...vm, volumes: [root, data] });
    expect(await con.exec('head -c 5 /dev/vdb')).toContain('hello');
    con.close();
    await driver.destroyVm(hostId, vm.id);

    // An offline snapshot of the stopped volume is a standalone copy too.
    const off = await driver.snapshotVolume(hostId, data, uuid(), { dir: snaps });
    expect((await imageInfo('qemu-img', off.path)).backingFile).toBeNull();
    await driver.deleteSnapshot(hostId, off.path);
    expect(existsSync(off.path)).toBe(false);
    await driver.deleteVolume(hostId, data);
    await driver.deleteVolume(hostId, root);
  }, 120_000);

  it('boots from the ISO on a blank root disk, and an ISO inserted live can be mounted', async () => {
    const blank = { ...rootVolume(pool, templateId), templateId: undefined, sizeBytes: 64 * 2 ** 20 };
    blank.path = await driver.createVolume(hostId, blank);
    const vm = vmSpec([blank], { isoPath: iso });
    const con = await start(vm);
    expect(await con.exec('mount -t iso9660 -o ro /dev/sr0 /mnt && ls /mnt; umount /mnt')).toContain('vmlinuz');
    await driver.detachIso!(hostId, vm.id);
    await driver.attachIso!(hostId, vm.id, iso);
    expect(await con.exec('for i in 1 2 3 4 5 6 7 8; do mount -t iso9660 -o ro /dev/sr0 /mnt 2>/dev/null && break; sleep 0.5; done; ls /mnt'))
      .toContain('initrd.img');
    con.close();
    await driver.destroyVm(hostId, vm.id);
    await driver.deleteVolume(hostId, blank);
  }, 120_000);
});
