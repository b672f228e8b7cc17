// Management servers sharing one database (CloudStack's mshost): each server registers its row at start and
// heartbeats it; a server silent for `downAfterMs` is Down. The first survivor to mark it Down (a conditional
// UPDATE, so exactly one wins) takes over what it owned: its hosts (hosts.ms_id) and its unfinished async jobs,
// which are reconciled exactly as after a restart (resumed or failed, none twice, none left pending).
import { networkInterfaces } from 'node:os';
import type { Services } from '../kernel/services';
import { reconnectHost } from '../hosts/host-connect';

export interface MsRegistryOptions {
  /** How often this server writes its heartbeat (default 5 s). */
  heartbeatMs?: number;
  /** Silence after which a server is Down and its hosts and jobs are taken over (default 30 s). */
  downAfterMs?: number;
  /** The address other servers and agents reach this one at (default: the first non-internal IPv4). */
  serviceIp?: string;
}

export interface MsRegistry {
  /** Registers this server (state Up) and starts heartbeating; 0 heartbeatMs registers without a loop. */
  start(): Promise<void>;
  /** One heartbeat plus one check of the other servers (the loop's step; tests drive it). */
  tick(): Promise<void>;
  /** Records where the other servers reach this one (its API server; one bound to every address is reached at
   *  its service IP). */
  advertise(server: { url: string; host: string; port: number }): Promise<void>;
  /** Graceful stop: the row says Down at once, so the survivors take over without waiting for the timeout. */
  stop(): Promise<void>;
}

export function defaultServiceIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export function createMsRegistry(svc: Services, o: MsRegistryOptions = {}): MsRegistry {
  const { db, clock, config, log } = svc;
  const heartbeatMs = o.heartbeatMs ?? 5_000;
  const downAfterMs = o.downAfterMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const serviceIp = o.serviceIp ?? defaultServiceIp();

  async function register(): Promise<void> {
    const now = clock.now();
    const row = { name: config.msName, service_ip: serviceIp, version: config.version, state: 'Up',
      started: now, last_heartbeat: now, removed: null, peer_url: null };
    const r = await db.updateTable('management_servers').set(row).where('id', '=', config.msId).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) await db.insertInto('management_servers').values({ id: config.msId, created: now, ...row }).execute();
    // Hosts of a database from before several servers (no owner yet) belong to the first server that starts.
    await db.updateTable('hosts').set({ ms_id: config.msId }).where('ms_id', 'is', null).execute();
  }

  /** Takes over a server found silent; only the survivor whose UPDATE flips it to Down does. */
  async function takeOver(deadId: string, cutoff: number): Promise<void> {
    const r = await db.updateTable('management_servers').set({ state: 'Down' }).where('id', '=', deadId)
      .where('state', '=', 'Up').where('last_heartbeat', '<', cutoff).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return; // another survivor took it, or it came back
    await adoptOrphans(deadId);
  }

  /** Hosts and jobs of a server that is Down (crashed or stopped): this server takes them. */
  async function adoptOrphans(deadId: string): Promise<void> {
    const taken = await db.selectFrom('hosts').select(['id', 'name', 'url', 'hypervisor', 'state', 'details'])
      .where('ms_id', '=', deadId).where('removed', 'is', null).execute();
    const hosts = await db.updateTable('hosts').set({ ms_id: config.msId }).where('ms_id', '=', deadId).executeTakeFirst();
    // This server's drivers have never seen these hosts: connect the ones it reaches itself (simulator, local KVM)
    // before jobs run on them, so a deploy planned there finds a connected host. Agent hosts dial a surviving
    // server by themselves (strata agent --server URL,URL...), which connects them then.
    for (const h of taken) {
      if (h.url.startsWith('agent://')) continue;
      const failed = await reconnectHost(svc, h);
      if (failed) log.warn(`host ${h.name} of management server ${deadId} could not be connected here: ${failed}`);
    }
    const jobs = await svc.jobs.adopt(deadId);
    log.warn(`management server ${deadId} is down: took over ${Number(hosts.numUpdatedRows)} hosts and ${jobs} unfinished jobs`);
  }

  async function tick(): Promise<void> {
    const now = clock.now();
    await db.updateTable('management_servers').set({ last_heartbeat: now, state: 'Up' }).where('id', '=', config.msId).execute();
    const cutoff = now - downAfterMs;
    const silent = await db.selectFrom('management_servers').select('id').where('state', '=', 'Up')
      .where('last_heartbeat', '<', cutoff).where('id', '<>', config.msId).execute();
    for (const s of silent) await takeOver(s.id, cutoff);
    // Servers that stopped cleanly left hosts or jobs behind only if nobody was Up to take them then.
    const down = await db.selectFrom('management_servers').select('id').where('state', '=', 'Down').execute();
    for (const d of down) {
      const left = await db.selectFrom('hosts').select('id').where('ms_id', '=', d.id).where('removed', 'is', null).limit(1).execute();
      if (left.length > 0) await adoptOrphans(d.id);
    }
  }

  return {
    async start() {
      await register();
      await tick();
      if (heartbeatMs <= 0) return;
      timer = setInterval(() => {
        running ??= tick().catch((e: Error) => log.warn(`management server heartbeat failed: ${e.message}`))
          .finally(() => { running = undefined; });
      }, heartbeatMs);
      timer.unref();
    },
    tick,
    async advertise(server) {
      const anyAddress = server.host === '0.0.0.0' || server.host === '::';
      const peerUrl = anyAddress ? `http://${serviceIp.includes(':') ? `[${serviceIp}]` : serviceIp}:${server.port}` : server.url;
      await db.updateTable('management_servers').set({ peer_url: peerUrl }).where('id', '=', config.msId).execute();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      await db.updateTable('management_servers').set({ state: 'Down', last_heartbeat: clock.now() })
        .where('id', '=', config.msId).execute();
    },
  };
}
