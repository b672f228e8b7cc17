// listManagementServers: the servers registered in the database (cluster/ms-registry), with the state their
// heartbeat gives: a server whose row says Up but which has been silent past the timeout is shown Down even before
// a survivor has taken it over.
import { implement } from '../kernel/handler';
import { clusterCommands } from '../contract/commands/cluster';
import { csDate } from '../kernel/format';
import { countOf, likeOf, paged } from '../infrastructure/util';

export const DEFAULT_DOWN_AFTER_MS = 30_000;

export const clusterModule = implement(clusterCommands, {
  async listManagementServers(ctx, a) {
    const { db, clock, config } = ctx.svc;
    let q = db.selectFrom('management_servers').where('removed', 'is', null);
    if (a.id !== undefined) q = q.where('id', '=', a.id);
    if (a.name !== undefined) q = q.where('name', '=', a.name);
    if (a.version !== undefined) q = q.where('version', '=', a.version);
    if (a.keyword !== undefined) q = q.where('name', 'like', likeOf(a.keyword));
    const count = await countOf(q.select((eb) => eb.fn.countAll<number>().as('n')));
    const rows = await paged(q.selectAll().orderBy('created').orderBy('id'), a, config.maxPageSize).execute();
    const owned = new Map<string, number>();
    const pending = new Map<string, number>();
    if (rows.length > 0) {
      const ids = rows.map((r) => r.id);
      for (const r of await db.selectFrom('hosts').select(['ms_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('ms_id', 'in', ids).where('removed', 'is', null).groupBy('ms_id').execute()) owned.set(r.ms_id!, Number(r.n));
      for (const r of await db.selectFrom('async_jobs').select(['ms_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('ms_id', 'in', ids).where('status', '=', 0).groupBy('ms_id').execute()) pending.set(r.ms_id, Number(r.n));
    }
    const cutoff = clock.now() - (config.msDownAfterMs ?? DEFAULT_DOWN_AFTER_MS);
    const peers = rows.map((r) => r.id);
    return {
      count,
      items: rows.map((r) => ({
        id: r.id, name: r.name, state: r.state === 'Up' && r.last_heartbeat >= cutoff ? 'Up' : 'Down',
        version: r.version, serviceip: r.service_ip, ipaddress: r.service_ip,
        lastserverstart: csDate(r.started), lastserverstop: r.state === 'Down' ? csDate(r.last_heartbeat) : undefined,
        agentscount: owned.get(r.id) ?? 0, pendingjobscount: pending.get(r.id) ?? 0,
        ...(a.peers ? { peers: peers.filter((id) => id !== r.id) } : {}),
      })),
    };
  },
});
