// Unfiltered lists count the table minus removed/archived rows (counts.ts): the totals users see must still leave
// out deleted hosts, expunged volumes and archived events.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness';
import { buildLab, deployMany } from '../bench/lab';

let t: TestServer;
beforeAll(async () => { t = await startTestServer(); }, 60_000);
afterAll(() => t.stop());

async function call(command: string, params: Record<string, string> = {}): Promise<any> {
  const r = await t.core.dispatcher.invoke(await t.core.admin(), command, params) as any;
  if (r.jobid) expect(await t.core.svc.jobs.waitFor(r.jobid)).toBe(1);
  return r;
}

describe('unfiltered list counts', () => {
  it('leave out deleted hosts, expunged volumes and archived events', async () => {
    const lab = await buildLab(t.core, { hosts: 3 });
    await deployMany(t.core, lab, 4, 4);
    const vms = (await call('listVirtualMachines', { listall: 'true' })).virtualmachine;
    await call('destroyVirtualMachine', { id: vms[0].id, expunge: 'true' });
    const idle = (await call('listHosts', {})).host.find((h: { id: string }) => !vms.some((v: { hostid: string }) => v.hostid === h.id))
      ?? (await call('listHosts', {})).host[0];
    await call('deleteHost', { id: idle.id, forced: 'true' });
    const events = await call('listEvents', { listall: 'true' });
    await call('archiveEvents', { ids: events.event.slice(0, 3).map((e: { id: string }) => e.id).join(',') });

    const db = t.core.svc.db;
    const live = async (table: 'hosts' | 'volumes') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('removed', 'is', null).executeTakeFirstOrThrow()).n);
    const unarchived = Number((await db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('archived', '=', 0).executeTakeFirstOrThrow()).n);
    expect((await call('listHosts', {})).count).toBe(await live('hosts'));
    expect(await live('hosts')).toBe(2);
    expect((await call('listVolumes', { listall: 'true' })).count).toBe(await live('volumes'));
    expect(await live('volumes')).toBe(3);
    const after = await call('listEvents', { listall: 'true' });
    expect(after.count).toBe(unarchived);
    const rows = Number((await db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(unarchived).toBe(rows - 3);
  });
});
