// Consoles area: the open consoles of this connection as tabs (one in front, the others stay connected behind it)
// or as a grid of live view-only screens. Switching layout keeps every session: the same console components are
// only restyled. Closing a console disconnects it, which frees its proxy session.
import { useCallback, useMemo, useState } from 'react';
import { useCloud } from '../../app/client-context';
import { desktopBridge } from '../../api/desktop-client';
import { Page } from '../../components/Page';
import { fmt } from '../../i18n/messages';
import { AddConsole } from './AddConsole';
import { consoleSource } from './connection';
import { useConsolesStore, type OpenConsole } from './consoles-store';
import { popOutWindow } from './ConsolePanel';
import { useConsoleMessages } from './messages';
import type { Phase } from './use-rfb';
import { VmConsole } from './VmConsole';

export default function ConsolesView() {
  const m = useConsoleMessages();
  const { client } = useCloud();
  const all = useConsolesStore((s) => s.open);
  const activeId = useConsolesStore((s) => s.active[client.connectionId]);
  const layout = useConsolesStore((s) => s.layout);
  const { add, remove, setActive, setLayout } = useConsolesStore.getState();
  const mine = useMemo(() => all.filter((c) => c.connectionId === client.connectionId), [all, client.connectionId]);
  const active = mine.find((c) => c.vmId === activeId) ?? mine[mine.length - 1];
  const [phases, setPhases] = useState<Record<string, Phase>>({});
  const [error, setError] = useState<string | null>(null);
  const grid = layout === 'grid';

  const onPhase = useCallback((vmId: string, p: Phase) => setPhases((s) => (s[vmId] === p ? s : { ...s, [vmId]: p })), []);
  const close = (c: OpenConsole) => remove(c.connectionId, c.vmId);
  const openTab = (c: OpenConsole) => { setActive(c.connectionId, c.vmId); setLayout('tabs'); };

  return (
    <Page title={m.consoles} subtitle={fmt(m.openCount, { n: mine.length })} toolbar={<>
      <AddConsole onAdd={(vm) => add({ connectionId: client.connectionId, vmId: vm.id, name: vm.name })} />
      <div className="segmented" role="group" aria-label={m.layout}>
        <button aria-pressed={!grid} onClick={() => setLayout('tabs')}>{m.tabs}</button>
        <button aria-pressed={grid} onClick={() => setLayout('grid')}>{m.grid}</button>
      </div>
    </>}>
      {error && <div className="error" role="alert">{error}</div>}
      {mine.length === 0 && <p className="muted vmc-empty">{m.noneOpen}</p>}
      {mine.length > 0 && !grid && (
        <div className="vmc-tabs" role="tablist" aria-label={m.consoles}>
          {mine.map((c) => (
            <div key={c.vmId} className={`vmc-tab${c === active ? ' on' : ''}`}>
              <button role="tab" id={`vmc-tab-${c.vmId}`} aria-selected={c === active} aria-controls={`vmc-panel-${c.vmId}`}
                onClick={() => setActive(c.connectionId, c.vmId)}>
                <span className={`vmc-dot tone-${toneOf(phases[c.vmId])}`} aria-hidden />{c.name}
              </button>
              <button className="icon" aria-label={fmt(m.closeConsoleOf, { vm: c.name })} onClick={() => close(c)}>✕</button>
            </div>
          ))}
        </div>
      )}
      {grid && mine.length > 0 && <p className="muted">{m.gridHint}</p>}
      <div className={grid ? 'vmc-grid' : 'vmc-stack'}>
        {mine.map((c) => (
          <div key={c.vmId} className={`vmc-cell${!grid && c !== active ? ' vmc-behind' : ''}`}
            {...(grid ? {} : { role: 'tabpanel', id: `vmc-panel-${c.vmId}`, 'aria-labelledby': `vmc-tab-${c.vmId}` })}>
            <ConsoleCell c={c} grid={grid} front={c === active} onPhase={onPhase} onOpen={() => openTab(c)}
              onClose={() => close(c)} onPopOut={() => popOutWindow(client, { id: c.vmId, name: c.name }).then(() => close(c), (e: Error) => setError(e.message))} />
          </div>
        ))}
      </div>
    </Page>
  );
}

function toneOf(p: Phase | undefined): string {
  return p === 'connected' ? 'ok' : p === 'connecting' || p === undefined ? 'busy' : p === 'stopped' ? 'idle' : 'bad';
}

function ConsoleCell({ c, grid, front, onPhase, onOpen, onClose, onPopOut }: {
  c: OpenConsole; grid: boolean; front: boolean; onPhase(vmId: string, p: Phase): void; onOpen(): void; onClose(): void; onPopOut(): void;
}) {
  const m = useConsoleMessages();
  const { client } = useCloud();
  const desktop = !!desktopBridge();
  const source = useMemo(() => consoleSource(client, c.vmId), [client, c.vmId]);
  const phase = useCallback((p: Phase) => onPhase(c.vmId, p), [onPhase, c.vmId]);
  return (
    <VmConsole source={source} name={c.name} variant={grid ? 'thumb' : 'full'} autoFocus={front && !grid} onPhase={phase}
      onPopOut={desktop ? undefined : onPopOut} onClose={onClose}
      actions={grid ? <button onClick={onOpen}>{m.open}</button> : undefined} />
  );
}
