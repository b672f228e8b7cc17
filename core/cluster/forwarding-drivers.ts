// Commands for a host owned by another management server go to that server (CloudStack's clustered agent manager
// does the same): an agent is connected to one server only, and the simulator's and local KVM's hosts live in the
// process that connected them, so only the owner can act on them. The job itself runs wherever the API call
// arrived (its locks are in the database, jobs/db-locks.ts); each driver call it makes on a foreign host is one
// signed HTTP request to the owner's peer URL, which runs it on its own driver (cluster/peer-route.ts).
// If the owner cannot be reached (it died), the call waits until a survivor has taken the host over, then
// runs there (or here, if this server took it).
import type { DriverRegistry, HypervisorDriver } from '../hypervisors/driver';
import type { Services } from '../kernel/services';
import { clusterKey, signPeerRequest } from './cluster-key';
import { decodeValue, encodeValue, errorOf, PEER_DRIVER_PATH, type PeerAnswer } from './peer-wire';
import { precompiled } from '../db/precompiled';

/** Driver methods that act on one host, named by their first argument (connectHost: its spec's hostId). */
const HOST_METHODS = new Set(['connectHost', 'disconnectHost', 'pingHost', 'startVm', 'stopVm', 'rebootVm', 'destroyVm',
  'vmPowerStates', 'scaleVm', 'migrateVm', 'createVolume', 'deleteVolume', 'resizeVolume', 'attachVolume', 'detachVolume',
  'snapshotVolume', 'revertSnapshot', 'deleteSnapshot', 'vmStats', 'hostStats', 'sampleHost', 'pauseVm', 'resumeVm',
  'attachIso', 'detachIso', 'ensureTemplate', 'removeTemplate', 'listPoolFiles', 'prepareMigration', 'sendMigration',
  'finishMigration', 'applyRouter', 'removeRouter', 'routerRunning', 'routerLbHealth', 'plugNic', 'unplugNic',
  'vmSnapshot', 'exportImage']);

const hostIdOf = (method: string, args: unknown[]) =>
  String(method === 'connectHost' ? (args[0] as { hostId: string }).hostId : args[0]);

interface Owner { msId: string | null; peerUrl: string | null }

// Read before a driver call on a host this server does not know as its own: compiled once (db/precompiled).
export const hostOwnerQ = precompiled((db, p: { id: string }) => db.selectFrom('hosts').leftJoin('management_servers as m', 'm.id', 'hosts.ms_id')
  .select(['hosts.ms_id as msId', 'm.peer_url as peerUrl', 'hosts.url']).where('hosts.id', '=', p.id));

/** A registry that also knows which hosts this server is taking over (connecting them to its own drivers). */
export interface ForwardingRegistry extends DriverRegistry {
  /** Calls for these hosts wait until `connected` settles: the host is this server's before its driver knows it. */
  adopting(hostIds: string[], connected: Promise<unknown>): void;
  /**
   * Told by the heartbeat until when no other server can have taken this one's hosts (a takeover needs this server
   * silent for the Down timeout); 0 when it has been fenced. Until then a host found to be this server's is not
   * looked up again before each driver call.
   */
  ownershipLease(until: number): void;
}

export const isForwardingRegistry = (r: DriverRegistry): r is ForwardingRegistry =>
  typeof (r as Partial<ForwardingRegistry>).adopting === 'function';

