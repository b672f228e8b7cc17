// Getting a registered template's bits into a zone. Registration writes one template_zones row per zone and
// hands each copy to the downloader of the template's hypervisor; the downloader reports progress, which is
// written back to the row (status text, percent, readiness, sizes).
//
// Built in: the Simulator "downloader" finishes at once (simulated hosts never read the image). Other
// hypervisors register their downloader (Services.templateDownloaders) when their driver ships one; until then
// their copies stay "Not Downloaded" with a status text saying why.
import type { Db } from '../db/connect';
import type { Services } from '../kernel/services';
import { GiB } from './common';
import type { TemplateRow } from './lookups';

export interface DownloadProgress {
  /** 0..100 */
  percent: number;
  /** Free text shown as the copy's `status` ("45% Downloaded", "Download Complete", "Download Failed: ..."). */
  status: string;
  ready: boolean;
  /** Virtual size of the image, once known. */
  sizeBytes?: number;
  /** Bytes the copy takes in the image store, once known. */
  physicalSizeBytes?: number;
}

export type ProgressFn = (p: DownloadProgress) => Promise<void>;

export interface TemplateDownloader {
  /**
   * Starts fetching `url` into the zone's image store and resolves once started (a fast downloader may already
   * have finished). Progress, completion and failure are reported through `onProgress`; the checksum, when
   * given, must be verified before reporting `ready`.
   */
  start(templateId: string, zoneId: string, url: string, checksum: string | null, onProgress: ProgressFn): Promise<void>;
  /** Deletes the image's files (downloads in progress included) from its copies' stores: all zones, or one. */
  remove?(templateId: string, zoneId: string | null): Promise<void>;
}

/** Virtual size the Simulator reports for every template it "downloads". */
export const SIMULATOR_TEMPLATE_BYTES = 2 * GiB;

/** Finishes at once: for the Simulator, whose hosts never read the image. */
export const instantDownloader: TemplateDownloader = {
  async start(_templateId, _zoneId, _url, _checksum, onProgress) {
    await onProgress({ percent: 100, status: 'Download Complete', ready: true, sizeBytes: SIMULATOR_TEMPLATE_BYTES,
      physicalSizeBytes: SIMULATOR_TEMPLATE_BYTES });
  },
};

/** The downloaders of one core, by hypervisor (createCore installs KVM's; the Simulator's is built in). Per core,
 *  not per process: a second core in the same process must not download into the first one's database. */
export interface TemplateDownloaders {
  /** Installs the downloader for a hypervisor; returns the disposer that restores the previous one. */
  register(hypervisor: string, d: TemplateDownloader): () => void;
  of(hypervisor: string): TemplateDownloader | undefined;
  all(): TemplateDownloader[];
}

export function createTemplateDownloaders(): TemplateDownloaders {
  const byHypervisor = new Map<string, TemplateDownloader>([['simulator', instantDownloader]]);
  return {
    register(hypervisor, d) {
      const key = hypervisor.toLowerCase();
      const before = byHypervisor.get(key);
      byHypervisor.set(key, d);
      return () => {
        if (byHypervisor.get(key) !== d) return; // replaced meanwhile: the newer one stays
        if (before) byHypervisor.set(key, before);
        else byHypervisor.delete(key);
      };
    },
    of: (hypervisor) => byHypervisor.get(hypervisor.toLowerCase()),
    all: () => [...new Set(byHypervisor.values())],
  };
}

export const notDownloadedStatus = (hypervisor: string) =>
  `Not Downloaded: no template downloader for hypervisor ${hypervisor} is installed yet`;

/**
 * The hypervisor whose downloader fetches a copy. Templates name theirs; an ISO is fetched for the hypervisor
 * its zone runs (the first non-Simulator cluster's, else Simulator).
 */
export async function downloadHypervisor(db: Db, t: Pick<TemplateRow, 'format' | 'hypervisor'>, zoneId: string): Promise<string> {
  if (t.format !== 'ISO') return t.hypervisor;
  const rows = await db.selectFrom('clusters').select('hypervisor').distinct().where('zone_id', '=', zoneId)
    .where('removed', 'is', null).execute();
  return rows.find((r) => r.hypervisor.toLowerCase() !== 'simulator')?.hypervisor ?? 'Simulator';
}

export interface CopyPlan { zoneId: string; hypervisor: string; downloader: TemplateDownloader | undefined; status: string }

/** Decides, before anything is written, who downloads each zone's copy and the copy's first status. */
export async function planCopies(svc: Pick<Services, 'db' | 'templateDownloaders'>, t: Pick<TemplateRow, 'format' | 'hypervisor'>,
  zoneIds: string[]): Promise<CopyPlan[]> {
  const out: CopyPlan[] = [];
  for (const zoneId of zoneIds) {
    const hypervisor = await downloadHypervisor(svc.db, t, zoneId);
    const downloader = svc.templateDownloaders.of(hypervisor);
    out.push({ zoneId, hypervisor, downloader, status: downloader ? '0% Downloaded' : notDownloadedStatus(hypervisor) });
  }
  return out;
}

type Svc = Pick<Services, 'db' | 'events' | 'log'>;
type PlanSvc = Svc & Pick<Services, 'templateDownloaders'>;

