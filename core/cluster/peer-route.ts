// The receiving end of forwarded host commands (cluster/forwarding-drivers.ts): POST /internal/cluster/driver,
// signed with the cluster key. It runs the call on this server's own driver for the host, and only if this server
// still owns the host; otherwise it says so and the sender looks the owner up again.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DriverRegistry, HypervisorDriver } from '../hypervisors/driver';
import type { Services } from '../kernel/services';
import { driverForHost } from '../hypervisors/registry';
import { checkPeerRequest, clusterKey, SIGNATURE_HEADER, TIME_HEADER } from './cluster-key';
import { decodeValue, encodeValue, errorAnswer, PEER_DRIVER_PATH, type PeerAnswer, type PeerCall } from './peer-wire';

const MAX_BODY = 16 * 1024 * 1024;

export function peerDriverRoute(svc: Services, local: DriverRegistry): (req: IncomingMessage, res: ServerResponse) => boolean {
  let key: Promise<string> | undefined;
  const reply = (res: ServerResponse, status: number, a: PeerAnswer) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(encodeValue(a));
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === null) return reply(res, 413, { ok: false, error: { message: 'Request body too large' } });
    const why = checkPeerRequest(await (key ??= clusterKey(svc.db)), body, req.headers[TIME_HEADER] as string | undefined,
      req.headers[SIGNATURE_HEADER] as string | undefined, svc.clock.now());
    if (why) return reply(res, 401, { ok: false, error: { message: `Not a request from a management server of this cloud: ${why}` } });
    const c = decodeValue(body) as PeerCall;
    const host = await svc.db.selectFrom('hosts').select(['ms_id', 'hypervisor', 'url']).where('id', '=', c.hostId).executeTakeFirst();
    if (host && host.ms_id !== svc.config.msId) {
      return reply(res, 409, { ok: false, notOwner: host.ms_id, error: { message: `Host ${c.hostId} is not owned by this management server` } });
    }
    try {
      const driver = host ? driverForHost(local, host) : undefined;
      const fn = driver?.[c.method as keyof HypervisorDriver];
      if (typeof fn !== 'function') throw new Error(`Host ${c.hostId} has no driver operation ${c.method}`);
      const value = await (fn as (...a: unknown[]) => Promise<unknown>).apply(driver, c.args);
      reply(res, 200, { ok: true, value });
    } catch (e) {
      reply(res, 200, errorAnswer(e));
    }
  }

  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== PEER_DRIVER_PATH) return false;
    if (req.method !== 'POST') { res.writeHead(405, { Allow: 'POST' }); res.end(); return true; }
    serve(req, res).catch((e: unknown) => { if (!res.headersSent) reply(res, 500, errorAnswer(e)); else res.destroy(); });
    return true;
  };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => { size += c.length; if (size <= MAX_BODY) chunks.push(c); });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
