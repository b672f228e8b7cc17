// The "done when" on the embedded host, with an unmodified CloudStack client (python3-cs): build a KVM
// zone on this machine, register the test guest from an http URL on loopback, deploy a VM and see it boot (serial
// shell) with its SSH key and user data on a config drive, attach a volume, take and revert a snapshot and a VM
// snapshot with memory, make and download a template of its root disk, stop and destroy it: no QEMU process and
// no file left.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImages, GUEST_MIN_MEMORY_MB, GUEST_READY_BANNER } from '../hypervisors/qemu/guest-image';
import { isAlive } from '../hypervisors/qemu/proc';
import { openSerial } from '../hypervisors/qemu/serial';
import { qemuInstalled, SKIP_REASON } from '../hypervisors/qemu/test-support';
import { startTestServer, type TestServer } from '../testing/harness';
import { csFor, csInstalled, type Cs } from '../testing/cs-cli';
import { serveFiles } from '../testing/kvm-fixtures';

const ready = qemuInstalled && csInstalled;
if (!ready) console.warn(`Skipping the python3-cs KVM test: ${qemuInstalled ? 'python3-cs is not installed' : SKIP_REASON}`);

describe.skipIf(!ready)('python3-cs drives a real VM on the local KVM host', () => {
  let t: TestServer;
  let cs: Cs;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let pid = 0;

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    t = await startTestServer();
    cs = await csFor(t);
    web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
  }, 300_000);

  afterAll(async () => {
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    await web?.close();
    await t?.stop();
  });

  /** Runs a command that must succeed and returns what cs printed. */
  const must = async (command: string, args: Record<string, string> = {}, flags: string[] = []) => {
    const r = await cs(command, args, flags);
    if (!r.ok) throw new Error(`cs ${command} failed: ${r.err} ${JSON.stringify(r.out)}`);
    return r.out;
  };

  it('register from http, deploy, boot, attach a volume, snapshot + revert, stop and destroy', async () => {
    const zone = (await must('createZone', { name: 'cs-kvm', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone;
    const pod = (await must('createPod', { zoneid: zone.id, name: 'p1', gateway: '192.168.70.1', netmask: '255.255.255.0',
      startip: '192.168.70.10', endip: '192.168.70.99' })).pod;
    const cluster = (await must('addCluster', { zoneid: zone.id, podid: pod.id, clustername: 'kvm', clustertype: 'CloudManaged', hypervisor: 'KVM' })).cluster[0];
    const primary = join(t.dataDir, 'primary');
    await must('createStoragePool', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, name: 'primary', url: primary, scope: 'CLUSTER' });
    await must('addImageStore', { provider: 'NFS', name: 'secondary', url: `file://${t.dataDir}/secondary`, zoneid: zone.id });
    const host = (await must('addHost', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, hypervisor: 'KVM',
      url: 'http://localhost?accel=tcg', username: 'root', password: 'x' }, ['--post'])).host[0];
    expect(host).toMatchObject({ state: 'Up', hypervisor: 'KVM' });
    await must('updateZone', { id: zone.id, allocationstate: 'Enabled' });

    const tpl = (await must('registerTemplate', { name: 'guest', displaytext: 'guest', url: `${web.url}/guest.qcow2`, format: 'QCOW2',
      hypervisor: 'KVM', zoneid: zone.id, ispublic: 'true' })).template[0];
    let listed: any;
    for (let i = 0; i < 100 && !listed?.isready; i++) {
      listed = (await must('listTemplates', { templatefilter: 'all', id: tpl.id })).template[0];
      expect(listed.status).not.toMatch(/Failed/);
      if (!listed.isready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toMatchObject({ isready: true, status: 'Download Complete' });

    const so = (await must('createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '500',
      memory: String(GUEST_MIN_MEMORY_MB) })).serviceoffering;
    // An SSH key pair and user data reach the guest on its config drive (issue 19).
    const kp = (await must('createSSHKeyPair', { name: 'ops' }, ['--post'])).keypair;
    const userdata = Buffer.from('#!/bin/sh\necho strata-user-data\n').toString('base64');
    const vm = (await must('deployVirtualMachine', { zoneid: zone.id, templateid: tpl.id, serviceofferingid: so.id, name: 'cs-kvm-vm',
      keypair: 'ops', userdata }, ['--post'])).virtualmachine;
    expect(vm.keypairs).toBe(kp.name);
    expect(vm).toMatchObject({ state: 'Running', hypervisor: 'KVM', hostid: host.id });
    pid = t.core.qemu!.pidOf(vm.id)!;
    expect(isAlive(pid)).toBe(true);
    const con = await openSerial((await t.core.qemu!.consoleEndpoint!(host.id, vm.id))!.serialSocketPath!);
    await con.waitFor(new RegExp(GUEST_READY_BANNER), 60_000);
    expect(await con.exec('echo C$((5*5))S')).toContain('C25S');
    const drive = 'for d in /dev/sr0 /dev/sr1; do mount -t iso9660 -o ro $d /mnt 2>/dev/null && ' +
      '[ -f /mnt/openstack/latest/meta_data.json ] && break; umount /mnt 2>/dev/null; done';
    await con.exec(drive);
    expect(await con.exec('cat /mnt/openstack/latest/user_data')).toContain('echo strata-user-data');
    expect(await con.exec('cat /mnt/cloudstack/metadata/public-keys.txt; echo')).toMatch(/ssh-rsa AAAA[0-9A-Za-z+/=]+ ops/);
    expect(await con.exec('cat /mnt/cloudstack/metadata/local-hostname.txt; echo')).toContain('cs-kvm-vm');
    await con.exec('umount /mnt');

    const dof = (await must('createDiskOffering', { name: 'd1', displaytext: 'd1', disksize: '1' })).diskoffering;
    const vol = (await must('createVolume', { name: 'data', zoneid: zone.id, diskofferingid: dof.id })).volume;
    expect((await must('attachVolume', { id: vol.id, virtualmachineid: vm.id })).volume.virtualmachineid).toBe(vm.id);
    expect(await con.exec('for i in $(seq 1 40); do [ -b /dev/vdb ] && break; sleep 0.25; done; ls /dev/vdb')).toContain('/dev/vdb');

    // A VM snapshot with memory (issue 19): a shell variable and a file written before it are back after a revert,
    // in the same running guest (its shell never restarted: no reboot), though both were changed in between.
    await con.exec('MARK=before; echo before > /tmp/mark');
    const vs = (await must('createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true', name: 'with-memory' })).vmsnapshot;
    expect(vs).toMatchObject({ state: 'Ready', type: 'DiskAndMemory', current: true, hypervisor: 'KVM' });
    await con.exec('MARK=after; echo after > /tmp/mark');
    const stoppedOnly = await cs('createVMSnapshot', { virtualmachineid: vm.id });
    expect(stoppedOnly.ok).toBe(false); // a running KVM VM is snapshotted with its memory
    expect((await must('revertToVMSnapshot', { vmsnapshotid: vs.id })).virtualmachine.state).toBe('Running');
    expect(t.core.qemu!.pidOf(vm.id)).toBe(pid);
    expect(await con.exec('echo "mark=$MARK file=$(cat /tmp/mark)"')).toContain('mark=before file=before');
    expect((await must('listVMSnapshot', { virtualmachineid: vm.id })).vmSnapshot.map((s: { id: string }) => s.id)).toEqual([vs.id]);
    await must('deleteVMSnapshot', { vmsnapshotid: vs.id });
    con.close();

    const snap = (await must('createSnapshot', { volumeid: vol.id })).snapshot;
    expect(snap.state).toBe('BackedUp');
    expect((await must('stopVirtualMachine', { id: vm.id })).virtualmachine.state).toBe('Stopped');
    expect(isAlive(pid)).toBe(false);
    expect((await must('revertSnapshot', { id: snap.id })).snapshot.id).toBe(snap.id);
    // A stopped VM: a disk-only VM snapshot (qemu-img, internal), reverted while stopped.
    const disk = (await must('createVMSnapshot', { virtualmachineid: vm.id })).vmsnapshot;
    expect(disk).toMatchObject({ state: 'Ready', type: 'Disk' });
    expect((await must('revertToVMSnapshot', { vmsnapshotid: disk.id })).virtualmachine.state).toBe('Stopped');
    await must('deleteVMSnapshot', { vmsnapshotid: disk.id });
    // A template of the stopped VM's root disk: a standalone qcow2 in secondary storage, downloaded through the URL
    // extractTemplate answers.
    const root = (await must('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' })).volume[0];
    const ostypeid = (await must('listOsTypes')).ostype[0].id;
    const golden = (await must('createTemplate', { name: 'golden', displaytext: 'golden', ostypeid, volumeid: root.id })).template;
    expect(golden).toMatchObject({ isready: true, hypervisor: 'KVM', format: 'QCOW2' });
    await must('updateTemplatePermissions', { id: golden.id, isextractable: 'true' });
    const got = await fetch((await must('extractTemplate', { id: golden.id, mode: 'HTTP_DOWNLOAD' })).template.url);
    const reader = got.body!.getReader();
    expect(Buffer.from((await reader.read()).value!).subarray(0, 4).toString('latin1')).toBe('QFI\xfb'); // qcow2 magic
    await reader.cancel();

    await must('destroyVirtualMachine', { id: vm.id, expunge: 'true' });
    await must('deleteVolume', { id: vol.id });
    await must('deleteSnapshot', { id: snap.id });
    expect((await must('listVirtualMachines', { id: vm.id }))).toEqual({});
    expect(readdirSync(primary).filter((f) => !f.startsWith('template-'))).toEqual([]);
    expect(existsSync(join(t.dataDir, 'qemu', 'vms', vm.id))).toBe(false);
  }, 300_000);
});
