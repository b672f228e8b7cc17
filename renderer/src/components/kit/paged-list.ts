// One list view's state: the server-paged rows for the current filters, a debounced keyword, the checked rows
// (kept as objects so bulk actions can name them) and a refresh that also clears the selection.
import { useCallback, useEffect, useEffectEvent, useMemo, useState } from 'react';
import { useRowSelection } from './row-selection';
import { usePagedRows, type PagedRows } from '../../api/paged-rows';
import type { Params } from '../../api/cloud-client';
import type { ListCommand, ListItem } from '../../api/list-types';

export interface PagedList<T> {
  rows: PagedRows<T>;
  row(i: number): T | undefined;
  rowId(row: T): string;
  selected: Set<string>;
  setSelected(next: Set<string>): void;
  selectedRows: T[];
  refresh(): void;
  /** What the rows come from, for an export of the whole filter. */
  source: { command: string; params: Params };
}

/** Drops undefined/empty filters so the query key (and the request) only carries what is set. */
export function cleanParams(p: Params): Params {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** `pageSize`: rows a request (default 200); `everyMs`: reload what is on screen this often (lists of what others change: jobs, events). */
export function usePagedList<N extends ListCommand>(command: N, params: Params, rowId: (row: ListItem<N>) => string,
  { pageSize, everyMs }: { pageSize?: number; everyMs?: number } = {}): PagedList<ListItem<N>> {
  type T = ListItem<N>;
  const clean = useMemo(() => cleanParams(params), [params]);
  const rows = usePagedRows(command, clean, pageSize);
  const paramsKey = JSON.stringify(clean);
  const { row, selected, setSelected, selectedRows } = useRowSelection<T>(paramsKey, rows.row, rowId);
  const refresh = useCallback(() => { setSelected(new Set()); rows.refresh(); }, [rows, setSelected]);
  // The timer calls the latest refresh without restarting on every render.
  const reload = useEffectEvent(() => rows.refresh());
  useEffect(() => {
    if (!everyMs) return;
    const t = setInterval(() => reload(), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  const source = useMemo(() => ({ command, params: clean }), [command, clean]);
  return { rows, row, rowId, selected, setSelected, selectedRows, refresh, source };
}

/** A text value that settles 300 ms after the last keystroke, so typing does not fire a request per key. */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
