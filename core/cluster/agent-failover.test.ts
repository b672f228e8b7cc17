// Issue 13's real-QEMU failover: two `strata serve` processes on one MariaDB and a `strata agent` KVM host with a
// real TCG guest. The agent is connected to server 1; a deploy sent to server 2 is forwarded to it. Server 1 is
// SIGKILLed: the agent moves to server 2 (its --server list), server 2 owns the host, the guest's QEMU is the same
// process (it was never restarted, its shell still answers) and server 2 can stop and start it.
// MariaDB run only (npm run test:mysql): one guest, one run; skipped without QEMU too.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureGuestImages, GUEST_READY_BANNER } from '../hypervisors/qemu/guest-image';
import { isAlive } from '../hypervisors/qemu/proc';
import { openSerial } from '../hypervisors/qemu/serial';
import { qemuInstalled, SKIP_REASON, tempDir } from '../hypervisors/qemu/test-support';
import { runningPid, vmPaths } from '../hypervisors/qemu/vm-runtime';
import { sessionClient, startTestServer } from '../testing/harness';
import { connectRfb, rfbMsg } from '../console/ws-client';
import { buildKvmLab, guestTemplateAndOffering, job, ok, serveFiles } from '../testing/kvm-fixtures';
import { killServedProcesses, serveProcess, until } from '../testing/serve-process';
import { testDatabaseUrl, testMysqlRoot } from '../testing/test-db';

const STRATA = fileURLToPath(new URL('../../bin/strata.mjs', import.meta.url));
const why = !qemuInstalled ? SKIP_REASON : !testMysqlRoot() ? 'needs MariaDB: runs in npm run test:mysql' : '';

/** QEMU processes on this machine whose command line names the VM. */
function qemuOf(vmId: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.startsWith('qemu-system') && cmd.includes(vmId)) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

const tmp = tempDir('saf-');
let agent: ChildProcess | undefined;
let vmId = '';
afterAll(() => {
  agent?.kill('SIGKILL');
  killServedProcesses();
  for (const pid of vmId ? qemuOf(vmId) : []) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  tmp.cleanup();
});

