// VM snapshots, templates from volumes and snapshots, and restore / password reset over HTTP on simulator VMs,
// as automation drives them (issue 19 item 7): CloudStack's states, fields and types, names, the chain (parent,
// current), its refusals (memory of a stopped VM, reverts that would change the VM's power state), sharing
// templates with accounts, and nobody else's objects visible. Real QEMU: core/api/cs-kvm.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitJob, type TestServer } from '../../testing/harness';
import { startUserLab, type Client } from '../../testing/user-lab';
import { typeProblems } from '../../testing/response-kinds';

let t: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;
let zoneId: string;
let templateId: string;
let offeringId: string;

const body = (r: { json: any }, command: string) => r.json[`${command.toLowerCase()}response`];

/** Runs an async command to its end: { ok, result } or { status, error } (refused at once or failed job). */
async function run(c: Client, command: string, params: Record<string, string>) {
  const r = await c.call(command, params, 'POST');
  if (r.status !== 200) return { ok: false, status: r.status, error: body(r, command).errortext as string };
  const job = await waitJob(c.call, body(r, command).jobid);
  return job.jobstatus === 1 ? { ok: true, result: job.jobresult, id: body(r, command).id as string }
    : { ok: false, status: job.jobresult.errorcode as number, error: job.jobresult.errortext as string };
}

async function deploy(c: Client, name: string) {
  const r = await run(c, 'deployVirtualMachine', { zoneid: zoneId, templateid: templateId, serviceofferingid: offeringId, name });
  expect(r.ok, r.error).toBe(true);
  return r.result.virtualmachine as { id: string };
}

beforeAll(async () => {
  ({ t, zoneId, templateId, offeringId, admin, alice, bob } = await startUserLab());
}, 120_000);
afterAll(async () => { await t?.stop(); });

