// qcow2 volumes: offline work through qemu-img, live work through QMP on the VM's QEMU.
// Snapshots are full, self-contained qcow2 files (backing chain flattened) kept outside the pool, the way
// CloudStack backs KVM snapshots up to secondary storage: they survive the deletion of the volume and of the
// template. Taken offline with `qemu-img convert`, or live with a `blockdev-backup` job (sync=full), which
// gives a crash-consistent copy without pausing the guest. Revert needs the volume unused (VM stopped).
import { copyFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProgressFn } from '../driver';
import type { QmpClient, QmpEvent } from './qmp';
import { qcow2Blockdev } from './qemu-args';
import { run } from './proc';

export interface ImageInfo { format: string; virtualSize: number; actualSize: number; backingFile: string | null }

// Big copies get minutes, metadata-only commands seconds.
const META_TIMEOUT = 30_000;
const COPY_TIMEOUT = 60 * 60_000;

export async function imageInfo(qemuImg: string, file: string): Promise<ImageInfo> {
  // -U: the image may be open (and locked) by a running QEMU; reading its header is safe.
  const { stdout } = await run(qemuImg, ['info', '-U', '--output=json', file], { timeoutMs: META_TIMEOUT });
  const j = JSON.parse(stdout) as { format: string; 'virtual-size': number; 'actual-size'?: number; 'backing-filename'?: string };
  return { format: j.format, virtualSize: j['virtual-size'], actualSize: j['actual-size'] ?? 0, backingFile: j['backing-filename'] ?? null };
}

/** An empty qcow2, or a linked clone of `backing` (a file name in the same directory: the pool stays movable). */
export async function createQcow2(qemuImg: string, file: string, sizeBytes: number, backing?: string): Promise<void> {
  const args = ['create', '-q', '-f', 'qcow2'];
  if (backing) args.push('-F', 'qcow2', '-b', backing);
  args.push(file);
  if (sizeBytes > 0) args.push(String(sizeBytes));
  await run(qemuImg, args, { timeoutMs: META_TIMEOUT });
}

/** Calls onProgress with the growing size of `file` until the returned stopper is called. */
function watchSize(file: string, total: number, onProgress?: ProgressFn): () => void {
  if (!onProgress) return () => undefined;
  onProgress(0, total);
  const t = setInterval(() => { stat(file).then((s) => onProgress(Math.min(s.size, total), total), () => undefined); }, 250);
  return () => { clearInterval(t); onProgress(total, total); };
}

/**
 * Copies a template into a pool as a standalone qcow2 (atomically: a partial copy is never used as a backing
 * file). A qcow2 without backing file is copied as is (fast, sparse-aware); anything else is converted.
 */
export async function copyTemplate(qemuImg: string, src: string, dest: string, onProgress?: ProgressFn): Promise<number> {
  const info = await imageInfo(qemuImg, src);
  const tmp = `${dest}.part-${process.pid}-${Date.now()}`;
  const stop = watchSize(tmp, info.actualSize || info.virtualSize, onProgress);
  try {
    if (info.format === 'qcow2' && info.backingFile === null) await copyFile(src, tmp);
    else await run(qemuImg, ['convert', '-q', '-O', 'qcow2', src, tmp], { timeoutMs: COPY_TIMEOUT });
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  } finally {
    stop();
  }
  return info.virtualSize;
}

export async function resizeOffline(qemuImg: string, file: string, newSizeBytes: number): Promise<void> {
  const info = await imageInfo(qemuImg, file);
  if (newSizeBytes < info.virtualSize) {
    throw new Error(`Shrinking a volume is not supported (${info.virtualSize} -> ${newSizeBytes} bytes)`);
  }
  if (newSizeBytes === info.virtualSize) return;
  await run(qemuImg, ['resize', '-q', file, String(newSizeBytes)], { timeoutMs: META_TIMEOUT });
}

/** Offline snapshot: a flattened copy of the volume (its backing chain included). */
export async function snapshotOffline(qemuImg: string, file: string, target: string, onProgress?: ProgressFn): Promise<void> {
  const info = await imageInfo(qemuImg, file);
  const tmp = `${target}.part`;
  const stop = watchSize(tmp, info.virtualSize, onProgress);
  try {
    await run(qemuImg, ['convert', '-q', '-O', 'qcow2', file, tmp], { timeoutMs: COPY_TIMEOUT });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  } finally {
    stop();
  }
}

/**
 * Replaces the volume's content with the snapshot's. A linked clone stays a linked clone: the new image is
 * written against the same backing file (`-B`), so only clusters that differ from the template are stored.
 */
