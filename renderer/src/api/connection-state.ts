// Whether the server answers, as the console has last seen it. Every call reports in (through trackedClient): a
// network failure marks the connection unreachable with its reason and schedules a probe with backoff; any answer
// from the server, even an error, marks it reachable again and reloads what is on screen.
import { create } from 'zustand';
import { CloudError, type CloudClient } from './cloud-client';
import { useDataVersion } from '../state/refresh-store';

export interface ConnectionState {
  reachable: boolean;
  /** Why the last call did not reach the server (the transport's own words). */
  reason: string;
  /** When the next probe runs (epoch ms), while unreachable. */
  retryAt: number | null;
  failures: number;
}

export const useConnection = create<ConnectionState>(() => ({ reachable: true, reason: '', retryAt: null, failures: 0 }));

const NETWORK_ERROR = /failed to fetch|fetch failed|networkerror|network error|econnrefused|econnreset|enotfound|etimedout|ehostunreach|socket hang up|load failed/i;

/** True when an error means no answer came from the server (as opposed to the server saying no). */
export function isUnreachable(e: unknown): boolean {
  if (e instanceof CloudError) return e.errorcode === 502 || e.errorcode === 503 || e.errorcode === 504 || NETWORK_ERROR.test(e.message);
  return e instanceof TypeError || (e instanceof Error && NETWORK_ERROR.test(e.message));
}

/** 5 s, 10 s, 20 s, then every 30 s. */
export const retryDelay = (failures: number) => Math.min(30_000, 5_000 * 2 ** Math.max(0, failures - 1));

let probeTimer: ReturnType<typeof setTimeout> | undefined;

function markReachable() {
  if (useConnection.getState().reachable) return;
  clearTimeout(probeTimer);
  useConnection.setState({ reachable: true, reason: '', retryAt: null, failures: 0 });
  useDataVersion.getState().bump();
}

function markUnreachable(client: CloudClient, e: unknown) {
  const failures = useConnection.getState().failures + 1;
  const delay = retryDelay(failures);
  useConnection.setState({ reachable: false, reason: e instanceof Error ? e.message : String(e), retryAt: Date.now() + delay, failures });
  clearTimeout(probeTimer);
  probeTimer = setTimeout(() => probe(client), delay);
}

/** Asks the server for something cheap; the wrapper records the outcome. */
export function probe(client: CloudClient) {
  clearTimeout(probeTimer);
  void client.call('listCapabilities').catch(() => {});
}

/** The same client, reporting each call's outcome to the connection state. */
export function trackedClient(client: CloudClient): CloudClient {
  const tracked: CloudClient = {
    connectionId: client.connectionId,
    connectionName: client.connectionName,
    async call(command, params, opts) {
      try {
        const r = await client.call(command, params, opts);
        markReachable();
        return r;
      } catch (e) {
        if (isUnreachable(e)) markUnreachable(tracked, e);
        else markReachable();
        throw e;
      }
    },
  };
  return tracked;
}

/** A new connection (or sign-in) starts from a clean slate. */
export function resetConnection() {
  clearTimeout(probeTimer);
  useConnection.setState({ reachable: true, reason: '', retryAt: null, failures: 0 });
}
