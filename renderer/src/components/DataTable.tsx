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
  /** Plain text for CSV export, when render() gives markup. */
  csv?(row: T): string | number | undefined;
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
  /** Label of the header checkbox that checks every loaded row. */
  selectAllLabel?: string;
}

const OVERSCAN = 10;


/** The narrowest the columns may get: below it the table scrolls sideways (header and rows together). */
function minWidthOf(columns: { width?: number | string }[], selectable: boolean): number {
  let w = selectable ? 36 : 0;
  for (const c of columns) {
    if (typeof c.width === 'number') w += c.width;
    else w += Number(/^minmax\((\d+)px/.exec(c.width ?? '')?.[1] ?? 120);
  }
  return w;
}

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

  // Every loaded row (a 100,000-row list loads only the pages seen); checked state of the header box follows them.
  const loadedIds: string[] = [];
  if (selectable) for (let i = 0; i < p.rowCount; i++) { const r = p.row(i); if (r) loadedIds.push(p.rowId(r)); }
  const allChecked = loadedIds.length > 0 && loadedIds.every((id) => p.selected?.has(id));
  const someChecked = !allChecked && loadedIds.some((id) => p.selected?.has(id));
  const toggleAll = () => p.onSelectedChange?.(allChecked ? new Set() : new Set([...(p.selected ?? []), ...loadedIds]));
  const minWidth = minWidthOf(p.columns, selectable);

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

  // One scroller holds the sticky header and the rows, so a sideways scroll moves both and the header never
  // sits over the wrong column.
  return (
    <div className="dt" role="grid" aria-label={p.label} aria-rowcount={p.rowCount + 1} tabIndex={0} onKeyDown={onKey}>
      <div className="dt-body" ref={scroller} style={{ height: p.height ?? '100%' }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div className="dt-head" role="row" style={{ gridTemplateColumns: template, minWidth }}>
          {selectable && (
            <div className="dt-cell" role="columnheader">
              <input type="checkbox" aria-label={p.selectAllLabel ?? 'select all'} disabled={loadedIds.length === 0} checked={allChecked}
                ref={(el) => { if (el) el.indeterminate = someChecked; }} onChange={toggleAll} />
            </div>
          )}
          {p.columns.map((c) => {
            const sorted = !!p.sort && c.sortKey === p.sort.key;
            return (
              <div key={c.key} role="columnheader" className="dt-cell" aria-sort={sorted ? (p.sort!.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.sortKey && p.onSort ? (
                  <button type="button" className="dt-sort" onClick={() => p.onSort!(c.sortKey!)}>
                    {c.header}<span aria-hidden className="dt-sort-mark">{sorted ? (p.sort!.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
                  </button>
                ) : c.header}
              </div>
            );
          })}
        </div>
        {p.rowCount === 0 ? <div className="dt-empty">{p.empty ?? '—'}</div> : (
          <div style={{ height: p.rowCount * rowHeight, position: 'relative', minWidth }}>{rows}</div>
        )}
      </div>
    </div>
  );
}
