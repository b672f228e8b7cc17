// Live migration over TCP between two QEMU processes that share the VM's storage (same pool directory or NFS
// mount). Three steps, so that two agents can each do their half: the destination starts an identical QEMU
// waiting for incoming state (`-incoming defer`, then `migrate-incoming` on a port the kernel picks), the source
// sends its state (`migrate`) and quits once it completed, and the destination is checked to run.
import type { ProgressFn } from '../driver';
import type { QmpClient } from './qmp';
import { setTimeout as sleep } from 'node:timers/promises';

interface MigrateInfo {
  status?: string;
  'error-desc'?: string;
  ram?: { transferred: number; total: number; remaining: number };
  'socket-address'?: { type: string; host?: string; port?: string }[];
  /** Once completed: the whole migration and the guest's pause, in ms (QEMU's own figures). */
  'total-time'?: number;
  downtime?: number;
}

export interface MigrationStats { totalMs: number | null; downtimeMs: number | null; bytes: number | null }

/** Starts listening for the incoming migration on `ip`; returns the uri the source must send to. */
export async function listenIncoming(qmp: QmpClient, ip: string): Promise<string> {
  await qmp.execute('migrate-incoming', { uri: `tcp:${ip}:0` });
  const info = await qmp.execute<MigrateInfo>('query-migrate');
  const port = info['socket-address']?.find((a) => a.port !== undefined)?.port;
  if (port === undefined) throw new Error('QEMU did not report the port of the incoming migration');
  return `tcp:${ip}:${port}`;
}

/**
 * Sends the running VM to `uri` and waits for the outcome. On failure or timeout the migration is cancelled
 * and the source VM keeps running (QEMU resumes it), so the caller can report the error and carry on.
 */
export async function migrateOut(qmp: QmpClient, uri: string, timeoutMs: number, onProgress?: ProgressFn): Promise<MigrationStats> {
  await qmp.execute('migrate', { uri });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await qmp.execute<MigrateInfo>('query-migrate');
    if (info.ram) onProgress?.(info.ram.transferred, info.ram.total);
    if (info.status === 'completed') {
      return { totalMs: info['total-time'] ?? null, downtimeMs: info.downtime ?? null, bytes: info.ram?.transferred ?? null };
    }
    if (info.status === 'failed' || info.status === 'cancelled') {
      throw new Error(`Live migration ${info.status}: ${info['error-desc'] ?? 'no reason given by QEMU'}`);
    }
    if (Date.now() >= deadline) {
      await qmp.execute('migrate_cancel').catch(() => undefined);
      throw new Error(`Live migration did not complete within ${timeoutMs} ms; cancelled`);
    }
    await sleep(50);
  }
}

/** Waits until the destination VM runs (QEMU starts it itself once the incoming state is complete). */
export async function waitRunning(qmp: QmpClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await qmp.execute<{ status: string }>('query-status');
    if (st.status === 'running') return;
    if (st.status !== 'inmigrate' && st.status !== 'postmigrate' && st.status !== 'paused' && st.status !== 'finish-migrate') {
      throw new Error(`The migrated VM is ${st.status}`);
    }
    if (Date.now() >= deadline) throw new Error(`The migrated VM is still ${st.status} after ${timeoutMs} ms`);
    await sleep(50);
  }
}
