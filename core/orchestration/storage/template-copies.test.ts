// Copies of deleted templates leave primary storage (through the API, real QEMU on the local KVM host): a deleted
// template's copy stays while a VM's ROOT disk is cloned from it (the VM still starts), and goes with the last such
// disk; deleting an unused template removes its copy at once; a copy left behind is removed at the next start.
// Assertions are on the pool folder, as an operator would look at it.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImages, GUEST_MIN_MEMORY_MB } from '../../hypervisors/qemu/guest-image';
import { isAlive, run } from '../../hypervisors/qemu/proc';
import { qemuInstalled, SKIP_REASON } from '../../hypervisors/qemu/test-support';
import { sessionClient, startTestServer, type TestServer } from '../../testing/harness';
import { buildKvmLab, job, ok, serveFiles, waitDownload, type Call, type KvmLab } from '../../testing/kvm-fixtures';

if (!qemuInstalled) console.warn(`Skipping template copy cleanup tests: ${SKIP_REASON}`);

describe.skipIf(!qemuInstalled)('template copies in primary storage', () => {
  let t: TestServer;
  let call: Call;
  let lab: KvmLab;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let guestQcow2 = '';
  let offeringId = '';
  const pids: number[] = [];

  beforeAll(async () => {
    guestQcow2 = (await ensureGuestImages()).qcow2;
    t = await startTestServer();
    call = (await sessionClient(t.url)).call;
    lab = await buildKvmLab(call, t.dataDir, { host: true });
    web = await serveFiles({ '/guest.qcow2': { file: guestQcow2 } });
    offeringId = (await ok(call, 'createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '500',
      memory: String(GUEST_MIN_MEMORY_MB) })).serviceoffering.id;
  }, 300_000);

  afterAll(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await web?.close();
    await t?.stop();
  });

  const register = async (name: string): Promise<string> => {
    const id = (await ok(call, 'registerTemplate', { name, displaytext: name, format: 'QCOW2', hypervisor: 'KVM',
      zoneid: lab.zoneId, url: `${web.url}/guest.qcow2`, ispublic: 'true' })).template[0].id;
    expect((await waitDownload(call, 'template', id)).isready).toBe(true);
    return id;
  };
  const deploy = async (name: string, templateid: string) => {
    const vm = (await job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid, serviceofferingid: offeringId, name,
      'details[0].stopTimeoutMs': '1000' })).virtualmachine;
    pids.push(t.core.qemu!.pidOf(vm.id)!);
    return vm;
  };
  const copyOf = (templateId: string) => join(lab.poolPath, `template-${templateId}.qcow2`);

  it('keeps a deleted template\'s copy while a ROOT disk uses it, removes it with the last one, and at start', async () => {
    const a = await register('tmpl-a');
    const b = await register('tmpl-b');
    const vmA = await deploy('vm-a', a);
    const vmB = await deploy('vm-b', b);
    expect(existsSync(copyOf(a))).toBe(true);
    expect(existsSync(copyOf(b))).toBe(true);

    // Template A deleted while vm-a runs from it: the copy backs vm-a's disk, so it stays and the VM still starts.
    await job(call, 'deleteTemplate', { id: a, forced: 'true' });
    await t.core.templateCopies.settled();
    expect(existsSync(copyOf(a))).toBe(true);
    const rootA = (await ok(call, 'listVolumes', { virtualmachineid: vmA.id })).volume[0];
    const chain = await run('qemu-img', ['info', '-U', '--backing-chain', join(lab.poolPath, rootA.path)]);
    expect(chain.stdout).toContain(copyOf(a));
    await job(call, 'stopVirtualMachine', { id: vmA.id, forced: 'true' });
    expect((await job(call, 'startVirtualMachine', { id: vmA.id })).virtualmachine.state).toBe('Running');
    pids.push(t.core.qemu!.pidOf(vmA.id)!);

    // Destroyed but not expunged: the ROOT disk can still be recovered, so the copy stays.
    await job(call, 'destroyVirtualMachine', { id: vmA.id });
    expect(existsSync(copyOf(a))).toBe(true);
    // Expunged: the last disk cloned from A is gone, and so is A's copy; B (not deleted, in use) keeps its own.
    await job(call, 'expungeVirtualMachine', { id: vmA.id });
    expect(existsSync(copyOf(a))).toBe(false);
    expect(existsSync(copyOf(b))).toBe(true);

    // A template that is not deleted keeps its copy when its last VM goes; deleting it then removes the copy.
    await job(call, 'destroyVirtualMachine', { id: vmB.id, expunge: 'true' });
    expect(existsSync(copyOf(b))).toBe(true);
    await job(call, 'deleteTemplate', { id: b });
    await t.core.templateCopies.settled();
    expect(existsSync(copyOf(b))).toBe(false);

    // A copy left behind (by a version without this cleanup, or a sweep whose host was down) goes at the next start,
    // while the copy of a template still in use stays.
    const c = await register('tmpl-c');
    await deploy('vm-c', c);
    await t.stop({ keepData: true });
    copyFileSync(guestQcow2, copyOf(a));
    t = await startTestServer({ dataDir: t.dataDir });
    call = (await sessionClient(t.url)).call;
    await t.core.templateCopies.settled();
    expect(existsSync(copyOf(a))).toBe(false);
    expect(existsSync(copyOf(c))).toBe(true);
  }, 240_000);
});
