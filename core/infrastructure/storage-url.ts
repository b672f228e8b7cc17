// Storage URLs of createStoragePool and addImageStore, and the size of local folders behind them.
import { existsSync, mkdirSync, readFileSync, statfsSync } from 'node:fs';
import { invalidParam } from '../kernel/errors';

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

const trimSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/**
 * Where `server:/export` is mounted on this machine (read from /proc/mounts), or null. Lets a KVM host use an
 * nfs:// pool or image store that the operator mounted anywhere, as CloudStack's agent does with its own mounts.
 */
export function nfsMountPoint(server: string, exportPath: string, mounts = readMounts()): string | null {
  const want = `${server}:${trimSlash(exportPath)}`;
  for (const line of mounts.split('\n')) {
    const [src, dir, fstype] = line.split(' ');
    if (!fstype?.startsWith('nfs') || !src) continue;
    const [host, p] = [src.slice(0, src.lastIndexOf(':')), src.slice(src.lastIndexOf(':') + 1)];
    if (`${host.replace(/^\[|\]$/g, '')}:${trimSlash(p)}` === want) return dir.replace(/\\040/g, ' ');
  }
  return null;
}

function readMounts(): string {
  try { return readFileSync('/proc/mounts', 'utf8'); } catch { return ''; }
}

/**
 * The folder of a primary storage pool on a KVM host: the path itself for local folders and shared mount points;
 * for NFS the mount point of the export when this machine has it mounted, else /mnt/<pool id>, where CloudStack's
 * KVM agent mounts NFS pools.
 */
export function localPoolPath(p: { id: string; type: string; host: string; path: string }): string {
  if (p.type !== 'NetworkFilesystem') return p.path;
  return nfsMountPoint(p.host, p.path) ?? `/mnt/${p.id}`;
}

/** The folder behind an image store URL on this machine (file:// or a mounted nfs:// export), or null. */
export function localStorePath(url: string): string | null {
  try {
    const loc = parseStorageUrl(url);
    if (loc.type === 'Filesystem') return loc.path;
    if (loc.type === 'NetworkFilesystem') return nfsMountPoint(loc.host, loc.path);
  } catch { /* not a URL we know: no local folder */ }
  return null;
}
