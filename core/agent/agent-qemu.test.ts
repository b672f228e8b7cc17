// Two KVM hosts run by real `strata agent` processes on this machine (separate work dirs, one shared primary
// storage folder), against a real management server, through the HTTP API: the hosts come Up with their
// capabilities; a VM deployed on one boots (serial shell, VNC through the console proxy), gets a data volume
// hot-plugged and snapshotted, migrates live to the other host and back, survives its agent being killed (host
// Disconnected; the restarted agent re-adopts the same QEMU process and the host is Up), reports a guest
// poweroff, and leaves no process and no volume file behind once destroyed; the template's copy in the pool goes
// once the template is deleted.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImages, GUEST_MIN_MEMORY_MB, GUEST_READY_BANNER } from '../hypervisors/qemu/guest-image';
import { isAlive, waitGone } from '../hypervisors/qemu/proc';
import { openSerial, type SerialConsole } from '../hypervisors/qemu/serial';
import { qemuInstalled, SKIP_REASON, tempDir } from '../hypervisors/qemu/test-support';
import { runningPid, vmPaths } from '../hypervisors/qemu/vm-runtime';
import { driverForHost } from '../hypervisors/registry';
import { sessionClient, startTestServer, waitJob, type TestServer } from '../testing/harness';
import { connectRfb } from '../console/ws-client';
import { buildKvmLab, job, ok, serveFiles, waitDownload, type Call, type KvmLab } from '../testing/kvm-fixtures';

if (!qemuInstalled) console.warn(`Skipping agent QEMU tests: ${SKIP_REASON}`);

const STRATA = fileURLToPath(new URL('../../bin/strata.mjs', import.meta.url));

interface AgentProc { name: string; hostId: string; url: string; token: string; workDir: string; proc: ChildProcess | null; log: string[] }

