// How the console proxy reaches a VM's VNC server: through the host's driver. Drivers of local hosts (QEMU on
// this machine) name a unix socket or 127.0.0.1:port in `consoleEndpoint`, and the proxy connects directly.
// Drivers of remote hosts (`strata agent`) implement `openVncStream` instead and tunnel the bytes over their agent
// connection; the VNC server of a remote host is never exposed on the network.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Services } from '../kernel/services';
import type { HypervisorDriver } from '../hypervisors/driver';
import { driverFor } from '../orchestration/vm/infra';

/**
 * Reads that land in pooled buffers: each chunk comes with `release`, to call once the bytes were sent on. At
 * hundreds of MB/s this spares the GC a fresh buffer per read, and reads of up to 256 KiB mean fewer frames.
 */
export interface ChunkSource { onChunk(fn: (chunk: Buffer, release: () => void) => void): void }

/** A byte stream to a VM's VNC server, and the password it asks for (null: it asks for none). */
export interface VncStream {
  stream: Duplex;
  password: string | null;
  /** Set when the stream reads into pooled buffers; it then emits no 'data' events. */
  chunks?: ChunkSource;
}

/** Opens a VM's VNC server; throws an Error whose message says why not (shown to the user). */
export type OpenVncStream = (hostId: string, vmId: string) => Promise<VncStream>;

const CONNECT_TIMEOUT_MS = 5000;

/** Whether a driver can give console access at all (createConsoleEndpoint answers success=false otherwise). */
export const offersConsole = (d: HypervisorDriver) => Boolean(d.openVncStream || d.consoleEndpoint);

const READ_SIZE = 256 * 1024;
/** Free read buffers shared by all consoles (at most 8 MiB kept); a buffer in flight is owned by its session. */
const freeBuffers: Buffer[] = [];
const takeBuffer = () => freeBuffers.pop() ?? Buffer.allocUnsafe(READ_SIZE);
const giveBuffer = (b: Buffer) => { if (freeBuffers.length < 32) freeBuffers.push(b); };

type Target = { socketPath?: string; host?: string; port?: number };
const where = (t: Target) => t.socketPath ?? `${t.host ?? '127.0.0.1'}:${t.port ?? 5900}`;

/** Connects to a VNC server (a plain socket with 'data' events). */
export function connectVnc(target: Target, timeoutMs = CONNECT_TIMEOUT_MS): Promise<net.Socket> {
  return connect(target, {}, timeoutMs);
}

/** Connects to a VNC server with pooled reads (what the proxy uses for local VMs). */
export async function connectVncPooled(target: Target, timeoutMs = CONNECT_TIMEOUT_MS): Promise<{ stream: net.Socket; chunks: ChunkSource }> {
  let sink: (chunk: Buffer, release: () => void) => void = (_c, release) => release();
  const stream = await connect(target, {
    onread: {
      buffer: takeBuffer,
      // The buffer is ours until released: Node asks `takeBuffer` for the next read's buffer.
      callback: (n: number, buf: Uint8Array) => {
        sink((buf as Buffer).subarray(0, n), () => giveBuffer(buf as Buffer));
        return true;
      },
    },
  }, timeoutMs);
  return { stream, chunks: { onChunk: (fn) => { sink = fn; } } };
}

function connect(target: Target, extra: Partial<net.NetConnectOpts>, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = target.socketPath
      ? net.connect({ path: target.socketPath, ...extra } as net.NetConnectOpts)
      : net.connect({ host: target.host ?? '127.0.0.1', port: target.port ?? 5900, ...extra } as net.NetConnectOpts);
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`connecting to ${where(target)} timed out`)); }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.setNoDelay(true);
      resolve(sock);
    });
    sock.once('error', (e) => { clearTimeout(timer); reject(new Error(`cannot connect to ${where(target)}: ${e.message}`)); });
  });
}

/** The default opener: the host's driver decides (tunnel of a remote agent, or a local socket). */
export function driverVncOpener(svc: Services): OpenVncStream {
  return async (hostId, vmId) => {
    const driver = await driverFor(svc, hostId);
    if (driver.openVncStream) {
      const s = await driver.openVncStream(hostId, vmId);
      if (!s) throw new Error('the VM has no console on its host (is it running?)');
      return { stream: s.stream, password: s.password };
    }
    if (!driver.consoleEndpoint) throw new Error(`${driver.hypervisor} hosts offer no console access`);
    const ep = await driver.consoleEndpoint(hostId, vmId);
    if (!ep?.vnc) throw new Error('the VM has no VNC display on its host (is it running?)');
    return { ...(await connectVncPooled(ep.vnc)), password: ep.vnc.password };
  };
}
