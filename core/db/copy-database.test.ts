// `strata db migrate`: a lab made on one database (SQLite, as a laptop has it) is copied to another (a new SQLite
// file here, a real MariaDB under `npm run test:mysql`) and a server started on the copy shows the same cloud.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoLab, seedDemoVms } from '../demo';
import { startTestServer } from '../testing/harness';
import { testDatabaseUrl } from '../testing/test-db';
import { copyDatabase } from './copy-database';
import { usageDrift } from './account-usage';
import { createHostMonitor } from '../hosts/host-monitor';

describe('strata db migrate', () => {
  it('copies every table with its ids; a server on the copy lists the same VMs, hosts and users, and the target must be empty', async () => {
    const src = await startTestServer({ db: join(mkdtempSync(join(tmpdir(), 'strata-from-')), 'strata.db') });
    const admin = await src.core.admin();
    const call = (c: string, p: Record<string, string> = {}) => src.core.dispatcher.invoke(admin, c, p) as Promise<any>;
    const { zoneId } = await seedDemoLab(src.core);
    await seedDemoVms(src.core, zoneId);
    const vms = (await call('listVirtualMachines', { listall: 'true' })).virtualmachine.map((v: any) => [v.id, v.instancename, v.state]).sort();
    const users = (await call('listUsers', { listall: 'true' })).user.map((u: any) => u.id).sort();
    const capacity = (await call('listCapacity')).capacity;
    // The account usage rows (a row of zeros is the same as none: the copy's recount writes one for every account).
    const usageOf = async (db: typeof src.core.svc.db) => (await db.selectFrom('account_usage').selectAll().orderBy('account_id').execute())
      .filter((r) => r.user_vm || r.cpu || r.memory || r.volume || r.primary_storage);
    const usage = await usageOf(src.core.svc.db);
    await src.stop({ keepData: true });

    const to = await testDatabaseUrl(join(mkdtempSync(join(tmpdir(), 'strata-to-')), 'strata.db'));
    const report = await copyDatabase(src.db, to);
    expect(report.tables.find((t) => t.name === 'vms')?.rows).toBe(22);
    await expect(copyDatabase(src.db, to)).rejects.toThrow(/target database is not empty/);

    // As after any restart, the simulator learns its hosts again when the host monitor reconnects them: one round
    // of it, run here before the deploy (a timer and a fixed 1 s wait could leave hosts unknown on a busy machine).
    const copy = await startTestServer({ db: to });
    try {
      const a2 = await copy.core.admin();
      const call2 = (c: string, p: Record<string, string> = {}) => copy.core.dispatcher.invoke(a2, c, p) as Promise<any>;
      expect((await call2('listVirtualMachines', { listall: 'true' })).virtualmachine.map((v: any) => [v.id, v.instancename, v.state]).sort()).toEqual(vms);
      expect((await call2('listUsers', { listall: 'true' })).user.map((u: any) => u.id).sort()).toEqual(users);
      expect((await call2('listHosts', { zoneid: zoneId, type: 'Routing' })).count).toBe(16);
      // The per-cluster capacity rows are rebuilt from the copied hosts by the target's triggers, not copied on top.
      expect((await call2('listCapacity')).capacity).toEqual(capacity);
      // So are the account usage rows the limits read (from the copied VMs and volumes).
      expect(await usageOf(copy.core.svc.db)).toEqual(usage);
      expect(await usageDrift(copy.core.svc.db)).toEqual([]);
      // The copy keeps counting where the source stopped: a new VM gets a name no copied VM has.
      const names = new Set(vms.map((v: string[]) => v[1]));
      const so = (await call2('listServiceOfferings')).serviceoffering[0];
      const tpl = (await call2('listTemplates', { templatefilter: 'all', zoneid: zoneId })).template[0];
      await createHostMonitor(copy.core.svc, { intervalMs: 1_000 }).tick();
      const r = await call2('deployVirtualMachine', { zoneid: zoneId, serviceofferingid: so.id, templateid: tpl.id, name: 'after-copy' });
      const status = await copy.core.svc.jobs.waitFor(r.jobid);
      expect(status, JSON.stringify(await call2('queryAsyncJobResult', { jobid: r.jobid }))).toBe(1);
      const created = (await call2('listVirtualMachines', { name: 'after-copy' })).virtualmachine[0];
      expect(names.has(created.instancename)).toBe(false);
    } finally {
      await copy.stop();
    }
  }, 120_000);
});
