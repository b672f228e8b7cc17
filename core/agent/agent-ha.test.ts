// Maintenance and HA with real parts: two KVM hosts run by `strata agent` processes on loopback addresses
// (127.0.0.1 and 127.0.0.2), one shared primary storage folder, real QEMU guests under TCG, a real management
// server. Each agent reaches the server through a TCP relay the test can cut, so "only the agent link is gone"
// is a real cut link while the agent, its QEMU and its storage heartbeat go on.
//   1. prepareHostForMaintenance moves the running VMs off host A; a counter in the guest's shell keeps counting
//      across the move (read on the serial console on host B); cancel returns A to Enabled.
//   2. B's link is cut: B goes to Alert, its heartbeat is fresh, nothing is restarted (the VMs still run there).
//   3. B's agent and its QEMU are killed (-9): B is declared Down, the HA VM runs again on A (one QEMU only), the
//      other VM is Stopped.
//   4. The HA VM's QEMU is killed on its healthy host: it is started again, with an HA event.
// Not in the MariaDB run (it tests agents and QEMU, not SQL): it sits in core/agent.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImages, GUEST_MIN_MEMORY_MB, GUEST_READY_BANNER } from '../hypervisors/qemu/guest-image';
import { isAlive } from '../hypervisors/qemu/proc';
import { openSerial, type SerialConsole } from '../hypervisors/qemu/serial';
import { qemuInstalled, SKIP_REASON, tempDir } from '../hypervisors/qemu/test-support';
import { runningPid, vmPaths } from '../hypervisors/qemu/vm-runtime';
import { driverForHost } from '../hypervisors/registry';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { buildKvmLab, job, ok, serveFiles, waitDownload, type Call, type KvmLab } from '../testing/kvm-fixtures';

if (!qemuInstalled) console.warn(`Skipping HA agent tests: ${SKIP_REASON}`);

const STRATA = fileURLToPath(new URL('../../bin/strata.mjs', import.meta.url));

interface Relay { url: string; cut(): void; close(): Promise<void> }
/** A TCP relay from `address`:random port to the server; cut() drops every connection and refuses new ones. */
async function relay(address: string, target: URL): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((c) => {
    const up = net.connect(Number(target.port), target.hostname);
    for (const s of [c, up]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => s.destroy()); }
    c.pipe(up).pipe(c);
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => { server.close(); for (const s of sockets) s.destroy(); };
  return { url: `http://${address}:${port}`, cut, close: () => new Promise((r) => { cut(); r(); }) };
}

interface AgentProc { name: string; address: string; hostId: string; url: string; token: string; workDir: string; proc: ChildProcess | null; log: string[]; relay: Relay | null }

