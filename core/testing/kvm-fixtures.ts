// Test fixtures for the KVM paths through the API: a small lab (zone, pod, KVM cluster, image store, primary
// storage folder, optionally the local KVM host), a loopback HTTP server serving image files (optionally slowly,
// to see download progress), and waits for downloads and jobs.
import { createReadStream, mkdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { waitJob, type ApiReply } from './harness';
import { GUEST_MIN_MEMORY_MB } from '../hypervisors/qemu/guest-image';

export type Call = (command: string, params?: Record<string, string>) => Promise<ApiReply>;

/** Calls a command and returns its response object; throws with the server's answer on an error. */
export async function ok(call: Call, command: string, params: Record<string, string> = {}): Promise<any> {
  const r = await call(command, params);
  const body = r.json?.[`${command.toLowerCase()}response`];
  if (r.status !== 200 || body === undefined) throw new Error(`${command} failed (${r.status}): ${r.text}`);
  return body;
}

/** Runs an async command to its end; returns the job's result, throws with its error text on failure. */
export async function job(call: Call, command: string, params: Record<string, string>, timeoutMs = 60_000): Promise<any> {
  const started = await ok(call, command, params);
  const j = await waitJob(call, started.jobid, timeoutMs);
  if (j.jobstatus !== 1) throw new Error(`${command} failed: ${JSON.stringify(j.jobresult)}`);
  return j.jobresult;
}

export interface KvmLab { zoneId: string; podId: string; clusterId: string; poolId: string; poolPath: string; storePath: string; hostId?: string }

/** Zone + pod + KVM cluster + image store + a primary storage folder, and the local KVM host when `host`. */
export async function buildKvmLab(call: Call, dir: string, o: { host?: boolean; name?: string } = {}): Promise<KvmLab> {
  const name = o.name ?? 'kvm';
  const zone = (await ok(call, 'createZone', { name: `${name}-zone`, networktype: 'Advanced', dns1: '127.0.0.53', internaldns1: '127.0.0.53' })).zone;
  const pod = (await ok(call, 'createPod', { zoneid: zone.id, name: `${name}-pod`, gateway: '192.168.60.1', netmask: '255.255.255.0',
    startip: '192.168.60.10', endip: '192.168.60.99' })).pod;
  const cluster = (await ok(call, 'addCluster', { zoneid: zone.id, podid: pod.id, clustername: `${name}-cluster`,
    clustertype: 'CloudManaged', hypervisor: 'KVM' })).cluster[0];
  const storePath = join(dir, 'secondary');
  const poolPath = join(dir, 'primary');
  mkdirSync(poolPath, { recursive: true });
  await ok(call, 'addImageStore', { provider: 'NFS', name: `${name}-secondary`, url: `file://${storePath}`, zoneid: zone.id });
  const pool = (await ok(call, 'createStoragePool', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, name: `${name}-primary`,
    scope: 'CLUSTER', url: `SharedMountPoint://localhost${poolPath}` })).storagepool;
  let hostId: string | undefined;
  if (o.host) {
    hostId = (await ok(call, 'addHost', { zoneid: zone.id, podid: pod.id, clusterid: cluster.id, hypervisor: 'KVM',
      url: 'http://localhost?accel=tcg' })).host[0].id;
  }
  await ok(call, 'updateZone', { id: zone.id, allocationstate: 'Enabled' });
  return { zoneId: zone.id, podId: pod.id, clusterId: cluster.id, poolId: pool.id, poolPath, storePath, hostId };
}

/** The test guest registered as a template from `webUrl/guest.qcow2` (waited until ready), and a one-CPU offering
 *  with the guest's minimum memory. */
