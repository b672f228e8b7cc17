import { describe, it, expect } from 'vitest';
import { createSimulatorDriver } from './index';
import { parseSimulatorUrl } from './host-config';
import { createDriverRegistry } from '../registry';
import { ApiError } from '../../kernel/errors';
import type { VmSpec, VolumeSpec } from '../driver';
import { SimWorkload } from './workload';

const vm = (id: string): VmSpec => ({ id, instanceName: `i-${id}`, cpuNumber: 2, cpuSpeed: 1000, memoryMb: 1024, volumes: [], details: {} });
const vol = (id: string): VolumeSpec => ({ id, type: 'ROOT', sizeBytes: 10 * 2 ** 30, poolId: 'p', poolPath: '/pool', path: null, deviceId: 0 });
const connect = (d: ReturnType<typeof createSimulatorDriver>, hostId: string, url: string) =>
  d.connectHost({ hostId, name: hostId, url, details: {} });

describe('simulator host configuration', () => {
  it('reads capacity from the url and defaults to 16 cores, 2000 MHz, 64 GiB', async () => {
    const d = createSimulatorDriver();
    const info = await connect(d, 'h1', 'http://sim-host-1/?cpunumber=32&cpuspeed=2400&memory=131072');
    expect(info).toMatchObject({ cpuNumber: 32, cpuSpeed: 2400, memoryBytes: 131072 * 2 ** 20, ipAddress: 'sim-host-1' });
    const dflt = await connect(d, 'h2', 'http://sim-host-2');
    expect(dflt).toMatchObject({ cpuNumber: 16, cpuSpeed: 2000, memoryBytes: 64 * 2 ** 30 });
  });

  it('rejects nonsense values with a readable error', () => {
    expect(() => parseSimulatorUrl('http://h/?cpunumber=abc')).toThrow(/cpunumber must be a positive integer/);
    expect(() => parseSimulatorUrl('http://h/?fail=startVm:2')).toThrow(/probability/);
    expect(parseSimulatorUrl('http://h/?fail=startVm:0.1,createVolume:1').fail).toEqual(new Map([['startVm', 0.1], ['createVolume', 1]]));
  });
});

describe('simulator VMs', () => {
  it('tracks power states per host through start, stop, migrate and destroy', async () => {
    const d = createSimulatorDriver();
    await connect(d, 'h1', 'http://a');
    await connect(d, 'h2', 'http://b');
    await d.startVm('h1', vm('v1'));
    await d.startVm('h1', vm('v2'));
    await d.startVm('h1', vm('v1')); // idempotent
    await d.stopVm('h1', 'v2', { forced: false });
    expect([...(await d.vmPowerStates('h1'))]).toEqual([['v1', 'PowerOn'], ['v2', 'PowerOff']]);
    await d.migrateVm('h1', 'h2', 'v1');
    expect((await d.vmPowerStates('h2')).get('v1')).toBe('PowerOn');
    expect((await d.vmPowerStates('h1')).has('v1')).toBe(false);
    await d.destroyVm('h1', 'v2');
    await d.destroyVm('h1', 'v2'); // idempotent
    expect(d.vmCount()).toBe(1);
    expect((await d.hostStats('h2')).memoryUsedBytes).toBe(1024 * 2 ** 20);
  });

  it('applies the configured latency to VM and volume operations', async () => {
    const d = createSimulatorDriver();
    await connect(d, 'h1', 'http://a/?latency=40');
    const t0 = performance.now();
    await d.startVm('h1', vm('v1'));
    await d.createVolume('h1', vol('x'));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
    const t1 = performance.now();
    await d.pingHost('h1'); // not a VM or volume operation
    expect(performance.now() - t1).toBeLessThan(30);
  });

  it('injects failures by method name with the given probability', async () => {
    let r = 0.5;
    const d = createSimulatorDriver({ random: () => r });
    await connect(d, 'h1', 'http://a/?fail=startVm:0.1,createVolume:1');
    await expect(d.createVolume('h1', vol('x'))).rejects.toThrow(/injected failure of createVolume/);
    await d.startVm('h1', vm('v1')); // 0.5 >= 0.1: passes
    r = 0.05;
    await expect(d.startVm('h1', vm('v2'))).rejects.toThrow(/injected/);
    await d.stopVm('h1', 'v1', { forced: true }); // methods not named never fail
  });

  it('a powered-off host does not answer pings and refuses work until it is back', async () => {
    const d = createSimulatorDriver();
    await connect(d, 'h1', 'http://a');
    await d.startVm('h1', vm('v1'));
    expect(await d.pingHost('h1')).toBe(true);
    d.setHostDown('h1', true);
    expect(await d.pingHost('h1')).toBe(false);
    await expect(d.startVm('h1', vm('v2'))).rejects.toThrow(/unreachable/);
    await expect(connect(d, 'h1', 'http://a')).rejects.toThrow(/powered off/);
    d.setHostDown('h1', false);
    expect(await d.pingHost('h1')).toBe(true);
    expect((await d.vmPowerStates('h1')).get('v1')).toBe('PowerOn');
  });

  it('after a restart knows nothing until the core adopts the running VMs', async () => {
    const d = createSimulatorDriver(); // a fresh process
    expect(await d.pingHost('h1')).toBe(false);
    expect((await d.vmPowerStates('h1')).size).toBe(0);
    d.adopt('h1', ['v1', 'v2']);
    await connect(d, 'h1', 'http://a');
    expect([...(await d.vmPowerStates('h1')).values()]).toEqual(['PowerOn', 'PowerOn']);
    await d.stopVm('h1', 'v1', { forced: false });
    d.adopt('h1', ['v1']); // merge: known VMs keep their state
    expect((await d.vmPowerStates('h1')).get('v1')).toBe('PowerOff');
  });

  it('keeps 100,000 VMs on 10,000 hosts cheaply', async () => {
    const d = createSimulatorDriver();
    for (let h = 0; h < 10_000; h++) await connect(d, `h${h}`, `http://h${h}`);
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) await d.startVm(`h${i % 10_000}`, vm(`v${i}`));
    expect(d.vmCount()).toBe(100_000);
    expect((await d.vmPowerStates('h7')).size).toBe(10);
    // Generous bound: a few hundred bytes per VM, not kilobytes.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(100 * 2 ** 20);
  });
});

