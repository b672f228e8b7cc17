// Management servers sharing one database (CloudStack's mshost): each server registers its row at start and
// heartbeats it; a server silent for `downAfterMs` is Down. The first survivor to mark it Down (a conditional
// UPDATE, so exactly one wins) takes over what it owned: its hosts (hosts.ms_id) and its unfinished async jobs,
// which are reconciled exactly as after a restart (resumed or failed, none twice, none left pending).
import { networkInterfaces } from 'node:os';
import type { Services } from '../kernel/services';
import type { Db } from '../db/connect';
import { reconnectHost } from '../hosts/host-connect';
import { isForwardingRegistry } from './forwarding-drivers';

export interface MsRegistryOptions {
  /** How often this server writes its heartbeat (default 5 s). */
  heartbeatMs?: number;
  /** Silence after which a server is Down and its hosts and jobs are taken over (default 30 s). */
  downAfterMs?: number;
  /** The address other servers and agents reach this one at (default: the first non-internal IPv4). */
  serviceIp?: string;
  /** A connection of its own for the heartbeat (MySQL), so that a pool busy with jobs never delays it past the
   *  timeout (the others would take over a server that is alive). */
  heartbeatDb?: Db;
  /** Told when this server finds itself marked Down by another (its heartbeat came too late): its hosts and jobs
   *  are someone else's now. Default: it stops running jobs; `strata serve` exits so that it restarts clean. */
  onFenced?: () => void;
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
  const beatDb = o.heartbeatDb ?? db;
  let timer: NodeJS.Timeout | undefined;
  let beatTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let beating: Promise<void> | undefined;
  let fenced = false;

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
    // This server's drivers have never seen these hosts: connect the ones it reaches itself (simulator, local KVM)
    // before jobs run on them, so a deploy planned there finds a connected host; this server's own jobs wait for
    // that (see forwarding-drivers). Agent hosts dial a surviving server by themselves (strata agent --server
    // URL,URL...), which connects them then.
    let connected!: () => void;
    const done = new Promise<void>((r) => { connected = r; });
    if (isForwardingRegistry(svc.drivers)) svc.drivers.adopting(taken.filter((h) => !h.url.startsWith('agent://')).map((h) => h.id), done);
    let hosts;
    try {
      hosts = await db.updateTable('hosts').set({ ms_id: config.msId }).where('ms_id', '=', deadId).executeTakeFirst();
      for (const h of taken) {
        if (h.url.startsWith('agent://')) continue;
        const failed = await reconnectHost(svc, h);
        if (failed) log.warn(`host ${h.name} of management server ${deadId} could not be connected here: ${failed}`);
      }
    } finally { connected(); }
    const jobs = await svc.jobs.adopt(deadId);
    log.warn(`management server ${deadId} is down: took over ${Number(hosts.numUpdatedRows)} hosts and ${jobs} unfinished jobs`);
  }

  /**
   * The heartbeat, only while this server's row still says Up. If another server has marked it Down, that server
   * has taken its hosts and jobs: going on would run them twice, so this server fences itself (as CloudStack's
   * management server shuts down when it finds it has been left out of the cluster).
   */
  async function beat(): Promise<void> {
    if (fenced) return;
    const at = clock.now();
    const r = await beatDb.updateTable('management_servers').set({ last_heartbeat: at }).where('id', '=', config.msId)
      .where('state', '=', 'Up').executeTakeFirst();
    // (MySQL may count only changed rows: the row itself says whether this server is still Up.)
    const up = Number(r.numUpdatedRows) > 0 ||
      (await beatDb.selectFrom('management_servers').select('state').where('id', '=', config.msId).executeTakeFirst())?.state === 'Up';
    // Nobody takes this server's hosts before its heartbeat `at` is downAfterMs old; half that leaves room for the
    // servers' clocks to differ.
    if (isForwardingRegistry(svc.drivers)) svc.drivers.ownershipLease(up ? at + downAfterMs / 2 : 0);
    if (up) return;
    fenced = true;
    log.error('this management server was marked Down by another one (its heartbeat was too late), which took over ' +
      'its hosts and jobs: it stops running jobs; restart it to rejoin');
    if (o.onFenced) o.onFenced(); else await svc.jobs.stop(0);
  }

  async function tick(): Promise<void> {
    await beat();
    if (fenced) return;
    const cutoff = clock.now() - downAfterMs;
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
      // A takeover in that first tick (a server found Down: its hosts reconnected here, 10,000 of them take tens
      // of seconds) can outlast the ownership lease of the tick's heartbeat: until the loop's next beat every
      // driver call, 500 for a listHosts page, would read its host's owner first. A heartbeat now renews it.
      await beat();
      if (heartbeatMs <= 0) return;
      // The heartbeat has a loop of its own: a takeover (reconnecting many hosts) must not delay it.
      beatTimer = setInterval(() => {
        beating ??= beat().catch((e: Error) => log.warn(`management server heartbeat failed: ${e.message}`))
          .finally(() => { beating = undefined; });
      }, heartbeatMs);
      beatTimer.unref();
      timer = setInterval(() => {
        running ??= tick().catch((e: Error) => log.warn(`management server check of the others failed: ${e.message}`))
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
      clearInterval(timer);
      clearInterval(beatTimer);
      timer = beatTimer = undefined;
      await running;
      await beating;
      if (fenced) return;
      await db.updateTable('management_servers').set({ state: 'Down', last_heartbeat: clock.now() })
        .where('id', '=', config.msId).execute();
    },
  };
}
