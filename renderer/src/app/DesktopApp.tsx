// Desktop mode: several clouds at once (the embedded core plus remote Strata or CloudStack servers). The operator
// picks the connection to look at; each shows its status, and a failed one says why and retries.
import { useEffect, useMemo, useState } from 'react';
import type { DesktopBridge, ConnectionInfo } from '../../../main/ipc-contract';
import { desktopClient } from '../api/desktop-client';
import { ClientProvider } from './client-context';
import { Shell } from './Shell';
import { ConnectionDialog } from './ConnectionDialog';
import { useUiStore } from '../state/ui-store';

export function DesktopApp({ bridge }: { bridge: DesktopBridge }) {
  const [connections, setConnections] = useState<ConnectionInfo[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    void bridge.connections.list().then((r) => { if (r.ok) setConnections(r.value); });
    const offChanged = bridge.on('connections:changed', setConnections);
    const offMenu = bridge.on('app:menuCommand', (c) => {
      if (c.command === 'commandPalette') useUiStore.getState().setPaletteOpen(true);
      if (c.command === 'newConnection') setAdding(true);
    });
    return () => { offChanged(); offMenu(); };
  }, [bridge]);

  const current = connections.find((c) => c.id === selected) ?? connections[0];
  const client = useMemo(() => (current ? desktopClient(bridge, current) : null), [bridge, current]);
  const switcher = (
    <div className="conn-switcher">
      <select aria-label="Connection" value={current?.id ?? ''} onChange={(e) => setSelected(e.target.value)}>
        {connections.map((c) => <option key={c.id} value={c.id}>{c.name} · {c.status.state}</option>)}
      </select>
      <button className="ghost" onClick={() => setAdding(true)}>+ Connection</button>
      <ConnectionDialog open={adding} bridge={bridge} onClose={() => setAdding(false)} onAdded={(c) => { setSelected(c.id); setAdding(false); }} />
    </div>
  );

  if (!current || !client) return <div className="loading">Starting the embedded cloud… {switcher}</div>;
  if (current.status.state !== 'ready') {
    const s = current.status;
    return (
      <div className="login">
        <div className="card login-card">
          <h1>{current.name}</h1>
          <p>{s.state === 'connecting' ? `Connecting (attempt ${s.attempt})…` : `Connection failed: ${s.reason}`}</p>
          {s.state === 'failed' && <button className="primary" onClick={() => bridge.connections.retry({ id: current.id })}>Retry now</button>}
          {switcher}
        </div>
      </div>
    );
  }
  const identity = { username: current.username ?? (current.kind === 'embedded' ? 'admin' : 'API key'), account: current.kind, accountType: 1 };
  return (
    <ClientProvider key={current.id} client={client} identity={identity}>
      <Shell extraTopbar={switcher} />
    </ClientProvider>
  );
}
