// copyTemplate: a template's copy brought into other zones' secondary storage. KVM images are files in image
// stores this server reaches (image-files.ts), copied from the source zone's store; Simulator images have no
// file and are ready at once, as their downloads are.
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AsyncHandler, CallContext } from '../kernel/handler';
import type { templateDeriveCommands } from '../contract/commands/template-derive';
import type { TemplateRow } from './lookups';
import { ApiError, invalidParam, notFound } from '../kernel/errors';
import { ErrorCode, CsErrorCode } from '../contract/errors';
import { imageFileIn, storeDirOf } from './image-files';
import { imageResponses } from './template-format';
import { recordEvent } from './common';

type C = typeof templateDeriveCommands;

/** A live template (not an ISO) the caller may act on, with CloudStack's texts. */
export async function templateFor(ctx: CallContext, id: string): Promise<TemplateRow> {
  const t = await ctx.svc.db.selectFrom('templates').selectAll().where('id', '=', id).where('removed', 'is', null).executeTakeFirst();
  if (!t || t.format === 'ISO') throw notFound(ctx.command, 'id', id);
  await ctx.svc.identity.checkAccess(ctx.caller, { accountId: t.account_id, domainId: t.domain_id });
  return t;
}

/** The zone a template is ready in: the given one, else the first where it is. */
export async function readyZone(ctx: CallContext, t: TemplateRow, zoneId: string | undefined): Promise<string> {
  let q = ctx.svc.db.selectFrom('template_zones').select('zone_id').where('template_id', '=', t.id).where('is_ready', '=', 1);
  if (zoneId !== undefined) q = q.where('zone_id', '=', zoneId);
  const row = await q.orderBy('created').executeTakeFirst();
  if (!row) throw invalidParam(zoneId ? `Template ${t.name} is not ready in zone ${zoneId}` : `Template ${t.name} is not ready in any zone`);
  return row.zone_id;
}

interface Payload { sourceZoneId: string; destZoneIds: string[] }

export const copyTemplateHandler: AsyncHandler<C['copyTemplate'], Payload> = {
  async prepare(ctx, a) {
    const t = await templateFor(ctx, a.id);
    const dest = [...new Set([...(a.destzoneid ? [a.destzoneid] : []), ...(a.destzoneids ?? [])])];
    if (dest.length === 0) throw invalidParam('Please specify a valid destination zone.');
    const sourceZoneId = await readyZone(ctx, t, a.sourcezoneid);
    if (dest.includes(sourceZoneId)) throw invalidParam('Please specify different source and destination zones.');
    for (const z of dest) {
      const zone = await ctx.svc.db.selectFrom('zones').select('id').where('id', '=', z).where('removed', 'is', null).executeTakeFirst();
      if (!zone) throw notFound(ctx.command, 'destzoneid', z);
    }
    return { instanceType: 'Template', instanceId: t.id, locks: [`template:${t.id}`], payload: { sourceZoneId, destZoneIds: dest } };
  },
  async execute(ctx, a, pl) {
    const svc = ctx.svc;
    const t = await templateFor(ctx, a.id);
    for (const zoneId of pl.destZoneIds) {
      const have = await svc.db.selectFrom('template_zones').select('is_ready').where('template_id', '=', t.id).where('zone_id', '=', zoneId).executeTakeFirst();
      if (have?.is_ready === 1) continue; // already there: copying again changes nothing
      const store = await storeDirOf(svc.db, zoneId);
      let physical = 0;
      if (t.hypervisor !== 'Simulator') {
        const from = await storeDirOf(svc.db, pl.sourceZoneId);
        if (!store || !from) throw invalidParam(`Zone ${store ? pl.sourceZoneId : zoneId} has no secondary storage this server reaches`);
        const src = imageFileIn(from.dir, t.id, t.format);
        const dst = imageFileIn(store.dir, t.id, t.format);
        await mkdir(path.dirname(dst), { recursive: true });
        try {
          await copyFile(src, `${dst}.part`);
          await rename(`${dst}.part`, dst);
        } catch (e) {
          await rm(`${dst}.part`, { force: true });
          throw new ApiError(ErrorCode.InternalError, `Failed to copy template ${t.name}: ${(e as Error).message}`, CsErrorCode.InternalError);
        }
        physical = (await stat(dst)).size;
      }
      const row = { status: 'Download Complete', is_ready: 1, download_percent: 100, physical_size: physical, store_id: store?.storeId ?? null };
      if (have) await svc.db.updateTable('template_zones').set(row).where('template_id', '=', t.id).where('zone_id', '=', zoneId).execute();
      else await svc.db.insertInto('template_zones').values({ template_id: t.id, zone_id: zoneId, created: svc.clock.now(), ...row }).execute();
      svc.caches.imageFiles.forget(t.id);
    }
    await recordEvent(ctx, 'TEMPLATE.COPY', 'Template', t.id, t.name, `Copied template ${t.name} to ${pl.destZoneIds.length} zone(s)`);
    const rows = await imageResponses(svc, ctx.caller, t.id);
    return rows.find((r) => r.zoneid === pl.destZoneIds[0]) ?? rows[0];
  },
};
