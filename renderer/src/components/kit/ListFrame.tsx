// The frame every list view in these areas shares: search, filters, refresh and count on one line; bulk actions
// for checked rows; the server-paged, virtualized table; and the opened row's detail, shown in the list's place.
import { createContext, useContext, type ReactNode } from 'react';
import { DataTable, type Column } from '../DataTable';
import { fmt } from '../../i18n/messages';
import type { PagedList } from './paged-list';
import { useKitMessages } from './messages';
import { ColumnChooser, CsvExport, useColumnChoice } from './ListTools';
import { UnreachableNotice } from '../../app/ConnectionStatus';
import { useConnection } from '../../api/connection-state';
import { DetailHeader } from './Detail';
import './kit.css';

/** The list an opened row came from, so its detail's back button can name it ("← Volumes"). */
const ListLabel = createContext<string | null>(null);

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
  /** Server-side order: the header clicked and the order it asks for (the list command must support sortby). */
  sort?: { key: string; dir: 'asc' | 'desc' };
  onSort?(key: string): void;
  /** Replaces "N items" (e.g. "N instances match"). */
  countText?: string;
  /** The accessible name of the checked rows' action bar (default "N selected"). */
  selectionLabel?: string;
  selectAllLabel?: string;
}

export function ListFrame<T>(p: ListFrameProps<T>) {
  const m = useKitMessages();
  const { rows } = p.list;
  const count = rows.count ?? 0;
  const reachable = useConnection((c) => c.reachable);
  const choice = useColumnChoice(p.list.source.command, p.columns);
  return (
    <>
      {p.detail && <ListLabel.Provider value={p.label}>{p.detail}</ListLabel.Provider>}
      <div className="kit-list" role="region" aria-label={p.label} hidden={!!p.detail}>
        <div className="kit-toolbar">
          {/* What narrows the list on the left (wrapping as the window narrows); what acts on it stays together on the right. */}
          <div className="kit-filters">
            {p.keyword && (
              <input type="search" className="kit-search" aria-label={m.search} placeholder={m.searchHint}
                value={p.keyword.value} onChange={(e) => p.keyword!.onChange(e.target.value)} />
            )}
            {p.filters}
          </div>
          <div className="kit-tools">
            <span className="muted kit-count" role="status">{rows.count === null ? m.loading : (p.countText ?? fmt(m.count, { n: count }))}</span>
            <button type="button" onClick={p.list.refresh}>{m.refresh}</button>
            <ColumnChooser columns={p.columns} hidden={choice.hidden} toggle={choice.toggle} />
            <CsvExport name={p.label} command={p.list.source.command} params={p.list.source.params} columns={choice.visible} />
            {p.actions}
          </div>
        </div>
        {p.bulk && p.list.selected.size > 0 && (
          <div className="kit-bulk" role="region" aria-label={p.selectionLabel ?? fmt(m.selected, { n: p.list.selected.size })}>
            <strong>{fmt(m.selected, { n: p.list.selected.size })}</strong>
            {p.bulk()}
            <button type="button" className="ghost" onClick={() => p.list.setSelected(new Set())}>{m.clearSelection}</button>
          </div>
        )}
        <UnreachableNotice />
        {rows.error && reachable && <div role="alert" className="error">{fmt(m.failedLoad, { text: rows.error })}</div>}
        <DataTable<T>
          key={JSON.stringify(p.list.source.params)}
          label={p.label}
          columns={choice.visible}
          selectAllLabel={p.selectAllLabel ?? m.selectAll}
          rowCount={count}
          row={p.list.row}
          rowId={p.list.rowId}
          onRange={rows.ensure}
          onOpen={p.onOpen}
          selected={p.bulk ? p.list.selected : undefined}
          onSelectedChange={p.bulk ? p.list.setSelected : undefined}
          rowHeight={p.rowHeight}
          sort={p.sort}
          onSort={p.onSort}
          empty={rows.loading ? m.loading : rows.error || !reachable ? '—' : (p.empty ?? m.noRows)}
        />
      </div>
    </>
  );
}

/**
 * One opened row of an area's list, in the detail pattern (Detail.tsx): it takes the list's place (the list stays
 * mounted, hidden, so going back keeps its scroll and loaded pages), with a back button, the name and state badges,
 * the actions, then its key/value panels.
 */
export function DetailPane({ title, states, onClose, children, actions }: { title: string; states?: (string | undefined)[]; onClose(): void; children: ReactNode; actions?: ReactNode }) {
  const m = useKitMessages();
  const listLabel = useContext(ListLabel);
  return (
    <section className="kit-detail" aria-label={title}>
      <DetailHeader level={2} name={title} states={states} actions={actions}
        back={<button type="button" className="ghost kit-back" onClick={onClose}>← {listLabel ?? m.backToList}</button>} />
      <div className="kit-detail-body card">{children}</div>
    </section>
  );
}
