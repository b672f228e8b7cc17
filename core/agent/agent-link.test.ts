// The agent link end to end in one process, with a scripted driver on the agent side instead of QEMU: a real
// management server (HTTP + WebSocket + SQLite), real agents over real sockets. What is checked is what an admin
// sees: host states and events, and that commands caught by disconnects are answered once or fail clearly.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness';
import { driverForHost } from '../hypervisors/registry';
import type { HostConnectSpec, HostInfo, HypervisorDriver, PowerState, VmSpec } from '../hypervisors/driver';
import { startAgent, type Agent } from './agent';
import type { AgentCapabilities } from './protocol';

const CAPS: AgentCapabilities = { cpus: 4, cpuMhz: 2400, memoryBytes: 8 * 2 ** 30, accelerator: 'tcg', qemuVersion: '9.9.9',
  workDir: '/nowhere', hostname: 'fake', agentVersion: '0.1.0' };

/** What the agent side runs: counts calls; startVm waits for `release` when gated. */
function scriptedDriver() {
  let gate: Promise<void> | null = null;
  let open = () => undefined as void;
  const d = {
    hypervisor: 'KVM',
    starts: [] as string[],
    gateStarts() { gate = new Promise<void>((r) => { open = r; }); },
    release() { open(); gate = null; },
    async connectHost(spec: HostConnectSpec): Promise<HostInfo> {
      return { cpuNumber: 4, cpuSpeed: 2400, memoryBytes: 8 * 2 ** 30, hypervisorVersion: '9.9.9',
        ipAddress: new URL(spec.url).hostname, capabilities: ['hvm', 'accel:tcg'] };
    },
    async vmPowerStates() { return new Map<string, PowerState>(); },
    async startVm(_h: string, vm: VmSpec) { d.starts.push(vm.id); if (gate) await gate; },
    vncSocket: null as string | null,
    async consoleEndpoint() { return d.vncSocket ? { vnc: { socketPath: d.vncSocket, password: 'pw-1' } } : null; },
    async shutdown() {},
  };
  return d;
}

let srv: TestServer;
let lab: { zoneid: string; podid: string; clusterid: string };
const dirs: string[] = [];
const agents: Agent[] = [];
let n = 0;

const call = async (command: string, p: Record<string, string>) => srv.core.dispatcher.invoke(await srv.core.admin(), command, p) as Promise<any>;
const hostOf = async (id: string) => (await call('listHosts', { id })).host[0];