describe('VM snapshots', () => {
  it('takes memory snapshots of a running VM and disk snapshots of a stopped one, chained, with CloudStack\'s fields', async () => {
    const vm = await deploy(alice, 'snap-vm');
    const refused = await run(alice, 'createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true', name: 'x' });
    expect(refused.ok, refused.error).toBe(true); // running: memory is fine
    const first = refused.result.vmsnapshot;
    expect(first).toMatchObject({ displayname: 'x', state: 'Ready', type: 'DiskAndMemory', current: true, virtualmachineid: vm.id,
      virtualmachinename: 'snap-vm', hypervisor: 'Simulator', zoneid: zoneId, account: 'alice' });
    expect(first.name).toMatch(/^i-\d+-\d+-VM_VS_\d{14}$/); // <instance name>_VS_<GMT time>
    expect(first.id).toBe(refused.id);
    expect(typeProblems('VMSnapshot', first)).toEqual([]);

    const dup = await run(alice, 'createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true', name: 'x' });
    expect(dup).toMatchObject({ ok: false, status: 431, error: `Creating VM snapshot failed due to VM:${vm.id} already has a VM snapshot with name x` });

    expect((await run(alice, 'stopVirtualMachine', { id: vm.id })).ok).toBe(true);
    const memStopped = await run(alice, 'createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true' });
    expect(memStopped).toMatchObject({ ok: false, status: 431, error: 'Can not snapshot memory when VM is not in Running state' });
    const disk = (await run(alice, 'createVMSnapshot', { virtualmachineid: vm.id, name: 'y', description: 'before upgrade' })).result.vmsnapshot;
    expect(disk).toMatchObject({ type: 'Disk', current: true, parent: first.id, parentName: first.name, description: 'before upgrade' });

    const listed = body(await alice.call('listVMSnapshot', { virtualmachineid: vm.id }), 'listVMSnapshot');
    expect(listed.count).toBe(2);
    expect(listed.vmSnapshot.map((s: { displayname: string; current: boolean }) => [s.displayname, s.current])).toEqual([['x', false], ['y', true]]);
    for (const s of listed.vmSnapshot) expect(typeProblems('VMSnapshot', s)).toEqual([]);
    expect(body(await bob.call('listVMSnapshot', {}), 'listVMSnapshot')).toEqual({});
    const theirs = await run(bob, 'deleteVMSnapshot', { vmsnapshotid: first.id });
    expect(theirs.status).toBe(531);

    // Stopped: back to the disk snapshot only; a memory snapshot would start the VM.
    const wrong = await run(alice, 'revertToVMSnapshot', { vmsnapshotid: first.id });
    expect(wrong.error).toMatch(/^VM Snapshot revert not allowed\. This will result in VM state change\./);
    const back = await run(alice, 'revertToVMSnapshot', { vmsnapshotid: disk.id });
    expect(back.ok).toBe(true);
    expect(back.result.virtualmachine).toMatchObject({ id: vm.id, state: 'Stopped' });

    expect((await run(alice, 'startVirtualMachine', { id: vm.id })).ok).toBe(true);
    const running = await run(alice, 'revertToVMSnapshot', { vmsnapshotid: first.id });
    expect(running.result.virtualmachine).toMatchObject({ id: vm.id, state: 'Running' });
    expect(body(await alice.call('listVMSnapshot', { vmsnapshotid: first.id }), 'listVMSnapshot').vmSnapshot[0].current).toBe(true);

    // Deleting the parent hangs its child from nothing; the snapshot is gone from the list.
    expect((await run(alice, 'deleteVMSnapshot', { vmsnapshotid: first.id })).ok).toBe(true);
    const left = body(await alice.call('listVMSnapshot', { virtualmachineid: vm.id }), 'listVMSnapshot').vmSnapshot;
    expect(left).toHaveLength(1);
    expect(left[0].parent).toBeUndefined();
    const gone = await run(alice, 'revertToVMSnapshot', { vmsnapshotid: first.id });
    expect(gone).toMatchObject({ status: 431, error: `unable to find the vm snapshot with id ${first.id}` });
  });

  it('caps the snapshots of a VM at vmsnapshot.max and keeps its disks as they were snapshotted', async () => {
    const vm = await deploy(alice, 'cap-vm');
    await admin.call('updateConfiguration', { name: 'vmsnapshot.max', value: '1' }, 'POST');
    try {
      expect((await run(alice, 'createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true' })).ok).toBe(true);
      const over = await run(alice, 'createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true', name: 'two' });
      expect(over).toMatchObject({ status: 530, error: 'Creating vm snapshot failed due to a VM can just have : 1 VM snapshots. Please delete old ones' });
      // Its snapshot covers the disks it has: no disk comes or goes while it has one.
      const dof = body(await alice.call('listDiskOfferings', {}), 'listDiskOfferings').diskoffering.find((d: { iscustomized: boolean }) => !d.iscustomized);
      const vol = (await run(alice, 'createVolume', { name: 'late-disk', zoneid: zoneId, diskofferingid: dof.id })).result.volume;
      expect(await run(alice, 'attachVolume', { id: vol.id, virtualmachineid: vm.id }))
        .toMatchObject({ status: 431, error: 'Unable to attach volume, please specify a VM that does not have VM snapshots' });
      const root = body(await alice.call('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' }), 'listVolumes').volume[0];
      const snap = (await run(alice, 'createSnapshot', { volumeid: root.id })).result.snapshot;
      await run(alice, 'stopVirtualMachine', { id: vm.id });
      expect(await run(alice, 'revertSnapshot', { id: snap.id }))
        .toMatchObject({ status: 431, error: 'Unable to revert snapshot for VM, please remove VM snapshots before reverting VM from snapshot' });
    } finally {
      await admin.call('resetConfiguration', { name: 'vmsnapshot.max' }, 'POST');
    }
  });
});

