// Ctrl+K: jump to an area by typing. Arrow keys move, Enter goes, Escape closes.
import { useState } from 'react';
import { useUiStore } from '../state/ui-store';
import { useRoute } from '../state/route-store';
import { useShellMessages } from './shell-messages';

export function CommandPalette({ areas }: { areas: { id: string; label: string }[] }) {
  const m = useShellMessages();
  const [q, setQ] = useState('');
  const [i, setI] = useState(0);
  const close = () => useUiStore.getState().setPaletteOpen(false);
  const hits = areas.filter((a) => a.label.toLowerCase().includes(q.toLowerCase()) || a.id.includes(q.toLowerCase()));
  const go = (id: string) => { useRoute.getState().navigate([id]); close(); };
  return (
    <div className="palette-backdrop" onClick={close}>
      <div className="palette" role="dialog" aria-label={m.palette} onClick={(e) => e.stopPropagation()}>
        <input autoFocus placeholder={m.paletteHint} value={q} onChange={(e) => { setQ(e.target.value); setI(0); }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') setI((x) => Math.min(hits.length - 1, x + 1));
            else if (e.key === 'ArrowUp') setI((x) => Math.max(0, x - 1));
            else if (e.key === 'Enter' && hits[i]) go(hits[i].id);
          }} />
        <ul role="listbox">
          {hits.map((a, k) => (
            <li key={a.id} role="option" aria-selected={k === i} className={k === i ? 'active' : ''} onMouseDown={() => go(a.id)}>{a.label}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
