// The console on a VM's page. Pop out opens the console page in its own browser window with a fresh endpoint
// (and closes this one, so the VM keeps one session); in the desktop app VmConsole fills the window instead.
// "Open in Consoles" moves it to the consoles workspace (tabs, grid).
import { useMemo, useState } from 'react';
import { useCloud } from '../../app/client-context';
import { desktopBridge } from '../../api/desktop-client';
import { useRoute } from '../../state/route-store';
import { consoleSource, fetchEndpoint } from './connection';
import { useConsolesStore } from './consoles-store';
import { useConsoleMessages } from './messages';
import { VmConsole } from './VmConsole';

/** The console page URL on this origin for an endpoint's `url` (browser mode serves both). */
export function popOutUrl(endpointUrl: string, vm: { id: string; name: string }): string {
  const u = new URL(endpointUrl, location.href);
  const q = new URLSearchParams(u.search);
  // vm and name let the page title itself and, with the session this window hands down, reconnect after a drop.
  q.set('vm', vm.id);
  q.set('name', vm.name);
  return `${location.origin}${u.pathname}?${q}`;
}

/**
 * Opens a window at once (still inside the click, so no popup blocker objects), then sends it to the console
 * page once the endpoint is there. The window shares this origin, so it inherits a copy of the session.
 */
export async function popOutWindow(client: Parameters<typeof fetchEndpoint>[0], vm: { id: string; name: string }): Promise<void> {
  const w = window.open('', '_blank', 'popup,width=1060,height=820');
  try {
    const ep = await fetchEndpoint(client, vm.id);
    const url = popOutUrl(ep.url ?? `/console/vnc.html?token=${encodeURIComponent(ep.websocket.token)}`, vm);
    if (w) w.location.href = url;
    else window.open(url, '_blank');
  } catch (e) {
    w?.close();
    throw e;
  }
}

export default function ConsolePanel({ vm, onClose }: { vm: { id: string; name: string }; onClose(): void }) {
  const m = useConsoleMessages();
  const { client } = useCloud();
  const desktop = !!desktopBridge();
  const source = useMemo(() => consoleSource(client, vm.id), [client, vm.id]);
  const add = useConsolesStore((s) => s.add);
  const navigate = useRoute((s) => s.navigate);
  const [error, setError] = useState<string | null>(null);

  const toWorkspace = () => {
    add({ connectionId: client.connectionId, vmId: vm.id, name: vm.name });
    onClose();
    navigate(['consoles']);
  };
  const popOut = () => {
    setError(null);
    popOutWindow(client, vm).then(onClose, (e: Error) => setError(e.message));
  };

  return (
    <div className="vmc-panel">
      {error && <div className="error" role="alert">{error}</div>}
      <VmConsole source={source} name={vm.name} autoFocus onClose={onClose} onPopOut={desktop ? undefined : popOut}
        actions={<button onClick={toWorkspace}>{m.openInWorkspace}</button>} />
    </div>
  );
}