export async function guestTemplateAndOffering(call: Call, zoneId: string, webUrl: string): Promise<{ templateId: string; offeringId: string }> {
  const templateId = (await ok(call, 'registerTemplate', { name: 'guest', displaytext: 'guest', format: 'QCOW2', hypervisor: 'KVM',
    zoneid: zoneId, url: `${webUrl}/guest.qcow2`, ispublic: 'true' })).template[0].id;
  const ready = await waitDownload(call, 'template', templateId);
  if (!ready.isready) throw new Error(`the guest template did not become ready: ${JSON.stringify(ready)}`);
  const offeringId = (await ok(call, 'createServiceOffering', { name: 'tiny', displaytext: 'tiny', cpunumber: '1', cpuspeed: '500',
    memory: String(GUEST_MIN_MEMORY_MB) })).serviceoffering.id;
  return { templateId, offeringId };
}

export type Route = { file: string; chunkDelayMs?: number } | { status: number } | { body: Buffer };

/** A loopback HTTP server answering the given paths (404 for others). */
export async function serveFiles(routes: Record<string, Route>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const r = routes[req.url ?? ''];
    if (!r || 'status' in r) { res.writeHead(r?.status ?? 404); res.end(); return; }
    if ('body' in r) { res.writeHead(200, { 'content-length': r.body.length }); res.end(r.body); return; }
    res.writeHead(200, { 'content-length': statSync(r.file).size, 'content-type': 'application/octet-stream' });
    const src = createReadStream(r.file, { highWaterMark: 1024 * 1024 });
    if (!r.chunkDelayMs) { src.pipe(res); return; }
    // Slowly, so that a download is seen in progress.
    src.on('data', (chunk) => {
      src.pause();
      res.write(chunk);
      setTimeout(() => src.resume(), r.chunkDelayMs);
    });
    src.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

/** Polls listTemplates/listIsos until the copy is ready or failed; returns the listed row. */
export async function waitDownload(call: Call, kind: 'template' | 'iso', id: string, timeoutMs = 60_000, filter = 'all'): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const params: Record<string, string> = kind === 'iso' ? { isofilter: filter, id } : { templatefilter: filter, id };
    const list = await ok(call, kind === 'iso' ? 'listIsos' : 'listTemplates', params);
    const row = list[kind]?.[0];
    if (row && (row.isready || /Failed|Error/i.test(row.status ?? ''))) return row;
    if (Date.now() > until) throw new Error(`${kind} ${id} still not downloaded: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A loopback port nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/**
 * The zone's public network for tests on the local KVM host: a host bridge, and a namespace on it standing for the
 * internet, with `cidr` on its leg. Names are `<p>br<tag>`, `<p>pub-<tag>` and the veth `<p>h<tag>`; `remove` is
 * idempotent (for afterAll after a failure).
 */
export async function internetSide(p: string, tag: string, cidr: string): Promise<{ bridge: string; ns: string; remove(): Promise<void> }> {
  const { execFile } = await import('node:child_process');
  const ip = (...args: string[]) => new Promise<void>((res, rej) => execFile('ip', args, (e) => (e ? rej(e) : res())));
  const bridge = `${p}br${tag}`;
  const ns = `${p}pub-${tag}`;
  const [host, peer] = [`${p}h${tag}`, `${p}g${tag}`];
  const remove = async () => {
    for (const args of [['netns', 'del', ns], ['link', 'del', host], ['link', 'del', bridge]]) await ip(...args).catch(() => undefined);
  };
  try {
    await ip('link', 'add', bridge, 'type', 'bridge');
    await ip('link', 'set', bridge, 'up');
    await ip('netns', 'add', ns);
    await ip('link', 'add', host, 'type', 'veth', 'peer', 'name', peer);
    await ip('link', 'set', peer, 'netns', ns);
    await ip('link', 'set', host, 'master', bridge, 'up');
    await ip('-n', ns, 'addr', 'add', cidr, 'dev', peer);
    await ip('-n', ns, 'link', 'set', peer, 'up');
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
  } catch (e) { await remove(); throw e; }
  return { bridge, ns, remove };
}