async function until<T>(what: string, f: () => Promise<T> | T, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function addAgentHost(): Promise<{ id: string; token: string; url: string }> {
  const url = `agent://fake-${++n}`;
  const h = (await call('addHost', { ...lab, hypervisor: 'KVM', url })).host[0];
  return { id: h.id, token: h.details.agenttoken, url };
}

function agentFor(token: string, driver = scriptedDriver(), workDir?: string) {
  const dir = workDir ?? mkdtempSync(path.join(os.tmpdir(), 'sal-'));
  dirs.push(dir);
  const a = startAgent({ server: srv.url, token, name: `agent-${n}`, workDir: dir, backoff: { baseMs: 20, maxMs: 100 },
    createDriver: () => driver as unknown as HypervisorDriver, capabilities: async () => CAPS });
  agents.push(a);
  return { agent: a, driver, dir };
}

const remote = (url: string) => driverForHost(srv.core.svc.drivers, { hypervisor: 'KVM', url });
const vm = (): VmSpec => ({ id: crypto.randomUUID(), instanceName: 'i-1', cpuNumber: 1, cpuSpeed: 100, memoryMb: 96, volumes: [], details: {} });

beforeAll(async () => {
  srv = await startTestServer({ agents: { heartbeatMs: 100, heartbeatTimeoutMs: 600, retryWindowMs: 1500 } });
  const zone = (await call('createZone', { name: 'agents', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone;
  const pod = (await call('createPod', { zoneid: zone.id, name: 'pod' })).pod;
  const cluster = (await call('addCluster', { zoneid: zone.id, podid: pod.id, clustername: 'kvm', clustertype: 'CloudManaged', hypervisor: 'KVM' })).cluster[0];
  lab = { zoneid: zone.id, podid: pod.id, clusterid: cluster.id };
});

afterAll(async () => {
  for (const a of agents) await a.stop();
  await srv.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('agent link', () => {
  it('enrolls a host with a one-time token; the host is Up with its capabilities once its agent connects', async () => {
    const h = await addAgentHost();
    expect(h.token).toMatch(new RegExp(`^${h.id}\\.`));
    const listed = await hostOf(h.id);
    expect(listed).toMatchObject({ state: 'Connecting', hypervisor: 'KVM', name: `fake-${n}` });
    expect(JSON.stringify(listed)).not.toContain(h.token.split('.')[1]);
    expect(listed.details.agenttoken).toBeUndefined();
    expect(listed.details.agentSecretHash).toBeUndefined();

    agentFor(h.token);
    const up = await until('host Up', async () => { const x = await hostOf(h.id); return x.state === 'Up' && x; });
    expect(up).toMatchObject({ cpunumber: 4, cpuspeed: 2400, memorytotal: 8 * 2 ** 30, hypervisorversion: '9.9.9', ipaddress: '127.0.0.1',
      capabilities: 'hvm,accel:tcg' });
    expect(up.details).toMatchObject({ agentName: `agent-${n}`, accelerator: 'tcg', qemuVersion: '9.9.9' });
    await until('HOST.RECONNECT event', async () => ((await call('listEvents', { type: 'HOST.RECONNECT', listall: 'true' })).event ?? [])
      .some((e: { description: string }) => e.description.includes(`Host fake-${n} is Up`)));
    expect(await remote(h.url).pingHost(h.id)).toBe(true);
  });

  it('refuses a wrong token for good', async () => {
    const h = await addAgentHost();
    const { agent } = agentFor(`${h.id}.${'A'.repeat(43)}`);
    await expect(agent.finished).rejects.toThrow(/invalid agent token/);
    expect((await hostOf(h.id)).state).toBe('Connecting');
  });

  it('answers a request caught by a link cut once, after the reconnect, without running it again', async () => {
    const h = await addAgentHost();
    const { agent, driver } = agentFor(h.token);
    await until('host Up', async () => (await hostOf(h.id)).state === 'Up');
    driver.gateStarts();
    const spec = vm();
    const started = remote(h.url).startVm(h.id, spec);
    started.catch(() => undefined);
    await until('start reached the agent', () => driver.starts.length === 1);
    agent.dropLink();
    // Disconnected, then Up again once the agent is back (events tell, the state may be Up already).
    await until('disconnect event', async () => ((await call('listEvents', { type: 'HOST.UPDATE', listall: 'true' })).event ?? [])
      .some((e: { description: string }) => e.description.includes(`Host fake-${n}: the link to its agent`) && e.description.includes('-> Disconnected')));
    await until('agent back', async () => agent.isConnected() && (await hostOf(h.id)).state === 'Up');
    driver.release();
    await started;
    expect(driver.starts).toEqual([spec.id]);
  });

  it('fails a request cut by an agent restart as "outcome unknown" and does not run it again', async () => {
    const h = await addAgentHost();
    const first = agentFor(h.token);
    await until('host Up', async () => (await hostOf(h.id)).state === 'Up');
    first.driver.gateStarts();
    const started = remote(h.url).startVm(h.id, vm());
    started.catch(() => undefined);
    await until('start reached the agent', () => first.driver.starts.length === 1);
    await first.agent.stop();
    const second = agentFor(h.token, scriptedDriver(), first.dir);
    await expect(started).rejects.toThrow(/the agent restarted while it was running startVm; the command's outcome is unknown/);
    expect(second.driver.starts).toEqual([]);
    await until('host Up again', async () => (await hostOf(h.id)).state === 'Up');
  });

  it('fails a request whose agent does not come back within the retry window with 534', async () => {
    const h = await addAgentHost();
    const { agent, driver } = agentFor(h.token);
    await until('host Up', async () => (await hostOf(h.id)).state === 'Up');
    driver.gateStarts();
    const started = remote(h.url).startVm(h.id, vm());
    started.catch(() => undefined);
    await until('start reached the agent', () => driver.starts.length === 1);
    await agent.stop();
    await expect(started).rejects.toMatchObject({ errorcode: 534, message: expect.stringMatching(/did not come back within 2 s/) });
    expect((await hostOf(h.id)).state).toBe('Disconnected');
    await expect(remote(h.url).startVm(h.id, vm())).rejects.toMatchObject({ errorcode: 534, message: expect.stringMatching(/is not connected/) });
  });

  it('puts a host whose agent stops sending heartbeats in Alert', async () => {
    const h = await addAgentHost();
    const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/agent`);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', v: 1, name: 'mute', token: h.token, capabilities: CAPS }));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await until('host Alert', async () => (await hostOf(h.id)).state === 'Alert');
    expect(await closed).toBe(1006); // the server dropped the silent link
    await until('host alert', async () => ((await call('listAlerts', { type: '7' })).alert ?? [])
      .some((a: { description: string }) => a.description.includes(`fake-${n}`) && a.description.includes('no heartbeat')));
  });

  it('tunnels a VM console stream over the link, both ways, and says why when there is none', async () => {
    const h = await addAgentHost();
    const { driver, dir } = agentFor(h.token);
    await until('host Up', async () => (await hostOf(h.id)).state === 'Up');
    await expect(remote(h.url).openVncStream!(h.id, 'vm-x')).rejects.toThrow(/no VNC display/);
    // A stand-in VNC server: greets, then echoes in upper case.
    driver.vncSocket = path.join(dir, 'vnc.sock');
    const vnc = net.createServer((c) => { c.write('RFB 003.008\n'); c.on('data', (d) => c.write(d.toString().toUpperCase())); });
    await new Promise<void>((r) => vnc.listen(driver.vncSocket!, r));
    const s = (await remote(h.url).openVncStream!(h.id, 'vm-x'))!;
    expect(s.password).toBe('pw-1');
    let got = '';
    s.stream.on('data', (d: Buffer) => { got += d.toString(); });
    await until('greeting', () => got === 'RFB 003.008\n');
    s.stream.write(Buffer.from('hello'));
    await until('echo', () => got.endsWith('HELLO'));
    // Ending it here ends it on the agent's side too, and both ends let go.
    const closed = new Promise((r) => s.stream.once('close', r));
    s.stream.end();
    await closed;
    await new Promise((r) => vnc.close(r));
  });

  it('tells the agent of a deleted host, which then exits', async () => {
    const h = await addAgentHost();
    const { agent } = agentFor(h.token);
    await until('host Up', async () => (await hostOf(h.id)).state === 'Up');
    await call('deleteHost', { id: h.id, forced: 'true' });
    await expect(agent.finished).rejects.toThrow(/deleted/);
  });

  it('brings a host\'s metrics sample over the link in one request per collector tick', async () => {
    const h = await addAgentHost();
    const driver = Object.assign(scriptedDriver(), {
      samples: 0,
      async sampleHost(_h: string, vmIds: string[]) {
        driver.samples++;
        return { cpuUsedPercent: 37.5, memoryUsedBytes: 2 * 2 ** 30, load1: 1.25,
          vms: [...vmIds, 'vm-on-agent'].map((vmId) => ({ vmId, cpuUsedPercent: 80, memoryKbs: 65_536, diskReadBytes: 4096 * driver.samples,
            diskWriteBytes: 0, diskReadOps: driver.samples, diskWriteOps: 0 })) };
      },
    });
    agentFor(h.token, driver);
    await until('host Up', async () => (await hostOf(h.id)).state === 'Up');
    const before = driver.samples;
    await srv.core.metrics.collector.tick();
    expect(driver.samples - before).toBe(1);
    const store = srv.core.metrics.store;
    const now = Math.floor(Date.now() / 1000);
    const host = (await store.findSeries('host', [h.id])).get(h.id)!;
    const [p] = await store.read(host, now - 60, now + 60);
    expect(p.avg[0]).toBe(3750); // hundredths of a percent
    expect(p.avg[2]).toBe(125); // load x 100
    const vmSeries = (await store.findSeries('vm', ['vm-on-agent'])).get('vm-on-agent')!;
    expect((await store.read(vmSeries, now - 60, now + 60))[0].avg[0]).toBe(8000);
  });
});