describe.skipIf(!!why)(`a KVM agent host when the server it is connected to dies${why ? ` (skipped: ${why})` : ''}`, () => {
  it('moves to the other server; its guest keeps running and stays manageable there', async () => {
    const t0 = Date.now();
    const phases: Record<string, number> = {};
    const phase = (name: string) => { phases[name] = Date.now() - t0; };
    // The lab (zone, KVM cluster, pool, image store, the guest template) is made by a server that then stops.
    const db = await testDatabaseUrl(join(tmp.dir, 'strata.db'));
    const seeder = await startTestServer({ dataDir: join(tmp.dir, 'seed'), db });
    const seedCall = (await sessionClient(seeder.url)).call;
    const lab = await buildKvmLab(seedCall, tmp.dir, { name: 'af' });
    const web = await serveFiles({ '/guest.qcow2': { file: (await ensureGuestImages()).qcow2 } });
    const { templateId, offeringId } = await guestTemplateAndOffering(seedCall, lab.zoneId, web.url);
    await web.close();
    const added = (await ok(seedCall, 'addHost', { zoneid: lab.zoneId, podid: lab.podId, clusterid: lab.clusterId,
      hypervisor: 'KVM', url: 'agent://kvm-f?accel=tcg' })).host[0];
    await seeder.stop({ keepData: true });
    phase('seeded');

    // Down after 5 s of silence: a loaded machine can stall a live server for a second or two.
    const timing = { STRATA_MS_HEARTBEAT_MS: '300', STRATA_MS_DOWN_AFTER_MS: '5000' };
    const [one, two] = await Promise.all([serveProcess(db, timing), serveProcess(db, timing)]);
    const onTwo = (await sessionClient(two.url)).call;
    const servers = await until('two servers Up', async () => {
      const l = (await ok(onTwo, 'listManagementServers')).managementserver as any[];
      return l.filter((m) => m.state === 'Up').length === 2 && l;
    });
    const workDir = join(tmp.dir, 'agent');
    agent = spawn(process.execPath, [STRATA, 'agent', '--server', `${one.url},${two.url}`, '--name', 'kvm-f', '--work-dir', workDir,
      '--accel', 'tcg'], { env: { ...process.env, STRATA_AGENT_TOKEN: added.details.agenttoken }, stdio: ['ignore', 'ignore', 'pipe'] });
    const host = async () => (await ok(onTwo, 'listHosts', { id: added.id })).host[0];
    const first = await until('the host Up', async () => { const h = await host(); return h.state === 'Up' && h; }, 60_000);
    phase('agent up');
    const idTwo = servers.find((m) => m.id !== first.managementserverid && m.state === 'Up').id;

    // Server 2 does not hold the agent link: its deploy is forwarded to server 1.
    const deployed = await job(onTwo, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId, serviceofferingid: offeringId,
      name: 'survivor', hostid: added.id }, 120_000);
    vmId = deployed.virtualmachine.id;
    expect(deployed.virtualmachine).toMatchObject({ state: 'Running', hostid: added.id });
    const paths = vmPaths(workDir, vmId);
    const con = await openSerial(paths.serial);
    await con.waitFor(new RegExp(GUEST_READY_BANNER), 90_000);
    await con.exec('echo before > /tmp/mark');
    con.close();
    phase('guest booted');
    const pid = runningPid(paths, vmId);
    expect(pid).toBeGreaterThan(0);
    // A console opened through server 2, which does not hold the agent link: the proxy there reaches the VM's VNC
    // server through server 1 (before, it failed: server 2's agent hub has no link to this host).
    const ce = (await ok(onTwo, 'createConsoleEndpoint', { virtualmachineid: vmId })).consoleendpoint;
    expect(String(ce.websocket.port)).toBe(new URL(two.url).port);
    const rfb = await connectRfb(`${two.url.replace('http', 'ws')}/console/websockify?token=${ce.websocket.token}`);
    expect(rfb.init.name).toContain(deployed.virtualmachine.instancename);
    rfb.send(rfbMsg.updateRequest(false, rfb.init.width, rfb.init.height));
    expect((await rfb.queue.read(4))[0]).toBe(0); // a FramebufferUpdate: bytes flow both ways through the relay
    rfb.ws.close();
    phase('console through server 2');

    one.proc.kill('SIGKILL');
    const moved = await until('the host Up under server 2', async () => {
      const h = await host();
      return h.state === 'Up' && h.managementserverid === idTwo && h;
    }, 60_000);
    phase('taken over');
    expect(moved.managementserverid).toBe(idTwo);
    // Re-adopted, not restarted: the same QEMU, the guest's state (the file written before) intact.
    expect((await ok(onTwo, 'listVirtualMachines', { id: vmId })).virtualmachine[0]).toMatchObject({ state: 'Running', hostid: added.id });
    expect(qemuOf(vmId)).toEqual([pid]);
    const again = await openSerial(paths.serial);
    expect(await again.exec('cat /tmp/mark')).toMatch(/before/);
    again.close();

    // Manageable from the survivor: stop ends the QEMU, start brings the guest back.
    expect((await job(onTwo, 'stopVirtualMachine', { id: vmId }, 60_000)).virtualmachine.state).toBe('Stopped');
    await until('its QEMU gone', async () => qemuOf(vmId).length === 0, 15_000);
    expect((await job(onTwo, 'startVirtualMachine', { id: vmId }, 60_000)).virtualmachine.state).toBe('Running');
    expect(qemuOf(vmId)).toHaveLength(1);
    const pending = (await ok(onTwo, 'listAsyncJobs', { listall: 'true' })).asyncjobs as any[];
    expect(pending.filter((j) => j.jobstatus === 0)).toEqual([]);
    phase('stopped and started');
    console.log(`agent failover phases (ms since start): ${JSON.stringify(phases)}`);
  }, 300_000);
});