describe('simulated workload', () => {
  it('keeps counters per VM and volume: a forgotten VM and a volume moved to another VM start again from zero', () => {
    const w = new SimWorkload();
    const t0 = 1_800_000_000;
    w.sample('vm-a', t0, 512, ['root-a', 'data-1']);
    w.sample('vm-b', t0, 512, ['root-b']);
    const a1 = w.sample('vm-a', t0 + 60, 512, ['root-a', 'data-1']);
    const b1 = w.sample('vm-b', t0 + 60, 512, ['root-b']);
    expect(a1.diskReadBytes).toBeGreaterThan(0);
    // Root takes 3 shares of 4, the data volume 1: their counters add up to the VM's.
    const [root, data] = a1.volumes!;
    expect(root.readBytes + data.readBytes).toBeCloseTo(a1.diskReadBytes, -1);
    expect(root.readBytes).toBeCloseTo(3 * data.readBytes, -1);
    // data-1 moves to vm-b: counted from zero there (its quarter of vm-b's last 10 s), vm-a's own counters go on.
    const b = w.sample('vm-b', t0 + 70, 512, ['root-b', 'data-1']);
    expect(b.volumes![1].readBytes).toBeCloseTo((b.diskReadBytes - b1.diskReadBytes) / 4, -1);
    const a2 = w.sample('vm-a', t0 + 70, 512, ['root-a']);
    expect(a2.diskReadBytes).toBeGreaterThan(a1.diskReadBytes);
    // Forgetting vm-a (stopped) and many others: a VM sampled again starts from zero, vm-b keeps its counters.
    w.forget('vm-a');
    for (let i = 0; i < 3000; i++) { w.sample(`vm-${i}`, t0, 256, [`vol-${i}`]); w.forget(`vm-${i}`); }
    expect(w.sample('vm-a', t0 + 80, 512, ['root-a']).diskReadBytes).toBe(0);
    const b2 = w.sample('vm-b', t0 + 80, 512, ['root-b', 'data-1']);
    expect(b2.diskReadBytes).toBeGreaterThan(b.diskReadBytes);
    expect(b2.volumes![1].readBytes).toBeGreaterThan(0);
  });

  it('never reports more memory in use than a small VM has', () => {
    const w = new SimWorkload();
    for (let i = 0; i < 200; i++) expect(w.sample(`vm-${i}`, 1_800_000_000 + i * 977, 128).memoryKbs).toBeLessThanOrEqual(128 * 1024);
  });
});

describe('driver registry', () => {
  it('finds drivers case-insensitively and refuses unknown hypervisors with 431', () => {
    const reg = createDriverRegistry([createSimulatorDriver()]);
    expect(reg.get('simulator').hypervisor).toBe('Simulator');
    expect(reg.supported()).toEqual(['Simulator']);
    try {
      reg.get('XenServer');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).errorcode).toBe(431);
      expect((e as ApiError).message).toBe('Hypervisor type XenServer is not supported');
    }
  });
});

describe('simulated VM usage', () => {
  it('never reports more memory in use than the VM was given, however small', async () => {
    const { SimWorkload } = await import('./workload');
    const w = new SimWorkload();
    for (let i = 0; i < 200; i++) {
      const s = w.sample(`vm-${i}`, 1_000 * i, 128);
      expect(s.memoryKbs).toBeGreaterThan(0);
      expect(s.memoryKbs).toBeLessThanOrEqual(128 * 1024);
    }
  });
});