export async function revertFromSnapshot(qemuImg: string, file: string, snapshot: string): Promise<void> {
  const cur = await imageInfo(qemuImg, file).catch(() => null);
  const tmp = `${file}.revert`;
  const args = ['convert', '-q', '-O', 'qcow2'];
  if (cur?.backingFile) args.push('-F', 'qcow2', '-B', cur.backingFile);
  args.push(snapshot, tmp);
  try {
    await run(qemuImg, args, { timeoutMs: COPY_TIMEOUT, cwd: path.dirname(file) });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

// ---- live operations (the VM's QEMU owns the image) --------------------------------------------------------

export async function hotplugVolume(qmp: QmpClient, node: string, device: string, file: string, addr?: string): Promise<void> {
  await qmp.execute('blockdev-add', JSON.parse(qcow2Blockdev(node, file)) as object);
  try {
    await qmp.execute('device_add', { driver: 'virtio-blk-pci', drive: node, id: device, ...(addr ? { addr } : {}) });
  } catch (e) {
    await qmp.execute('blockdev-del', { 'node-name': node }).catch(() => undefined);
    throw e;
  }
}

/** device_del needs the guest's cooperation (ACPI eject); the node is only freed once the device is gone. */
export async function unplugVolume(qmp: QmpClient, node: string, device: string, timeoutMs: number): Promise<void> {
  const gone = qmp.waitEvent((ev) => ev.event === 'DEVICE_DELETED' && ev.data?.device === device, timeoutMs);
  gone.catch(() => undefined);
  try {
    await qmp.execute('device_del', { id: device });
  } catch (e) {
    // Already unplugged (e.g. an earlier attempt timed out but the guest released it later): free the node.
    if (!/not found/i.test((e as Error).message)) throw e;
  }
  try {
    await gone;
  } catch {
    const still = await qmp.execute<{ qdev?: string }[]>('query-block').then((l) => l.some((b) => b.qdev?.includes(device)), () => true);
    if (still) throw new Error(`The guest did not release disk ${device} within ${timeoutMs} ms`);
  }
  await qmp.execute('blockdev-del', { 'node-name': node });
}

export async function resizeLive(qmp: QmpClient, node: string, newSizeBytes: number): Promise<void> {
  await qmp.execute('block_resize', { 'node-name': node, size: newSizeBytes });
}

/** Live full backup of `node` into a new qcow2 at `target` through a blockdev-backup job. */
export async function backupLive(qemuImg: string, qmp: QmpClient, node: string, target: string,
  virtualSize: number, timeoutMs: number, onProgress?: ProgressFn): Promise<void> {
  const job = `bk-${node}`.slice(0, 31);
  const tnode = `bt-${node}`.slice(0, 31);
  const tmp = `${target}.part`;
  await createQcow2(qemuImg, tmp, virtualSize);
  let added = false;
  let progress: NodeJS.Timeout | undefined;
  try {
    await qmp.execute('blockdev-add', JSON.parse(qcow2Blockdev(tnode, tmp)) as object);
    added = true;
    const done = qmp.waitEvent((ev: QmpEvent) =>
      (ev.event === 'BLOCK_JOB_COMPLETED' || ev.event === 'BLOCK_JOB_CANCELLED') && ev.data?.device === job, timeoutMs);
    done.catch(() => undefined);
    await qmp.execute('blockdev-backup', { 'job-id': job, device: node, target: tnode, sync: 'full', 'auto-dismiss': true });
    if (onProgress) {
      progress = setInterval(() => {
        qmp.execute<{ device: string; offset: number; len: number }[]>('query-block-jobs').then((jobs) => {
          const j = jobs.find((x) => x.device === job);
          if (j) onProgress(j.offset, j.len);
        }, () => undefined);
      }, 250);
    }
    const ev = await done.catch(async (e: Error) => {
      await qmp.execute('block-job-cancel', { device: job, force: true }).catch(() => undefined);
      throw e;
    });
    if (ev.event === 'BLOCK_JOB_CANCELLED') throw new Error('The backup job was cancelled');
    if (typeof ev.data?.error === 'string') throw new Error(`The backup job failed: ${ev.data.error}`);
    onProgress?.(virtualSize, virtualSize);
  } catch (e) {
    if (added) await qmp.execute('blockdev-del', { 'node-name': tnode }).catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  } finally {
    if (progress) clearInterval(progress);
  }
  await qmp.execute('blockdev-del', { 'node-name': tnode });
  await rename(tmp, target);
}
