// /metrics scraped over HTTP and read by a real Prometheus text-format parser: the families a Grafana board
// needs are there, a configured bearer token is required, and the per-VM series can be switched off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { seedDemoLab, seedDemoVms } from '../demo';

interface Family { name: string; type: string; metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string> }[] }

let t: TestServer;
let offset = 0;
const clock = { now: () => Date.now() + offset };

const scrape = async (headers: Record<string, string> = {}) => fetch(`${t.url}/metrics`, { headers });
const families = async (res: Response) => new Map((parsePrometheusTextFormat(await res.text()) as Family[]).map((f) => [f.name, f]));
const setSetting = async (name: string, value: string) => {
  await t.core.svc.db.deleteFrom('configurations').where('name', '=', name).execute();
  await t.core.svc.db.insertInto('configurations').values({ name, value }).execute();
};

beforeAll(async () => {
  t = await startTestServer({ clock });
  const { zoneId } = await seedDemoLab(t.core);
  await seedDemoVms(t.core, zoneId);
  for (let i = 0; i < 2; i++) { offset += 10_000; await t.core.metrics.collector.tick(); }
  const admin = await sessionClient(t.url);
  await admin.call('listVirtualMachines');
  await admin.call('listHosts');
}, 120_000);
afterAll(async () => { await t.stop(); });

describe('/metrics', () => {
  it('exports server, jobs, API latency, hosts and VMs in the Prometheus text format', async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('version=0.0.4');
    const f = await families(res);
    expect(f.get('strata_info')?.metrics[0].labels?.version).toMatch(/strata/);
    expect(f.get('strata_host_cpu_used_percent')?.metrics).toHaveLength(16);
    expect(f.get('strata_host_up')?.metrics.every((m) => m.value === '1')).toBe(true);
    const vms = f.get('strata_vm_cpu_used_percent')!.metrics;
    expect(vms.length).toBe(17); // the demo's running VMs
    expect(vms.every((m) => Number(m.value) >= 0 && Number(m.value) <= 100)).toBe(true);
    // This parser folds a labelled histogram into one entry, so per-command counts are read from the counter.
    expect(f.get('strata_api_request_duration_seconds')!.type).toBe('HISTOGRAM');
    const calls = f.get('strata_api_requests_total')!.metrics.find((m) => m.labels?.command === 'listVirtualMachines');
    expect(Number(calls?.value)).toBeGreaterThanOrEqual(1);
    expect(f.get('strata_jobs')?.metrics.find((m) => m.labels?.status === 'succeeded')?.value).toBeDefined();
  });

  it('refuses without the configured token and answers with it', async () => {
    await setSetting('prometheus.exporter.token', 'scrape-secret-1');
    await setSetting('prometheus.exporter.allowed.ips', '');
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong-secret-1' })).status).toBe(401);
    const ok = await scrape({ authorization: 'Bearer scrape-secret-1' });
    expect(ok.status).toBe(200);
    expect((await families(ok)).has('strata_host_up')).toBe(true);
    // Without a token, an address outside the allow-list is forbidden.
    await setSetting('prometheus.exporter.token', '');
    expect((await scrape()).status).toBe(403);
    await setSetting('prometheus.exporter.allowed.ips', '127.0.0.1');
    expect((await scrape()).status).toBe(200);
  });

  it('leaves the per-VM series out when switched off', async () => {
    await setSetting('prometheus.exporter.vm.metrics', 'false');
    const f = await families(await scrape());
    expect(f.has('strata_vm_cpu_used_percent')).toBe(false);
    expect(f.has('strata_host_cpu_used_percent')).toBe(true);
    await setSetting('prometheus.exporter.vm.metrics', 'true');
  });
});
