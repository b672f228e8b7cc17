// Every infrastructure tab (zones, pods, clusters, hosts, primary and secondary storage) on the shared list kit
// (ListFrame: search, filters, count, column chooser, CSV export, select-all, bulk actions, the scrolling table).
// What stays here: the filters live in the route query, so a filtered list can be linked and drilled into.
import { useCallback, useEffect, useEffectEvent, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ListCommand, ListCommandFor } from '../../api/list-types';
import { useCloud } from '../../app/client-context';
import type { Action } from '../../components/actions';
import type { Column } from '../../components/DataTable';
import { ListFrame } from '../../components/kit/ListFrame';
import { BulkActions } from '../../components/kit/BulkActions';
import { usePagedList, type PagedList } from '../../components/kit/paged-list';
import { useAllowed } from '../../components/kit/allowed';
import { useRoute } from '../../state/route-store';
import { fmt } from '../../i18n/messages';
import type { Params } from '../../api/cloud-client';
import { useInfraMessages } from './messages';
import { orderAfterClick } from '../../components/kit/sort-order';

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
  /** Column sort keys the command orders by on the server (sortby/sortorder); other headers do not sort. */
  sortKeys?: string[];
}

// Every infrastructure object has an id; the union of all list items does not say so.
const rowId = (r: unknown) => (r as { id: string }).id;

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
  const sortKey = query.sortby && p.sortKeys?.includes(query.sortby) ? query.sortby : undefined;
  const sortorder = query.sortorder === 'desc' ? 'desc' as const : 'asc' as const;
  const listParams = useMemo(() => (sortKey ? { ...params, sortby: sortKey, sortorder } : params), [params, sortKey, sortorder]);
  // The command answers T items (ListCommandFor<T>); the compiler cannot follow that through the generic.
  const list = usePagedList(p.command as ListCommand, listParams, rowId) as unknown as PagedList<T>;
  useRefreshOnInvalidate(p.command, list.rows.refresh);
  const filtered = Object.keys(params).some((k) => !(p.baseParams && k in p.baseParams));
  const anyAction = useAllowed(p.actions);
  const count = list.rows.count;
  const clear = () => { setKeyword(''); setQuery(Object.fromEntries([...filterKeys, 'keyword'].map((k) => [k, '']))); };

  return (
    <ListFrame<T> label={p.label} list={list} columns={p.columns}
      keyword={{ value: keyword, onChange: setKeyword }}
      filters={p.filters} actions={p.toolbar}
      countText={count === null ? undefined : fmt(filtered ? m.countFiltered : m.count, { count: count.toLocaleString() })}
      bulk={anyAction ? () => <BulkActions actions={p.actions} list={list} nameOf={p.nameOf} /> : undefined}
      onOpen={p.onOpen}
      sort={sortKey ? { key: sortKey, dir: sortorder } : undefined}
      onSort={p.sortKeys ? (key) => setQuery({ sortby: '', sortorder: '', ...orderAfterClick({ sortby: sortKey, sortorder }, key) }) : undefined}
      empty={filtered ? <span>{m.noMatches} <button type="button" className="ghost" onClick={clear}>{m.clearFilters}</button></span> : m.noneYet} />
  );
}