describe.skipIf(!qemuInstalled)('KVM hosts run by strata agent processes', () => {
  const tmp = tempDir('sag-');
  let t: TestServer;
  let call: Call;
  let lab: KvmLab;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let templateId = '';
  let offeringId = '';
  let diskOfferingId = '';
  const agents: AgentProc[] = [];
  const qemuPids = new Set<number>();

  function spawnAgent(a: AgentProc): void {
    const proc = spawn(process.execPath, [STRATA, 'agent', '--server', t.url, '--name', a.name, '--work-dir', a.workDir, '--accel', 'tcg'],
      { env: { ...process.env, STRATA_AGENT_TOKEN: a.token }, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d: Buffer) => a.log.push(d.toString()));
    proc.stderr!.on('data', (d: Buffer) => a.log.push(d.toString()));
    a.proc = proc;
  }

  const host = async (id: string) => (await ok(call, 'listHosts', { id })).host[0];
  const vmRow = async (id: string) => (await ok(call, 'listVirtualMachines', { id })).virtualmachine[0];
  async function until<T>(what: string, f: () => Promise<T>, ms = 30_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await f();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; agent logs:\n${agents.map((a) => a.log.join('')).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const pidOn = (a: AgentProc, vmId: string) => runningPid(vmPaths(a.workDir, vmId), vmId);
  async function serial(a: AgentProc, vmId: string): Promise<SerialConsole> {
    const driver = driverForHost(t.core.svc.drivers, { hypervisor: 'KVM', url: a.url });
    const ep = await driver.consoleEndpoint!(a.hostId, vmId);
    expect(ep?.serialSocketPath?.startsWith(a.workDir)).toBe(true);
    return openSerial(ep!.serialSocketPath!);
  }
  /** Every QEMU process on this machine whose command line names the VM. */
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

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    t = await startTestServer({ agents: { heartbeatMs: 500, heartbeatTimeoutMs: 5000, retryWindowMs: 15_000 } });
    call = (await sessionClient(t.url)).call;
    lab = await buildKvmLab(call, tmp.dir, { name: 'agents' });
    web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
    templateId = (await ok(call, 'registerTemplate', { name: 'guest', displaytext: 'guest', format: 'QCOW2', hypervisor: 'KVM',
      zoneid: lab.zoneId, url: `${web.url}/guest.qcow2`, ispublic: 'true' })).template[0].id;
    expect((await waitDownload(call, 'template', templateId)).isready).toBe(true);
    offeringId = (await ok(call, 'createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '500',
      memory: String(GUEST_MIN_MEMORY_MB) })).serviceoffering.id;
    diskOfferingId = (await ok(call, 'createDiskOffering', { name: 'data', displaytext: 'data', disksize: '1' })).diskoffering.id;
    for (const name of ['kvm-a', 'kvm-b']) {
      const url = `agent://${name}?accel=tcg`;
      const h = (await ok(call, 'addHost', { zoneid: lab.zoneId, podid: lab.podId, clusterid: lab.clusterId, hypervisor: 'KVM', url })).host[0];
      expect(h.state).toBe('Connecting');
      agents.push({ name, hostId: h.id, url, token: h.details.agenttoken, workDir: path.join(tmp.dir, name), proc: null, log: [] });
    }
    for (const a of agents) spawnAgent(a);
  }, 300_000);

  afterAll(async () => {
    for (const a of agents) a.proc?.kill('SIGKILL');
    for (const pid of qemuPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await web?.close();
    await t?.stop();
    tmp.cleanup();
  });

  // An agent is a fresh node process that loads the core's TypeScript through tsx: on a loaded 2-core machine with a
  // cold transform cache (a fresh CI clone) it takes well over 10 s to start, so its waits are generous (they end as
  // soon as the host is Up).
  const AGENT_START_MS = 120_000;

  it('brings both agent hosts Up with what their agents report', async () => {
    for (const a of agents) {
      const h = await until(`${a.name} Up`, async () => { const x = await host(a.hostId); return x.state === 'Up' && x; }, AGENT_START_MS);
      expect(h).toMatchObject({ name: a.name, hypervisor: 'KVM', ipaddress: '127.0.0.1', resourcestate: 'Enabled' });
      expect(h.cpunumber).toBeGreaterThan(0);
      expect(h.memorytotal).toBeGreaterThan(2 ** 30);
      expect(h.capabilities).toContain('accel:tcg');
      expect(h.details).toMatchObject({ agentName: a.name, accelerator: 'tcg', agentWorkDir: a.workDir });
    }
  }, 2 * AGENT_START_MS + 10_000);

  it('deploys on one agent host, migrates live to the other and back, and survives a killed agent', async () => {
    const [a, b] = agents;
    const vm = (await job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId, serviceofferingid: offeringId,
      name: 'agent-vm', hostid: a.hostId, 'details[0].stopTimeoutMs': '5000' }, 120_000)).virtualmachine;
    expect(vm).toMatchObject({ state: 'Running', hostid: a.hostId, hypervisor: 'KVM' });
    const pidA = pidOn(a, vm.id)!;
    expect(pidA).toBeGreaterThan(0);
    qemuPids.add(pidA);
    let con = await serial(a, vm.id);
    await con.waitFor(new RegExp(GUEST_READY_BANNER), 90_000);
    await con.exec('echo in-memory-$((40+2)) > /tmp/marker');
    // A data volume attached live (hot-plug through the agent) and snapshotted while the VM runs.
    const data = (await job(call, 'createVolume', { name: 'data-1', zoneid: lab.zoneId, diskofferingid: diskOfferingId })).volume;
    await job(call, 'attachVolume', { id: data.id, virtualmachineid: vm.id });
    expect(await con.exec('for i in $(seq 1 40); do [ -b /dev/vdb ] && break; sleep 0.25; done; echo hello | dd of=/dev/vdb conv=fsync 2>/dev/null; ls /dev/vdb'))
      .toContain('/dev/vdb');
    expect((await job(call, 'createSnapshot', { volumeid: data.id }, 120_000)).snapshot).toMatchObject({ state: 'BackedUp', volumeid: data.id });
    con.close();
    // The VM's VNC server (a unix socket on its host) is reached through the agent's link, for the console proxy.
    const vnc = (await driverForHost(t.core.svc.drivers, { hypervisor: 'KVM', url: a.url }).openVncStream!(a.hostId, vm.id))!;
    expect(vnc.password?.length).toBeGreaterThanOrEqual(8);
    expect(await new Promise<string>((r) => vnc.stream.once('data', (d: Buffer) => r(d.toString())))).toMatch(/^RFB 003\.00\d\n/);
    vnc.stream.destroy();
    // And through the console proxy, as a browser gets it: the VM's own ServerInit arrives over the tunnel.
    const ce = (await ok(call, 'createConsoleEndpoint', { virtualmachineid: vm.id })).consoleendpoint;
    const rfb = await connectRfb(`${t.url.replace('http', 'ws')}/console/websockify?token=${ce.websocket.token}`);
    expect(rfb.init.width).toBeGreaterThanOrEqual(640);
    expect(rfb.init.name).toContain(vm.instancename);
    rfb.ws.close();

    // To the other agent's host: findHostsForMigration offers it, the guest keeps its memory.
    const found = (await ok(call, 'findHostsForMigration', { virtualmachineid: vm.id })).host;
    expect(found).toEqual([expect.objectContaining({ id: b.hostId, suitableformigration: true })]);
    const there = (await job(call, 'migrateVirtualMachine', { virtualmachineid: vm.id, hostid: b.hostId }, 120_000)).virtualmachine;
    expect(there).toMatchObject({ state: 'Running', hostid: b.hostId });
    expect(await waitGone(pidA, 5000)).toBe(true);
    const pidB = pidOn(b, vm.id)!;
    qemuPids.add(pidB);
    con = await serial(b, vm.id);
    expect(await con.exec('cat /tmp/marker')).toContain('in-memory-42');
    expect(await con.exec('head -c 5 /dev/vdb')).toContain('hello');
    con.close();

    // And back.
    const back = (await job(call, 'migrateVirtualMachine', { virtualmachineid: vm.id, hostid: a.hostId }, 120_000)).virtualmachine;
    expect(back).toMatchObject({ state: 'Running', hostid: a.hostId });
    expect(await waitGone(pidB, 5000)).toBe(true);
    const pid = pidOn(a, vm.id)!;
    qemuPids.add(pid);

    // The agent dies: its host is Disconnected, the VM keeps running.
    a.proc!.kill('SIGKILL');
    await until('host Disconnected', async () => (await host(a.hostId)).state === 'Disconnected');
    expect(isAlive(pid)).toBe(true);
    const stopWhileDown = await call('stopVirtualMachine', { id: vm.id });
    const failed = await waitJob(call, stopWhileDown.json.stopvirtualmachineresponse.jobid, 30_000);
    expect(failed).toMatchObject({ jobstatus: 2, jobresultcode: 534 });
    expect(failed.jobresult.errortext).toMatch(/not connected/);

    // Restarted, it re-adopts the same QEMU process: the host is Up, the VM Running there with the same pid.
    spawnAgent(a);
    await until('host Up again', async () => (await host(a.hostId)).state === 'Up', AGENT_START_MS);
    expect((await vmRow(vm.id))).toMatchObject({ state: 'Running', hostid: a.hostId });
    expect(pidOn(a, vm.id)).toBe(pid);
    con = await serial(a, vm.id);
    expect(await con.exec('cat /tmp/marker')).toContain('in-memory-42');

    // The guest powers itself off: the re-adopted VM's exit is reported and the VM becomes Stopped.
    con.send('poweroff\n');
    expect(await waitGone(pid, 30_000)).toBe(true);
    con.close();
    await until('VM Stopped', async () => (await vmRow(vm.id)).state === 'Stopped');

    // Started again (on either host), stopped and destroyed through the API: no process is left.
    const again = (await job(call, 'startVirtualMachine', { id: vm.id }, 120_000)).virtualmachine;
    expect(again.state).toBe('Running');
    const owner = agents.find((x) => x.hostId === again.hostid)!;
    const pidAgain = pidOn(owner, vm.id)!;
    qemuPids.add(pidAgain);
    expect((await job(call, 'stopVirtualMachine', { id: vm.id }, 60_000)).virtualmachine.state).toBe('Stopped');
    expect(isAlive(pidAgain)).toBe(false);
    await job(call, 'destroyVirtualMachine', { id: vm.id, expunge: 'true' }, 60_000);
    await ok(call, 'deleteVolume', { id: data.id });
    await until('no qemu left', async () => qemuOf(vm.id).length === 0, 15_000);
    expect(readdirSync(lab.poolPath).filter((f) => !f.startsWith('template-'))).toEqual([]);
  }, 600_000);

  it('removes a deleted template\'s copy through an agent (only agent hosts reach it), once one is back if all were down', async () => {
    expect(readdirSync(lab.poolPath)).toEqual([`template-${templateId}.qcow2`]);
    for (const a of agents) a.proc!.kill('SIGKILL');
    for (const a of agents) await until('host Disconnected', async () => (await host(a.hostId)).state === 'Disconnected');
    await job(call, 'deleteTemplate', { id: templateId });
    await t.core.templateCopies.settled();
    expect(readdirSync(lab.poolPath)).toEqual([`template-${templateId}.qcow2`]); // no host could reach the pool
    for (const a of agents) spawnAgent(a);
    await until('copy removed once a host is back', async () => readdirSync(lab.poolPath).length === 0, AGENT_START_MS);
  }, 240_000);
});
