// Storage URLs of createStoragePool and addImageStore, and the size of local folders behind them.
import { existsSync, mkdirSync, statfsSync } from 'node:fs';
import { invalidParam } from '../api/errors';

export interface PoolLocation { type: string; host: string; path: string; local: boolean }

const TYPES: Record<string, string> = {
  nfs: 'NetworkFilesystem', sharedmountpoint: 'SharedMountPoint', rbd: 'RBD', iscsi: 'Iscsi', presetup: 'PreSetup',
  clvm: 'CLVM', file: 'Filesystem', filesystem: 'Filesystem', gluster: 'Gluster', vmfs: 'VMFS',
};

/** Pool types that are thin provisioned: storage.overprovisioning.factor applies to them. */
export const THIN_TYPES = new Set(['NetworkFilesystem', 'Filesystem', 'SharedMountPoint', 'RBD', 'Gluster', 'VMFS']);

/**
 * nfs://server/export, SharedMountPoint://localhost/path, rbd://user:key@monitor/pool, iscsi://host/iqn/lun,
 * presetup://localhost/path, clvm://localhost/vg, file:///path or a bare absolute path (a local folder).
 */
export function parseStorageUrl(url: string): PoolLocation {
  if (url.startsWith('/')) return { type: 'Filesystem', host: 'localhost', path: url, local: true };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalidParam(`Invalid storage URL ${url}: use nfs://server/path, SharedMountPoint://localhost/path or a local path`);
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  const type = TYPES[scheme];
  if (type === undefined) throw invalidParam(`Unsupported storage URL scheme ${scheme} in ${url}`);
  const path = decodeURIComponent(u.pathname);
  if (path === '' || path === '/') throw invalidParam(`The storage URL ${url} has no path`);
  const host = u.hostname || 'localhost';
  if (type === 'NetworkFilesystem' && !u.hostname) throw invalidParam(`The NFS URL ${url} has no server`);
  return { type, host, path: type === 'RBD' ? path.replace(/^\//, '') : path, local: type === 'Filesystem' || type === 'SharedMountPoint' };
}

/**
 * Total and used bytes of a local folder's file system. With `create` the folder is made when missing (a lab's
 * local pool or store); without it a missing folder answers null (a mount point that lives on the hosts).
 */
export function localCapacity(path: string, create: boolean): { total: number; used: number } | null {
  try {
    if (create) mkdirSync(path, { recursive: true });
    else if (!existsSync(path)) return null;
    const s = statfsSync(path);
    return { total: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize };
  } catch (e) {
    throw invalidParam(`Cannot use the folder ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Capacity assumed for remote storage whose size the management server cannot measure (1 TiB). */
export const DEFAULT_REMOTE_CAPACITY = 1024 ** 4;
