// Registering KVM templates and ISOs through the API: downloads from a loopback HTTP server and from local files
// into the zone's image store, with progress, checksums and format checks, and the exact failure texts users see.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImages } from '../hypervisors/qemu/guest-image';
import { qemuInstalled, SKIP_REASON } from '../hypervisors/qemu/test-support';
import { sessionClient, startTestServer, type TestServer } from '../testing/harness';
import { buildKvmLab, closedPort, job, ok, serveFiles, waitDownload, type Call, type KvmLab } from '../testing/kvm-fixtures';

if (!qemuInstalled) console.warn(`Skipping KVM download tests: ${SKIP_REASON}`);

describe.skipIf(!qemuInstalled)('KVM template and ISO downloads', () => {
  let t: TestServer;
  let call: Call;
  let lab: KvmLab;
  let web: Awaited<ReturnType<typeof serveFiles>>;
  let guest: { qcow2: string; iso: string };
  let sha256 = '';
  let md5 = '';
  const statuses = new Map<string, string[]>();

  beforeAll(async () => {
    guest = await ensureGuestImages();
    const bytes = readFileSync(guest.qcow2);
    sha256 = createHash('sha256').update(bytes).digest('hex');
    md5 = createHash('md5').update(bytes).digest('hex');
    t = await startTestServer();
    t.core.svc.events.subscribe((n) => {
      if (n.kind === 'state' && (n.resourceType === 'Template' || n.resourceType === 'Iso')) {
        statuses.set(n.resourceId, [...(statuses.get(n.resourceId) ?? []), n.state]);
      }
    });
    call = (await sessionClient(t.url)).call;
    lab = await buildKvmLab(call, t.dataDir);
    const raw = join(t.dataDir, 'disk.raw');
    writeFileSync(raw, Buffer.alloc(1024 * 1024, 7));
    web = await serveFiles({
      '/guest.qcow2': { file: guest.qcow2, chunkDelayMs: 120 },
      '/fast.qcow2': { file: guest.qcow2 },
      '/slow.qcow2': { file: guest.qcow2, chunkDelayMs: 150 },
      '/guest.iso': { file: guest.iso },
      '/disk.raw': { file: raw },
      '/page.qcow2': { body: Buffer.from('<html><body>Please log in</body></html>') },
      '/gone.qcow2': { status: 404 },
    });
  }, 300_000);

  afterAll(async () => {
    await web?.close();
    await t?.stop();
  });

  const register = async (params: Record<string, string>) => (await ok(call, 'registerTemplate', {
    name: `t-${Math.random().toString(36).slice(2, 8)}`, displaytext: 'test', format: 'QCOW2', hypervisor: 'KVM',
    zoneid: lab.zoneId, ...params,
  })).template[0];
  const imageDir = (id: string) => join(lab.storePath, 'template', 'tmpl', id);

  it('downloads from http with a {SHA-256} checksum, reporting progress, then is ready with its real sizes', async () => {
    const tpl = await register({ url: `${web.url}/guest.qcow2`, checksum: `{SHA-256}${sha256}` });
    expect(tpl.isready).toBe(false);
    expect(tpl.status).toMatch(/^\d+% Downloaded$/);
    const done = await waitDownload(call, 'template', tpl.id);
    expect(done).toMatchObject({ isready: true, status: 'Download Complete', size: 64 * 2 ** 20 });
    expect(done.physicalsize).toBe(statSync(guest.qcow2).size);
    const seen = statuses.get(tpl.id) ?? [];
    expect(seen.filter((s) => /^[1-9]\d?% Downloaded$/.test(s)).length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe('Download Complete');
    expect(readdirSync(imageDir(tpl.id))).toEqual([`${tpl.id}.qcow2`]);

    // Deleting it removes its files from the image store.
    await job(call, 'deleteTemplate', { id: tpl.id });
    expect(existsSync(imageDir(tpl.id))).toBe(false);
  }, 60_000);

  it('reads a local file (file:// URL) for a root admin, with a bare MD5 checksum', async () => {
    const tpl = await register({ url: pathToFileURL(guest.qcow2).href, checksum: md5 });
    expect(await waitDownload(call, 'template', tpl.id)).toMatchObject({ isready: true, status: 'Download Complete' });
  });

  it('says exactly what went wrong, keeps the copy not ready and leaves no file behind', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/x.qcow2`;
    const cases: [Record<string, string>, string][] = [
      [{ url: `${web.url}/fast.qcow2`, checksum: `{SHA-256}${'0'.repeat(64)}` },
        `Download Failed: checksum mismatch: expected {SHA-256}${'0'.repeat(64)}, got {SHA-256}${sha256}`],
      [{ url: `${web.url}/gone.qcow2` }, `Download Failed: cannot download ${web.url}/gone.qcow2: HTTP 404 Not Found`],
      [{ url: dead }, `Download Failed: cannot download ${dead}: connection refused`],
      [{ url: `${web.url}/page.qcow2` }, 'Download Failed: the image is in no format qemu-img recognizes (it reads as RAW), not QCOW2 as registered'],
      [{ url: `${web.url}/disk.raw` }, 'Download Failed: the image is in no format qemu-img recognizes (it reads as RAW), not QCOW2 as registered'],
      [{ url: `${web.url}/fast.qcow2`, format: 'RAW' }, 'Download Failed: the image is QCOW2, not RAW as registered'],
      [{ url: `${web.url}/fast.qcow2`, format: 'OVA' }, 'Download Failed: KVM hosts take QCOW2, RAW, VHD, VHDX or VMDK images, not OVA'],
    ];
    const registered = await Promise.all(cases.map(([params]) => register(params))) as { id: string; name: string }[];
    const ids = registered.map((x) => x.id);
    for (const [i, id] of ids.entries()) {
      const row = await waitDownload(call, 'template', id);
      expect(row.status).toBe(cases[i][1]);
      expect(row.isready).toBe(false);
      expect(existsSync(imageDir(id))).toBe(false);
    }
    // Each failure is an ERROR event naming the zone (not its id) and a type 28 (UPLOAD_FAILED) alert. Both are
    // written just after the copy's status turns Download Failed: wait for them, not one read.
    const failedEvents = async () => ((await ok(call, 'listEvents', { type: 'TEMPLATE.DOWNLOAD.FAILED', page: '1', pagesize: '100' })).event ?? []) as { description: string }[];
    const named = (list: { description: string }[]) => registered.filter((x) => list.some((e) => e.description.startsWith(`Template ${x.name} `))).length;
    await expect.poll(async () => named(await failedEvents()), { timeout: 10_000 }).toBe(cases.length);
    const events = await failedEvents();
    const refused = events.find((e: { description: string }) => e.description.includes(dead));
    expect(refused).toMatchObject({ level: 'ERROR', description: expect.stringMatching(/could not be downloaded to zone kvm-zone: cannot download .* connection refused$/) });
    expect(events.some((e: { description: string }) => e.description.includes(lab.zoneId))).toBe(false);
    await expect.poll(async () => named((await ok(call, 'listAlerts', { type: '28' })).alert ?? []), { timeout: 10_000 }).toBe(cases.length);
    // A failed template stays listed with its error, and can be deleted.
    await job(call, 'deleteTemplate', { id: ids[0] });
    expect((await ok(call, 'listTemplates', { templatefilter: 'all', id: ids[0] })).template).toBeUndefined();
    // RAW images are fine when registered as RAW.
    expect(await waitDownload(call, 'template', (await register({ url: `${web.url}/disk.raw`, format: 'RAW' })).id))
      .toMatchObject({ isready: true, size: 1024 * 1024 });
  }, 60_000);

  it('ISOs: the guest ISO is ready; a disk image registered as an ISO is refused', async () => {
    const reg = async (url: string) => (await ok(call, 'registerIso', { name: `iso-${Math.random()}`, displaytext: 'x', url, zoneid: lab.zoneId })).iso[0].id;
    const good = await waitDownload(call, 'iso', await reg(`${web.url}/guest.iso`));
    expect(good).toMatchObject({ isready: true, status: 'Download Complete', size: statSync(guest.iso).size });
    const bad = await waitDownload(call, 'iso', await reg(`${web.url}/fast.qcow2`));
    expect(bad.status).toBe('Download Failed: the file is not an ISO 9660 image (no CD001 signature at sector 16)');
  });

  it('a download interrupted by a restart leaves no partial file and starts again at the next start', async () => {
    const tpl = await register({ url: `${web.url}/slow.qcow2`, checksum: `{SHA-256}${sha256}` });
    for (let i = 0; i < 100; i++) {
      const row = (await ok(call, 'listTemplates', { templatefilter: 'all', id: tpl.id })).template[0];
      if (/^[1-9]\d*% Downloaded$/.test(row.status)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await t.stop({ keepData: true });
    expect(existsSync(imageDir(tpl.id))).toBe(false);
    t = await startTestServer({ dataDir: t.dataDir });
    call = (await sessionClient(t.url)).call;
    expect(await waitDownload(call, 'template', tpl.id)).toMatchObject({ isready: true, status: 'Download Complete' });
    expect(readdirSync(imageDir(tpl.id))).toEqual([`${tpl.id}.qcow2`]);
  }, 60_000);

  it('only root admins may register files of the management server', async () => {
    await ok(call, 'createAccount', { username: 'alice', password: 'alice-pw', email: 'a@x', firstname: 'A', lastname: 'L', accounttype: '0' });
    const alice = (await sessionClient(t.url, 'alice', 'alice-pw')).call;
    const tpl = (await ok(alice, 'registerTemplate', { name: 'mine', displaytext: 'x', format: 'QCOW2', hypervisor: 'KVM',
      zoneid: lab.zoneId, url: pathToFileURL(guest.qcow2).href })).template[0];
    expect((await waitDownload(alice, 'template', tpl.id, 10_000, 'self')).status)
      .toBe('Download Failed: only root admins may register images from files on the management server; use an http(s) URL');
  });
});
