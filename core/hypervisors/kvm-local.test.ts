// The local KVM driver's guards: which addHost URLs are this machine, the clear error without QEMU, and where
// NFS pools and image stores are found on this machine.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../kernel/errors';
import { localPoolPath, localStorePath, nfsMountPoint } from '../infrastructure/storage-url';
import { createLocalKvm, isLocalKvmUrl, QEMU_MISSING } from './kvm-local';

const dir = mkdtempSync(path.join(os.tmpdir(), 'skl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local KVM hosts', () => {
  it('takes localhost, local://, loopback addresses and this machine\'s name as local; agent:// and others are not', () => {
    for (const u of ['http://localhost', 'http://localhost?accel=tcg', 'local://', 'http://127.0.0.1', 'http://[::1]', `http://${os.hostname()}`, 'localhost']) {
      expect(isLocalKvmUrl(u), u).toBe(true);
    }
    for (const u of ['http://10.0.0.5', 'agent://kvm-2', 'http://kvm-host-9.example']) expect(isLocalKvmUrl(u), u).toBe(false);
  });

  it('without QEMU the driver is still KVM, and adding a host says what to install (534)', async () => {
    const { driver, qemu } = createLocalKvm({ dataDir: dir, qemuBinary: path.join(dir, 'no-such-qemu') });
    expect(qemu).toBeNull();
    expect(driver.hypervisor).toBe('KVM');
    const err = await driver.connectHost({ hostId: 'h', name: 'h', url: 'http://localhost', details: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ errorcode: 534 });
    expect((err as Error).message).toBe(`Cannot add KVM host http://localhost: ${QEMU_MISSING}`);
  });
});

describe('storage folders on this machine', () => {
  const mounts = [
    'sysfs /sys sysfs rw 0 0',
    '10.0.0.9:/export/primary/ /mnt/nfs\\040primary nfs4 rw,relatime 0 0',
    '[fd00::9]:/sec /mnt/sec nfs rw 0 0',
  ].join('\n');

  it('finds where an NFS export is mounted', () => {
    expect(nfsMountPoint('10.0.0.9', '/export/primary', mounts)).toBe('/mnt/nfs primary');
    expect(nfsMountPoint('fd00::9', '/sec/', mounts)).toBe('/mnt/sec');
    expect(nfsMountPoint('10.0.0.9', '/other', mounts)).toBeNull();
  });

  it('pool folders: local paths as they are, unmounted NFS pools where a KVM agent mounts them', () => {
    expect(localPoolPath({ id: 'p1', type: 'SharedMountPoint', host: 'localhost', path: '/srv/primary' })).toBe('/srv/primary');
    expect(localPoolPath({ id: 'p1', type: 'Filesystem', host: 'localhost', path: '/srv/x' })).toBe('/srv/x');
    expect(localPoolPath({ id: 'p1', type: 'NetworkFilesystem', host: '203.0.113.1', path: '/nope' })).toBe('/mnt/p1');
  });

  it('image stores: file:// folders, and nothing for an NFS store not mounted here', () => {
    expect(localStorePath('file:///srv/secondary')).toBe('/srv/secondary');
    expect(localStorePath('nfs://203.0.113.1/secondary')).toBeNull();
  });
});
