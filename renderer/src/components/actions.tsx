// Declarative actions: what a command is called, when it applies to a row, whether it works on many rows.
// A button shows only when the role's listApis allows the command and the selection fits.
import { useState, type ReactNode } from 'react';
import { useCloud } from '../app/client-context';
import { useAction } from '../api/hooks';
import type { Params } from '../api/cloud-client';
import { Dialog } from './Dialog';

export interface Action<T> {
  id: string;
  command: string;
  label: string;
  when?(row: T): boolean;
  bulk?: boolean;
  danger?: boolean;
  params(row: T): Params;
  /** Text of the job for the jobs panel. */
  describe(row: T): string;
}

export interface ItemResult { name: string; ok: boolean; text: string }

export function ActionBar<T>({ actions, rows, nameOf, onDone }: { actions: Action<T>[]; rows: T[]; nameOf(row: T): string; onDone?(): void }) {
  const { apis } = useCloud();
  const run = useAction();
  const [results, setResults] = useState<{ title: string; items: ItemResult[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const visible = actions.filter((a) => apis?.has(a.command) && rows.length > 0 && (rows.length === 1 || a.bulk) && rows.every((r) => a.when?.(r) ?? true));

  const go = async (a: Action<T>) => {
    if (a.danger && !confirm(`${a.label}: ${rows.map(nameOf).join(', ')}?`)) return;
    setBusy(true);
    const items = await Promise.all(rows.map(async (r): Promise<ItemResult> => {
      try {
        await run(a.command, a.params(r), a.describe(r));
        return { name: nameOf(r), ok: true, text: 'done' };
      } catch (e) {
        return { name: nameOf(r), ok: false, text: e instanceof Error ? e.message : String(e) };
      }
    }));
    setBusy(false);
    if (rows.length > 1 || items.some((i) => !i.ok)) setResults({ title: a.label, items });
    onDone?.();
  };

  return (
    <div className="actionbar" role="toolbar">
      {visible.map((a) => (
        <button key={a.id} className={a.danger ? 'danger' : ''} disabled={busy} onClick={() => go(a)}>{a.label}</button>
      ))}
      <Dialog open={!!results} title={results?.title ?? ''} onClose={() => setResults(null)}>
        <ul className="results">
          {results?.items.map((i, k) => (
            <li key={k} className={i.ok ? 'ok' : 'bad'}><strong>{i.name}</strong>: {i.text}</li>
          ))}
        </ul>
      </Dialog>
    </div>
  );
}

export function Toolbar({ children }: { children: ReactNode }) {
  return <div className="toolbar">{children}</div>;
}
