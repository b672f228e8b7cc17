// `strata agent --server URL1,URL2`: a KVM host's agent connected to server 1 moves to server 2 when server 1 goes
// away; the host is Up again, now owned by server 2 (its managementserverid), on the same database.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/harness';
import type { HostConnectSpec, HostInfo, HypervisorDriver, PowerState } from '../hypervisors/driver';
import { startAgent, type Agent } from './agent';
import type { AgentCapabilities } from './protocol';

const CAPS: AgentCapabilities = { cpus: 4, cpuMhz: 2400, memoryBytes: 8 * 2 ** 30, accelerator: 'tcg', qemuVersion: '9.9.9',
  workDir: '/nowhere', hostname: 'fake', agentVersion: '0.1.0' };
const fakeKvm = {
  hypervisor: 'KVM',
  async connectHost(spec: HostConnectSpec): Promise<HostInfo> {
    return { cpuNumber: 4, cpuSpeed: 2400, memoryBytes: 8 * 2 ** 30, hypervisorVersion: '9.9.9',
      ipAddress: new URL(spec.url).hostname, capabilities: ['hvm', 'accel:tcg'] };
  },
  async vmPowerStates() { return new Map<string, PowerState>(); },
  async shutdown() {},
};

const stopLater: { stop(): Promise<unknown> }[] = [];
afterAll(async () => { for (const s of stopLater.reverse()) await s.stop().catch(() => {}); });

async function until<T>(what: string, f: () => Promise<T>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('an agent given several servers', () => {
  it('reconnects to the next server when its server goes away; that server now owns the host', async () => {
    const agentsOpt = { heartbeatMs: 100, heartbeatTimeoutMs: 600, retryWindowMs: 1500 };
    const one: TestServer = await startTestServer({ agents: agentsOpt, cluster: { heartbeatMs: 0, cacheSyncMs: 0 } });
    const two: TestServer = await startTestServer({ db: one.db, agents: agentsOpt, cluster: { heartbeatMs: 0, cacheSyncMs: 0 } });
    stopLater.push(two);
    const call = async (t: TestServer, command: string, p: Record<string, string> = {}) =>
      t.core.dispatcher.invoke(await t.core.admin(), command, p) as Promise<any>;
    const zone = (await call(one, 'createZone', { name: 'agents', networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone;
    const pod = (await call(one, 'createPod', { zoneid: zone.id, name: 'pod' })).pod;
    const cluster = (await call(one, 'addCluster', { zoneid: zone.id, podid: pod.id, clustername: 'kvm', clustertype: 'CloudManaged', hypervisor: 'KVM' })).cluster[0];
    const added = (await call(one, 'addHost', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, hypervisor: 'KVM', url: 'agent://far' })).host[0];

    const agent: Agent = startAgent({ server: `${one.url},${two.url}`, token: added.details.agenttoken, name: 'far',
      workDir: mkdtempSync(path.join(os.tmpdir(), 'strata-agent-')), backoff: { baseMs: 20, maxMs: 100 },
      createDriver: () => fakeKvm as unknown as HypervisorDriver, capabilities: async () => CAPS });
    stopLater.push(agent);
    const hostOn = (t: TestServer) => call(t, 'listHosts', { id: added.id }).then((r) => r.host[0]);
    const first = await until('Up on server 1', async () => { const h = await hostOn(two); return h.state === 'Up' && h; });
    expect(first.managementserverid).toBe(one.core.svc.config.msId);

    await one.stop({ keepData: true });
    const moved = await until('Up on server 2', async () => {
      const h = await hostOn(two);
      return h.state === 'Up' && h.managementserverid === two.core.svc.config.msId && h;
    });
    expect(moved.managementservername).toBeTruthy();
    expect(agent.isConnected()).toBe(true);
  }, 60_000);
});
