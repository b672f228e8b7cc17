// VM snapshots on QEMU as internal qcow2 snapshots named by the snapshot's id, in every volume of the VM.
// A running VM: HMP savevm / loadvm / delvm over QMP (human-monitor-command), which snapshot all writable disks
// and, with savevm, the guest's memory and device state (stored in the first disk), so loadvm brings the
// running guest back as it was, without a reboot. QEMU 7.2 (Debian 12) has these; its newer snapshot-save job
// needs the vmstate node named and gives nothing more here. A stopped VM: qemu-img snapshot -c / -a / -d on
// each file (disks only: CloudStack reverts a stopped VM to disk snapshots only).
import type { VmSnapshotOp } from '../driver';
import type { QmpClient } from './qmp';
import { run } from './proc';
import { volumeFile } from './qemu-args';

// savevm writes the guest's memory: seconds for a small guest, minutes for a big one.
const LIVE_TIMEOUT = 30 * 60_000;
const META_TIMEOUT = 60_000;

/** Runs an HMP command; HMP reports failures as text, not as a QMP error. */
async function hmp(qmp: QmpClient, line: string): Promise<string> {
  const out = await qmp.execute<string>('human-monitor-command', { 'command-line': line }, { timeoutMs: LIVE_TIMEOUT });
  return typeof out === 'string' ? out.trim() : '';
}

/** Names of the internal snapshots of a qcow2 file (-U: a running QEMU may hold it). */
export async function snapshotTags(qemuImg: string, file: string): Promise<string[]> {
  const { stdout } = await run(qemuImg, ['info', '-U', '--output=json', file], { timeoutMs: META_TIMEOUT });
  const j = JSON.parse(stdout) as { snapshots?: { name: string }[] };
  return (j.snapshots ?? []).map((s) => s.name);
}

async function live(qemuImg: string, qmp: QmpClient, op: VmSnapshotOp): Promise<void> {
  const first = op.volumes[0] ? volumeFile(op.volumes[0]) : null;
  const has = first ? (await snapshotTags(qemuImg, first)).includes(op.tag) : false;
  if (op.action === 'create' && !op.memory) {
    throw new Error('KVM VM does not allow to take a disk-only snapshot when VM is in running state');
  }
  if (op.action === 'create' && has) return; // a resumed job: already taken
  if (op.action === 'delete' && !has) return;
  if (op.action === 'revert' && !has) throw new Error(`The VM has no snapshot ${op.tag}`);
  const verb = { create: 'savevm', revert: 'loadvm', delete: 'delvm' }[op.action];
  const out = await hmp(qmp, `${verb} ${op.tag}`);
  if (out !== '') throw new Error(`${verb} failed: ${out}`);
}

async function offline(qemuImg: string, op: VmSnapshotOp): Promise<void> {
  if (op.action === 'create' && op.memory) throw new Error('Can not snapshot memory when VM is not in Running state');
  if (op.action === 'revert' && op.memory) throw new Error('A snapshot with memory is reverted on the running VM');
  for (const v of op.volumes) {
    const file = volumeFile(v);
    const has = (await snapshotTags(qemuImg, file)).includes(op.tag);
    if (op.action === 'create' && !has) await run(qemuImg, ['snapshot', '-c', op.tag, file], { timeoutMs: META_TIMEOUT });
    if (op.action === 'delete' && has) await run(qemuImg, ['snapshot', '-d', op.tag, file], { timeoutMs: META_TIMEOUT });
    if (op.action === 'revert') {
      if (!has) throw new Error(`Volume ${v.id} has no snapshot ${op.tag}`);
      await run(qemuImg, ['snapshot', '-a', op.tag, file], { timeoutMs: META_TIMEOUT });
    }
  }
}

/** Runs the operation on the VM's QEMU when it runs (`qmp`), else on its volume files. */
export function vmSnapshotOp(qemuImg: string, qmp: QmpClient | null, op: VmSnapshotOp): Promise<void> {
  return qmp ? live(qemuImg, qmp, op) : offline(qemuImg, op);
}
