// Two cores in one process (as these tests and the cluster tests run them) must share nothing but what they share
// through a database: every cache and registry belongs to the core that createCore made. If one leaked between cores,
// the in-process cluster tests would pass on state two real servers do not have, and one core could act on another's
// database. (Before issue 10 the template downloaders were one registry per process: the core started last
// downloaded every core's KVM templates into its own database.)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { buildKvmLab, ok, waitDownload, type Call } from '../testing/kvm-fixtures';

const qemuImg = spawnSync('qemu-img', ['--version'], { stdio: 'ignore' }).status === 0;
if (!qemuImg) console.warn('Skipping the KVM download case of core isolation: qemu-img is not installed (apt-get install qemu-utils)');

describe('two cores in one process', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer();
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('own their caches and registries', () => {
    const ca = a.core.svc.caches as unknown as Record<string, unknown>;
    const cb = b.core.svc.caches as unknown as Record<string, unknown>;
    expect(Object.keys(ca).length).toBeGreaterThan(0);
    for (const k of Object.keys(ca)) expect(ca[k], k).not.toBe(cb[k]);
    expect(a.core.svc.templateDownloaders).not.toBe(b.core.svc.templateDownloaders);
  });

  it.skipIf(!qemuImg)('each download a KVM template registered with them into their own zone', async () => {
    const image = join(a.dataDir, 'tiny.qcow2');
    expect(spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '16M']).status).toBe(0);
    const call: Call = (await sessionClient(a.url)).call;
    const lab = await buildKvmLab(call, a.dataDir);
    const t = (await ok(call, 'registerTemplate', { name: 'tiny', displaytext: 'tiny', format: 'QCOW2', hypervisor: 'KVM',
      zoneid: lab.zoneId, url: pathToFileURL(image).href })).template[0];
    const done = await waitDownload(call, 'template', t.id, 20_000);
    expect(done).toMatchObject({ isready: true, status: 'Download Complete' });
    expect(existsSync(join(lab.storePath, 'template', 'tmpl', t.id, `${t.id}.qcow2`))).toBe(true);
  });
});
