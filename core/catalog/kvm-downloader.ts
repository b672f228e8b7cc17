// The template downloader of KVM zones: fetches a registered template or ISO into the zone's image store (the
// job CloudStack's secondary storage VM does), verifies its checksum and its format, then marks the copy ready.
//   status: "0% Downloaded" ... "100% Downloaded" -> "Download Complete" (isready=true, real size/physicalsize)
//   or "Download Failed: <what went wrong>" (isready=false), with every partial file removed.
// Formats are checked with `qemu-img info`: a file registered as QCOW2 must be qcow2 (an HTML error page or a raw
// disk is refused), qcow2 images may not refer to other files (backing or data files could expose host files to
// the guest), and an ISO must carry the ISO 9660 signature. Local files (file:// or a path on the management
// server) are read only for templates of root admin accounts: they could name any file the server can read.
import { open, mkdir, rename, rm, stat } from 'node:fs/promises';
import type { Services } from '../kernel/services';
import { run } from '../hypervisors/qemu/proc';
import type { DownloadProgress, ProgressFn, TemplateDownloader } from './template-download';
import { fetchImage, localSource, safeUrl } from './image-fetch';
import { settingFlag } from '../kernel/settings';
import { imageDirIn, imageFileIn, storeDirOf } from './image-files';

/** What `qemu-img info` calls each registrable format. */
const QEMU_FORMAT: Record<string, string> = { QCOW2: 'qcow2', RAW: 'raw', VHD: 'vpc', VHDX: 'vhdx', VMDK: 'vmdk' };
const FORMAT_NAME: Record<string, string> = { qcow2: 'QCOW2', raw: 'RAW', vpc: 'VHD', vhdx: 'VHDX', vmdk: 'VMDK' };

const DIGESTS: Record<string, string> = { MD5: 'md5', 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const BY_LENGTH: Record<number, string> = { 32: 'MD5', 40: 'SHA-1', 56: 'SHA-224', 64: 'SHA-256', 96: 'SHA-384', 128: 'SHA-512' };

/** A stored checksum ("{SHA-256}hex" or a bare hex digest, algorithm from its length) as hash name and digest. */
export function parseChecksum(c: string | null): { algo: string; label: string; hex: string } | null {
  if (!c) return null;
  const m = /^\{([^}]+)\}([0-9a-fA-F]+)$/.exec(c.trim());
  const label = m ? m[1].toUpperCase() : BY_LENGTH[c.trim().length];
  const hex = (m ? m[2] : c.trim()).toLowerCase();
  const algo = label ? DIGESTS[label] : undefined;
  if (!algo) throw new Error(`unsupported checksum ${c}`);
  return { algo, label: `{${label}}`, hex };
}

export interface KvmDownloaderOptions {
  qemuImg?: string;
  /** Longest wait for more bytes before a download fails (default 60 s). */
  stallTimeoutMs?: number;
  /** Least time between two progress writes (default 500 ms). */
  progressIntervalMs?: number;
}

export interface KvmDownloader extends TemplateDownloader {
  /** Aborts downloads of the image and deletes its files from the stores of its copies (all, or one zone's). */
  remove(templateId: string, zoneId: string | null): Promise<void>;
  /** Aborts every download without touching its status, so the next start resumes it. */
  stop(): Promise<void>;
}

interface Running { ctl: AbortController; done: Promise<void>; why: 'stop' | 'remove' | null }

