// Desktop mode: calls go over IPC to main, which signs them with secrets the renderer never sees.
import type { DesktopBridge, ConnectionInfo } from '../../../main/ipc-contract';
import { CloudError, prefersPost, toWireParams, unwrapResponse, type CloudClient, type Params } from './cloud-client';

export function desktopBridge(): DesktopBridge | null {
  return (window as unknown as { strata?: DesktopBridge }).strata ?? null;
}

export function desktopClient(bridge: DesktopBridge, conn: ConnectionInfo): CloudClient {
  return {
    connectionId: conn.id,
    connectionName: conn.name,
    async call(command: string, params?: Params, opts?: { post?: boolean }) {
      const r = await bridge.api.call({ connectionId: conn.id, command, params: toWireParams(params), method: (opts?.post ?? prefersPost(command)) ? 'POST' : 'GET' });
      if (!r.ok) throw new CloudError(r.error.errorcode ?? 530, r.error.message, r.error.cserrorcode);
      return unwrapResponse(200, r.value);
    },
  };
}
