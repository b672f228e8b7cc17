// Real VMs on the embedded (local) KVM host, through the HTTP API: the guest template registered from a loopback
// URL, deploy to Running with a linked-clone ROOT disk, the serial shell, a data volume hot-plugged and seen by the
// guest, snapshot + revert, an ISO inserted live, stats in listVirtualMachines, and stop/destroy/expunge leaving no
// process and no file. Then a management server restart: running VMs re-adopted, a VM whose process died marked
// Stopped, and orphans reported in listAlerts.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect';
import { ensureGuestImages, GUEST_MIN_MEMORY_MB, GUEST_READY_BANNER } from '../../hypervisors/qemu/guest-image';
import { isAlive, run } from '../../hypervisors/qemu/proc';
import { openSerial, type SerialConsole } from '../../hypervisors/qemu/serial';
import { qemuInstalled, SKIP_REASON } from '../../hypervisors/qemu/test-support';
import { sessionClient, startTestServer, type TestServer } from '../../testing/harness';
import { buildKvmLab, job, ok, serveFiles, waitDownload, type Call, type KvmLab } from '../../testing/kvm-fixtures';

if (!qemuInstalled) console.warn(`Skipping local KVM API tests: ${SKIP_REASON}`);

describe.skipIf(!qemuInstalled)('local KVM host through the API', () => {
  let t: TestServer;
  let call: Call;
  let lab: KvmLab;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let templateId = '';
  let isoId = '';
  let offeringId = '';
  let diskOfferingId = '';
  const pids: number[] = [];

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    t = await startTestServer();
    call = (await sessionClient(t.url)).call;
    lab = await buildKvmLab(call, t.dataDir, { host: true });
    web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
    templateId = (await ok(call, 'registerTemplate', { name: 'guest', displaytext: 'guest', format: 'QCOW2', hypervisor: 'KVM',
      zoneid: lab.zoneId, url: `${web.url}/guest.qcow2`, ispublic: 'true' })).template[0].id;
    isoId = (await ok(call, 'registerIso', { name: 'guest-iso', displaytext: 'guest iso', zoneid: lab.zoneId,
      url: pathToFileURL(guest.iso).href, ispublic: 'true' })).iso[0].id;
    expect((await waitDownload(call, 'template', templateId)).isready).toBe(true);
    expect((await waitDownload(call, 'iso', isoId)).isready).toBe(true);
    offeringId = (await ok(call, 'createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '500',
      memory: String(GUEST_MIN_MEMORY_MB) })).serviceoffering.id;
    diskOfferingId = (await ok(call, 'createDiskOffering', { name: 'data', displaytext: 'data', disksize: '1' })).diskoffering.id;
  }, 300_000);

  afterAll(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await web?.close();
    await t?.stop();
  });

  // A short ACPI grace period: these VMs may be destroyed before their guest has booted far enough to honour it.
  const deploy = async (name: string, stopTimeoutMs = 10_000) => {
    const vm = (await job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId, serviceofferingid: offeringId, name,
      'details[0].stopTimeoutMs': String(stopTimeoutMs) })).virtualmachine;
    const pid = t.core.qemu!.pidOf(vm.id)!;
    pids.push(pid);
    return { vm, pid };
  };
  const serial = async (vmId: string): Promise<SerialConsole> => {
    const ep = await t.core.qemu!.consoleEndpoint!(lab.hostId!, vmId);
    const con = await openSerial(ep!.serialSocketPath!);
    await con.waitFor(new RegExp(GUEST_READY_BANNER), 60_000);
    return con;
  };
  const volumeFiles = () => readdirSync(lab.poolPath).filter((f) => !f.startsWith('template-')).sort();

  it('connects this machine as a KVM host with its real capacity', async () => {
    const host = (await ok(call, 'listHosts', { id: lab.hostId! })).host[0];
    expect(host).toMatchObject({ state: 'Up', hypervisor: 'KVM', resourcestate: 'Enabled' });
    expect(host.cpunumber).toBeGreaterThan(0);
    expect(host.memorytotal).toBeGreaterThan(2 ** 30);
    // A remote URL is not this machine: remote hosts come through `strata agent`.
    const r = await call('addHost', { zoneid: lab.zoneId, podid: lab.podId, clusterid: lab.clusterId, hypervisor: 'KVM', url: 'http://10.9.9.9' });
    expect(r.status).toBe(431);
    expect(r.json.addhostresponse.errortext).toMatch(/not this machine.*strata agent/);
  });

  it('deploys, boots, hot-plugs a data volume, snapshots and reverts it, inserts an ISO, and leaves nothing behind', async () => {
    const { vm, pid } = await deploy('kvm-vm-1');
    expect(vm).toMatchObject({ state: 'Running', hostid: lab.hostId, hypervisor: 'KVM' });
    expect(isAlive(pid)).toBe(true);
    const root = (await ok(call, 'listVolumes', { virtualmachineid: vm.id })).volume[0];
    const rootInfo = JSON.parse((await run('qemu-img', ['info', '-U', '--output=json', join(lab.poolPath, root.path)])).stdout);
    expect(rootInfo['backing-filename']).toBe(`template-${templateId}.qcow2`);
    let con = await serial(vm.id);
    expect(await con.exec('echo K$((40+2))V')).toContain('K42V');

    // A data volume created and attached live is seen by the guest.
    const data = (await job(call, 'createVolume', { name: 'data-1', zoneid: lab.zoneId, diskofferingid: diskOfferingId })).volume;
    await job(call, 'attachVolume', { id: data.id, virtualmachineid: vm.id });
    expect(await con.exec('for i in $(seq 1 40); do [ -b /dev/vdb ] && break; sleep 0.25; done; ls /dev/vdb')).toContain('/dev/vdb');
    await con.exec('echo hello | dd of=/dev/vdb conv=fsync 2>/dev/null');

    // Live snapshot, kept in the image store; then the disk changes, the VM stops, and the revert brings "hello" back.
    const snap = (await job(call, 'createSnapshot', { volumeid: data.id })).snapshot;
    expect(snap).toMatchObject({ state: 'BackedUp', volumeid: data.id });
    const snapDir = join(lab.storePath, 'snapshots');
    expect(existsSync(snapDir)).toBe(true);
    await con.exec('echo world | dd of=/dev/vdb conv=fsync 2>/dev/null');

    // An ISO inserted into the running VM can be mounted; detaching ejects it.
    const withIso = (await job(call, 'attachIso', { id: isoId, virtualmachineid: vm.id })).virtualmachine;
    expect(withIso).toMatchObject({ isoid: isoId, isoname: 'guest-iso' });
    expect(await con.exec('for i in 1 2 3 4 5 6 7 8; do mount -t iso9660 -o ro /dev/sr0 /mnt 2>/dev/null && break; sleep 0.5; done; ls /mnt; umount /mnt'))
      .toContain('vmlinuz');
    expect((await job(call, 'detachIso', { virtualmachineid: vm.id })).virtualmachine.isoid).toBeUndefined();

    // Usage figures show in listVirtualMachines (from the stats cache, filled in the background).
    let listed: any;
    for (let i = 0; i < 50 && listed?.cpuused === undefined; i++) {
      listed = (await ok(call, 'listVirtualMachines', { id: vm.id })).virtualmachine[0];
      if (listed.cpuused === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed.cpuused).toMatch(/^\d+(\.\d+)?%$/);
    expect(listed.memorykbs).toBeGreaterThan(10_000);
    expect(typeof listed.diskkbsread).toBe('number');
    expect(typeof listed.diskioread).toBe('number');
    expect(listed.networkkbsread).toBe(0);

    con.close();
    await job(call, 'stopVirtualMachine', { id: vm.id });
    expect(isAlive(pid)).toBe(false);
    await job(call, 'revertSnapshot', { id: snap.id });
    const started = (await job(call, 'startVirtualMachine', { id: vm.id })).virtualmachine;
    expect(started.state).toBe('Running');
    const pid2 = t.core.qemu!.pidOf(vm.id)!;
    pids.push(pid2);
    con = await serial(vm.id);
    expect(await con.exec('head -c 5 /dev/vdb')).toContain('hello');
    await job(call, 'rebootVirtualMachine', { id: vm.id });
    expect(t.core.qemu!.pidOf(vm.id)).toBe(pid2);
    con.close();

    // Destroy + expunge: no process, no VM folder, the ROOT disk deleted; the data disk is kept (detached) until
    // deleted, and the snapshot until it is deleted.
    await job(call, 'destroyVirtualMachine', { id: vm.id, expunge: 'true' });
    expect(isAlive(pid2)).toBe(false);
    expect(existsSync(join(t.dataDir, 'qemu', 'vms', vm.id))).toBe(false);
    expect(volumeFiles()).toEqual([`${data.id}.qcow2`]);
    await ok(call, 'deleteVolume', { id: data.id });
    await job(call, 'deleteSnapshot', { id: snap.id });
    expect(volumeFiles()).toEqual([]);
    expect(readdirSync(join(snapDir, readdirSync(snapDir)[0], data.id))).toEqual([]);
  }, 150_000);

  it('deploys from an ISO (hypervisor=KVM) onto a blank disk that boots from the CD-ROM', async () => {
    const vm = (await job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: isoId, hypervisor: 'KVM',
      serviceofferingid: offeringId, diskofferingid: diskOfferingId, name: 'from-iso', 'details[0].stopTimeoutMs': '1000' })).virtualmachine;
    expect(vm).toMatchObject({ state: 'Running', isoid: isoId, hypervisor: 'KVM' });
    const pid = t.core.qemu!.pidOf(vm.id)!;
    pids.push(pid);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    expect(argv).toContain(join(lab.storePath, 'template', 'tmpl', isoId, `${isoId}.iso`));
    expect(argv).toMatch(/ide-cd,id=cd0,[^ ]*bootindex=1/);
    await job(call, 'destroyVirtualMachine', { id: vm.id, expunge: 'true' });
    expect(isAlive(pid)).toBe(false);
    expect(volumeFiles()).toEqual([]);
  }, 60_000);

  it('after a restart: running VMs are re-adopted, a VM whose process died is Stopped, orphans raise alerts', async () => {
    const a = await deploy('kvm-a', 1000);
    const b = await deploy('kvm-b', 1000);
    const c = await deploy('kvm-c', 1000);
    await t.stop({ keepData: true });
    // While the server is down: A's QEMU dies, C is marked Stopped behind the server's back, a stray file appears.
    process.kill(a.pid, 'SIGKILL');
    const db = await openDatabase(join(t.dataDir, 'strata.db'));
    await db.db.updateTable('vms').set({ state: 'Stopped', host_id: null }).where('id', '=', c.vm.id).execute();
    await db.db.updateTable('hosts').set((eb) => ({ memory_allocated: eb('memory_allocated', '-', GUEST_MIN_MEMORY_MB * 2 ** 20),
      cpu_allocated: eb('cpu_allocated', '-', 500) })).where('id', '=', lab.hostId!).execute();
    await db.close();
    writeFileSync(join(lab.poolPath, 'stray.qcow2'), 'x');

    t = await startTestServer({ dataDir: t.dataDir });
    call = (await sessionClient(t.url)).call;
    const state = async (id: string) => (await ok(call, 'listVirtualMachines', { id })).virtualmachine[0].state;
    expect(await state(a.vm.id)).toBe('Stopped');
    expect(await state(b.vm.id)).toBe('Running');
    expect(t.core.qemu!.pidOf(b.vm.id)).toBe(b.pid);
    const alerts = (await ok(call, 'listAlerts', {})).alert.map((x: any) => x.description).join('\n');
    expect(alerts).toMatch(new RegExp(`Orphan VM process on host .*VM ${c.vm.id} runs there but kvm-c is Stopped`));
    expect(alerts).toMatch(/Orphan volume files in primary storage .*stray\.qcow2/);
    // The host's capacity no longer counts A.
    const host = (await ok(call, 'listHosts', { id: lab.hostId! })).host[0];
    expect(host.memoryallocated).toBe(GUEST_MIN_MEMORY_MB * 2 ** 20);

    // The re-adopted VM is fully controlled by the new server.
    await job(call, 'destroyVirtualMachine', { id: b.vm.id, expunge: 'true' });
    expect(isAlive(b.pid)).toBe(false);
    await job(call, 'destroyVirtualMachine', { id: a.vm.id, expunge: 'true' });
    process.kill(c.pid, 'SIGKILL');
  }, 120_000);
});