export function createKvmDownloader(svc: Pick<Services, 'db' | 'log' | 'config' | 'caches'>, o: KvmDownloaderOptions = {}): KvmDownloader {
  const qemuImg = o.qemuImg ?? 'qemu-img';
  const stallMs = o.stallTimeoutMs ?? 60_000;
  const every = o.progressIntervalMs ?? 500;
  const running = new Map<string, Running>();
  const { db } = svc;

  async function isRootAdminAccount(accountId: string): Promise<boolean> {
    const a = await db.selectFrom('accounts').select('type').where('id', '=', accountId).executeTakeFirst();
    return a?.type === 1;
  }

  /** Checks the downloaded file against the registered format; returns the virtual size. */
  async function inspect(file: string, format: string): Promise<number> {
    if (format === 'ISO') {
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.alloc(5);
        await fh.read(buf, 0, 5, 16 * 2048 + 1);
        if (buf.toString('latin1') !== 'CD001') throw new Error('the file is not an ISO 9660 image (no CD001 signature at sector 16)');
      } finally { await fh.close(); }
      return (await stat(file)).size;
    }
    const out = await run(qemuImg, ['info', '--output=json', file], { timeoutMs: 60_000 }).catch((e: Error) => {
      throw new Error(/ENOENT/.test(e.message) ? 'qemu-img is not installed on the management server (apt-get install qemu-utils)'
        : `qemu-img cannot read the image: ${e.message}`);
    });
    const info = JSON.parse(out.stdout) as { format: string; 'virtual-size': number; 'backing-filename'?: string;
      'format-specific'?: { data?: { 'data-file'?: string } } };
    if (info.format !== QEMU_FORMAT[format]) {
      const seen = info.format === 'raw' ? 'in no format qemu-img recognizes (it reads as RAW)' : FORMAT_NAME[info.format] ?? info.format;
      throw new Error(`the image is ${seen}, not ${format} as registered`);
    }
    if (info['backing-filename']) throw new Error(`the image refers to a backing file (${info['backing-filename']}); register a standalone image`);
    if (info['format-specific']?.data?.['data-file']) throw new Error('the image refers to an external data file; register a standalone image');
    return info['virtual-size'];
  }

  async function download(templateId: string, format: string, storeDir: string, url: string, checksum: string | null,
    onProgress: ProgressFn, r: Running, allowInternal: boolean): Promise<void> {
    const dir = imageDirIn(storeDir, templateId);
    const file = imageFileIn(storeDir, templateId, format);
    const part = `${file}.part`;
    let chain: Promise<void> = Promise.resolve();
    const report = (p: DownloadProgress) => {
      chain = chain.then(() => onProgress(p)).catch((e: Error) => svc.log.warn('could not record download progress', { templateId, error: e.message }));
    };
    let last = { pct: 0, at: 0 };
    try {
      const sum = parseChecksum(checksum);
      await mkdir(dir, { recursive: true });
      report({ percent: 0, status: '0% Downloaded', ready: false });
      const got = await fetchImage(url, part, { algo: sum?.algo ?? null, signal: r.ctl.signal, stallMs, allowInternal, onBytes(done, total) {
        const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
        const now = Date.now();
        if (pct > last.pct && now - last.at >= every) {
          last = { pct, at: now };
          report({ percent: pct, status: `${pct}% Downloaded`, ready: false });
        }
      } });
      if (sum && got.digest !== sum.hex) throw new Error(`checksum mismatch: expected ${sum.label}${sum.hex}, got ${sum.label}${got.digest}`);
      const virtualSize = await inspect(part, format);
      await rename(part, file);
      const physical = (await stat(file)).size;
      await chain;
      await onProgress({ percent: 100, status: 'Download Complete', ready: true, sizeBytes: virtualSize, physicalSizeBytes: physical });
    } catch (e) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      await chain;
      if (r.why !== null) return; // stopped (resumed at next start) or deleted: no status to write
      const why = (e as Error).message;
      svc.log.warn('template download failed', { templateId, url: safeUrl(url), error: why });
      await onProgress({ percent: 0, status: `Download Failed: ${why}`, ready: false });
    }
  }

  return {
    async start(templateId, zoneId, url, checksum, onProgress) {
      const key = `${templateId}/${zoneId}`;
      if (running.has(key)) return;
      const t = await db.selectFrom('templates').select(['format', 'account_id']).where('id', '=', templateId).executeTakeFirst();
      if (!t) throw new Error(`template ${templateId} does not exist`);
      if (t.format !== 'ISO' && !QEMU_FORMAT[t.format]) {
        throw new Error(`KVM hosts take QCOW2, RAW, VHD, VHDX or VMDK images, not ${t.format}`);
      }
      parseChecksum(checksum);
      let local: string | null;
      try { local = localSource(url); } catch { throw new Error(`${url} is not a local file URL (use file:///path)`); }
      const rootOwned = await isRootAdminAccount(t.account_id);
      if (local !== null && !rootOwned) {
        throw new Error('only root admins may register images from files on the management server; use an http(s) URL');
      }
      // Checked again here, not only at registration: a download resumed after a restart, or a name that now
      // resolves elsewhere, meets the same rule (and every redirect is checked while fetching).
      const allowInternal = rootOwned && await settingFlag(svc, 'allow.internal.url.hosts.for.root.admin');
      const tz = await db.selectFrom('template_zones').select('store_id').where('template_id', '=', templateId)
        .where('zone_id', '=', zoneId).executeTakeFirst();
      const store = await storeDirOf(db, zoneId, tz?.store_id ?? null);
      if (!store) {
        throw new Error('the zone has no image store this management server can write to; add one with addImageStore ' +
          'url=file:///path (or an nfs:// export mounted here)');
      }
      if (!tz?.store_id) {
        await db.updateTable('template_zones').set({ store_id: store.storeId }).where('template_id', '=', templateId)
          .where('zone_id', '=', zoneId).execute();
        svc.caches.imageFiles.forget(templateId);
      }
      const r: Running = { ctl: new AbortController(), done: Promise.resolve(), why: null };
      r.done = download(templateId, t.format, store.dir, url, checksum, onProgress, r, allowInternal).finally(() => running.delete(key));
      running.set(key, r);
    },

    async remove(templateId, zoneId) {
      const mine = [...running.entries()].filter(([k]) => k.startsWith(`${templateId}/`) && (zoneId === null || k.endsWith(`/${zoneId}`)));
      for (const [, r] of mine) { r.why = 'remove'; r.ctl.abort(new Error('the image was deleted')); }
      await Promise.all(mine.map(([, r]) => r.done));
      let q = db.selectFrom('template_zones').select(['zone_id', 'store_id']).where('template_id', '=', templateId);
      if (zoneId !== null) q = q.where('zone_id', '=', zoneId);
      for (const c of await q.execute()) {
        const store = await storeDirOf(db, c.zone_id, c.store_id);
        if (store) await rm(imageDirIn(store.dir, templateId), { recursive: true, force: true });
      }
      svc.caches.imageFiles.forget(templateId);
    },

    async stop() {
      const all = [...running.values()];
      for (const r of all) { r.why = 'stop'; r.ctl.abort(new Error('the management server is stopping')); }
      await Promise.all(all.map((r) => r.done));
    },
  };
}