describe('Templates from volumes and snapshots', () => {
  it('makes a template of a stopped VM\'s root volume and of a snapshot, shares it with one account, copies and extracts it', async () => {
    const vm = await deploy(alice, 'tpl-src');
    const root = body(await alice.call('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' }), 'listVolumes').volume[0];
    const osType = body(await alice.call('listOsTypes', {}), 'listOsTypes').ostype[0].id;
    const args = { name: 'golden', displaytext: 'golden image', ostypeid: osType };
    const running = await run(alice, 'createTemplate', { ...args, volumeid: root.id });
    expect(running).toMatchObject({ status: 431 });
    expect(running.error).toMatch(/stop the VM first/);
    expect(await run(alice, 'createTemplate', args)).toMatchObject({ status: 431,
      error: 'Failed to create private template record, need to specify snapshotId or volumeId' });
    expect((await run(alice, 'stopVirtualMachine', { id: vm.id })).ok).toBe(true);
    const made = await run(alice, 'createTemplate', { ...args, volumeid: root.id, passwordenabled: 'true' });
    expect(made.ok, made.error).toBe(true);
    const tpl = made.result.template;
    expect(tpl).toMatchObject({ id: made.id, name: 'golden', isready: true, templatetype: 'USER', passwordenabled: true, account: 'alice', zoneid: zoneId });
    expect(typeProblems('Template', tpl)).toEqual([]);

    const snap = (await run(alice, 'createSnapshot', { volumeid: root.id })).result.snapshot;
    const fromSnap = await run(alice, 'createTemplate', { ...args, name: 'from-snap', snapshotid: snap.id });
    expect(fromSnap.ok, fromSnap.error).toBe(true);
    expect(fromSnap.result.template).toMatchObject({ name: 'from-snap', isready: true });
    // A template made from a volume counts against the owner's template limit, as a registered one does.
    const limit = (max: string) => admin.call('updateResourceLimit', { account: 'alice', domainid: tpl.domainid, resourcetype: '4', max }, 'POST');
    expect((await limit('2')).status).toBe(200);
    const over = await run(alice, 'createTemplate', { ...args, name: 'one-too-many', snapshotid: snap.id });
    expect(over).toMatchObject({ status: 535 });
    expect(over.error).toMatch(/^Maximum number of resources of type 'template' for account name=alice in domain id=.* has been exceeded\.$/);
    expect(body(await alice.call('listTemplates', { templatefilter: 'self', name: 'one-too-many' }), 'listTemplates')).toEqual({});
    expect((await limit('-1')).status).toBe(200);

    // Private: bob cannot deploy from it until alice shares it with him.
    const deployBob = () => run(bob, 'deployVirtualMachine', { zoneid: zoneId, templateid: tpl.id, serviceofferingid: offeringId });
    expect((await deployBob()).status).toBe(531);
    const perm = (p: Record<string, string>) => alice.call('updateTemplatePermissions', { id: tpl.id, ...p }, 'POST');
    const noOp = await perm({ accounts: 'bob' });
    expect(noOp.status).toBe(431);
    expect(body(noOp, 'updateTemplatePermissions').errortext).toMatch(/^Invalid operation on accounts, the operation must be either 'add' or 'remove'/);
    expect(body(await perm({ accounts: 'nobody', op: 'add' }), 'updateTemplatePermissions').errortext)
      .toMatch(/^Unable to grant a launch permission to account nobody in domain id=.*account not found/);
    expect(body(await perm({ isextractable: 'true' }), 'updateTemplatePermissions').errortext).toBe('Only ROOT admins are allowed to modify isExtractable attribute.');
    expect(body(await perm({ accounts: 'bob', op: 'add' }), 'updateTemplatePermissions')).toEqual({ success: true });
    const listed = body(await alice.call('listTemplatePermissions', { id: tpl.id }), 'listTemplatePermissions').templatepermission;
    expect(listed).toMatchObject({ id: tpl.id, ispublic: false, account: ['bob'] });
    expect(typeProblems('TemplatePermission', listed)).toEqual([]);
    const shared = body(await bob.call('listTemplates', { templatefilter: 'sharedexecutable' }), 'listTemplates');
    expect(shared.template.map((x: { id: string }) => x.id)).toEqual([tpl.id]);
    expect((await deployBob()).ok).toBe(true);
    expect(body(await perm({ op: 'reset' }), 'updateTemplatePermissions')).toEqual({ success: true });
    expect(body(await alice.call('listTemplatePermissions', { id: tpl.id }), 'listTemplatePermissions').templatepermission.account).toEqual([]);

    // Extract: refused while not extractable (for a user), then an HTTP URL this server serves.
    expect(await run(alice, 'extractTemplate', { id: tpl.id, mode: 'HTTP_DOWNLOAD' }))
      .toMatchObject({ status: 431, error: `Unable to extract template id=${tpl.id} as it's not extractable` });
    expect(body(await admin.call('updateTemplatePermissions', { id: tpl.id, isextractable: 'true' }, 'POST'), 'updateTemplatePermissions')).toEqual({ success: true });
    const ex = await run(alice, 'extractTemplate', { id: tpl.id, mode: 'HTTP_DOWNLOAD' });
    expect(ex.ok, ex.error).toBe(true);
    expect(ex.result.template).toMatchObject({ id: tpl.id, extractMode: 'HTTP_DOWNLOAD', state: 'DOWNLOAD_URL_CREATED', zoneid: zoneId });
    expect(typeProblems('ExtractTemplate', ex.result.template)).toEqual([]);
    expect(ex.result.template.url.startsWith(`${t.url}/userdata/`)).toBe(true);
    const got = await fetch(ex.result.template.url);
    expect(got.status).toBe(404); // a simulated image has no file (cs-kvm.test.ts downloads a real one)
    expect(await got.text()).toMatch(/no file in secondary storage/);
    expect((await fetch(ex.result.template.url.replace(/\.[0-9a-f]{32}\./, `.${'0'.repeat(32)}.`))).status).toBe(404);

    // Copy into a second zone with its own secondary storage.
    const z2 = body(await admin.call('createZone', { name: 'zone-two', networktype: 'Advanced', dns1: '8.8.8.8', internaldns1: '8.8.8.8' }, 'POST'), 'createZone').zone;
    expect(await run(alice, 'copyTemplate', { id: tpl.id })).toMatchObject({ status: 431, error: 'Please specify a valid destination zone.' });
    const copied = await run(alice, 'copyTemplate', { id: tpl.id, destzoneid: z2.id });
    expect(copied.ok, copied.error).toBe(true);
    expect(copied.result.template).toMatchObject({ id: tpl.id, zoneid: z2.id, isready: true });
    const zones = body(await alice.call('listTemplates', { templatefilter: 'self', id: tpl.id }), 'listTemplates').template.map((x: { zoneid: string }) => x.zoneid);
    expect(zones.sort()).toEqual([zoneId, z2.id].sort());
  });
});

