// GET /metrics in the Prometheus text exposition format (version 0.0.4): this management server, async jobs,
// API latency, hosts, storage pools and (unless switched off) one series per running VM. Access as CloudStack's
// exporter has it: callers from `prometheus.exporter.allowed.ips` (comma list of addresses, default 127.0.0.1),
// or, our extension, any caller with `Authorization: Bearer <prometheus.exporter.token>`.
// `prometheus.exporter.vm.metrics` (default true) turns the per-VM series off for big clouds, and
// `prometheus.exporter.vm.limit` (default 10000) caps them, busiest VMs first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Services } from '../kernel/services';
import { CH } from './metrics-schema';
import { latestOf } from './format';
import type { Metrics } from './index';
import { LATENCY_BUCKETS, type ApiLatency } from './api-latency';

export const METRICS_PATH = '/metrics';

async function setting(svc: Services, name: string, fallback: string): Promise<string> {
  const r = await svc.db.selectFrom('configurations').select('value').where('name', '=', name).executeTakeFirst();
  return r?.value ?? fallback;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** 'ok', or why the request is refused (401 without a good token, 403 from an address not allowed). */
export async function authorizeScrape(svc: Services, remote: string | undefined, authorization: string | undefined): Promise<'ok' | 401 | 403> {
  const token = await setting(svc, 'prometheus.exporter.token', '');
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (token !== '' && bearer !== undefined && sameSecret(bearer, token)) return 'ok';
  const allowed = (await setting(svc, 'prometheus.exporter.allowed.ips', '127.0.0.1')).split(',').map((s) => s.trim()).filter(Boolean);
  const addr = (remote ?? '').replace(/^::ffff:/, '');
  if (allowed.includes(addr) || (addr === '::1' && allowed.includes('127.0.0.1'))) return 'ok';
  return token !== '' ? 401 : 403;
}

/** Label values escaped as the format requires (backslash, quote, newline). */
const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;

class Exposition {
  private readonly lines: string[] = [];
  family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }
  sample(name: string, l: Record<string, string>, v: number): this {
    this.lines.push(`${name}${Object.keys(l).length ? labels(l) : ''} ${Number.isFinite(v) ? v : 0}`);
    return this;
  }
  text(): string { return this.lines.join('\n') + '\n'; }
}

