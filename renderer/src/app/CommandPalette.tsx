// Ctrl+K: go to an area, start an action ("deploy", "add host") or open a resource by name. Areas and actions
// match at once; resources come from the server after a short pause in typing. Arrow keys move, Enter goes,
// Escape closes; an empty result says so.
import { useEffect, useState } from 'react';
import { useUiStore } from '../state/ui-store';
import { useRoute } from '../state/route-store';
import { useShellMessages } from './shell-messages';
import { useCloud } from './client-context';
import { matches, PALETTE_ACTIONS, searchResources, type PaletteItem } from './palette-items';
import { useDebounced } from '../components/kit/paged-list';
import { fmt } from '../i18n/messages';

export function CommandPalette({ areas }: { areas: { id: string; label: string }[] }) {
  const m = useShellMessages();
  const { client, apis } = useCloud();
  const [q, setQ] = useState('');
  const [i, setI] = useState(0);
  const [found, setFound] = useState<{ q: string; items: PaletteItem[] } | null>(null);
  const debounced = useDebounced(q.trim(), 250);
  const close = () => useUiStore.getState().setPaletteOpen(false);

  useEffect(() => {
    if (debounced.length < 2 || !apis) return;
    let live = true;
    void searchResources(client, apis, debounced, (k) => m[`kind${k}` as keyof typeof m] ?? k).then((items) => { if (live) setFound({ q: debounced, items }); });
    return () => { live = false; };
  }, [debounced, client, apis, m]);

  const fixed: PaletteItem[] = [
    ...areas.map((a): PaletteItem => ({ id: a.id, kind: 'area', label: a.label, path: [a.id] })),
    ...PALETTE_ACTIONS.filter((a) => apis?.has(a.gate)).map((a): PaletteItem => ({
      id: a.id, kind: 'action', label: m[a.id as keyof typeof m], path: a.path, query: a.query, keywords: a.keywords,
    })),
  ];
  const searching = q.trim().length >= 2 && found?.q !== q.trim();
  const resources = q.trim().length >= 2 && found?.q === q.trim() ? found.items : [];
  const hits = [...fixed.filter((x) => !q.trim() ? x.kind === 'area' : matches(x, q)), ...resources];
  const go = (x: PaletteItem) => { useRoute.getState().navigate(x.path, x.query); close(); };
  const kindText = { area: m.kindArea, action: m.kindAction, resource: '' };

  return (
    <div className="palette-backdrop" onClick={close}>
      <div className="palette" role="dialog" aria-label={m.palette} onClick={(e) => e.stopPropagation()}>
        <input autoFocus placeholder={m.paletteHint} aria-label={m.paletteHint} value={q} role="combobox" aria-expanded aria-controls="palette-list"
          onChange={(e) => { setQ(e.target.value); setI(0); }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') { e.preventDefault(); setI((x) => Math.min(hits.length - 1, x + 1)); }
            else if (e.key === 'ArrowUp') { e.preventDefault(); setI((x) => Math.max(0, x - 1)); }
            else if (e.key === 'Enter' && hits[i]) go(hits[i]);
          }} />
        <ul role="listbox" id="palette-list">
          {hits.map((x, k) => (
            <li key={`${x.kind}:${x.id}`} role="option" aria-selected={k === i} className={k === i ? 'active' : ''} onMouseDown={() => go(x)}>
              <span className="palette-label">{x.label}</span>
              <span className="muted palette-kind">{x.kind === 'resource' ? x.detail : kindText[x.kind]}</span>
            </li>
          ))}
          {searching && <li className="muted" aria-live="polite">{m.searching}</li>}
          {!searching && hits.length === 0 && <li className="muted" role="status">{fmt(m.noMatch, { q: q.trim() })}</li>}
        </ul>
      </div>
    </div>
  );
}
