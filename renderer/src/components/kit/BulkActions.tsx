// Actions on the checked rows of a list, with a per-item result list. Unlike the shared ActionBar (used for one
// row in detail panes) this keeps the selection, and so itself, alive until the operator has read the results;
// the list reloads at once so the table already shows the new states behind the dialog.
import { useState } from 'react';
import { ResultsDialog, useActionRunner, type Action, type ItemResult } from '../actions';
import { useCloud } from '../../app/client-context';
import { fmt } from '../../i18n/messages';
import type { PagedList } from './paged-list';
import { useKitMessages } from './messages';

export function BulkActions<T>({ actions, list, nameOf }: { actions: Action<T>[]; list: PagedList<T>; nameOf(row: T): string }) {
  const m = useKitMessages();
  const { apis } = useCloud();
  const rows = list.selectedRows;
  const [results, setResults] = useState<{ title: string; items: ItemResult[] } | null>(null);
  const fitting = actions.filter((a) => apis?.has(a.command) && (rows.length === 1 || a.bulk) && rows.every((r) => a.when?.(r) ?? true));
  const clear = () => list.setSelected(new Set());
  // While a followed action's live view is open, the selection (which keeps this bar, and the view, on screen)
  // stays until the view is closed.
  const runner = useActionRunner(nameOf, (a, items, following) => {
    list.rows.refresh();
    if (items.length > 1 || items.some((i) => !i.ok)) setResults({ title: a.label, items });
    else if (!following) clear();
  }, clear);

  const ok = results?.items.filter((i) => i.ok).length ?? 0;
  return (
    <div className="actionbar" role="toolbar">
      {fitting.length === 0 && <span className="muted">{m.noCommonAction}</span>}
      {fitting.map((a) => <button key={a.id} type="button" className={a.danger ? 'danger' : ''} disabled={runner.busy} onClick={() => runner.start(a, rows)}>{a.label}</button>)}
      {runner.dialog}
      <ResultsDialog results={results} onClose={() => { setResults(null); clear(); }}
        summary={<p>{fmt(m.resultSummary, { ok, total: results?.items.length ?? 0 })}</p>} />
    </div>
  );
}
