// Actions on the checked rows of a list, with a per-item result list. Unlike the shared ActionBar (used for one
// row in detail panes) this keeps the selection, and so itself, alive until the operator has read the results;
// the list reloads at once so the table already shows the new states behind the dialog.
import { useState } from 'react';
import type { Action, ItemResult } from '../actions';
import { Dialog } from '../Dialog';
import { useCloud } from '../../app/client-context';
import { useAction } from '../../api/hooks';
import { fmt } from '../../i18n/messages';
import type { PagedList } from './paged-list';
import { useKitMessages } from './messages';
import { errorText } from './typed';

export function BulkActions<T>({ actions, list, nameOf }: { actions: Action<T>[]; list: PagedList<T>; nameOf(row: T): string }) {
  const m = useKitMessages();
  const { apis } = useCloud();
  const run = useAction();
  const rows = list.selectedRows;
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<{ title: string; items: ItemResult[] } | null>(null);
  const fitting = actions.filter((a) => apis?.has(a.command) && (rows.length === 1 || a.bulk) && rows.every((r) => a.when?.(r) ?? true));
  const clear = () => list.setSelected(new Set());

  const go = async (a: Action<T>) => {
    if (a.danger && !confirm(`${a.label}: ${rows.map(nameOf).join(', ')}?`)) return;
    setBusy(true);
    const items = await Promise.all(rows.map(async (r): Promise<ItemResult> => {
      try {
        await run(a.command, a.params(r), a.describe(r));
        return { name: nameOf(r), ok: true, text: m.done };
      } catch (e) {
        return { name: nameOf(r), ok: false, text: errorText(e) };
      }
    }));
    setBusy(false);
    list.rows.refresh();
    if (items.length > 1 || items.some((i) => !i.ok)) setResults({ title: a.label, items });
    else clear();
  };

  const ok = results?.items.filter((i) => i.ok).length ?? 0;
  return (
    <div className="actionbar" role="toolbar">
      {fitting.length === 0 && <span className="muted">{m.noCommonAction}</span>}
      {fitting.map((a) => <button key={a.id} type="button" className={a.danger ? 'danger' : ''} disabled={busy} onClick={() => go(a)}>{a.label}</button>)}
      <Dialog open={!!results} title={results?.title ?? ''} onClose={() => { setResults(null); clear(); }}>
        <p>{fmt(m.resultSummary, { ok, total: results?.items.length ?? 0 })}</p>
        <ul className="results">
          {results?.items.map((i, k) => <li key={k} className={i.ok ? 'ok' : 'bad'}><strong>{i.name}</strong>: {i.text}</li>)}
        </ul>
      </Dialog>
    </div>
  );
}
