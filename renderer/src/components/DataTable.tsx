// A virtualized table: only the rows in view (plus a margin) are in the DOM, so 100,000 rows scroll as smoothly
// as 100. Rows come from a source that may still be loading (server paging); missing rows show a placeholder.
import { useEffect, useRef, useState, type ReactNode, type KeyboardEvent } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  width?: number | string;
  render(row: T): ReactNode;
  /** Server-side sort key, if the column can sort. */
  sortKey?: string;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rowCount: number;
  row(i: number): T | undefined;
  rowId(row: T): string;
  /** Called with the visible range so the source can fetch pages. */
  onRange?(start: number, end: number): void;
  onOpen?(row: T): void;
  selected?: Set<string>;
  onSelectedChange?(next: Set<string>): void;
  sort?: { key: string; dir: 'asc' | 'desc' };
  onSort?(key: string): void;
  rowHeight?: number;
  height?: number | string;
  empty?: ReactNode;
  label: string;
}

const OVERSCAN = 10;


/** Plain text in a span: a flex cell cannot ellipsize bare text, and the title shows what was cut off. */
function cellContent(v: ReactNode): ReactNode {
  return typeof v === 'string' || typeof v === 'number' ? <span title={String(v)}>{v}</span> : v;
}

export function DataTable<T>(p: DataTableProps<T>) {
  const rowHeight = p.rowHeight ?? 34;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [focus, setFocus] = useState(0);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    setViewport(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const start = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const end = Math.min(p.rowCount, Math.ceil((scrollTop + viewport) / rowHeight) + OVERSCAN);
  const { onRange } = p;
  useEffect(() => { if (end > start) onRange?.(start, end); }, [start, end, onRange]);

  const selectable = !!p.onSelectedChange;
  const toggle = (id: string) => {
    const next = new Set(p.selected);
    if (next.has(id)) next.delete(id); else next.add(id);
    p.onSelectedChange?.(next);
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(p.rowCount - 1, focus + (e.key === 'ArrowDown' ? 1 : -1)));
      setFocus(next);
      const el = scroller.current!;
      const top = next * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + el.clientHeight - rowHeight) el.scrollTop = top - el.clientHeight + 2 * rowHeight;
    } else if (e.key === 'Enter') {
      const r = p.row(focus);
      if (r) p.onOpen?.(r);
    } else if (e.key === ' ' && selectable) {
      e.preventDefault();
      const r = p.row(focus);
      if (r) toggle(p.rowId(r));
    }
  };

  const template = [selectable ? '36px' : null, ...p.columns.map((c) => (typeof c.width === 'number' ? `${c.width}px` : c.width ?? 'minmax(120px, 1fr)'))]
    .filter(Boolean).join(' ');
  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const r = p.row(i);
    const id = r ? p.rowId(r) : `loading-${i}`;
    rows.push(
      <div key={id} role="row" aria-rowindex={i + 2} className={`dt-row${i === focus ? ' focused' : ''}${r && p.selected?.has(id) ? ' selected' : ''}`}
        style={{ top: i * rowHeight, height: rowHeight, gridTemplateColumns: template }}
        onClick={() => { setFocus(i); if (r) p.onOpen?.(r); }}>
        {selectable && (
          <div role="gridcell" className="dt-cell" onClick={(e) => e.stopPropagation()}>
            <input type="checkbox" aria-label="select row" disabled={!r} checked={!!r && !!p.selected?.has(id)} onChange={() => r && toggle(id)} />
          </div>
        )}
        {p.columns.map((c) => <div role="gridcell" key={c.key} className="dt-cell">{r ? cellContent(c.render(r)) : <span className="dt-skeleton" />}</div>)}
      </div>,
    );
  }

  return (
    <div className="dt" role="grid" aria-label={p.label} aria-rowcount={p.rowCount + 1} tabIndex={0} onKeyDown={onKey}>
      <div className="dt-head" role="row" style={{ gridTemplateColumns: template }}>
        {selectable && <div className="dt-cell" role="columnheader" />}
        {p.columns.map((c) => (
          <div key={c.key} role="columnheader" className={`dt-cell${c.sortKey ? ' sortable' : ''}`}
            aria-sort={p.sort?.key === c.sortKey ? (p.sort?.dir === 'asc' ? 'ascending' : 'descending') : undefined}
            onClick={() => c.sortKey && p.onSort?.(c.sortKey)}>
            {c.header}{p.sort && c.sortKey === p.sort.key ? (p.sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
          </div>
        ))}
      </div>
      <div className="dt-body" ref={scroller} style={{ height: p.height ?? '100%' }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        {p.rowCount === 0 ? <div className="dt-empty">{p.empty ?? '—'}</div> : (
          <div style={{ height: p.rowCount * rowHeight, position: 'relative' }}>{rows}</div>
        )}
      </div>
    </div>
  );
}
