// One list frame for every infrastructure tab: server-side paging and filters (from the route query, so a
// filtered list can be linked and drilled into), keyword search, refresh, multi-select with the declarative
// ActionBar, and explicit loading / empty / error states with CloudStack's error text.
import { useCallback, useEffect, useEffectEvent, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { usePagedRows, type PagedRows } from '../../api/paged-rows';
import type { ListCommandFor } from '../../api/list-types';
import { useCloud } from '../../app/client-context';
import { ActionBar, type Action } from '../../components/actions';
import { DataTable, type Column } from '../../components/DataTable';
import { useRoute } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import type { Params } from '../../api/cloud-client';
import { useInfraMessages } from './messages';
import { Inline } from './Inline';
import { useRowSelection } from '../../components/kit/row-selection';

const idOf = (r: { id: string }) => r.id;

/** The current tab's route query, and a setter that drops empty values. */
export function useListQuery(): [Record<string, string>, (patch: Record<string, string>) => void] {
  const path = useRoute((s) => s.path);
  const query = useRoute((s) => s.query);
  const navigate = useRoute((s) => s.navigate);
  const set = useCallback((patch: Record<string, string>) => {
    const next = Object.fromEntries(Object.entries({ ...query, ...patch }).filter(([, v]) => v));
    navigate(path, next);
  }, [path, query, navigate]);
  return [query, set];
}

/**
 * usePagedRows keeps its pages outside react-query's observers, so the invalidation that useAction does after
 * every action (including the add dialogs) would not reach it: listen for it and reload, once per burst.
 */
function useRefreshOnInvalidate(command: string, refresh: () => void) {
  const qc = useQueryClient();
  const { client } = useCloud();
  // The latest refresh, without resubscribing when the caller passes a new function.
  const reload = useEffectEvent(refresh);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = qc.getQueryCache().subscribe((e) => {
      const key = e.query.queryKey;
      if (e.type !== 'updated' || e.action.type !== 'invalidate' || key[0] !== client.connectionId || key[1] !== command) return;
      clearTimeout(timer);
      timer = setTimeout(() => reload(), 30);
    });
    return () => { off(); clearTimeout(timer); };
  }, [qc, client.connectionId, command]);
}

interface Props<T> {
  label: string;
  command: ListCommandFor<T>;
  /** Route query keys passed to the list command as filters. */
  filterKeys: string[];
  baseParams?: Params;
  columns: Column<T>[];
  actions: Action<T>[];
  nameOf(row: T): string;
  onOpen?(row: T): void;
  filters?: ReactNode;
  toolbar?: ReactNode;
}

export function InfraList<T extends { id: string }>(p: Props<T>) {
  const m = useInfraMessages();
  const [query, setQuery] = useListQuery();
  const [keyword, setKeyword] = useState(query.keyword ?? '');
  // Typing updates the route (and so the server query) after a pause, not on every key.
  useEffect(() => {
    const t = setTimeout(() => { if ((query.keyword ?? '') !== keyword.trim()) setQuery({ keyword: keyword.trim() }); }, 300);
    return () => clearTimeout(t);
  }, [keyword, query.keyword, setQuery]);

  const filterKeys = p.filterKeys;
  const params = useMemo(() => {
    const out: Params = { ...p.baseParams };
    for (const k of [...filterKeys, 'keyword']) if (query[k]) out[k] = query[k];
    return out;
  }, [query, filterKeys, p.baseParams]);
  const paramsKey = JSON.stringify(params);
  // The command answers T items (ListCommandFor<T>); the compiler cannot follow that through the generic.
  const rows = usePagedRows(p.command, params) as unknown as PagedRows<T>;
  useRefreshOnInvalidate(p.command, rows.refresh);
  const filtered = Object.keys(params).some((k) => !(p.baseParams && k in p.baseParams));

  const { row, selected, setSelected, selectedRows } = useRowSelection<T>(paramsKey, rows.row, idOf);

  const status = rows.error ? '' : rows.count === null ? m.loading
    : fmt(filtered ? m.countFiltered : m.count, { count: rows.count.toLocaleString() });

  return (
    <div className="infra-list">
      <div className="infra-filters">
        <Inline label={m.search}>
          {(id) => <input id={id} type="search" value={keyword} placeholder={m.searchPlaceholder} onChange={(e) => setKeyword(e.target.value)} />}
        </Inline>
        {p.filters}
        <span className="spacer" />
        <span role="status" className="muted">{status}</span>
        <button onClick={rows.refresh}>{m.refresh}</button>
        {p.toolbar}
      </div>
      <div className={`infra-selection${selected.size ? '' : ' empty'}`}>
        {selected.size > 0 && <strong>{fmt(m.selected, { count: selected.size })}</strong>}
        <ActionBar actions={p.actions} rows={selectedRows} nameOf={p.nameOf} onDone={() => { setSelected(new Set()); rows.refresh(); }} />
        {selected.size > 0 && <button className="ghost" onClick={() => setSelected(new Set())}>{m.clearSelection}</button>}
      </div>
      {rows.error && <div className="error" role="alert">{fmt(m.listFailed, { text: rows.error })}</div>}
      <DataTable<T> key={paramsKey} label={p.label} columns={p.columns} rowCount={rows.count ?? (rows.error ? 0 : 8)} row={row}
        rowId={(r) => r.id} onRange={rows.ensure} onOpen={p.onOpen} selected={selected} onSelectedChange={setSelected}
        empty={filtered
          ? <span>{m.noMatches} <button className="ghost" onClick={() => { setKeyword(''); setQuery(Object.fromEntries([...filterKeys, 'keyword'].map((k) => [k, '']))); }}>{m.clearFilters}</button></span>
          : m.noneYet} />
    </div>
  );
}
