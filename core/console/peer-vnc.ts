// Consoles of hosts held by another management server. An agent is linked to one server only, and a local KVM
// host's VNC socket exists only on the machine of the server that runs it, so a console WebSocket that lands on
// any other server (behind a load balancer, or after the agent moved) is relayed: this server asks the owner, over
// one signed HTTP upgrade (GET /internal/cluster/vnc), to open the VM's VNC stream there and pipe its bytes back.
// The browser's RFB session still ends at the proxy it connected to; only raw VNC bytes cross between servers.
import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Services } from '../kernel/services';
import type { UpgradeHandler } from '../api/http-server';
import { checkPeerRequest, clusterKey, signPeerRequest, SIGNATURE_HEADER, TIME_HEADER } from '../cluster/cluster-key';
import { hostOwnerQ } from '../cluster/forwarding-drivers';
import type { OpenVncStream, VncStream } from './vnc-stream';

export const PEER_VNC_PATH = '/internal/cluster/vnc';
const PROTOCOL = 'strata-vnc';
const PASSWORD_HEADER = 'x-strata-vnc-password';
const CONNECT_TIMEOUT_MS = 10_000;

/** What is signed: the path and the VM, so a captured request opens nothing else. */
const signed = (hostId: string, vmId: string) => `${PEER_VNC_PATH}\n${hostId}\n${vmId}`;

/** Opens consoles of this server's hosts with `local`, and of other servers' hosts through their owner. */
export function clusterVncOpener(svc: Services, local: OpenVncStream): OpenVncStream {
  let key: Promise<string> | undefined;
  return async (hostId, vmId) => {
    const owner = await hostOwnerQ.first(svc.db, { id: hostId });
    if (!owner?.msId || owner.msId === svc.config.msId) return local(hostId, vmId);
    if (!owner.peerUrl) throw new Error(`the management server holding its host (${owner.msId}) has not published its address yet`);
    return openThroughPeer(owner.peerUrl, await (key ??= clusterKey(svc.db)), hostId, vmId, svc.clock.now());
  };
}

function openThroughPeer(peerUrl: string, key: string, hostId: string, vmId: string, now: number): Promise<VncStream> {
  const url = new URL(`${PEER_VNC_PATH}?${new URLSearchParams({ host: hostId, vm: vmId })}`, peerUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'GET', timeout: CONNECT_TIMEOUT_MS,
      headers: { Connection: 'Upgrade', Upgrade: PROTOCOL, ...signPeerRequest(key, signed(hostId, vmId), now) } });
    req.once('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (head.length) socket.unshift(head);
      const password = res.headers[PASSWORD_HEADER];
      resolve({ stream: socket, password: typeof password === 'string' && password ? password : null });
    });
    // Not upgraded: the owner says why in the body (not its host any more, the VM has no display, ...).
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => reject(new Error(body.trim() || `the management server at ${peerUrl} answered ${res.statusCode}`)));
    });
    req.once('timeout', () => req.destroy(new Error(`the management server at ${peerUrl} did not answer in time`)));
    req.once('error', (e) => reject(new Error(`cannot reach the management server at ${peerUrl}: ${e.message}`)));
    req.end();
  });
}

/** The owner's end: checks the signature and that the host is still its own, then pipes the VM's VNC stream. */
export function peerVncUpgrade(svc: Services, local: OpenVncStream): UpgradeHandler {
  let key: Promise<string> | undefined;
  const refuse = (socket: Duplex, status: string, why: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=UTF-8\r\nConnection: close\r\n\r\n${why}\n`);
    socket.once('finish', () => socket.destroy());
  };

  async function serve(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const q = new URL(req.url ?? '/', 'http://peer').searchParams;
    const hostId = q.get('host') ?? '';
    const vmId = q.get('vm') ?? '';
    const why = checkPeerRequest(await (key ??= clusterKey(svc.db)), signed(hostId, vmId), req.headers[TIME_HEADER] as string | undefined,
      req.headers[SIGNATURE_HEADER] as string | undefined, svc.clock.now());
    if (why) return refuse(socket, '401 Unauthorized', `Not a request from a management server of this cloud: ${why}`);
    const owner = await hostOwnerQ.first(svc.db, { id: hostId });
    if (owner?.msId !== svc.config.msId) return refuse(socket, '409 Conflict', `Host ${hostId} is not owned by this management server`);
    let vnc: VncStream;
    try {
      vnc = await local(hostId, vmId);
    } catch (e) {
      return refuse(socket, '502 Bad Gateway', e instanceof Error ? e.message : String(e));
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${PROTOCOL}\r\n${PASSWORD_HEADER}: ${vnc.password ?? ''}\r\n\r\n`);
    if (head.length) vnc.stream.write(head);
    // Pooled reads (local sockets) are handed back once written; plain streams are piped.
    if (vnc.chunks) vnc.chunks.onChunk((c, release) => { socket.write(c, () => release()); });
    else vnc.stream.pipe(socket);
    socket.pipe(vnc.stream);
    const end = () => { vnc.stream.destroy(); socket.destroy(); };
    vnc.stream.once('close', end);
    socket.once('close', end);
    vnc.stream.once('error', end);
    socket.once('error', end);
  }

  return (req, socket, head) => {
    serve(req, socket, head).catch((e: unknown) => refuse(socket, '500 Internal Server Error', e instanceof Error ? e.message : String(e)));
  };
}
