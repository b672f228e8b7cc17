// Removing the copies of deleted templates from primary storage (CloudStack's storage cleanup). Drivers that keep
// linked clones copy a template once into each pool (ensureTemplate); nothing else ever deletes such a copy, so a
// deleted template would keep gigabytes in every pool forever. A copy goes once its template is removed and no live
// volume on that pool is cloned from it. Sweeps run after a template's delete, after a ROOT volume's expunge and
// once at start; a copy that could not be removed (host down) is tried again by the next sweep.
import { sql } from 'kysely';
import type { HypervisorDriver } from '../../hypervisors/driver';
import { driverForHost } from '../../hypervisors/registry';
import type { Services } from '../../kernel/services';
import { poolFacts, type PoolFacts } from '../vm/infra';

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Removes the pool copies of removed templates (only `templateId`, when given) that no live volume uses.
 * Never rejects: failures are logged and left to the next sweep.
 */
export async function sweepTemplateCopies(svc: Services, templateId?: string): Promise<void> {
  try {
    let tq = svc.db.selectFrom('templates').select('id').where('removed', 'is not', null).where('format', '!=', 'ISO');
    if (templateId !== undefined) tq = tq.where('id', '=', templateId);
    const templates = (await tq.execute()).map((t) => t.id);
    if (templates.length === 0) return;
    const inUse = await copiesInUse(svc, templateId);
    const pools = await svc.db.selectFrom('storage_pools').select('id').where('removed', 'is', null).execute();
    for (const { id } of pools) {
      const unused = templates.filter((t) => !inUse.has(`${t}/${id}`) && !inUse.has(`${t}/`));
      if (unused.length > 0) await sweepPool(svc, await poolFacts(svc, id), unused);
    }
  } catch (e) {
    svc.log.warn('template copy cleanup failed', { error: errText(e) });
  }
}

/**
 * `template/pool` of every live volume cloned from a removed template; `template/` for one without a pool yet,
 * which may be being created on any pool right now (its pool is recorded only once it exists).
 */
async function copiesInUse(svc: Services, templateId?: string): Promise<Set<string>> {
  let q = svc.db.selectFrom('volumes').innerJoin('templates', 'templates.id', 'volumes.template_id')
    .select(['volumes.template_id', 'volumes.pool_id']).distinct()
    .where('volumes.removed', 'is', null).where('templates.removed', 'is not', null);
  if (templateId !== undefined) q = q.where('volumes.template_id', '=', templateId);
  return new Set((await q.execute()).map((v) => `${v.template_id}/${v.pool_id ?? ''}`));
}

async function sweepPool(svc: Services, pool: PoolFacts, templateIds: string[]): Promise<void> {
  const host = await removerFor(svc, pool);
  if (host === null) return;
  for (const templateId of templateIds) {
    try {
      await host.driver.removeTemplate!(host.id, { templateId, poolId: pool.id, poolPath: pool.path });
    } catch (e) {
      svc.log.warn(`could not remove the copy of template ${templateId} from storage pool ${pool.id}; the next cleanup tries again`,
        { error: errText(e) });
    }
  }
}

/**
 * An Up host reaching the pool whose driver removes template copies (Enabled ones first, as for other pool work);
 * null when the pool's hosts keep no copies (e.g. simulated ones) or none of them is Up now.
 */
async function removerFor(svc: Services, pool: PoolFacts): Promise<{ id: string; driver: HypervisorDriver } | null> {
  let q = svc.db.selectFrom('hosts').select(['id', 'hypervisor', 'url', 'state']).where('removed', 'is', null);
  q = pool.clusterId ? q.where('cluster_id', '=', pool.clusterId) : q.where('zone_id', '=', pool.zoneId);
  const hosts = await q.orderBy(sql`case when resource_state = 'Enabled' then 0 else 1 end`).execute();
  const able = hosts.map((h) => ({ ...h, driver: driverForHost(svc.drivers, h) })).filter((h) => h.driver.removeTemplate);
  const up = able.find((h) => h.state === 'Up');
  if (up === undefined && able.length > 0) {
    svc.log.info(`template copies in storage pool ${pool.id} are left for later: no host that can reach it is Up`);
  }
  return up ?? null;
}

export interface TemplateCopyCleanup {
  /** Resolves once every sweep started so far has finished (tests; stopping the core). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Sweeps once now (copies left by deletes before a restart or by failed sweeps), in the background so start-up does
 * not wait for hosts, after every template delete, and whenever a host comes back Up. The delete is heard as its TEMPLATE.DELETE event, announced
 * once the template row is marked removed: the catalog needs no knowledge of primary storage.
 */
export function startTemplateCopyCleanup(svc: Services): TemplateCopyCleanup {
  const running = new Set<Promise<void>>();
  const sweep = (templateId?: string) => {
    const p: Promise<void> = sweepTemplateCopies(svc, templateId).finally(() => running.delete(p));
    running.add(p);
  };
  const unsubscribe = svc.events.subscribe((n) => {
    if (n.kind !== 'event') return;
    if (n.event.type === 'TEMPLATE.DELETE' && n.event.resourceId) sweep(n.event.resourceId);
    // A host back Up (an agent reconnected) may reach pools whose copies no host could remove before.
    if (n.event.type === 'HOST.RECONNECT') sweep();
  });
  sweep();
  const settled = async () => { while (running.size > 0) await Promise.all(running); };
  return { settled, stop: async () => { unsubscribe(); await settled(); } };
}
