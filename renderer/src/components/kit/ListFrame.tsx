// The frame every list view in these areas shares: search, filters, refresh and count on one line; bulk actions
// for checked rows; the server-paged, virtualized table; and an optional detail pane beside it.
import type { ReactNode } from 'react';
import { DataTable, type Column } from '../DataTable';
import { fmt } from '../../i18n/messages';
import type { PagedList } from './paged-list';
import { useKitMessages } from './messages';
import { ColumnChooser, CsvExport, useColumnChoice } from './ListTools';
import { UnreachableNotice } from '../../app/ConnectionStatus';
import { useConnection } from '../../api/connection-state';
import './kit.css';

export interface ListFrameProps<T> {
  label: string;
  list: PagedList<T>;
  columns: Column<T>[];
  keyword?: { value: string; onChange(v: string): void };
  filters?: ReactNode;
  /** Buttons that do not need a row (create, register...). */
  actions?: ReactNode;
  /** Actions for the checked rows; checkboxes appear only when given. */
  bulk?(): ReactNode;
  onOpen?(row: T): void;
  detail?: ReactNode;
  empty?: ReactNode;
  rowHeight?: number;
}

export function ListFrame<T>(p: ListFrameProps<T>) {
  const m = useKitMessages();
  const { rows } = p.list;
  const count = rows.count ?? 0;
  const reachable = useConnection((c) => c.reachable);
  const choice = useColumnChoice(p.list.source.command, p.columns);
  return (
    <div className="kit-list">
      <div className="kit-toolbar">
        {p.keyword && (
          <input type="search" className="kit-search" aria-label={m.search} placeholder={m.searchHint}
            value={p.keyword.value} onChange={(e) => p.keyword!.onChange(e.target.value)} />
        )}
        {p.filters}
        <button type="button" onClick={p.list.refresh}>{m.refresh}</button>
        <span className="muted kit-count" aria-live="polite">{rows.count === null ? m.loading : fmt(m.count, { n: count })}</span>
        <span className="kit-spacer" />
        {p.actions}
        <ColumnChooser columns={p.columns} hidden={choice.hidden} toggle={choice.toggle} />
        <CsvExport name={p.label} command={p.list.source.command} params={p.list.source.params} columns={choice.visible} />
      </div>
      {p.bulk && p.list.selected.size > 0 && (
        <div className="kit-bulk" role="region" aria-label={fmt(m.selected, { n: p.list.selected.size })}>
          <strong>{fmt(m.selected, { n: p.list.selected.size })}</strong>
          {p.bulk()}
          <button type="button" className="ghost" onClick={() => p.list.setSelected(new Set())}>{m.clearSelection}</button>
        </div>
      )}
      <UnreachableNotice />
      {rows.error && reachable && <div role="alert" className="error">{fmt(m.failedLoad, { text: rows.error })}</div>}
      <div className={`kit-split${p.detail ? ' with-detail' : ''}`}>
        <DataTable<T>
          label={p.label}
          columns={choice.visible}
          selectAllLabel={m.selectAll}
          rowCount={count}
          row={p.list.row}
          rowId={p.list.rowId}
          onRange={rows.ensure}
          onOpen={p.onOpen}
          selected={p.bulk ? p.list.selected : undefined}
          onSelectedChange={p.bulk ? p.list.setSelected : undefined}
          rowHeight={p.rowHeight}
          empty={rows.loading ? m.loading : rows.error || !reachable ? '—' : (p.empty ?? m.noRows)}
        />
        {p.detail}
      </div>
    </div>
  );
}

/** The pane beside a list showing one opened row. */
export function DetailPane({ title, onClose, children, actions }: { title: ReactNode; onClose(): void; children: ReactNode; actions?: ReactNode }) {
  const m = useKitMessages();
  return (
    <aside className="kit-detail card" aria-label={typeof title === 'string' ? title : m.details}>
      <header className="kit-detail-head">
        <h2>{title}</h2>
        <button type="button" className="icon" aria-label={m.closeDetail} onClick={onClose}>✕</button>
      </header>
      {actions && <div className="kit-detail-actions">{actions}</div>}
      <div className="kit-detail-body">{children}</div>
    </aside>
  );
}
