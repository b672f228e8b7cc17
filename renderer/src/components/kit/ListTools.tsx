// The list toolbar's column chooser and CSV export, shared by every list (kit ListFrame and the instances table).
import { useState } from 'react';
import type { Column } from '../DataTable';
import type { Params } from '../../api/cloud-client';
import { useCloud } from '../../app/client-context';
import { fmt } from '../../i18n/messages';
import { useKitMessages } from './messages';
import { download, fetchAll, toCsv } from './csv';
import { errorText } from './typed';

const storageKey = (listId: string) => `strata.columns.${listId}`;

function savedHidden(listId: string): string[] {
  try { return JSON.parse(localStorage.getItem(storageKey(listId)) ?? '[]'); } catch { return []; }
}

/** Which columns show (remembered per list); the first column (the name) always does. */
export function useColumnChoice<T>(listId: string, columns: Column<T>[]) {
  const [hidden, setHidden] = useState<string[]>(() => savedHidden(listId));
  const toggle = (key: string) => {
    const next = hidden.includes(key) ? hidden.filter((k) => k !== key) : [...hidden, key];
    setHidden(next);
    localStorage.setItem(storageKey(listId), JSON.stringify(next));
  };
  const visible = columns.filter((c, i) => i === 0 || !hidden.includes(c.key));
  return { visible, hidden, toggle };
}

export function ColumnChooser<T>({ columns, hidden, toggle }: { columns: Column<T>[]; hidden: string[]; toggle(key: string): void }) {
  const m = useKitMessages();
  return (
    <details className="kit-menu">
      <summary>{m.columns}</summary>
      <div className="kit-menu-body" role="group" aria-label={m.columns}>
        {columns.map((c, i) => (
          <label key={c.key}>
            <input type="checkbox" disabled={i === 0} checked={i === 0 || !hidden.includes(c.key)} onChange={() => toggle(c.key)} />
            {typeof c.header === 'string' ? c.header : c.key}
          </label>
        ))}
      </div>
    </details>
  );
}

/** Downloads every row of the current filter (not only the loaded pages) with the visible columns. */
export function CsvExport<T>({ name, command, params, columns }: { name: string; command: string; params: Params; columns: Column<T>[] }) {
  const m = useKitMessages();
  const { client } = useCloud();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState('');
  const run = async () => {
    setError('');
    setProgress(0);
    try {
      const rows = await fetchAll<T>(client, command, params, setProgress);
      download(`${name}.csv`, toCsv(columns, rows));
    } catch (e) {
      setError(fmt(m.exportFailed, { text: errorText(e) }));
    }
    setProgress(null);
  };
  return (
    <>
      <button type="button" onClick={run} disabled={progress !== null}>{progress !== null ? fmt(m.exporting, { n: progress }) : m.exportCsv}</button>
      {error && <span role="alert" className="error">{error}</span>}
    </>
  );
}
