// The checked rows of a server-paged table. The selection survives scrolling (rows leave the DOM) but not a change
// of filters, and keeps the selected rows as objects so bulk actions can name them. The rows are taken when the
// selection changes (an event), never read from a ref while rendering, so renders stay pure. They are the rows as
// they were when picked: an action offered for a row whose state changed since is refused by the server for that
// item, and the bulk results name it.
import { useCallback, useRef, useState } from 'react';

export interface RowSelection<T> {
  /** The row at an index (wraps the list's own), remembering it so a later selection can name it. */
  row(i: number): T | undefined;
  selected: Set<string>;
  setSelected(next: Set<string>): void;
  selectedRows: T[];
}

interface Picked<T> { key: string; ids: Set<string>; rows: T[] }

/** `resetKey` names the filters: a new key clears the selection. */
export function useRowSelection<T>(resetKey: string, rowAt: (i: number) => T | undefined, rowId: (row: T) => string): RowSelection<T> {
  const seen = useRef({ key: resetKey, rows: new Map<string, T>() });
  const [picked, setPicked] = useState<Picked<T>>(() => ({ key: resetKey, ids: new Set(), rows: [] }));
  // New filters: drop the selection while rendering (React's pattern for state that follows a prop), so bulk actions
  // never see rows of the old filters, not even for one frame.
  if (picked.key !== resetKey) setPicked({ key: resetKey, ids: new Set(), rows: [] });

  const row = useCallback((i: number) => {
    const r = rowAt(i);
    if (seen.current.key !== resetKey) seen.current = { key: resetKey, rows: new Map() };
    if (r) seen.current.rows.set(rowId(r), r);
    return r;
  }, [rowAt, rowId, resetKey]);

  const setSelected = useCallback((ids: Set<string>) => {
    const rows = [...ids].map((id) => seen.current.rows.get(id)).filter((r): r is T => r !== undefined);
    setPicked({ key: resetKey, ids, rows });
  }, [resetKey]);

  return { row, selected: picked.ids, setSelected, selectedRows: picked.rows };
}