export async function renderMetrics(svc: Services, m: Metrics, latency: ApiLatency): Promise<string> {
  const e = new Exposition();
  const now = svc.clock.now();
  e.family('strata_info', 'gauge', 'Management server version and id').sample('strata_info', { version: svc.config.version, msid: svc.config.msId }, 1);
  const mem = process.memoryUsage();
  e.family('strata_process_resident_memory_bytes', 'gauge', 'Resident memory of this management server').sample('strata_process_resident_memory_bytes', {}, mem.rss);
  e.family('strata_process_uptime_seconds', 'gauge', 'Uptime of this management server').sample('strata_process_uptime_seconds', {}, process.uptime());
  const last = m.collector.last();
  e.family('strata_metrics_collection_duration_seconds', 'gauge', 'Duration of the last metrics collection')
    .sample('strata_metrics_collection_duration_seconds', {}, (last?.durationMs ?? 0) / 1000);
  e.family('strata_metrics_collection_samples', 'gauge', 'Samples written by the last metrics collection')
    .sample('strata_metrics_collection_samples', {}, last?.samples ?? 0);

  const jobs = await svc.db.selectFrom('async_jobs').select(['status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('status').execute();
  const jobName = ['pending', 'succeeded', 'failed'];
  e.family('strata_jobs', 'gauge', 'Async jobs by status');
  for (const j of jobs) e.sample('strata_jobs', { status: jobName[Number(j.status)] ?? String(j.status) }, Number(j.n));

  e.family('strata_api_request_duration_seconds', 'histogram', 'API requests by command');
  for (const [command, c] of [...latency.byCommand].sort()) {
    LATENCY_BUCKETS.forEach((b, i) => e.sample('strata_api_request_duration_seconds_bucket', { command, le: String(b) }, c.buckets[i]));
    e.sample('strata_api_request_duration_seconds_bucket', { command, le: '+Inf' }, c.count);
    e.sample('strata_api_request_duration_seconds_sum', { command }, c.sum);
    e.sample('strata_api_request_duration_seconds_count', { command }, c.count);
  }
  e.family('strata_api_requests_total', 'counter', 'API requests, by command');
  for (const [command, c] of [...latency.byCommand].sort()) e.sample('strata_api_requests_total', { command }, c.count);
  e.family('strata_api_request_errors_total', 'counter', 'API requests answered with an error, by command');
  for (const [command, c] of [...latency.byCommand].sort()) e.sample('strata_api_request_errors_total', { command }, c.errors);

  const hosts = await svc.db.selectFrom('hosts').innerJoin('zones', 'zones.id', 'hosts.zone_id').innerJoin('clusters', 'clusters.id', 'hosts.cluster_id')
    .select(['hosts.id', 'hosts.name', 'hosts.state', 'hosts.memory_total', 'zones.name as zone', 'clusters.name as cluster'])
    .where('hosts.removed', 'is', null).execute();
  const hostLatest = await latestOf(m.store, 'host', hosts.map((h) => h.id), now);
  e.family('strata_host_up', 'gauge', 'Whether the host is Up');
  for (const h of hosts) e.sample('strata_host_up', { host: h.name, zone: h.zone, cluster: h.cluster }, h.state === 'Up' ? 1 : 0);
  e.family('strata_host_cpu_used_percent', 'gauge', 'Host CPU used');
  for (const h of hosts) { const p = hostLatest.get(h.id); if (p) e.sample('strata_host_cpu_used_percent', { host: h.name, zone: h.zone, cluster: h.cluster }, (p.avg[CH.cpu] ?? 0) / 100); }
  e.family('strata_host_memory_used_bytes', 'gauge', 'Host memory used');
  for (const h of hosts) { const p = hostLatest.get(h.id); if (p) e.sample('strata_host_memory_used_bytes', { host: h.name, zone: h.zone, cluster: h.cluster }, (p.avg[CH.mem] ?? 0) * 1024); }
  e.family('strata_host_memory_total_bytes', 'gauge', 'Host memory');
  for (const h of hosts) e.sample('strata_host_memory_total_bytes', { host: h.name, zone: h.zone, cluster: h.cluster }, Number(h.memory_total));

  const pools = await svc.db.selectFrom('storage_pools').select(['name', 'capacity_bytes', 'used_bytes']).where('removed', 'is', null).execute();
  e.family('strata_storage_pool_used_bytes', 'gauge', 'Primary storage used');
  for (const p of pools) e.sample('strata_storage_pool_used_bytes', { pool: p.name }, Number(p.used_bytes));
  e.family('strata_storage_pool_capacity_bytes', 'gauge', 'Primary storage capacity');
  for (const p of pools) e.sample('strata_storage_pool_capacity_bytes', { pool: p.name }, Number(p.capacity_bytes));

  const vmCounts = await svc.db.selectFrom('vms').select(['state']).select((eb) => eb.fn.countAll<number>().as('n')).where('removed', 'is', null).groupBy('state').execute();
  e.family('strata_vms', 'gauge', 'VMs by state');
  for (const v of vmCounts) e.sample('strata_vms', { state: v.state }, Number(v.n));

  if ((await setting(svc, 'prometheus.exporter.vm.metrics', 'true')) === 'true') await vmSeries(svc, m, e, now);
  return e.text();
}

async function vmSeries(svc: Services, m: Metrics, e: Exposition, now: number): Promise<void> {
  const limit = Math.max(0, Number(await setting(svc, 'prometheus.exporter.vm.limit', '10000')) || 0);
  const vms = await svc.db.selectFrom('vms').select(['id', 'name']).where('state', '=', 'Running').where('removed', 'is', null).execute();
  const latest = await latestOf(m.store, 'vm', vms.map((v) => v.id), now);
  const busiest = vms.filter((v) => latest.has(v.id))
    .sort((a, b) => (latest.get(b.id)!.avg[CH.cpu] ?? 0) - (latest.get(a.id)!.avg[CH.cpu] ?? 0)).slice(0, limit);
  const families: [string, string, number, number][] = [
    ['strata_vm_cpu_used_percent', 'VM CPU used, percent of its vCPUs', CH.cpu, 1 / 100],
    ['strata_vm_memory_used_bytes', 'VM memory used', CH.mem, 1024],
    ['strata_vm_disk_read_bytes_per_second', 'VM disk read rate', CH.diskRead, 1],
    ['strata_vm_disk_write_bytes_per_second', 'VM disk write rate', CH.diskWrite, 1],
  ];
  for (const [name, help, ch, scale] of families) {
    e.family(name, 'gauge', help);
    for (const v of busiest) {
      const x = latest.get(v.id)!.avg[ch];
      if (x !== null) e.sample(name, { vm: v.name, id: v.id }, x * scale);
    }
  }
}

/** The /metrics route for startServer's extra routes; answers true when it took the request. */
export function prometheusRoute(svc: Services, m: Metrics, latency: ApiLatency) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== METRICS_PATH) return false;
    void (async () => {
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { allow: 'GET, HEAD' }).end(); return; }
        const ok = await authorizeScrape(svc, req.socket.remoteAddress, req.headers.authorization);
        if (ok !== 'ok') {
          res.writeHead(ok, { 'content-type': 'text/plain; charset=utf-8', ...(ok === 401 ? { 'www-authenticate': 'Bearer' } : {}) })
            .end(ok === 401 ? 'A valid bearer token is required\n' : 'This address may not read metrics\n');
          return;
        }
        const body = await renderMetrics(svc, m, latency);
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : body);
      } catch (err) {
        svc.log.warn('metrics export failed', { error: (err as Error).message });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics export failed\n');
      }
    })();
    return true;
  };
}