describe('restoreVirtualMachine and resetPasswordForVirtualMachine', () => {
  it('gives a VM a new root volume from its template, the old one gone, running again', async () => {
    const vm = await deploy(alice, 'restore-me');
    const before = body(await alice.call('listVolumes', { virtualmachineid: vm.id, type: 'ROOT' }), 'listVolumes').volume[0];
    await run(alice, 'createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true', name: 'blocks-restore' });
    expect(await run(alice, 'restoreVirtualMachine', { virtualmachineid: vm.id }))
      .toMatchObject({ status: 431, error: 'Unable to restore VM, please remove VM snapshots before restoring VM' });
    const vs = body(await alice.call('listVMSnapshot', { virtualmachineid: vm.id }), 'listVMSnapshot').vmSnapshot[0];
    await run(alice, 'deleteVMSnapshot', { vmsnapshotid: vs.id });
    const r = await run(alice, 'restoreVirtualMachine', { virtualmachineid: vm.id });
    expect(r.ok, r.error).toBe(true);
    expect(r.result.virtualmachine).toMatchObject({ id: vm.id, state: 'Running', templateid: templateId });
    const after = body(await alice.call('listVolumes', { virtualmachineid: vm.id }), 'listVolumes').volume;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ type: 'ROOT', name: before.name, state: 'Ready' });
    expect(after[0].id).not.toBe(before.id);
    expect(body(await alice.call('listVolumes', { id: before.id }), 'listVolumes')).toEqual({});
  });

  it('refuses a new password unless the template is password-enabled and the VM stopped; answers it once', async () => {
    const vm = await deploy(alice, 'pw-vm');
    const had = body(await admin.call('listTemplates', { templatefilter: 'all', id: templateId }), 'listTemplates').template[0].passwordenabled;
    await admin.call('updateTemplate', { id: templateId, passwordenabled: 'false' }, 'POST');
    expect(await run(alice, 'resetPasswordForVirtualMachine', { id: vm.id })).toMatchObject({ status: 431,
      error: 'Fail to reset password for the virtual machine, the template is not password enabled' });
    await admin.call('updateTemplate', { id: templateId, passwordenabled: 'true' }, 'POST');
    try {
      expect(await run(alice, 'resetPasswordForVirtualMachine', { id: vm.id }))
        .toMatchObject({ status: 431, error: 'Vm pw-vm should be stopped to do password reset' });
      await run(alice, 'stopVirtualMachine', { id: vm.id });
      const reset = await run(alice, 'resetPasswordForVirtualMachine', { id: vm.id });
      expect(reset.result.virtualmachine.password).toMatch(/^[A-Za-z0-9]{12}$/);
      const given = await run(alice, 'resetPasswordForVirtualMachine', { id: vm.id, password: 'S3cret-pass' });
      expect(given.result.virtualmachine.password).toBe('S3cret-pass');
      const shown = body(await alice.call('listVirtualMachines', { id: vm.id }), 'listVirtualMachines').virtualmachine[0];
      expect(shown.password).toBeUndefined();
      expect(JSON.stringify(shown.details ?? {})).not.toContain('S3cret-pass');
      // The guest gets it on its config drive at the next start.
      const { configDriveFor } = await import('../vm/vm-access');
      expect((await configDriveFor(t.core.svc, vm.id))?.password).toBe('S3cret-pass');
    } finally {
      await admin.call('updateTemplate', { id: templateId, passwordenabled: String(had) }, 'POST');
    }
  });
});