export function createForwardingRegistry(local: DriverRegistry, svc: () => Services): ForwardingRegistry {
  const wrapped = new Map<HypervisorDriver, HypervisorDriver>();
  // In-process only, and only while this process connects hosts it has just taken: nothing to share or invalidate.
  const connecting = new Map<string, Promise<unknown>>();
  let key: Promise<string> | undefined;
  // Hosts seen owned by this server whose driver lives in this process (not agent hosts: an agent may dial another
  // server while this one is alive, which then owns the host). Such a host leaves this server only by a takeover,
  // which needs this server's heartbeat silent past the lease: while the lease runs, their owner is not read.
  const ownedHere = new Set<string>();
  let leaseUntil = 0;

  async function ownerOf(hostId: string): Promise<Owner | undefined> {
    const s = svc();
    const r = await hostOwnerQ.first(s.db, { id: hostId });
    if (r && r.msId === s.config.msId && !/^\s*agent:\/\//i.test(r.url)) ownedHere.add(hostId);
    return r ? { msId: r.msId, peerUrl: r.peerUrl } : undefined;
  }

  const knownOwnHost = (hostId: string, now: number) => now < leaseUntil && ownedHere.has(hostId);

  async function call(driver: HypervisorDriver, method: string, args: unknown[]): Promise<unknown> {
    const s = svc();
    const hostId = hostIdOf(method, args);
    const giveUpAt = s.clock.now() + 2 * (s.config.msDownAfterMs ?? 30_000) + 10_000;
    for (;;) {
      const owner = knownOwnHost(hostId, s.clock.now()) ? undefined : await ownerOf(hostId);
      if (!owner?.msId || owner.msId === s.config.msId) {
        // (connectHost is what the takeover itself calls.)
        if (method !== 'connectHost') await connecting.get(hostId);
        return (driver[method as keyof HypervisorDriver] as (...a: unknown[]) => Promise<unknown>).apply(driver, args);
      }
      const body = encodeValue({ hostId, method, args });
      let answer: PeerAnswer;
      try {
        // No address yet: the owner is (re)starting and has not listened yet.
        if (!owner.peerUrl) throw new Error('it has not published its address');
        const res = await fetch(owner.peerUrl + PEER_DRIVER_PATH, { method: 'POST', body,
          headers: { 'content-type': 'application/json', ...signPeerRequest(await (key ??= clusterKey(s.db)), body, s.clock.now()) } });
        answer = decodeValue(await res.text()) as PeerAnswer;
      } catch (e) {
        // The owner is gone (or going): once a survivor has taken the host, the call is made there.
        if (s.clock.now() > giveUpAt) throw new Error(`Management server ${owner.msId} owning host ${hostId} cannot be reached: ${String(e)}`);
        await changeOfOwner(hostId, owner, giveUpAt);
        continue;
      }
      if (answer.ok) return answer.value;
      // The host moved between our look-up and its arrival there: ask again.
      if (answer.notOwner !== undefined) continue;
      throw errorOf(answer);
    }
  }

  /** Waits until the host has another owner, or its owner a (new) address. */
  async function changeOfOwner(hostId: string, was: Owner, until: number): Promise<void> {
    const s = svc();
    while (s.clock.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      const o = await ownerOf(hostId);
      if (o?.msId !== was.msId || o.peerUrl !== was.peerUrl) return;
    }
  }

  function wrap(driver: HypervisorDriver): HypervisorDriver {
    let w = wrapped.get(driver);
    if (w) return w;
    w = new Proxy(driver, {
      get(target, p) {
        const v = Reflect.get(target, p) as unknown;
        if (typeof v !== 'function') return v;
        if (typeof p === 'string' && HOST_METHODS.has(p)) return (...args: unknown[]) => call(target, p, args);
        return (v as (...a: unknown[]) => unknown).bind(target);
      },
    });
    wrapped.set(driver, w);
    return w;
  }

  return {
    ownershipLease(until) {
      leaseUntil = until;
      if (until === 0) ownedHere.clear();
    },
    adopting(hostIds, connected) {
      const done = connected.catch(() => undefined);
      for (const id of hostIds) connecting.set(id, done);
      void done.then(() => { for (const id of hostIds) if (connecting.get(id) === done) connecting.delete(id); });
    },
    get: (hv) => wrap(local.get(hv)),
    supported: () => local.supported(),
    forHost: (host) => wrap(local.forHost ? local.forHost(host) : local.get(host.hypervisor)),
  };
}