describe.skipIf(!qemuInstalled)('maintenance and HA with two strata agent hosts', () => {
  const tmp = tempDir('sha-');
  let t: TestServer;
  let call: Call;
  let lab: KvmLab;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  const agents: AgentProc[] = [];
  const vms: { ha: string; plain: string } = { ha: '', plain: '' };

  const host = async (id: string) => (await ok(call, 'listHosts', { id })).host[0];
  const vmRow = async (id: string) => (await ok(call, 'listVirtualMachines', { id })).virtualmachine[0];
  async function until<T>(what: string, f: () => Promise<T>, ms = 30_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await f();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; agent logs:\n${agents.map((a) => a.log.join('').slice(-3000)).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const pidOn = (a: AgentProc, vmId: string) => runningPid(vmPaths(a.workDir, vmId), vmId);
  async function serial(a: AgentProc, vmId: string): Promise<SerialConsole> {
    const ep = await driverForHost(t.core.svc.drivers, { hypervisor: 'KVM', url: a.url }).consoleEndpoint!(a.hostId, vmId);
    return openSerial(ep!.serialSocketPath!);
  }
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
  const events = async (type: string) => ((await ok(call, 'listEvents', { type, listall: 'true' })).event ?? []) as { description: string; level: string }[];

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    // Fast clocks: pings every 500 ms (Alert after 1.25 s of silence), storage heartbeats every 300 ms, stale after 2 s.
    t = await startTestServer({ hostPingIntervalMs: 500, agents: { heartbeatMs: 500, heartbeatTimeoutMs: 5000, retryWindowMs: 15_000 },
      settings: { 'kvm.heartbeat.update.interval': '0.3', 'kvm.heartbeat.timeout': '2' } });
    call = (await sessionClient(t.url)).call;
    lab = await buildKvmLab(call, tmp.dir, { name: 'ha' });
    web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
    const templateId = (await ok(call, 'registerTemplate', { name: 'guest', displaytext: 'guest', format: 'QCOW2', hypervisor: 'KVM',
      zoneid: lab.zoneId, url: `${web.url}/guest.qcow2`, ispublic: 'true' })).template[0].id;
    expect((await waitDownload(call, 'template', templateId)).isready).toBe(true);
    const offering = async (name: string, offerha: string) => (await ok(call, 'createServiceOffering', { name, displaytext: name,
      cpunumber: '1', cpuspeed: '500', memory: String(GUEST_MIN_MEMORY_MB), offerha })).serviceoffering.id as string;
    const [haOffering, plainOffering] = [await offering('tiny-ha', 'true'), await offering('tiny', 'false')];
    for (const [name, address] of [['kvm-a', '127.0.0.1'], ['kvm-b', '127.0.0.2']]) {
      const url = `agent://${name}?accel=tcg`;
      const h = (await ok(call, 'addHost', { zoneid: lab.zoneId, podid: lab.podId, clusterid: lab.clusterId, hypervisor: 'KVM', url })).host[0];
      const a: AgentProc = { name, address, hostId: h.id, url, token: h.details.agenttoken, workDir: path.join(tmp.dir, name), proc: null, log: [],
        relay: await relay(address, new URL(t.url)) };
      a.proc = spawn(process.execPath, [STRATA, 'agent', '--server', a.relay!.url, '--name', name, '--work-dir', a.workDir, '--accel', 'tcg',
        '--address', address], { env: { ...process.env, STRATA_AGENT_TOKEN: a.token }, stdio: ['ignore', 'pipe', 'pipe'] });
      a.proc.stdout!.on('data', (d: Buffer) => a.log.push(d.toString()));
      a.proc.stderr!.on('data', (d: Buffer) => a.log.push(d.toString()));
      agents.push(a);
    }
    for (const a of agents) await until(`${a.name} Up`, async () => (await host(a.hostId)).state === 'Up', 120_000);
    const deploy = (name: string, so: string) => job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId,
      serviceofferingid: so, name, hostid: agents[0].hostId }, 120_000);
    const [ha, plain] = await Promise.all([deploy('ha-vm', haOffering), deploy('plain-vm', plainOffering)]);
    vms.ha = ha.virtualmachine.id;
    vms.plain = plain.virtualmachine.id;
    expect(ha.virtualmachine.haenable).toBe(true);
  }, 300_000);

  afterAll(async () => {
    for (const a of agents) { a.proc?.kill('SIGKILL'); await a.relay?.close(); }
    for (const id of [vms.ha, vms.plain]) for (const pid of id ? qemuOf(id) : []) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await web?.close();
    await t?.stop();
    tmp.cleanup();
  });

  it('maintenance moves the running VMs off a host and the guest keeps counting', async () => {
    const [a, b] = agents;
    const con = await serial(a, vms.ha);
    await con.waitFor(new RegExp(GUEST_READY_BANNER), 90_000);
    await con.exec('{ (i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done) >/dev/null 2>&1 & }');
    // The loop runs in the background: its first write may come after the next command (a slow TCG guest).
    const count = async () => Number((await con.exec('cat /tmp/count 2>/dev/null')).match(/^(\d+)\s*$/m)?.[1] ?? 0);
    const before = await until('the guest counter to start', async () => await count(), 20_000);
    con.close();
    expect(before).toBeGreaterThan(0);
    const r = await job(call, 'prepareHostForMaintenance', { id: a.hostId }, 120_000);
    expect(r.host.resourcestate).toBe('Maintenance');
    for (const id of [vms.ha, vms.plain]) expect(await vmRow(id)).toMatchObject({ state: 'Running', hostid: b.hostId });
    const there = await serial(b, vms.ha);
    const read = async () => Number((await there.exec('cat /tmp/count')).match(/^(\d+)\s*$/m)?.[1]);
    const first = await read();
    const second = await until('the counter to go on', async () => { const n = await read(); return n > first && n; }, 10_000);
    there.close();
    expect(first).toBeGreaterThan(before);
    expect(second).toBeGreaterThan(first);
    expect(qemuOf(vms.ha)).toHaveLength(1);
    // QEMU's figures for each move (the source agent logs them): README, Performance.
    for (const line of a.log.join('').split('\n').filter((l) => l.includes('migrated in'))) console.log(`maintenance: ${JSON.parse(line).msg}`);
    expect((await job(call, 'cancelHostMaintenance', { id: a.hostId })).host.resourcestate).toBe('Enabled');
  }, 180_000);

  it('a cut agent link with a live storage heartbeat restarts nothing; killing the host restarts its HA VM elsewhere', async () => {
    const [a, b] = agents;
    const pids = [pidOn(b, vms.ha)!, pidOn(b, vms.plain)!];
    b.relay!.cut();
    await until('host B in Alert', async () => (await host(b.hostId)).state === 'Alert', 60_000).catch(async (e: Error) => {
      throw new Error(`${e.message.slice(0, 300)}\nB: ${JSON.stringify(await host(b.hostId)).slice(0, 400)}\n${JSON.stringify(await events('HA.STATE.TRANSITION'))}\n${JSON.stringify((await ok(call, 'listEvents', { listall: 'true', page: '1', pagesize: '15' })).event.map((x: any) => x.description))}`);
    });
    await until('the investigation to find B alive', async () => (await events('HA.STATE.TRANSITION'))
      .some((e) => /kvm-b is not responding but cannot be confirmed Down .*only its agent link is gone/.test(e.description)), 60_000);
    // Past the heartbeat timeout, a few more investigations: still nothing restarted.
    const until2s = Date.now() + 2500;
    while (Date.now() < until2s) await t.core.ha.tick();
    expect((await host(b.hostId)).state).toBe('Alert');
    for (const id of [vms.ha, vms.plain]) expect(await vmRow(id)).toMatchObject({ state: 'Running', hostid: b.hostId });
    expect(pids.every(isAlive)).toBe(true);
    expect((await host(b.hostId)).hostha).toMatchObject({ haenable: false, hastate: 'Disabled' });

    // Now the host dies for real: its agent and its QEMU processes.
    b.proc!.kill('SIGKILL');
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const t0 = Date.now();
    await until('host B Down', async () => (await host(b.hostId)).state === 'Down', 60_000);
    const ran = await until('the HA VM Running on A', async () => { const v = await vmRow(vms.ha); return v.state === 'Running' && v; }, 60_000);
    console.log(`HA: host killed -> HA VM Running on the other host in ${Date.now() - t0} ms`);
    expect(ran.hostid).toBe(a.hostId);
    expect(await vmRow(vms.plain)).toMatchObject({ state: 'Stopped' });
    expect(qemuOf(vms.ha)).toEqual([pidOn(a, vms.ha)]);
    expect(qemuOf(vms.plain)).toEqual([]);
    const down = (await events('HA.STATE.TRANSITION')).find((e) => /kvm-b is Down: its agent link is gone and its storage heartbeat stopped/.test(e.description));
    expect(down?.level).toBe('ERROR');
    // The restart's event and the alert are written after the VM row turns Running: wait for them, not one read.
    await until('the restart event', async () => (await events('HA.VM.RESTART'))
      .some((e) => /HA: VM ha-vm runs again on host kvm-a/.test(e.description)), 30_000);
    await until('the alert of the stopped VM', async () => (((await ok(call, 'listAlerts', {})).alert ?? []) as { description: string }[])
      .some((x) => /1 VM\(s\) without HA are Stopped: plain-vm/.test(x.description)), 30_000);

    // Its QEMU dies on a healthy host: the agent reports it, the VM is started again.
    const pid = pidOn(a, vms.ha)!;
    process.kill(pid, 'SIGKILL');
    await until('the HA VM restarted after its QEMU died', async () => {
      const now = pidOn(a, vms.ha);
      return now !== null && now !== pid && (await vmRow(vms.ha)).state === 'Running';
    }, 60_000);
    expect((await events('HA.VM.RESTART')).map((e) => e.description).join('\n'))
      .toMatch(/HA: restarting VM ha-vm: its process exited on host kvm-a without a stop request/);
  }, 240_000);
});
