// Real QEMU guests (TCG) sampled by the metrics collector: a guest made busy through its serial console shows its
// CPU rising in listVirtualMachinesUsageHistory while an idle one stays low; its volume's I/O shows in
// listVolumesUsageHistory, and the host's own figures in listHostsUsageHistory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureGuestImages, GUEST_READY_BANNER } from '../hypervisors/qemu/guest-image';
import { isAlive } from '../hypervisors/qemu/proc';
import { openSerial, type SerialConsole } from '../hypervisors/qemu/serial';
import { qemuInstalled, SKIP_REASON } from '../hypervisors/qemu/test-support';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { buildKvmLab, guestTemplateAndOffering, job, ok, serveFiles, type Call, type KvmLab } from '../testing/kvm-fixtures';

if (!qemuInstalled) console.warn(`Skipping QEMU metrics test: ${SKIP_REASON}`);

describe.skipIf(!qemuInstalled)('metrics of real QEMU guests', () => {
  let t: TestServer;
  let call: Call;
  let lab: KvmLab;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const consoles: SerialConsole[] = [];
  const pids: number[] = [];
  const vms: Record<string, any> = {};

  beforeAll(async () => {
    const guest = await ensureGuestImages();
    t = await startTestServer({ clock });
    call = (await sessionClient(t.url)).call;
    lab = await buildKvmLab(call, t.dataDir, { host: true });
    web = await serveFiles({ '/guest.qcow2': { file: guest.qcow2 } });
    const { templateId, offeringId } = await guestTemplateAndOffering(call, lab.zoneId, web.url);
    // Each guest's serial console is opened as soon as it runs: QEMU drops what a guest prints while no client is
    // connected, so a console opened after the other guest's boot would miss its banner.
    const booted: Promise<string>[] = [];
    for (const name of ['busy', 'idle']) {
      vms[name] = (await job(call, 'deployVirtualMachine', { zoneid: lab.zoneId, templateid: templateId, serviceofferingid: offeringId, name,
        'details[0].stopTimeoutMs': '5000' })).virtualmachine;
      pids.push(t.core.qemu!.pidOf(vms[name].id)!);
      const ep = await t.core.qemu!.consoleEndpoint!(lab.hostId!, vms[name].id);
      const con = await openSerial(ep!.serialSocketPath!);
      booted.push(con.waitFor(new RegExp(GUEST_READY_BANNER), 120_000));
      consoles.push(con);
    }
    await Promise.all(booted);
  }, 400_000);

  afterAll(async () => {
    for (const c of consoles) c.close();
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await web?.close();
    await t?.stop();
  });

  /** One collector tick per 10 s bucket; real seconds pass between ticks so CPU deltas span real work. */
  const sampleFor = async (ticks: number) => {
    for (let i = 0; i < ticks; i++) {
      await sleep(2500);
      offset += 10_000;
      await t.core.metrics.collector.tick();
    }
  };
  const cpuSeries = async (id: string) => {
    const h = await ok(call, 'listVirtualMachinesUsageHistory', { id });
    return (h.virtualmachine[0].stats as { cpuused: string }[]).map((s) => parseFloat(s.cpuused));
  };

  it('shows a busy guest\'s CPU rising while an idle one stays low', async () => {
    await sampleFor(3);
    const before = await cpuSeries(vms.busy.id);
    // A busy loop in the guest's shell (backgrounded, so the console stays usable), and a read of its disk.
    consoles[0].send('(while :; do :; done) &\n');
    await consoles[0].exec('dd if=/dev/vda of=/dev/null bs=64k count=256 2>/dev/null');
    await sampleFor(4);
    const busy = await cpuSeries(vms.busy.id);
    const idle = await cpuSeries(vms.idle.id);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const busyNow = avg(busy.slice(-3));
    const idleNow = avg(idle.slice(-3));
    console.log(`busy before ${before.join(', ')}; busy ${busy.join(', ')}; idle ${idle.join(', ')}`);
    // The machine is shared (2 cores, TCG): a spinning vCPU gets what the host leaves it, so compare, not absolute.
    expect(idleNow).toBeLessThan(10);
    expect(busyNow).toBeGreaterThan(10);
    expect(busyNow).toBeGreaterThan(5 * idleNow);
    expect(busyNow).toBeGreaterThan(avg(before.slice(-2)) + 8);
    // The ROOT volume's reads show in its own history, and the host's CPU in the hosts' extension.
    const rootId = (await ok(call, 'listVolumes', { virtualmachineid: vms.busy.id, type: 'ROOT' })).volume[0].id;
    const vol = (await ok(call, 'listVolumesUsageHistory', { id: rootId })).volume[0];
    expect(vol.stats.some((s: any) => s.diskkbsread > 0)).toBe(true);
    const host = await ok(call, 'listHostsUsageHistory', { id: lab.hostId! });
    expect(parseFloat(host.host[0].stats.at(-1).cpuused)).toBeGreaterThan(0);
  }, 120_000);
});
