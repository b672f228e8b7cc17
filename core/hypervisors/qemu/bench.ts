// QEMU driver figures for `npm run bench` (guest boot excluded everywhere: we time the host side only):
//   linkedClone     createVolume of a ROOT linked clone (qemu-img create -b), p50 over `clones`
//   deployToRunning startVm through the driver: process start to QMP "running", p50 over `starts`
//   floor           the same with nothing of ours: `qemu-img create -b` + a bare qemu-system-x86_64 started
//                   directly, to QMP "running". deployToRunning minus floor is our overhead.
// Returns { skipped } when QEMU is not installed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureGuestImages, GUEST_MIN_MEMORY_MB } from './guest-image';
import { killHard, run } from './proc';
import { connectQmp } from './qmp';
import { createQemuDriver } from './qemu-driver';
import { rootVolume, vmSpec, qemuInstalled, uuid } from './test-support';

const p50 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return +s[Math.floor(s.length / 2)].toFixed(1); };

export async function benchQemu(o: { clones?: number; starts?: number } = {}): Promise<object> {
  if (!qemuInstalled) return { skipped: 'qemu-system-x86_64 is not installed' };
  const clones = o.clones ?? 20;
  const starts = o.starts ?? 10;
  const guest = await ensureGuestImages();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sqb-'));
  const pool = path.join(dir, 'pool');
  const driver = createQemuDriver({ workDir: path.join(dir, 'work') });
  const hostId = uuid();
  const templateId = uuid();
  try {
    await driver.connectHost({ hostId, name: 'bench', url: 'qemu://localhost?accel=tcg', details: {} });
    await driver.ensureTemplate!(hostId, { templateId, sourcePath: guest.qcow2, poolId: 'p', poolPath: pool });

    const cloneMs: number[] = [];
    for (let i = 0; i < clones; i++) {
      const v = rootVolume(pool, templateId);
      const t0 = performance.now();
      await driver.createVolume(hostId, v);
      cloneMs.push(performance.now() - t0);
    }

    const startMs: number[] = [];
    for (let i = 0; i < starts; i++) {
      const v = rootVolume(pool, templateId);
      v.path = await driver.createVolume(hostId, v);
      const vm = vmSpec([v]);
      const t0 = performance.now();
      await driver.startVm(hostId, vm);
      startMs.push(performance.now() - t0);
      await driver.destroyVm(hostId, vm.id);
    }

    const floor = await floorRuns(path.join(dir, 'floor'), path.join(pool, `template-${templateId}.qcow2`), starts);
    return {
      accel: 'tcg',
      linkedClone: { n: clones, p50Ms: p50(cloneMs) },
      deployToRunning: { n: starts, p50Ms: p50(startMs) },
      floor: { n: starts, qemuImgCreateP50Ms: p50(floor.create), qemuStartP50Ms: p50(floor.start), totalP50Ms: p50(floor.total) },
    };
  } finally {
    await driver.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** qemu-img create -b, then qemu-system-x86_64 spawned directly (no daemonize) until QMP says running. */
async function floorRuns(dir: string, template: string, n: number) {
  const out = { create: [] as number[], start: [] as number[], total: [] as number[] };
  await run('mkdir', ['-p', dir]);
  for (let i = 0; i < n; i++) {
    const disk = path.join(dir, `d${i}.qcow2`);
    const qmpPath = path.join(dir, `q${i}.sock`);
    const t0 = performance.now();
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', template, disk]);
    const t1 = performance.now();
    const child = spawn('qemu-system-x86_64', ['-machine', 'pc', '-accel', 'tcg', '-m', String(GUEST_MIN_MEMORY_MB),
      '-nodefaults', '-display', 'none', '-qmp', `unix:${qmpPath},server=on,wait=off`,
      '-blockdev', `driver=qcow2,node-name=d0,file.driver=file,file.filename=${disk}`, '-device', 'virtio-blk-pci,drive=d0'],
    { stdio: 'ignore' });
    try {
      const qmp = await connectQmp(qmpPath, { connectTimeoutMs: 10_000 });
      const st = await qmp.execute<{ status: string }>('query-status');
      const t2 = performance.now();
      if (st.status !== 'running') throw new Error(`bare QEMU is ${st.status}`);
      out.create.push(t1 - t0);
      out.start.push(t2 - t1);
      out.total.push(t2 - t0);
      qmp.close();
    } finally {
      if (child.pid) await killHard(child.pid, 1000);
    }
  }
  return out;
}
