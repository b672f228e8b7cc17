// extractTemplate mode=HTTP_DOWNLOAD: the job answers CloudStack's extract object (object name "template") with
// a URL any management server sharing the database serves: /userdata/<template>.<zone>.<expiry>.<signature>.<ext>,
// signed with the cluster key (cluster-key.ts), so no server keeps a list of the URLs it gave, and valid for
// extract.url.expiration.interval seconds. The file is the zone copy in secondary storage (image-files.ts).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AsyncHandler } from '../kernel/handler';
import type { templateDeriveCommands } from '../contract/commands/template-derive';
import type { ExtractTemplate } from '../contract/responses';
import type { Services } from '../kernel/services';
import { invalidParam } from '../kernel/errors';
import { isAdmin } from '../identity/caller';
import { csDate } from '../kernel/format';
import { settingNumber } from '../kernel/settings';
import { clusterKey } from '../cluster/cluster-key';
import { imageExt, imageFileIn, storeDirOf } from './image-files';
import { readyZone, templateFor } from './template-copy';
import { recordEvent } from './common';

type C = typeof templateDeriveCommands;
const PREFIX = '/userdata/';

const sign = (key: string, what: string) => createHmac('sha256', key).update(`extract\n${what}`).digest('hex').slice(0, 32);

export const extractTemplateHandler: AsyncHandler<C['extractTemplate'], { zoneId: string }> = {
  async prepare(ctx, a) {
    const t = await templateFor(ctx, a.id);
    if (a.mode.toUpperCase() !== 'HTTP_DOWNLOAD') throw invalidParam('Only HTTP_DOWNLOAD is supported: this cloud has no FTP upload');
    if (t.is_extractable !== 1 && !isAdmin(ctx.caller)) throw invalidParam(`Unable to extract template id=${t.id} as it's not extractable`);
    const zoneId = await readyZone(ctx, t, a.zoneid);
    return { instanceType: 'Template', instanceId: t.id, locks: [], payload: { zoneId } };
  },
  async execute(ctx, a, pl) {
    const svc = ctx.svc;
    const t = await templateFor(ctx, a.id);
    const ms = await svc.db.selectFrom('management_servers').select('peer_url').where('id', '=', svc.config.msId).executeTakeFirst();
    if (!ms?.peer_url) throw invalidParam('This management server has no HTTP listener to serve the download from');
    const expires = svc.clock.now() + 1000 * await settingNumber(svc, 'extract.url.expiration.interval');
    const what = `${t.id}.${pl.zoneId}.${expires}`;
    const url = `${ms.peer_url.replace(/\/$/, '')}${PREFIX}${what}.${sign(await clusterKey(svc.db), what)}.${imageExt(t.format)}`;
    const zone = await svc.db.selectFrom('zones').select('name').where('id', '=', pl.zoneId).executeTakeFirst();
    await recordEvent(ctx, 'TEMPLATE.EXTRACT', 'Template', t.id, t.name, `Extracted template ${t.name} for download`);
    const o: ExtractTemplate = { id: t.id, name: t.name, extractId: svc.newId(), accountid: t.account_id, state: 'DOWNLOAD_URL_CREATED',
      status: 'DOWNLOAD_URL_CREATED', uploadpercentage: 100, created: csDate(svc.clock.now()), zoneid: pl.zoneId,
      extractMode: 'HTTP_DOWNLOAD', url };
    if (zone) o.zonename = zone.name;
    return o as never;
  },
};

/** Serves extracted templates: GET/HEAD of a signed, unexpired URL streams the file; false for other paths. */
export function extractRoute(svc: Services): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX)) return false;
    const answer = (status: number, text: string) => { res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8' }); res.end(`${text}\n`); };
    void (async () => {
      const m = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.(\d+)\.([0-9a-f]{32})\.[a-z0-9]+$/.exec(url.slice(PREFIX.length).split('?')[0]);
      if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return answer(404, 'No such download');
      const [, templateId, zoneId, expires, sig] = m;
      const want = Buffer.from(sign(await clusterKey(svc.db), `${templateId}.${zoneId}.${expires}`));
      if (!timingSafeEqual(want, Buffer.from(sig))) return answer(404, 'No such download');
      if (Number(expires) < svc.clock.now()) return answer(410, 'This download URL has expired: extract the template again');
      const t = await svc.db.selectFrom('templates').select(['format', 'removed']).where('id', '=', templateId).executeTakeFirst();
      const store = await storeDirOf(svc.db, zoneId);
      if (!t || t.removed !== null || !store) return answer(404, 'The template is gone');
      const file = imageFileIn(store.dir, templateId, t.format);
      const st = await stat(file).catch(() => null);
      if (!st) return answer(404, 'The template has no file in secondary storage here (Simulator templates have none)');
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': st.size });
      if (req.method === 'HEAD') { res.end(); return; }
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    })().catch((e: Error) => { if (!res.headersSent) answer(500, e.message); else res.destroy(); });
    return true;
  };
}