/** Writes a progress report to the zone copy (and the template's size); records an event on completion. */
export async function applyProgress(svc: Svc, t: Pick<TemplateRow, 'id' | 'name' | 'format' | 'account_id' | 'domain_id'>,
  zoneId: string, p: DownloadProgress): Promise<void> {
  const percent = Math.max(0, Math.min(100, Math.round(p.percent)));
  const set: { status: string; is_ready: number; download_percent: number; physical_size?: number } =
    { status: p.status, is_ready: p.ready ? 1 : 0, download_percent: percent };
  if (p.physicalSizeBytes !== undefined) set.physical_size = p.physicalSizeBytes;
  await svc.db.updateTable('template_zones').set(set).where('template_id', '=', t.id).where('zone_id', '=', zoneId).execute();
  if (p.sizeBytes !== undefined) await svc.db.updateTable('templates').set({ size: p.sizeBytes }).where('id', '=', t.id).execute();
  const resourceType = t.format === 'ISO' ? 'Iso' : 'Template';
  svc.events.notify({ kind: 'state', resourceType, resourceId: t.id, state: p.status });
  if (p.ready) {
    await svc.events.record({ type: 'TEMPLATE.DOWNLOAD.SUCCESS', description: `${t.name} is ready in zone ${await zoneName(svc.db, zoneId)}`,
      state: 'Completed', resourceId: t.id, resourceType, resourceName: t.name, accountId: t.account_id, domainId: t.domain_id });
  } else if (p.status.startsWith(DOWNLOAD_FAILED)) {
    await recordDownloadFailure(svc, t, zoneId, p.status);
  }
}

const DOWNLOAD_FAILED = 'Download Failed';
/** CloudStack's alert type 28 (UPLOAD_FAILED): an image that could not be brought into a zone. */
const UPLOAD_FAILED_ALERT = { type: 28, name: 'ALERT.UPLOAD.FAILED' };

/** Zone names in event texts (operators read names; the id is in the event's resource fields). */
async function zoneName(db: Db, zoneId: string): Promise<string> {
  const z = await db.selectFrom('zones').select('name').where('id', '=', zoneId).executeTakeFirst();
  return z?.name ?? zoneId;
}

/** A failed download is an ERROR event for the image's owner and an alert for the operators. */
async function recordDownloadFailure(svc: Svc, t: Pick<TemplateRow, 'id' | 'name' | 'format' | 'account_id' | 'domain_id'>,
  zoneId: string, status: string): Promise<void> {
  const zone = await zoneName(svc.db, zoneId);
  const what = t.format === 'ISO' ? 'ISO' : 'Template';
  const description = `${what} ${t.name} could not be downloaded to zone ${zone}: ${status.slice(DOWNLOAD_FAILED.length).replace(/^:\s*/, '')}`;
  await svc.events.record({ type: 'TEMPLATE.DOWNLOAD.FAILED', level: 'ERROR', description, state: 'Completed', resourceId: t.id,
    resourceType: t.format === 'ISO' ? 'Iso' : 'Template', resourceName: t.name, accountId: t.account_id, domainId: t.domain_id });
  await svc.events.alert({ ...UPLOAD_FAILED_ALERT, zoneId, description });
}

/** Starts every planned copy; a downloader that throws marks its copy failed instead of failing the caller. */
export async function startDownloads(svc: Svc, t: TemplateRow, plans: CopyPlan[]): Promise<void> {
  for (const plan of plans) {
    if (!plan.downloader) continue;
    const onProgress: ProgressFn = (p) => applyProgress(svc, t, plan.zoneId, p);
    try {
      await plan.downloader.start(t.id, plan.zoneId, t.url, t.checksum, onProgress);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      svc.log.warn('template download failed to start', { templateId: t.id, zoneId: plan.zoneId, error: why });
      await applyProgress(svc, t, plan.zoneId, { percent: 0, status: `Download Failed: ${why}`, ready: false });
    }
  }
}

/** Lets every installed downloader delete its files of an image (before its zone copies are deleted). */
export async function removeImageFiles(svc: Pick<Services, 'log' | 'templateDownloaders'>, templateId: string, zoneId: string | null): Promise<void> {
  for (const d of svc.templateDownloaders.all()) {
    await d.remove?.(templateId, zoneId).catch((e: Error) =>
      svc.log.warn('could not delete the files of an image', { templateId, error: e.message }));
  }
}

/**
 * At start: copies whose download a restart interrupted ("NN% Downloaded"), or that waited for a downloader
 * that is installed now ("Not Downloaded: ..."), are downloaded (again). Failed copies stay failed.
 */
export async function resumeDownloads(svc: PlanSvc): Promise<number> {
  const rows = await svc.db.selectFrom('template_zones as tz').innerJoin('templates as t', 't.id', 'tz.template_id')
    .selectAll('t').select('tz.zone_id').where('tz.is_ready', '=', 0).where('t.removed', 'is', null)
    .where((eb) => eb.or([eb('tz.status', 'like', '%Downloaded'), eb('tz.status', 'like', 'Not Downloaded%')])).execute();
  let n = 0;
  for (const { zone_id, ...t } of rows) {
    const [plan] = await planCopies(svc, t, [zone_id]);
    if (!plan.downloader) continue;
    await startDownloads(svc, t, [plan]);
    n++;
  }
  return n;
}
