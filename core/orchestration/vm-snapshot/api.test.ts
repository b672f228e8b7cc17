// VM snapshots over HTTP on simulator VMs, as automation drives them: CloudStack's states, fields and types,
// names, the chain (parent, current), its refusals (memory of a stopped VM, reverts that would change the VM's
// power state, deleting while busy), and nobody else's snapshots visible. Real QEMU: vm-snapshot-qemu.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoLab } from '../../demo';
import { ensureBuiltinTemplate } from '../../catalog/index';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../../testing/harness';
import { typeProblems } from '../../testing/response-kinds';

type Client = Awaited<ReturnType<typeof sessionClient>>;
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
  t = await startTestServer();
  ({ zoneId } = await seedDemoLab(t.core));
  templateId = await ensureBuiltinTemplate(t.core.svc, zoneId);
  admin = await sessionClient(t.url);
  for (const u of ['alice', 'bob']) {
    await admin.call('createAccount', { username: u, password: `pw-${u}-1`, email: `${u}@example.org`, firstname: u, lastname: 'L', accounttype: '0' }, 'POST');
  }
  alice = await sessionClient(t.url, 'alice', 'pw-alice-1');
  bob = await sessionClient(t.url, 'bob', 'pw-bob-1');
  offeringId = body(await alice.call('listServiceOfferings', { name: 'Small Instance' }), 'listServiceOfferings').serviceoffering[0].id;
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

  it('caps the snapshots of a VM at vmsnapshot.max', async () => {
    const vm = await deploy(alice, 'cap-vm');
    await admin.call('updateConfiguration', { name: 'vmsnapshot.max', value: '1' }, 'POST');
    try {
      expect((await run(alice, 'createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true' })).ok).toBe(true);
      const over = await run(alice, 'createVMSnapshot', { virtualmachineid: vm.id, snapshotmemory: 'true', name: 'two' });
      expect(over).toMatchObject({ status: 530, error: 'Creating vm snapshot failed due to a VM can just have : 1 VM snapshots. Please delete old ones' });
    } finally {
      await admin.call('resetConfiguration', { name: 'vmsnapshot.max' }, 'POST');
    }
  });
});
